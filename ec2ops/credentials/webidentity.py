"""A web identity (CI with OIDC, EKS IRSA, GitLab): the token in a file, exchanged for a role's keys
by STS AssumeRoleWithWebIdentity (unsigned: the token is the proof). AWS_WEB_IDENTITY_TOKEN_FILE,
AWS_ROLE_ARN, AWS_ROLE_SESSION_NAME, each before the profile's web_identity_token_file, role_arn and
role_session_name, as in botocore (not under an explicit --profile, which leaves the environment out).
The role's keys are kept in the AWS CLI's cache (credentials/cache.py) as the AWS CLI keeps them: a
run within their life reads no token and asks STS nothing."""

from __future__ import annotations

import os
import time

from ec2ops.credentials import sts
from ec2ops.client.keys import Credentials
from ec2ops.errors import InputError

VARIABLES = {"web_identity_token_file": "AWS_WEB_IDENTITY_TOKEN_FILE", "role_arn": "AWS_ROLE_ARN",
             "role_session_name": "AWS_ROLE_SESSION_NAME"}


class WebIdentity:
    def __init__(self, profile: str, settings: dict[str, str], with_variables: bool, network: dict | None = None):
        self.profile, self.settings, self.with_variables, self.network = profile, settings, with_variables, network

    name = "a web identity"

    def _setting(self, key: str) -> tuple[str | None, str]:
        """(the value, where it came from)."""
        value = os.environ.get(VARIABLES[key]) if self.with_variables else None
        if value:
            return value.strip(), VARIABLES[key]
        return self.settings.get(key) or None, f"{key} of the profile '{self.profile}'"

    def load(self) -> Credentials | None:
        token_file, where = self._setting("web_identity_token_file")
        if not token_file:
            return None
        arn, _ = self._setting("role_arn")
        if not arn:
            raise InputError(f"A web identity token file is given ({where}) without a role to assume "
                             "(AWS_ROLE_ARN or role_arn).")
        name, _ = self._setting("role_session_name")
        args = {"RoleArn": arn, **({"RoleSessionName": name} if name else {})}  # botocore's, and so its cache key

        def assume() -> Credentials:
            from ec2ops import files

            token = (files.read_small(os.path.expanduser(token_file), "web identity token file") or "").strip()
            if not token:
                raise InputError(f"The web identity token file {token_file} ({where}) is missing or empty.")
            params = {"RoleArn": arn, "RoleSessionName": name or f"ec2ops-session-{int(time.time())}",
                      "WebIdentityToken": token}
            return sts.call("AssumeRoleWithWebIdentity", params, None, f"The web identity ({where}) could not "
                            f"assume the role {arn}", sts.region(self.settings.get("region")), self.network)

        from ec2ops.credentials import cache

        return cache.through(args, assume)

"""The keys a profile names, as the chain asks for them: a role's when it has role_arn (role.py),
else its own (profile.own_keys: a web identity, SSO, its files' keys, credential_process)."""

from __future__ import annotations

from ec2ops.client.keys import Credentials
from ec2ops.credentials.profile import Files, own_keys, profile_name
from ec2ops.errors import InputError


class Profile:
    """A profile's keys (`profile`, else AWS_DEFAULT_PROFILE / AWS_PROFILE, else default); after a load,
    `region` is its region (None when it has none). A profile named but found in neither file is bad input."""

    def __init__(self, profile: str | None, network: dict | None = None):
        self.profile, self.network = profile, network or {}
        self.region: str | None = None

    @property
    def name(self) -> str:
        return f"the profile '{profile_name(self.profile)}'"

    def load(self) -> Credentials | None:
        name = profile_name(self.profile)
        aws = Files()
        if name != "default" and not aws.exists(name):
            raise InputError(f"The profile '{name}' was not found in ~/.aws/credentials or ~/.aws/config.")
        settings = aws.settings(name)
        self.region = settings.get("region") or None
        if settings.get("role_arn") and not settings.get("web_identity_token_file"):  # before its own keys
            from ec2ops.credentials.role import AssumeRole  # here: loaded only for a role

            return AssumeRole(name, aws, network=self.network).load()
        return own_keys(name, aws, with_variables=self.profile is None, network=self.network)

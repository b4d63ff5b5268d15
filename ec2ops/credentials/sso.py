"""IAM Identity Center (SSO): a profile's sso_account_id and sso_role_name, its sso_session's (or the
legacy profile's own) sso_start_url and sso_region; the token `aws sso login` left in
~/.aws/sso/cache (named by the SHA-1 of the session's name, or of the start URL); the role's keys
from the portal's GetRoleCredentials (AWS_ENDPOINT_URL_SSO, else portal.sso.REGION.amazonaws.com).
ec2ops never logs in itself: an expired or missing token says to run `aws sso login`."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from urllib.parse import urlencode

from ec2ops.client.keys import Credentials, Piece, of_pieces
from ec2ops.errors import EndpointError, InputError

NEEDED = ("sso_start_url", "sso_region", "sso_account_id", "sso_role_name")


def load(profile: str, settings: dict[str, str], session: dict[str, str] | None) -> Credentials:
    config = dict(settings)
    name = settings.get("sso_session")
    if name:
        if session is None:
            raise InputError(f"The profile '{profile}' names sso_session '{name}', which is not a [sso-session "
                             f"{name}] section of ~/.aws/config.")
        config.update(session)
    missing = [key for key in NEEDED if not config.get(key)]
    if missing:
        raise InputError(f"The profile '{profile}' is set up for SSO without {', '.join(missing)}.")
    login = f"run aws sso login --profile {profile}"
    token = _token(name or config["sso_start_url"], profile, login)
    region = config["sso_region"]
    base = (os.environ.get("AWS_ENDPOINT_URL_SSO") or f"https://portal.sso.{region}.amazonaws.com").rstrip("/")
    url = f"{base}/federation/credentials?" + urlencode({"role_name": config["sso_role_name"],
                                                         "account_id": config["sso_account_id"]})
    from ec2ops.credentials import metadata

    where = f"The SSO portal {base}"
    try:
        status, body = metadata.fetch("GET", url, {"x-amz-sso_bearer_token": token}, 10.0, 2)
    except metadata.Unreachable as exc:
        raise EndpointError(f"{where} could not be reached for the profile '{profile}': {exc}.") from None
    if status in (401, 403):
        raise InputError(f"The SSO session of the profile '{profile}' has expired or is not valid: {login}.")
    if status != 200:
        raise EndpointError(f"{where} answered HTTP {status} for the profile '{profile}'.")
    try:
        found = json.loads(body)["roleCredentials"]
        origin = f"the SSO role of the profile '{profile}'"
        pieces = {"aws_access_key_id": Piece(found["accessKeyId"], origin),
                  "aws_secret_access_key": Piece(found["secretAccessKey"], origin),
                  "aws_session_token": Piece(found["sessionToken"], origin)}
        expiry = dt.datetime.fromtimestamp(int(found["expiration"]) / 1000, dt.timezone.utc)
    except (ValueError, KeyError, TypeError):
        raise EndpointError(f"{where} answered without the role's keys for the profile '{profile}'.") from None
    return of_pieces(pieces, expiry)


def _token(name: str, profile: str, login: str) -> str:
    """The access token of `aws sso login`, still valid; else bad input saying to log in again."""
    path = Path.home() / ".aws" / "sso" / "cache" / (hashlib.sha1(name.encode("utf-8")).hexdigest() + ".json")
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
        token, expires = cached["accessToken"], cached["expiresAt"]
        when = dt.datetime.fromisoformat(expires.replace("Z", "+00:00").replace("UTC", "+00:00"))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise InputError(f"The profile '{profile}' has no SSO token in ~/.aws/sso/cache: {login}.") from None
    if when.utcoffset() is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    if when <= dt.datetime.now(dt.timezone.utc):
        raise InputError(f"The SSO session of the profile '{profile}' has expired: {login}.")
    return token

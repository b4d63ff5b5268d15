"""Where the keys come from: flags, then the environment, then a profile in ~/.aws (as the AWS CLI)."""

from __future__ import annotations

import configparser
import os
from pathlib import Path

from ec2ops.errors import InputError


def _aws_file(env: str, default: str) -> Path:
    return Path(os.environ.get(env) or Path.home() / ".aws" / default).expanduser()


def read_profile(profile: str | None) -> tuple[dict[str, str], str | None]:
    """(the profile's credentials section, its region) from ~/.aws/credentials and ~/.aws/config."""
    name = profile or os.environ.get("AWS_PROFILE") or "default"
    creds: dict[str, str] = {}
    region = None
    credentials_file = configparser.RawConfigParser()
    credentials_file.read(_aws_file("AWS_SHARED_CREDENTIALS_FILE", "credentials"))
    if credentials_file.has_section(name):
        creds = dict(credentials_file.items(name))
    config_file = configparser.RawConfigParser()
    config_file.read(_aws_file("AWS_CONFIG_FILE", "config"))
    section = name if name == "default" else f"profile {name}"
    if config_file.has_section(section):
        region = config_file.get(section, "region", fallback=None)
        for key in ("aws_access_key_id", "aws_secret_access_key", "aws_session_token"):
            if key not in creds and config_file.has_option(section, key):
                creds[key] = config_file.get(section, key)
    if profile and not creds and region is None:
        raise InputError(f"The profile '{profile}' was not found in ~/.aws/credentials or ~/.aws/config.")
    return creds, region


def of_profile(profile: str):
    """A profile's own keys, from the files alone (for --profiles: the environment's keys are another
    account's); a profile without them is bad input."""
    from ec2ops.client.signing import Credentials

    stored, _ = read_profile(profile)
    if not (stored.get("aws_access_key_id") and stored.get("aws_secret_access_key")):
        raise InputError(f"The profile '{profile}' has no aws_access_key_id and aws_secret_access_key "
                         "in ~/.aws/credentials or ~/.aws/config.")
    return Credentials(stored["aws_access_key_id"], stored["aws_secret_access_key"],
                       stored.get("aws_session_token") or None)


def resolve(access_key_id: str | None, access_key: str | None, session_token: str | None, profile: str | None):
    """Returns signing.Credentials; flags beat the environment, the environment beats the profile."""
    from ec2ops.client.signing import Credentials

    if access_key == "-":
        from ec2ops.stdin import secret_line

        access_key = secret_line("secret access key", "--access-key -")
    env_id = os.environ.get("AWS_ACCESS_KEY_ID")
    env_secret = os.environ.get("AWS_SECRET_ACCESS_KEY")
    key_id = access_key_id or env_id
    secret = access_key or env_secret
    token = session_token or os.environ.get("AWS_SESSION_TOKEN")
    if not (key_id and secret):
        stored, _ = read_profile(profile)
        key_id = key_id or stored.get("aws_access_key_id")
        secret = secret or stored.get("aws_secret_access_key")
        token = token or stored.get("aws_session_token")
    missing = [
        what
        for what, value in (
            ("accessKeyId (--access-key-id, AWS_ACCESS_KEY_ID or a profile)", key_id),
            ("accessKey (--access-key, AWS_SECRET_ACCESS_KEY or a profile)", secret),
        )
        if not value
    ]
    if missing:
        raise InputError("Missing credentials: " + " and ".join(missing) + ".")
    return Credentials(key_id, secret, token or None)

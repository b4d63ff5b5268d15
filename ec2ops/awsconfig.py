"""A profile's settings in ~/.aws/config beyond its keys: its endpoints (endpoint_url, a [services]
section), FIPS and dual-stack, retries (max_attempts, retry_mode) and its CA bundle; each with the
environment variable that the AWS CLI lets beat it. Read only when a command needs one of them and
no flag gives it."""

from __future__ import annotations

import os

from ec2ops.errors import InputError

TRUE = ("true",)


def section(profile: str | None, kind: str = "profile") -> dict[str, str]:
    """A section of ~/.aws/config: a profile's ([default] or [profile NAME]), or [services NAME]."""
    from ec2ops import files

    path = files.aws_file("AWS_CONFIG_FILE", "config")
    if not path.exists():
        return {}
    from ec2ops.credentials.profile import parsed, profile_name

    config = parsed(path, "AWS config file")
    name = profile_name(profile) if kind == "profile" else profile
    header = name if (kind == "profile" and name == "default") else f"{kind} {name}"
    return {key: value.strip() for key, value in config.items(header)} if config.has_section(header) else {}


def setting(profile: str | None, key: str, env: str | None = None) -> str | None:
    """The environment's value (`env`), else the profile's `key`; None when neither gives one."""
    value = os.environ.get(env) if env else None
    if value:
        return value.strip()
    return section(profile).get(key) or None


def flag(profile: str | None, key: str, env: str) -> bool:
    return (setting(profile, key, env) or "").lower() in TRUE


def endpoint_url(profile: str | None, service: str = "ec2") -> str | None:
    """The endpoint the AWS CLI's configuration gives a service, in its order: AWS_ENDPOINT_URL_<SERVICE>,
    AWS_ENDPOINT_URL, the profile's [services] section, the profile's endpoint_url. None when
    AWS_IGNORE_CONFIGURED_ENDPOINT_URLS or the profile's ignore_configured_endpoint_urls is true."""
    if (os.environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") or "").lower() in TRUE:
        return None
    for env in (f"AWS_ENDPOINT_URL_{service.upper()}", "AWS_ENDPOINT_URL"):
        if os.environ.get(env):
            return os.environ[env].strip()
    own = section(profile)
    if own.get("ignore_configured_endpoint_urls", "").lower() in TRUE:
        return None
    if own.get("services"):
        nested = _nested(section(own["services"], "services").get(service, ""))
        if nested.get("endpoint_url"):
            return nested["endpoint_url"]
    return own.get("endpoint_url") or None


def _nested(text: str) -> dict[str, str]:
    """A [services] entry's indented lines (`ec2 =` then `  endpoint_url = URL`) as key -> value."""
    pairs = (line.split("=", 1) for line in text.splitlines() if "=" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def max_attempts(profile: str | None) -> int:
    """AWS_MAX_ATTEMPTS, else the profile's max_attempts (the AWS CLI's), else 5."""
    text = setting(profile, "max_attempts", "AWS_MAX_ATTEMPTS")
    if text is None:
        return 5
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= 20):
        raise InputError(f"max_attempts (AWS_MAX_ATTEMPTS or the profile's) must be from 1 to 20, not '{text}'.")
    return int(text)


def retry_mode(profile: str | None) -> str:
    """AWS_RETRY_MODE, else the profile's retry_mode: standard (legacy is taken as it), or adaptive."""
    mode = (setting(profile, "retry_mode", "AWS_RETRY_MODE") or "standard").lower()
    if mode not in ("legacy", "standard", "adaptive"):
        raise InputError(f"retry_mode (AWS_RETRY_MODE or the profile's) must be legacy, standard or adaptive, "
                         f"not '{mode}'.")
    return "adaptive" if mode == "adaptive" else "standard"

"""Where the keys come from: flags, then the environment, then a profile in ~/.aws (as the AWS CLI)."""

from __future__ import annotations

import configparser
import os
import re
from pathlib import Path

from ec2ops import files
from ec2ops.errors import InputError


def _aws_file(env: str, default: str) -> Path:
    return Path(os.environ.get(env) or Path.home() / ".aws" / default).expanduser()


def parsed(path: Path, what: str) -> configparser.RawConfigParser:
    """An INI file of ~/.aws, read with a bound; a malformed one is bad input named by its file and
    line number, never by the line's text (configparser quotes it, and it may be a secret)."""
    parser = configparser.RawConfigParser(strict=True)
    text = files.read_small(str(path), what)
    if text is None:
        return parser
    try:
        parser.read_string(text, source=str(path))
    except configparser.Error as exc:
        line = getattr(exc, "lineno", None) or next((n for n, _ in getattr(exc, "errors", ())), None)
        kind = {"DuplicateSectionError": "a section given twice", "DuplicateOptionError": "a key given twice in its "
                "section", "MissingSectionHeaderError": "a line before the first [section]"}.get(
            type(exc).__name__, "a line that is not a [section] or a key = value")
        raise InputError(f"The {what} {path} is malformed: {kind}" + (f" (line {line})." if line else ".")) from None
    return parser


def read_profile(profile: str | None) -> tuple[dict[str, str], str | None]:
    """(the profile's credentials section, its region) from ~/.aws/credentials and ~/.aws/config."""
    name = profile or os.environ.get("AWS_PROFILE") or "default"
    creds: dict[str, str] = {}
    region = None
    credentials_file = parsed(_aws_file("AWS_SHARED_CREDENTIALS_FILE", "credentials"), "credentials file")
    if credentials_file.has_section(name):
        creds = dict(credentials_file.items(name))
    config_file = parsed(_aws_file("AWS_CONFIG_FILE", "config"), "AWS config file")
    section = name if name == "default" else f"profile {name}"
    if config_file.has_section(section):
        region = config_file.get(section, "region", fallback=None)
        for key in ("aws_access_key_id", "aws_secret_access_key", "aws_session_token"):
            if key not in creds and config_file.has_option(section, key):
                creds[key] = config_file.get(section, key)
    if profile and not creds and region is None:
        raise InputError(f"The profile '{profile}' was not found in ~/.aws/credentials or ~/.aws/config.")
    return {key: value.strip() for key, value in creds.items()}, (region or "").strip() or None


def of_profile(profile: str):
    """A profile's own keys, from the files alone (for --profiles: the environment's keys are another
    account's), and its region (None when it has none); a profile without keys is bad input."""
    from ec2ops.client.signing import Credentials

    stored, region = read_profile(profile)
    if not (stored.get("aws_access_key_id") and stored.get("aws_secret_access_key")):
        raise InputError(f"The profile '{profile}' has no aws_access_key_id and aws_secret_access_key "
                         "in ~/.aws/credentials or ~/.aws/config.")
    where = f"the profile '{profile}'"
    return Credentials(*(_checked(key, stored.get(key) or None, where) for key in NAMES)), region


def resolve(access_key_id: str | None, access_key: str | None, session_token: str | None, profile: str | None):
    """Returns signing.Credentials; flags beat the environment, the environment beats the profile.
    Whitespace around a key or token is dropped (a copied line's end); an empty flag is bad input;
    an empty AWS_* variable counts as unset, as in the AWS CLI."""
    from ec2ops.client.signing import Credentials

    if access_key == "-":
        from ec2ops.stdin import secret_line

        access_key = secret_line("secret access key", "--access-key -")
    given = {
        "aws_access_key_id": [(access_key_id, "--access-key-id"), (os.environ.get("AWS_ACCESS_KEY_ID"),
                                                                    "AWS_ACCESS_KEY_ID")],
        "aws_secret_access_key": [(access_key, "--access-key"), (os.environ.get("AWS_SECRET_ACCESS_KEY"),
                                                                 "AWS_SECRET_ACCESS_KEY")],
        "aws_session_token": [(session_token, "--session-token"), (os.environ.get("AWS_SESSION_TOKEN"),
                                                                   "AWS_SESSION_TOKEN")],
    }
    for key in given:
        flag_value, flag = given[key][0]
        if flag_value is not None and not flag_value.strip():
            raise InputError(f"{flag} cannot be empty.")
    chosen = {key: _first(candidates) for key, candidates in given.items()}
    if not (chosen["aws_access_key_id"][0] and chosen["aws_secret_access_key"][0]):
        stored, _ = read_profile(profile)
        where = f"the profile '{profile or os.environ.get('AWS_PROFILE') or 'default'}'"
        chosen = {key: chosen[key] if chosen[key][0] else (stored.get(key) or None, where) for key in chosen}
    missing = [
        what
        for what, value in (
            ("accessKeyId (--access-key-id, AWS_ACCESS_KEY_ID or a profile)", chosen["aws_access_key_id"][0]),
            ("accessKey (--access-key, AWS_SECRET_ACCESS_KEY or a profile)", chosen["aws_secret_access_key"][0]),
        )
        if not value
    ]
    if missing:
        raise InputError("Missing credentials: " + " and ".join(missing) + ".")
    return Credentials(*(_checked(key, *chosen[key]) for key in ("aws_access_key_id", "aws_secret_access_key",
                                                                  "aws_session_token")))


def _first(candidates: list[tuple[str | None, str]]) -> tuple[str | None, str]:
    for value, where in candidates:
        if value is not None and value.strip():
            return value.strip(), where
    return None, ""


NAMES = {"aws_access_key_id": "access key ID", "aws_secret_access_key": "secret access key",
         "aws_session_token": "session token"}


def _checked(key: str, value: str | None, where: str) -> str | None:
    """A key goes into headers and HMACs: printable ASCII without spaces, or bad input that names
    where it came from, never the value."""
    if value is not None and not re.fullmatch(r"[\x21-\x7e]+", value):
        raise InputError(f"The {NAMES[key]} from {where} holds a character no AWS key has (a space, a control "
                         "or non-ASCII character); check how it was set.")
    return value

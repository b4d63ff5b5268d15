"""Keys and a region from a profile of ~/.aws/credentials and ~/.aws/config, read as the AWS CLI reads them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ec2ops import files
from ec2ops.credentials.chain import Pieces, whole
from ec2ops.credentials.keys import Credentials, Piece
from ec2ops.errors import InputError

if TYPE_CHECKING:
    import configparser


def _aws_file(env: str, default: str) -> Path:
    return Path(os.environ.get(env) or Path.home() / ".aws" / default).expanduser()


def parsed(path: Path, what: str) -> configparser.RawConfigParser:
    """An INI file of ~/.aws, read with a bound; a malformed one is bad input named by its file and
    line number, never by the line's text (configparser quotes it, and it may be a secret)."""
    import configparser  # here: the package's other users (its flags, keys given in the environment) need none

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


class Profile:
    """A profile's keys (`profile`, else AWS_PROFILE, else default); after a load, `region` is its
    region (None when it has none). A profile named but found in neither file is bad input."""

    def __init__(self, profile: str | None):
        self.profile = profile
        self.region: str | None = None

    @property
    def name(self) -> str:
        return f"the profile '{self.profile or os.environ.get('AWS_PROFILE') or 'default'}'"

    def pieces(self) -> Pieces:
        stored, self.region = read_profile(self.profile)
        where = self.name
        return {key: Piece(value, where) for key, value in stored.items()
                if key in ("aws_access_key_id", "aws_secret_access_key", "aws_session_token") and value}

    def load(self) -> Credentials | None:
        return whole(self)

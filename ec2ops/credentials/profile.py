"""Profiles of ~/.aws/credentials and ~/.aws/config, read as the AWS CLI reads them: a profile's
settings are its config section's, under its credentials section's; its static keys are a whole set
from one file (the credentials file's first), never an id from one and a secret from the other."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ec2ops import files
from ec2ops.client.keys import Credentials, Piece, of_pieces
from ec2ops.errors import InputError

if TYPE_CHECKING:
    import configparser

KEYS = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token")


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


def profile_name(profile: str | None) -> str:
    """The profile meant: the one given, else AWS_DEFAULT_PROFILE, else AWS_PROFILE (botocore's order), else default."""
    return profile or os.environ.get("AWS_DEFAULT_PROFILE") or os.environ.get("AWS_PROFILE") or "default"


class Files:
    """~/.aws/credentials and ~/.aws/config, each read once."""

    def __init__(self) -> None:
        self.credentials = parsed(files.aws_file("AWS_SHARED_CREDENTIALS_FILE", "credentials"), "credentials file")
        self.config = parsed(files.aws_file("AWS_CONFIG_FILE", "config"), "AWS config file")

    def sections(self, name: str) -> tuple[dict[str, str] | None, dict[str, str] | None]:
        """(the profile's credentials section, its config section); None for a section not there."""
        section = name if name == "default" else f"profile {name}"
        creds = dict(self.credentials.items(name)) if self.credentials.has_section(name) else None
        config = dict(self.config.items(section)) if self.config.has_section(section) else None
        return creds, config

    def exists(self, name: str) -> bool:
        return any(section is not None for section in self.sections(name))

    def settings(self, name: str) -> dict[str, str]:
        """The profile's settings, stripped: its config section's, under its credentials section's."""
        creds, config = self.sections(name)
        merged = {**(config or {}), **(creds or {})}
        return {key: value.strip() for key, value in merged.items()}

    def static_keys(self, name: str, which: tuple[int, ...] = (0, 1)) -> Credentials | None:
        """The profile's keys from the credentials file (0), else from the config file (1); an id
        without its secret is refused, naming the profile and the file."""
        sections = self.sections(name)
        for index, where in ((i, ("~/.aws/credentials", "~/.aws/config")[i]) for i in which):
            section = sections[index]
            found = {key: (section or {}).get(key, "").strip() for key in KEYS}
            if not found["aws_access_key_id"]:
                continue
            if not found["aws_secret_access_key"]:
                raise InputError(f"Partial credentials in the profile '{name}' of {where}: aws_access_key_id "
                                 "without aws_secret_access_key.")
            origin = f"the profile '{name}'"
            return of_pieces({key: Piece(value, origin) for key, value in found.items() if value})
        return None


def read_profile(profile: str | None) -> tuple[dict[str, str], str | None]:
    """(the profile's keys as its files hold them, its region) from ~/.aws/credentials and ~/.aws/config."""
    name = profile_name(profile)
    aws = Files()
    if profile and not aws.exists(name):
        raise InputError(f"The profile '{profile}' was not found in ~/.aws/credentials or ~/.aws/config.")
    settings = aws.settings(name)
    return {key: value for key, value in settings.items() if key in KEYS}, settings.get("region") or None


def own_keys(name: str, aws: Files, with_variables: bool, network: dict | None = None) -> Credentials | None:
    """A profile's keys other than a role's, in botocore's order: a web identity (AWS_WEB_IDENTITY_TOKEN_FILE
    and AWS_ROLE_ARN first, `with_variables`), SSO, the credentials file's keys, credential_process, the
    config file's keys."""
    settings = aws.settings(name)
    if settings.get("web_identity_token_file") or (with_variables and os.environ.get("AWS_WEB_IDENTITY_TOKEN_FILE")):
        from ec2ops.credentials.webidentity import WebIdentity

        keys = WebIdentity(name, settings, with_variables, network).load()
        if keys is not None:
            return keys
    if sso_wanted(settings):
        from ec2ops.credentials import sso

        session = settings.get("sso_session")
        section = f"sso-session {session}"
        found = dict(aws.config.items(section)) if session and aws.config.has_section(section) else None
        return sso.load(name, settings, {k: v.strip() for k, v in found.items()} if found is not None else None,
                        network)
    keys = aws.static_keys(name, (0,))
    if keys is None and settings.get("credential_process"):
        from ec2ops.credentials import process

        keys = process.run(name, settings["credential_process"])
    return keys if keys is not None else aws.static_keys(name, (1,))


def sso_wanted(settings: dict[str, str]) -> bool:
    """Whether a profile takes its keys from SSO (it names an account or a role), as botocore decides;
    here, so that the sso module is loaded only for such a profile."""
    return bool(settings.get("sso_account_id") or settings.get("sso_role_name"))

"""A profile's role_arn: keys from STS AssumeRole, signed with the source's keys: another profile's
(source_profile; chained when that one assumes a role too) or a credential source (Environment,
Ec2InstanceMetadata, EcsContainer). external_id, role_session_name, duration_seconds and mfa_serial
are sent as the AWS CLI sends them; an MFA code is asked on a terminal, once per device for the
roles resolved at once and again when a role is renewed later in the run, and refused without one."""

from __future__ import annotations

import sys
import threading
import time

from ec2ops.credentials import sts
from ec2ops.client.keys import Credentials
from ec2ops.credentials.profile import Files
from ec2ops.errors import InputError

SOURCES = ("Environment", "Ec2InstanceMetadata", "EcsContainer")
# A code serves the roles a run resolves at once (profiles sharing a device); a role renewed later in
# a long run (--wait) asks for a fresh one, as botocore asks again: STS refuses a code past its minute.
CODE_LIFE = 60.0
_codes: dict[str, tuple[str, float]] = {}  # MFA device -> the code given, and when (time.monotonic)
_asking = threading.Lock()  # one prompt at a time, whatever the number of profiles resolved at once


def mfa_code(serial: str, profile: str) -> str:
    """The code of MFA device `serial`, asked on the terminal unless one was given within CODE_LIFE."""
    with _asking:
        given = _codes.get(serial)
        if given is None or time.monotonic() - given[1] > CODE_LIFE:
            if not (sys.stdin.isatty() and sys.stderr.isatty()):
                raise InputError(f"The profile '{profile}' needs a code from its MFA device {serial}, and there is "
                                 "no terminal to ask for it on.")
            import click

            code = click.prompt(f"Enter MFA code for {serial}", err=True).strip()
            if not code:
                raise InputError(f"No MFA code was given for the profile '{profile}'.")
            _codes[serial] = code, time.monotonic()
        return _codes[serial][0]


class AssumeRole:
    """The keys of the role of profile `profile` (which has role_arn). `seen`: the profiles on the
    way here through source_profile, to refuse a loop."""

    def __init__(self, profile: str, files: Files | None = None, seen: tuple[str, ...] = (),
                 network: dict | None = None):
        self.profile, self.files, self.seen, self.network = profile, files, seen, network or {}

    @property
    def name(self) -> str:
        return f"the role of the profile '{self.profile}'"

    def load(self) -> Credentials:
        from ec2ops.credentials import cache

        aws = self.files or Files()
        settings = aws.settings(self.profile)
        arn = settings["role_arn"]
        args: dict = {"RoleArn": arn}  # botocore's arguments, and so the AWS CLI's cache key
        for setting, param in (("role_session_name", "RoleSessionName"), ("external_id", "ExternalId"),
                               ("mfa_serial", "SerialNumber")):
            if settings.get(setting):
                args[param] = settings[setting]
        if settings.get("duration_seconds"):
            if not settings["duration_seconds"].isdigit():
                raise InputError(f"The profile '{self.profile}' has duration_seconds = "
                                 f"'{settings['duration_seconds']}': a number of seconds is needed.")
            args["DurationSeconds"] = int(settings["duration_seconds"])
        return cache.through(args, lambda: self._assume(aws, settings, args))

    def _assume(self, aws: Files, settings: dict[str, str], args: dict) -> Credentials:
        arn = args["RoleArn"]
        source = self._source_keys(aws, settings)
        params = {name: str(value) for name, value in args.items()}
        params.setdefault("RoleSessionName", f"ec2ops-session-{int(time.time())}")
        if settings.get("mfa_serial"):
            params["TokenCode"] = mfa_code(settings["mfa_serial"], self.profile)
        return sts.call("AssumeRole", params, source, f"The profile '{self.profile}' could not assume the role {arn}",
                        sts.region(settings.get("region")), self.network)

    def _source_keys(self, aws: Files, settings: dict[str, str]) -> Credentials:
        profile, named, kind = self.profile, settings.get("source_profile"), settings.get("credential_source")
        if named and kind:
            raise InputError(f"The profile '{profile}' has both source_profile and credential_source: give one.")
        if kind:
            return self._credential_source(kind)
        if not named:
            raise InputError(f"The profile '{profile}' has role_arn without source_profile or credential_source.")
        if not aws.exists(named):
            raise InputError(f"The profile '{profile}' names source_profile '{named}', which is not in "
                             "~/.aws/credentials or ~/.aws/config.")
        source = aws.settings(named)
        if aws.static_keys(named) is not None or not source.get("role_arn"):  # its own keys before its role
            from ec2ops.credentials.profile import own_keys

            keys = own_keys(named, aws, with_variables=False, network=self.network)
            if keys is None:
                raise InputError(f"The profile '{profile}' names source_profile '{named}', which has no credentials.")
            return keys
        if named == profile or named in self.seen:
            way = " -> ".join((*self.seen, profile, named))
            raise InputError(f"The profiles {way} source each other in a loop, and none has keys.")
        return AssumeRole(named, aws, (*self.seen, profile), self.network).load()

    def _credential_source(self, kind: str) -> Credentials:
        if kind not in SOURCES:
            raise InputError(f"The profile '{self.profile}' has credential_source = '{kind}': "
                             f"{', '.join(SOURCES[:-1])} or {SOURCES[-1]}.")
        if kind == "Environment":
            from ec2ops.credentials.environment import Environment

            keys = Environment().load()
        else:
            from ec2ops.credentials import metadata

            keys = (metadata.InstanceMetadata() if kind == "Ec2InstanceMetadata" else metadata.Container()).load()
        if keys is None:
            raise InputError(f"The profile '{self.profile}' takes its source keys from credential_source = {kind}, "
                             "which has none.")
        return keys

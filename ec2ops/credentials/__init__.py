"""Where the keys come from: an ordered chain of providers, and the source a client holds.

The chain, in botocore's order and with its results (issue 23); the first source that has a whole
set of keys is the run's, and a set is never completed from another source:

1. the command line (--access-key-id, --access-key or '-' from stdin, --session-token): when one is
   given, each key not given as a flag comes from its variable (AWS_ACCESS_KEY_ID, ...), not under an
   explicit --profile; the id and the secret are then required;
2. an explicit --profile: that profile alone (the environment's keys are another account's);
3. the environment: AWS_ACCESS_KEY_ID decides, and with it AWS_SECRET_ACCESS_KEY is required (a
   partial set is refused); a token alone (a stale AWS_SESSION_TOKEN) is left out;
4. the profile AWS_DEFAULT_PROFILE, else AWS_PROFILE, else default. Within a profile (2 or 4),
   botocore's order: role_arn (`role`: AssumeRole from a source_profile or credential_source), a web
   identity (`webidentity`), SSO (`sso`), the credentials file's keys, credential_process (`process`), the
   config file's keys;
5. a container's credentials endpoint, then IMDSv2 (`metadata`), loaded only when reached.

A profile named (by --profile or a variable) must exist in ~/.aws, as the AWS CLI requires even when
the environment has keys; unless it is a [profile.NAME] table of ec2ops's own settings file, which
names no keys: the chain is then the command line and the environment alone.

--profiles takes each profile's keys from the files alone (`of_profile`).

Modules: `ec2ops.client.keys` (Credentials and the checks on characters: the client signs with them, and the credentials package uses the client for STS), `chain` (the Provider protocol, Chain),
`source` (Source: current keys, loaded again before they expire), and one module per provider
(`flags`, `environment`, `profile`). A new source of keys is one more provider module, placed in
the chain here."""

from __future__ import annotations

import os

from ec2ops.credentials.chain import Chain, Provider
from ec2ops.credentials.environment import Environment
from ec2ops.credentials.flags import Flags
from ec2ops.credentials.flags import FLAGS as _FLAGS
from ec2ops.client.keys import NAMES, Credentials
from ec2ops.credentials.named import Profile
from ec2ops.credentials.profile import Files, parsed, profile_name, read_profile
from ec2ops.credentials.source import Source

__all__ = ["FLAGS", "NAMES", "Chain", "Credentials", "Environment", "Flags", "Profile", "Provider", "Source",
           "of_profile", "parsed", "profile_name", "read_profile", "resolve"]

# The credential flags and the option names they are held under (e.g. for --profiles, which refuses them).
FLAGS = tuple((flag, option) for flag, option, _, _ in _FLAGS)

MISSING = ("Missing credentials: accessKeyId (--access-key-id, AWS_ACCESS_KEY_ID or a profile) and accessKey "
           "(--access-key, AWS_SECRET_ACCESS_KEY or a profile).")


def resolve(access_key_id: str | None, access_key: str | None, session_token: str | None,
            profile: str | None, explicit: bool | None = None, network: dict | None = None) -> Source:
    """The run's source of keys, through the chain (see above). `explicit`: `profile` was given as
    --profile (not read from AWS_PROFILE); None: so when it differs from AWS_PROFILE. `network`: how
    the run reaches AWS (proxy, CA bundle, timeouts), for STS. The keys are loaded here, so that
    stdin is read and bad or missing keys are refused before anything is sent."""
    if explicit is None:
        explicit = profile is not None and profile != os.environ.get("AWS_PROFILE")
    named = profile_name(profile if explicit else None)
    if (explicit or named != "default") and not Files().exists(named):
        if not _settings_profile(named):
            from ec2ops.errors import InputError

            raise InputError(f"The profile '{named}' was not found in ~/.aws/credentials or ~/.aws/config.")
        explicit = False  # a profile of ec2ops's own settings alone names no keys: the environment's are the run's
        providers: list[Provider] = [Flags(access_key_id, access_key, session_token), Environment()]
    elif explicit:
        providers = [Flags(access_key_id, access_key, session_token, with_variables=False), Profile(profile, network),
                     *_SERVED]
    else:
        providers = [Flags(access_key_id, access_key, session_token), Environment(), Profile(None, network), *_SERVED]
    source = Source(Chain(providers, missing=lambda: MISSING))
    source.current()
    return source


class _Served:
    """A provider of ec2ops.credentials.metadata, its module loaded only when the chain gets to it."""

    def __init__(self, kind: str, name: str):
        self.kind, self.name = kind, name

    def load(self) -> Credentials | None:
        from ec2ops.credentials import metadata

        return getattr(metadata, self.kind)().load()


_SERVED = (_Served("Container", "the container's credentials endpoint"),
           _Served("InstanceMetadata", "the instance metadata service"))


def _settings_profile(name: str) -> bool:
    """Whether `name` is a [profile.NAME] table of ec2ops's configuration file (which holds settings,
    never keys)."""
    from ec2ops import config, files

    file, _ = config.path()
    text = files.read_small(file, "configuration file") if file and os.path.isfile(file) else None
    if text is None:
        return False
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        profiles = tomllib.loads(text).get("profile", {})
    except tomllib.TOMLDecodeError:
        return False  # the settings' own reading has said so already
    return isinstance(profiles, dict) and name in profiles


def of_profile(profile: str, network: dict | None = None) -> tuple[Source, str | None]:
    """A profile's own keys, from the files alone (for --profiles: the environment's keys are another
    account's), and its region (None when it has none); a profile without keys is bad input."""
    files = Profile(profile, network)
    source = Source(Chain([files], name=files.name, missing=lambda: (
        f"The profile '{profile}' has no aws_access_key_id and aws_secret_access_key "
        "in ~/.aws/credentials or ~/.aws/config.")))
    source.current()
    return source, files.region

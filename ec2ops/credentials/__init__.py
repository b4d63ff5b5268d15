"""Where the keys come from: an ordered chain of providers, and the source a client holds.

Today's chain, as it has always worked (issue 23 changes its order and its rules later):

1. the command line (--access-key-id, --access-key or '-' from stdin, --session-token) and the
   environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), read together: each
   key from the flag when given, else from its variable;
2. only when the id or the secret is still missing: the profile (--profile, else AWS_PROFILE, else
   default) of ~/.aws/credentials and ~/.aws/config, which fills every key still missing.

So keys are merged key by key: an id from the environment may go with a profile's secret, and a
session token from the environment goes with whatever id and secret were found. --profiles takes
each profile's keys from the files alone (`of_profile`): the environment's are another account's.

Modules: `keys` (Credentials, the checks on characters), `chain` (the Provider protocol, Chain),
`source` (Source: current keys, loaded again before they expire), and one module per provider
(`flags`, `environment`, `profile`). A new source of keys is one more provider module, placed in
the chain here."""

from __future__ import annotations

from ec2ops.credentials.chain import Chain, Merged, PieceProvider, Provider
from ec2ops.credentials.environment import Environment
from ec2ops.credentials.flags import Flags
from ec2ops.credentials.flags import FLAGS as _FLAGS
from ec2ops.credentials.keys import NAMES, Credentials
from ec2ops.credentials.profile import Profile, parsed, read_profile
from ec2ops.credentials.source import Source

__all__ = ["FLAGS", "NAMES", "Chain", "Credentials", "Environment", "Flags", "Merged", "PieceProvider", "Profile",
           "Provider", "Source", "of_profile", "parsed", "read_profile", "resolve"]

# The credential flags and the option names they are held under (e.g. for --profiles, which refuses them).
FLAGS = tuple((flag, option) for flag, option, _ in _FLAGS)

_TODAYS_MISSING = {"aws_access_key_id": "accessKeyId (--access-key-id, AWS_ACCESS_KEY_ID or a profile)",
                   "aws_secret_access_key": "accessKey (--access-key, AWS_SECRET_ACCESS_KEY or a profile)"}


def _missing_credentials(absent: list[str]) -> str:
    return "Missing credentials: " + " and ".join(_TODAYS_MISSING[key] for key in absent) + "."


def resolve(access_key_id: str | None, access_key: str | None, session_token: str | None,
            profile: str | None) -> Source:
    """The run's source of keys, through today's chain (see above). The keys are loaded here, so that
    stdin is read and bad or missing keys are refused before anything is sent."""
    chain = Chain([Merged("the command line and the environment",
                          [Flags(access_key_id, access_key, session_token), Environment()]),
                   Profile(profile)], missing=_missing_credentials)
    source = Source(chain)
    source.current()
    return source


def of_profile(profile: str) -> tuple[Source, str | None]:
    """A profile's own keys, from the files alone (for --profiles: the environment's keys are another
    account's), and its region (None when it has none); a profile without keys is bad input."""
    files = Profile(profile)
    source = Source(Chain([files], name=files.name, missing=lambda absent: (
        f"The profile '{profile}' has no aws_access_key_id and aws_secret_access_key "
        "in ~/.aws/credentials or ~/.aws/config.")))
    source.current()
    return source, files.region

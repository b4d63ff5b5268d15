"""A profile's credential_process: a command that prints keys as JSON (Version 1: AccessKeyId,
SecretAccessKey, SessionToken, Expiration). Its stderr goes to ours (its prompts, its errors); its
stdout, which holds the keys, is never printed; a failure is one line naming the profile."""

from __future__ import annotations

import json
import shlex
import subprocess

from ec2ops.client.keys import Credentials, of_json
from ec2ops.errors import InputError

LIMIT = 64 * 1024


def run(profile: str, command: str) -> Credentials:
    what = f"The credential_process of the profile '{profile}'"
    try:
        argv = shlex.split(command)
    except ValueError:
        raise InputError(f"{what} is not a command line (an unclosed quote?).") from None
    if not argv:
        raise InputError(f"{what} is empty.")
    try:
        done = subprocess.run(argv, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, check=False)
    except OSError as exc:
        raise InputError(f"{what} could not be started: {exc.strerror or type(exc).__name__}.") from None
    if done.returncode != 0:
        raise InputError(f"{what} failed (exit status {done.returncode}).")
    try:
        found = json.loads(done.stdout[:LIMIT])
        if found.get("Version") != 1:
            raise InputError(f"{what} printed Version {found.get('Version')!r}; ec2ops reads Version 1.")
        return of_json(found, f"the credential_process of the profile '{profile}'", "SessionToken")
    except InputError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError):  # never quote what it printed: keys
        raise InputError(f"{what} did not print keys as JSON (Version, AccessKeyId, SecretAccessKey).") from None

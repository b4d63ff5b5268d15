"""The AWS CLI's cache of temporary keys, ~/.aws/cli/cache: one JSON file per role and its arguments
(AssumeRole, AssumeRoleWithWebIdentity) or per SSO account and role, named by the SHA-1 of their
JSON as botocore computes it, so that `aws` and ec2ops share them and a second run within their
life asks STS or the SSO portal nothing. Written whole (a temporary file renamed), mode 0600; a
file that cannot be read or used is passed over, never quoted."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Callable

from ec2ops.client.keys import Credentials, expiry
from ec2ops.errors import InputError

# As botocore's AssumeRoleCredentialFetcher: keys with less left than this are not taken from the cache.
EXPIRY_WINDOW = dt.timedelta(minutes=15)
_fetching: dict[str, threading.RLock] = {}  # an entry's name -> its lock: profiles resolved at once that
_fetching_lock = threading.Lock()  # share a role (a chained source) make one call, the others find it cached


def folder() -> Path | None:
    """~/.aws/cli/cache; None when there is no home to find it in (never a folder under the current one)."""
    from ec2ops import files

    found = files.in_home(".aws", "cli", "cache")
    return found if found.is_absolute() else None


def through(args: dict, fetch: Callable[[], Credentials], compact: bool = False) -> Credentials:
    """The keys cached under `args`, else those `fetch()` gets, cached for the next run. One fetch
    per entry at a time (an RLock: a chain of roles fetches each of its own entries in turn)."""
    name = key(args, compact)
    with _fetching_lock:
        lock = _fetching.setdefault(name, threading.RLock())
    with lock:
        keys = read(name)
        if keys is None:  # else fetched earlier (this run, an earlier one, the AWS CLI): no call, no MFA code
            keys = fetch()
            write(name, keys)
        return keys


def key(args: dict, compact: bool = False) -> str:
    """botocore's cache key of a fetcher's arguments: for a role (AssumeRole's and
    AssumeRoleWithWebIdentity's), RoleArn, RoleSessionName when given in the profile, ExternalId,
    SerialNumber, DurationSeconds as a number, never the MFA code or the web identity token; for SSO
    (`compact`: JSON without spaces), accountId, roleName and sessionName, or startUrl without one."""
    text = json.dumps(args, sort_keys=True, separators=(",", ":") if compact else None)
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()
    return digest.replace(":", "_").replace(os.sep, "_").replace("/", "_")


def read(name: str, now: dt.datetime | None = None) -> Credentials | None:
    where = folder()
    if where is None:
        return None
    try:
        found = json.loads((where / f"{name}.json").read_text(encoding="utf-8"))["Credentials"]
        keys = Credentials(found["AccessKeyId"], found["SecretAccessKey"], found["SessionToken"],
                           expiry(found["Expiration"]))  # botocore writes 2026-12-03T09:28:52UTC
    except (OSError, ValueError, KeyError, TypeError, AttributeError, InputError):  # not a usable entry
        return None
    now = now or dt.datetime.now(dt.timezone.utc)
    return keys if keys.expiry - now >= EXPIRY_WINDOW else None


def write(name: str, keys: Credentials) -> None:
    """The keys under `name`, as botocore's JSONFileCache writes an AssumeRole answer; a cache that
    cannot be written is passed over (the keys still serve this run)."""
    from ec2ops import files

    entry = {"Credentials": {"AccessKeyId": keys.access_key_id, "SecretAccessKey": keys.secret_key,
                             "SessionToken": keys.session_token,
                             "Expiration": keys.expiry.isoformat() if keys.expiry else None}}
    where = folder()
    if where is None:
        return
    try:
        where.mkdir(parents=True, exist_ok=True, mode=0o700)
        files.write_whole(str(where / f"{name}.json"), json.dumps(entry).encode("utf-8"), 0o600)
    except OSError:  # a read-only or full home: the run goes on without the cache
        return

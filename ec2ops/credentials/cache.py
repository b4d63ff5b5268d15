"""The AWS CLI's cache of assumed roles, ~/.aws/cli/cache: one JSON file per role and its arguments,
named by the SHA-1 of their JSON as botocore computes it, so that `aws` and ec2ops share assumed
roles and a second run within their life makes no AssumeRole. Written whole (a temporary file
renamed), mode 0600; a file that cannot be read or used is passed over, never quoted."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

from ec2ops.client.keys import Credentials
from ec2ops.errors import InputError

# As botocore's AssumeRoleCredentialFetcher: keys with less left than this are not taken from the cache.
EXPIRY_WINDOW = dt.timedelta(minutes=15)


def folder() -> Path:
    return Path.home() / ".aws" / "cli" / "cache"


def key(args: dict) -> str:
    """botocore's cache key of AssumeRole's arguments (RoleArn, RoleSessionName when given in the
    profile, ExternalId, SerialNumber, DurationSeconds as a number; never the MFA code)."""
    digest = hashlib.sha1(json.dumps(args, sort_keys=True).encode("utf-8")).hexdigest()
    return digest.replace(":", "_").replace(os.sep, "_").replace("/", "_")


def read(name: str, now: dt.datetime | None = None) -> Credentials | None:
    path = folder() / f"{name}.json"
    try:
        found = json.loads(path.read_text(encoding="utf-8"))["Credentials"]
        text = found["Expiration"].strip()  # botocore writes 2026-12-03T09:28:52UTC; others ...Z or +00:00
        expiry = dt.datetime.fromisoformat(text[:-3] + "+00:00" if text.endswith("UTC") else text.replace("Z", "+00:00"))
        if expiry.utcoffset() is None:
            expiry = expiry.replace(tzinfo=dt.timezone.utc)
        keys = Credentials(found["AccessKeyId"], found["SecretAccessKey"], found["SessionToken"], expiry)
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
    try:
        folder().mkdir(parents=True, exist_ok=True, mode=0o700)
        files.write_whole(str(folder() / f"{name}.json"), json.dumps(entry).encode("utf-8"), 0o600)
    except OSError:  # a read-only or full home: the run goes on without the cache
        return

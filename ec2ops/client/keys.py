"""One set of keys, and the checks every key passes before it goes into a header or an HMAC."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import NamedTuple

from ec2ops.errors import InputError

# The three keys by their names in ~/.aws (the names every provider hands its pieces under), and how
# a message calls each.
NAMES = {"aws_access_key_id": "access key ID", "aws_secret_access_key": "secret access key",
         "aws_session_token": "session token"}
_KEY_TEXT = re.compile(r"[\x21-\x7e]+")


@dataclass(frozen=True)
class Credentials:
    """Keys to sign with. `expiry` (an aware datetime) is when temporary keys stop working; None for
    keys that never expire. A set of keys is also the simplest source of keys: `current()` is itself."""

    access_key_id: str
    secret_key: str
    session_token: str | None = None
    expiry: dt.datetime | None = None

    def __post_init__(self) -> None:
        for what, value in (("access key ID", self.access_key_id), ("secret access key", self.secret_key),
                            ("session token", self.session_token or "")):
            if not (value.isascii() and value.isprintable()):  # they go into headers and HMACs: ASCII only
                raise InputError(f"The {what} holds characters no AWS key has; check how it was given.")
        if self.expiry is not None and self.expiry.utcoffset() is None:
            raise ValueError("a key's expiry must be an aware datetime (with its time zone)")

    def current(self) -> "Credentials":
        return self

    # Never let a secret reach a log, a message or a traceback through repr(), str() or a format.
    def __repr__(self) -> str:
        shown = f"Credentials(access_key_id={self.access_key_id!r}, secret_key='***'"
        if self.session_token:
            shown += ", session_token='***'"
        if self.expiry is not None:
            shown += f", expiry={self.expiry.isoformat()!r}"
        return shown + ")"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return format(repr(self), spec)


class Piece(NamedTuple):
    """One key as a provider found it, and where (a flag, a variable, a profile) for messages."""

    value: str
    where: str


def checked(key: str, piece: Piece) -> str:
    """A key goes into headers and HMACs: printable ASCII without spaces, or bad input that names
    where it came from, never the value."""
    if not _KEY_TEXT.fullmatch(piece.value):
        raise InputError(f"The {NAMES[key]} from {piece.where} holds a character no AWS key has (a space, a control "
                         "or non-ASCII character); check how it was set.")
    return piece.value


def of_json(found: dict, where: str, token: str) -> Credentials:
    """Keys from the JSON a credentials service or program gives (AccessKeyId, SecretAccessKey, the
    token under `token`, Expiration as ISO 8601: UTC when it names no zone). KeyError, TypeError,
    ValueError or AttributeError when it is not that shape: the caller says so, never quoting it."""
    pieces = {"aws_access_key_id": Piece(found["AccessKeyId"], where),
              "aws_secret_access_key": Piece(found["SecretAccessKey"], where)}
    if found.get(token):
        pieces["aws_session_token"] = Piece(found[token], where)
    return of_pieces(pieces, expiry(found["Expiration"]) if found.get("Expiration") else None)


def expiry(text: str) -> dt.datetime:
    """When keys expire, as AWS's answers and caches write it (ISO 8601 ending in Z or an offset,
    botocore's cache's ...UTC), with UTC for a time that names no zone. ValueError, TypeError or
    AttributeError when it is no such time: the caller says so, never quoting it."""
    text = text.strip()
    text = text[:-3] + "+00:00" if text.endswith("UTC") else text.replace("Z", "+00:00")
    when = dt.datetime.fromisoformat(text)
    return when if when.utcoffset() is not None else when.replace(tzinfo=dt.timezone.utc)


def of_pieces(pieces: dict[str, Piece], expiry: dt.datetime | None = None) -> Credentials:
    """Credentials from an id, a secret and perhaps a token, each checked in that order."""
    token = pieces.get("aws_session_token")
    return Credentials(checked("aws_access_key_id", pieces["aws_access_key_id"]),
                       checked("aws_secret_access_key", pieces["aws_secret_access_key"]),
                       checked("aws_session_token", token) if token else None, expiry)

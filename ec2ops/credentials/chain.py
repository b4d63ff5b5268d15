"""Providers of keys, and the chain that asks them in order.

A provider has a `name` (for messages) and `load()`: a whole set of keys, or None when it has none,
so that the chain asks the next. Today's providers (flags, environment, profile) also hand their
keys one by one (`pieces()`), each with where it came from: today's rule completes a set key by key
from the next provider (see the package's docstring), and the chain models that rule as it is."""

from __future__ import annotations

import datetime as dt
from typing import Callable, Iterable, Protocol, runtime_checkable

from ec2ops.credentials.keys import Credentials, Piece, of_pieces

Pieces = dict[str, Piece]  # "aws_access_key_id", "aws_secret_access_key", "aws_session_token" -> Piece
NEEDED = ("aws_access_key_id", "aws_secret_access_key")


@runtime_checkable
class Provider(Protocol):
    name: str

    def load(self) -> Credentials | None: ...


@runtime_checkable
class PieceProvider(Provider, Protocol):
    """A provider whose keys may be a partial set, handed key by key."""

    def pieces(self) -> Pieces: ...


def whole(provider: PieceProvider) -> Credentials | None:
    """`load()` of a provider of pieces: its keys when they make a set (an id and a secret), else None."""
    found = provider.pieces()
    return of_pieces(found) if all(key in found for key in NEEDED) else None


def pieces_of(provider: Provider) -> tuple[Pieces, dt.datetime | None]:
    if isinstance(provider, PieceProvider):
        return provider.pieces(), None
    keys = provider.load()
    if keys is None:
        return {}, None
    found = {"aws_access_key_id": Piece(keys.access_key_id, provider.name),
             "aws_secret_access_key": Piece(keys.secret_key, provider.name)}
    if keys.session_token:
        found["aws_session_token"] = Piece(keys.session_token, provider.name)
    return found, keys.expiry


class Merged:
    """Several providers read as one: each key from the first that has it; all of them are read."""

    def __init__(self, name: str, providers: Iterable[PieceProvider]):
        self.name, self.providers = name, tuple(providers)

    def pieces(self) -> Pieces:
        found: Pieces = {}
        for provider in self.providers:
            for key, piece in provider.pieces().items():
                found.setdefault(key, piece)
        return found

    def load(self) -> Credentials | None:
        return whole(self)


def _missing(absent: list[str]) -> str:
    return "No credentials found: " + " and ".join(absent) + " missing."


class Chain:
    """Providers asked in order until the access key id and the secret key are both known; a later
    provider only fills the keys still missing (a provider that has nothing passes to the next).
    When the set stays incomplete, `missing(the absent keys' names)` is the error (bad input)."""

    def __init__(self, providers: Iterable[Provider], missing: Callable[[list[str]], str] = _missing,
                 name: str = "the credential chain"):
        self.providers, self.missing, self.name = tuple(providers), missing, name

    def load(self) -> Credentials:
        from ec2ops.errors import InputError

        found: Pieces = {}
        expiries = []
        for provider in self.providers:
            pieces, expiry = pieces_of(provider)
            used = {key: piece for key, piece in pieces.items() if key not in found}
            found.update(used)
            if used and expiry is not None:  # a set is as good as its first part to expire
                expiries.append(expiry)
            if all(key in found for key in NEEDED):
                break
        absent = [key for key in NEEDED if key not in found]
        if absent:
            raise InputError(self.missing(absent))
        return of_pieces(found, min(expiries, default=None))

    def __repr__(self) -> str:
        return f"Chain({', '.join(provider.name for provider in self.providers)})"

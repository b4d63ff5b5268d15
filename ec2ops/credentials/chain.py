"""Providers of keys, and the chain that asks them in order.

A provider has a `name` (for messages) and `load()`: a whole set of keys, or None when it has none,
so that the chain asks the next. A provider that finds part of a set (an id without its secret)
refuses it with a line naming where it looked: a set is never completed from another source."""

from __future__ import annotations

from typing import Callable, Iterable, Protocol, runtime_checkable

from ec2ops.client.keys import Credentials


@runtime_checkable
class Provider(Protocol):
    name: str

    def load(self) -> Credentials | None: ...


def _missing() -> str:
    return "No credentials found."


class Chain:
    """Providers asked in order; the first whole set is the chain's, and the later ones are not asked.
    When none has a set, `missing()` is the error (bad input)."""

    def __init__(self, providers: Iterable[Provider], missing: Callable[[], str] = _missing,
                 name: str = "the credential chain"):
        self.providers, self.missing, self.name = tuple(providers), missing, name

    def load(self) -> Credentials:
        for provider in self.providers:
            keys = provider.load()
            if keys is not None:
                return keys
        from ec2ops.errors import InputError

        raise InputError(self.missing())

    def __repr__(self) -> str:
        return f"Chain({', '.join(provider.name for provider in self.providers)})"

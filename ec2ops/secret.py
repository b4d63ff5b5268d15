"""A secret a command holds (a password, a secret key): it prints as *** wherever it goes (a repr, an
f-string, a --debug line, an exception), and its text is taken only where it is used."""

from __future__ import annotations


class Secret:
    __slots__ = ("_text",)

    def __init__(self, text: str):
        self._text = text

    def reveal(self) -> str:
        """The text itself: for an HMAC or a login, never for a message."""
        return self._text

    def __repr__(self) -> str:
        return "Secret('***')"

    def __str__(self) -> str:
        return "***"

    def __format__(self, spec: str) -> str:
        return "***"

    def __bool__(self) -> bool:
        return bool(self._text)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._text == self._text

    def __hash__(self) -> int:
        return hash(self._text)

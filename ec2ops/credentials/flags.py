"""Keys given on the command line: --access-key-id, --access-key (or '-': one line of stdin) and
--session-token."""

from __future__ import annotations

from ec2ops.credentials.chain import Pieces, whole
from ec2ops.credentials.keys import Credentials, Piece
from ec2ops.errors import InputError

# Each flag, the option name it is held under, and the key it gives, in the order they are checked.
FLAGS = (("--access-key-id", "access_key_id", "aws_access_key_id"),
         ("--access-key", "access_key", "aws_secret_access_key"),
         ("--session-token", "session_token", "aws_session_token"))


class Flags:
    """Whitespace around a key is dropped (a copied line's end); a flag given empty is bad input."""

    name = "the command line"

    def __init__(self, access_key_id: str | None, access_key: str | None, session_token: str | None):
        self._given = {"access_key_id": access_key_id, "access_key": access_key, "session_token": session_token}

    def pieces(self) -> Pieces:
        if self._given["access_key"] == "-":  # read once: stdin holds one line for it
            from ec2ops.stdin import secret_line

            self._given["access_key"] = secret_line("secret access key", "--access-key -")
        for flag, option, _ in FLAGS:
            value = self._given[option]
            if value is not None and not value.strip():
                raise InputError(f"{flag} cannot be empty.")
        return {key: Piece(self._given[option].strip(), flag) for flag, option, key in FLAGS
                if self._given[option] is not None}

    def load(self) -> Credentials | None:
        return whole(self)

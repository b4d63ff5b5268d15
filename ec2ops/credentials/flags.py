"""Keys given on the command line: --access-key-id, --access-key (or '-': one line of stdin) and
--session-token. Each flag stands for its variable (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_SESSION_TOKEN): a flag given makes the command line and those variables the run's one source,
whole or refused; a profile never completes it."""

from __future__ import annotations

from ec2ops.credentials.environment import variable
from ec2ops.client.keys import Credentials, Piece, of_pieces
from ec2ops.errors import InputError

# Each flag, the option name it is held under, the key it gives and the variable it stands for.
FLAGS = (("--access-key-id", "access_key_id", "aws_access_key_id", "AWS_ACCESS_KEY_ID"),
         ("--access-key", "access_key", "aws_secret_access_key", "AWS_SECRET_ACCESS_KEY"),
         ("--session-token", "session_token", "aws_session_token", "AWS_SESSION_TOKEN"))
_NAMES = {"aws_access_key_id": "accessKeyId", "aws_secret_access_key": "accessKey"}


class Flags:
    """Whitespace around a key is dropped (a copied line's end); a flag given empty is bad input.
    `with_variables`: a key not given as a flag comes from its variable (not under an explicit
    --profile, which leaves the environment's keys out)."""

    name = "the command line"

    def __init__(self, access_key_id: str | None, access_key: str | None, session_token: str | None,
                 with_variables: bool = True):
        self._given = {"access_key_id": access_key_id, "access_key": access_key, "session_token": session_token}
        self.with_variables = with_variables

    @property
    def given(self) -> bool:
        return any(value is not None for value in self._given.values())

    def load(self) -> Credentials | None:
        if not self.given:
            return None
        if self._given["access_key"] == "-":  # read once: stdin holds one line for it
            from ec2ops.stdin import secret_line

            self._given["access_key"] = secret_line("secret access key", "--access-key -")
        pieces = {}
        for flag, option, key, env in FLAGS:
            value = self._given[option]
            if value is not None and not value.strip():
                raise InputError(f"{flag} cannot be empty.")
            if value is not None:
                pieces[key] = Piece(value.strip(), flag)
            elif self.with_variables and variable(env):
                pieces[key] = Piece(variable(env), env)
        absent = [(flag, env) for flag, _, key, env in FLAGS[:2] if key not in pieces]
        if absent:
            given = ", ".join(flag for flag, option, _, _ in FLAGS if self._given[option] is not None)
            wanted = " and ".join(f"{_NAMES[key]} ({flag}" + (f" or {env})" if self.with_variables else ")")
                                  for flag, _, key, env in FLAGS[:2] if key not in pieces)
            raise InputError(f"Missing credentials: {wanted}, to go with {given}.")
        return of_pieces(pieces)

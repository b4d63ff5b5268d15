"""Keys in the environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (or the
older AWS_SECURITY_TOKEN), read as botocore reads them: the id decides; with it, the secret is required."""

from __future__ import annotations

import os

from ec2ops.client.keys import Credentials, Piece, of_pieces
from ec2ops.errors import InputError

TOKENS = ("AWS_SECURITY_TOKEN", "AWS_SESSION_TOKEN")  # botocore's order: the first set one is the token


def variable(name: str) -> str:
    """A variable's value without surrounding whitespace; set empty counts as unset, as in the AWS CLI."""
    return (os.environ.get(name) or "").strip()


class Environment:
    name = "the environment"

    def load(self) -> Credentials | None:
        key_id = variable("AWS_ACCESS_KEY_ID")
        if not key_id:  # a secret or a token alone is no set: the next source is asked, as botocore does
            return None
        secret = variable("AWS_SECRET_ACCESS_KEY")
        if not secret:
            raise InputError("Partial credentials in the environment: AWS_ACCESS_KEY_ID is set without "
                             "AWS_SECRET_ACCESS_KEY.")
        pieces = {"aws_access_key_id": Piece(key_id, "AWS_ACCESS_KEY_ID"),
                  "aws_secret_access_key": Piece(secret, "AWS_SECRET_ACCESS_KEY")}
        token = next((name for name in TOKENS if variable(name)), None)
        if token:
            pieces["aws_session_token"] = Piece(variable(token), token)
        return of_pieces(pieces)

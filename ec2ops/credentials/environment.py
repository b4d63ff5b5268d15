"""Keys in the environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN."""

from __future__ import annotations

import os

from ec2ops.credentials.chain import Pieces, whole
from ec2ops.credentials.keys import Credentials, Piece

VARIABLES = {"aws_access_key_id": "AWS_ACCESS_KEY_ID", "aws_secret_access_key": "AWS_SECRET_ACCESS_KEY",
             "aws_session_token": "AWS_SESSION_TOKEN"}


class Environment:
    """Whitespace around a value is dropped; a variable set empty counts as unset, as in the AWS CLI."""

    name = "the environment"

    def pieces(self) -> Pieces:
        found = {key: (os.environ.get(variable) or "").strip() for key, variable in VARIABLES.items()}
        return {key: Piece(value, VARIABLES[key]) for key, value in found.items() if value}

    def load(self) -> Credentials | None:
        return whole(self)

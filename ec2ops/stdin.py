"""The one reader of standard input: secrets given as '-' (the secret key, an S3 secret key, an SMTP
password) come one line each, in the order the command asks for them."""

from __future__ import annotations

import sys

from ec2ops.errors import InputError


def secret_line(what: str, given_as: str) -> str:
    """The first line still unread on stdin, without its line ending; an empty one is an error."""
    value = sys.stdin.readline().rstrip("\r\n") if sys.stdin is not None else ""
    if not value:
        raise InputError(f"{given_as} was given but standard input held no {what}.")
    return value

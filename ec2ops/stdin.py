"""The one reader of standard input. Two kinds of readers share it:

- secrets given as '-' (the secret key, an S3 secret key, an SMTP password) take one line each, in
  the order the command asks for them;
- ids given as '-' (spec.read_inputs) and --user-data-file - take all of it, and so does a file
  named by a path that is stdin (/dev/stdin, /dev/fd/0, /proc/self/fd/0, or any path to the pipe
  or terminal on fd 0).

A reader that takes all of stdin must be its only reader: each one claims stdin before it reads,
and a second claim next to one that takes all is bad input (exit 2), made before anything is read
or sent. The claims of one command are kept in its click context."""

from __future__ import annotations

import os
import re
import stat
import sys

from ec2ops.errors import InputError

MAX_BYTES = 1024 * 1024  # ids: far more than EC2 takes in one call; /dev/zero is not a list of ids
ACCESS_KEY = "--access-key -"  # a common input, read from stdin when the first call goes out


def _claims() -> dict[str, bool]:
    """This command's readers of stdin, by how they were given -> whether each takes all of it.
    --access-key - counts from the start: it is read later, but the command reads it for sure."""
    import click

    ctx = click.get_current_context(silent=True)
    if ctx is None:  # called outside a command (a library user): nothing to compare with
        return {}
    claims = ctx.meta.setdefault("ec2ops.stdin", {})
    session = ctx.meta.get("ec2ops.session")
    if session is not None and session.common.key_from_stdin:
        claims.setdefault(ACCESS_KEY, False)
    return claims


STDIN_PATHS = ("/dev/stdin", "/dev/fd/0", "/proc/self/fd/0")


def is_stdin(path: str) -> bool:
    """`path` reads the stream on fd 0: one of its names, or the same pipe, FIFO, socket or terminal (a
    file or device on stdin opened anew by its path shares nothing with stdin's reader)."""
    if os.path.normpath(path) in STDIN_PATHS:
        return True
    try:
        ours = os.fstat(0)
        if not (stat.S_ISFIFO(ours.st_mode) or stat.S_ISSOCK(ours.st_mode) or os.isatty(0)):
            return False
        theirs = os.stat(path)
    except (OSError, ValueError):
        return False
    return (theirs.st_dev, theirs.st_ino) == (ours.st_dev, ours.st_ino)


def claim(given_as: str, whole: bool = True) -> None:
    """Says that `given_as` (e.g. '--instance-id -') reads stdin; refused when it would share stdin
    with another reader and either of them takes all of it."""
    claims = _claims()
    others = [name for name in claims if name != given_as]
    clash = next((name for name in others if whole or claims[name]), None)
    if clash is not None:
        raise InputError(f"{clash} and {given_as} both read standard input; give one of them another way.")
    claims[given_as] = whole


def secret_line(what: str, given_as: str) -> str:
    """The first line still unread on stdin, without its line ending; an empty one is an error."""
    claim(given_as, whole=False)
    value = sys.stdin.readline().rstrip("\r\n") if sys.stdin is not None else ""
    if not value:
        raise InputError(f"{given_as} was given but standard input held no {what}.")
    return value


def read_bytes(given_as: str, limit: int) -> bytes:
    """All of stdin as bytes, up to `limit` + 1 (the caller says what is too much)."""
    claim(given_as)
    if sys.stdin is None:
        return b""
    binary = getattr(sys.stdin, "buffer", None)
    if binary is not None:
        return binary.read(limit + 1)
    return sys.stdin.read(limit + 1).encode("utf-8")  # a text stream without bytes under it (tests, embedders)


def ids(given_as: str, prefix: str | None = None) -> list[str]:
    """The ids on stdin (`listed_ids`): separated by whitespace or newlines (the output of `cut`,
    `awk`, `jq -r`), or a listing's plain output."""
    data = read_bytes(given_as, MAX_BYTES)
    if len(data) > MAX_BYTES:
        raise InputError(f"{given_as}: standard input holds more than {MAX_BYTES // 1024} KiB; that is not a list "
                         "of ids.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{given_as}: standard input is not UTF-8 text; expected ids.") from None
    return listed_ids(text, prefix)


# A plain output's line other than returnResult's (`requestId: ...`); `name:` alone starts a table's lines.
OUTPUT_LINE = re.compile(r"[a-z][A-Za-z0-9]*:(?: |$)")
FIELDS = re.compile(r"[;,\t]")


def listed_ids(text: str, prefix: str | None = None) -> list[str]:
    """Ids separated by whitespace; or ec2ops's plain output of a listing piped as it is: the first
    field of each row (a line of fields separated by ';', ',' or a tab, not all of them ids starting
    with `prefix`: `i-1,i-2` is two ids), the other outputs' lines skipped (`requestId: ...`, and
    the indented lines of a table after its `name:` line)."""
    found: list[str] = []
    table_lines = False
    for line in text.splitlines():
        if OUTPUT_LINE.match(line):
            table_lines = line.rstrip().endswith(":")
            continue
        if table_lines and line.startswith("  "):
            continue
        table_lines = False
        fields = [field.strip() for field in FIELDS.split(line)]
        if len(fields) > 1 and not (prefix and all(field.startswith(prefix) for field in fields if field)):
            found.extend(fields[0].split()[:1])
        else:
            found.extend(word for field in fields for word in field.split())
    return found

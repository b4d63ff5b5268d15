"""User data for launched instances (run-instances and its template flow): given as text or as a
file's bytes ('-': stdin), sent base64-encoded, refused here over EC2's 16 KB."""

from __future__ import annotations

from ec2ops.errors import InputError
from ec2ops.spec import Input

USER_DATA_LIMIT = 16 * 1024  # EC2's limit, on the data before base64 encoding


def _user_data(raw: bytes, given_as: str) -> str:
    """What EC2 takes as UserData: the bytes base64-encoded, refused here when over EC2's limit."""
    import base64

    if len(raw) > USER_DATA_LIMIT:
        raise InputError(f"{given_as}: the user data is larger than 16 KB ({USER_DATA_LIMIT} bytes), EC2's limit "
                         "before base64 encoding.")
    return base64.b64encode(raw).decode("ascii")


def _user_data_text(text: str) -> str:
    """The argument's bytes as the shell passed them (bytes that are not UTF-8 arrive as surrogates)."""
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate no command line can carry
        raise InputError("--user-data holds characters that are not text; give it with --user-data-file.") from None
    return _user_data(raw, "--user-data")


def _user_data_file(path: str) -> str:
    """The file's bytes as they are (a gzipped cloud-config too); '-' is stdin. Never more than the
    limit is read: /dev/zero is refused, not read."""
    from ec2ops import stdin

    if path == "-" or stdin.is_stdin(path):  # /dev/stdin is stdin too: one reader
        return _user_data(stdin.read_bytes(f"--user-data-file {path}", USER_DATA_LIMIT), f"--user-data-file {path}")
    from ec2ops.files import read_at_most

    try:
        raw = read_at_most(path, USER_DATA_LIMIT)
    except (OSError, ValueError) as exc:  # ValueError: a NUL, or what the file system cannot encode
        raise InputError(f"--user-data-file {path}: {getattr(exc, 'strerror', None) or 'not a file name'}.") from None
    return _user_data(raw, f"--user-data-file {path}")


USER_DATA_INPUTS = (
    Input("userData", "User data for the instances (e.g. a cloud-init script), sent base64-encoded; at most 16 KB.",
          query="UserData", check=_user_data_text, metavar="TEXT"),
    Input("userDataFile", "Read the user data from this file ('-': stdin), bytes as they are; at most 16 KB.",
          query="UserData", check=_user_data_file, metavar="PATH"),
)


def user_data_given(inputs: dict) -> bool:
    if inputs.get("userData") is not None and inputs.get("userDataFile") is not None:
        raise InputError("Give the user data as --user-data or --user-data-file, not both.")
    return inputs.get("userData") is not None or inputs.get("userDataFile") is not None

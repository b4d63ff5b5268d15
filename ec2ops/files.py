"""Local files, read and written one way: small text files read with a bound (a credentials file
that points at /dev/zero is not read for ever) and with errors that name the file and the line but
never quote it (it may hold a secret); files written whole or not at all (a temporary file in the
same folder, then a rename), so that a full disk leaves neither a truncated file nor a stray one."""

from __future__ import annotations

import os

from ec2ops.errors import InputError

LIMIT = 1024 * 1024  # no credentials or configuration file is a megabyte


def read_small(path: str, what: str) -> str | None:
    """The text of `path` (UTF-8), or None when there is no such file; anything else that keeps it
    from being read is bad input, named by file and line."""
    try:
        data = read_at_most(path, LIMIT)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(f"The {what} {path} cannot be read: {exc.strerror}.") from None
    if len(data) > LIMIT:
        raise InputError(f"The {what} {path} is larger than {LIMIT // 1024} KiB: is it the right file?")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError(f"The {what} {path} is not UTF-8 text (line {line}).") from None


def read_at_most(path: str, limit: int) -> bytes:
    """The file's bytes, `limit` + 1 at the most: more than `limit` says it is too large, without
    reading on (a file that never ends, /dev/zero)."""
    with open(path, "rb") as handle:
        return handle.read(limit + 1)


def check_writable(path: str, what: str) -> None:
    """Before anything is sent: `path` can be made (its folder exists and is writable) and is not a folder."""
    if not path:
        raise InputError(f"The {what} cannot be empty.")
    if os.path.isdir(path):
        raise InputError(f"Cannot write the {what} {path}: it is a directory (nothing was sent to EC2).")
    folder = os.path.dirname(os.path.abspath(path))
    if not (os.path.isdir(folder) and os.access(folder, os.W_OK)):
        raise InputError(f"Cannot write the {what} {path}: {folder} is not a writable directory (nothing was sent to EC2).")


def write_whole(path: str, data: bytes, mode: int = 0o600, replace: bool = True) -> None:
    """`data` as the whole content of `path`, or `path` left as it was. The file has `mode` from its
    first byte, whatever the umask. Without `replace`, an existing file is never overwritten."""
    folder = os.path.dirname(os.path.abspath(path))
    temporary = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        try:
            os.fchmod(descriptor, mode)
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view):]
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        if replace:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)  # fails if `path` appeared meanwhile: never clobbered
    finally:
        if os.path.lexists(temporary):  # after a failure, or the link made
            os.unlink(temporary)


def append_whole(path: str, text: str) -> None:
    """`text` added at the end of `path` (made if missing), all of it or nothing: the old content
    and the new one are written to a temporary file that replaces the old one; its mode is kept."""
    try:
        with open(path, "rb") as handle:
            old = handle.read()
        mode = os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        old, mode = b"", 0o666 & ~_umask()
    write_whole(path, old + text.encode("utf-8"), mode)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask

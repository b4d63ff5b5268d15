"""Local files, read and written one way: small text files read with a bound (a credentials file
that points at /dev/zero is not read for ever) and with errors that name the file and the line but
never quote it (it may hold a secret); files written whole or not at all (a temporary file in the
same folder, then a rename), so that a full disk leaves neither a truncated file nor a stray one;
logs appended as `>>` appends, in one write."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from ec2ops.errors import InputError

LIMIT = 1024 * 1024  # no credentials or configuration file is a megabyte


def in_home(*parts: str) -> Path:
    """~/PARTS, home found as the AWS CLI finds it (os.path.expanduser: HOME, else the password
    database). A process with neither (HOME unset, a user id without an entry: some containers and
    services) gets the path as written, '~/...', where nothing is found, as the AWS CLI does; not
    Path.home()'s error."""
    return Path(os.path.expanduser(os.path.join("~", *parts)))


def aws_file(variable: str, name: str) -> Path:
    """~/.aws/NAME (credentials, config), or the file the AWS CLI's `variable` names instead."""
    given = os.environ.get(variable)
    return Path(os.path.expanduser(given)) if given else in_home(".aws", name)


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
    from ec2ops import stdin

    if stdin.is_stdin(path):  # a file named /dev/stdin is read as stdin, by its one reader
        return stdin.read_bytes(path, limit)
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


def is_regular_or_absent(path: str) -> bool:
    """`path` names no file (a dangling link counts as none), or a regular one outside /dev and /proc:
    a device, a FIFO, /dev/stdout or anything under /proc is never replaced by a written file."""
    folder = os.path.realpath(os.path.dirname(os.path.abspath(path)))
    if folder.split(os.sep)[1:2] in (["dev"], ["proc"]):
        return False
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        return True
    except OSError:
        return False


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
            if not is_regular_or_absent(path):  # became a device or FIFO since it was checked
                raise OSError(errno.EINVAL, "not a regular file")
            os.replace(temporary, path)
        else:
            os.link(temporary, path)  # fails if `path` appeared meanwhile: never clobbered
    finally:
        if os.path.lexists(temporary):  # after a failure, or the link made
            os.unlink(temporary)


def check_appendable(path: str, what: str) -> None:
    """Before anything is sent: `path` can be appended to where `>>` could (a file, through a symlink,
    a device, /dev/stdout), or made in its folder; a folder never."""
    if not path:
        raise InputError(f"The {what} cannot be empty.")
    if os.path.isdir(path):
        raise InputError(f"Cannot write the {what} {path}: it is a directory (nothing was sent to EC2).")
    if os.path.exists(path):
        if not os.access(path, os.W_OK):
            raise InputError(f"Cannot write the {what} {path}: permission denied (nothing was sent to EC2).")
        return
    folder = os.path.dirname(os.path.abspath(path))
    if not (os.path.isdir(folder) and os.access(folder, os.W_OK)):
        raise InputError(f"Cannot write the {what} {path}: {folder} is not a writable directory (nothing was sent "
                         "to EC2).")


def append_once(path: str, data: bytes) -> None:
    """`data` added at the end of `path` as `>>` adds it: opened with O_APPEND (made 0666 less the
    umask if missing; symlinks and devices written through, never replaced), in one write, so that
    concurrent runs and other writers all keep their lines and the file is never read. A write cut
    short (a full disk) is finished if it can be, else taken back where nothing was written after it."""
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        view, written = memoryview(data), 0
        try:
            while written < len(data):
                written += os.write(descriptor, view[written:])
        except OSError:
            if written:
                _take_back(descriptor, written)
            raise
    finally:
        os.close(descriptor)


def _take_back(descriptor: int, written: int) -> None:
    """A regular file cut back to where this write began, if it still ends where the write did."""
    try:
        end = os.lseek(descriptor, 0, os.SEEK_CUR)
        if stat.S_ISREG(os.fstat(descriptor).st_mode) and os.fstat(descriptor).st_size == end:
            os.ftruncate(descriptor, end - written)
    except OSError:
        pass

"""ec2ops: the HP OO Amazon EC2 integration's operations and flows as one command line."""

import sys

__version__ = "0.1.0"


def _import_uuid_without_subprocess() -> None:
    """click imports uuid, which on Python 3.10 imports platform only to call platform.system(), and
    3.10's platform imports subprocess (3.11 imports it when needed): ~4 ms and a module no --help
    needs, on every start. uuid is given that one function, answered from os.uname() as platform
    does on POSIX; the real platform loads as usual for whoever imports it next."""
    import os

    stand_in = type(sys)("platform")
    stand_in.system = lambda: os.uname().sysname
    sys.modules["platform"] = stand_in
    try:
        import uuid  # noqa: F401
    finally:
        del sys.modules["platform"]


if sys.version_info < (3, 11) and sys.platform not in ("win32", "darwin") and "uuid" not in sys.modules \
        and "platform" not in sys.modules:
    _import_uuid_without_subprocess()

"""--profiles: each profile's keys resolved once per run, all at once before any call (a role each:
one AssumeRole each, an MFA code asked once), a source shared by several resolved once. A role that
STS refuses or cannot give fails that profile's calls alone; bad input (no such profile, no keys)
is the run's."""

from __future__ import annotations

from typing import Any

from ec2ops.errors import Ec2opsError, InputError


class Refused:
    """The source of a profile whose keys could not be had: each of its calls fails with why."""

    name = "a refused profile"

    def __init__(self, error: Exception):
        self.error = error

    def current(self):
        raise self.error


class Profiles:
    def __init__(self, network: dict | None = None) -> None:
        self._found: dict[str, tuple[Any, str | None]] = {}
        self.network = network  # how the run reaches AWS, for STS

    def resolve(self, names: list[str]) -> None:
        from concurrent.futures import ThreadPoolExecutor  # here: threads for --profiles only

        from ec2ops.credentials import of_profile, read_profile

        def one(name: str):
            try:
                return of_profile(name, self.network)
            except InputError:
                raise
            except Ec2opsError as exc:
                return Refused(exc), read_profile(name)[1]

        todo = [name for name in dict.fromkeys(names) if name not in self._found]
        if len(todo) <= 1:
            self._found.update({name: one(name) for name in todo})
            return
        with ThreadPoolExecutor(max_workers=min(16, len(todo))) as pool:
            futures = {name: pool.submit(one, name) for name in todo}
            self._found.update({name: future.result() for name, future in futures.items()})

    def keys(self, name: str) -> tuple[Any, str | None]:
        """(the profile's source of keys, its region), resolved if it was not yet."""
        self.resolve([name])
        return self._found[name]

    def refused(self, name: str) -> bool:
        return isinstance(self.keys(name)[0], Refused)

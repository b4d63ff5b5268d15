"""The keys a client signs with, kept current: loaded once, loaded again before they expire."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Callable

from ec2ops.credentials.chain import Provider
from ec2ops.client.keys import Credentials

# Temporary keys are loaded again this long before they expire: a request signed with them must
# still reach AWS, and be checked there, while they hold.
REFRESH_MARGIN = dt.timedelta(minutes=5)


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Source:
    """What a client holds instead of fixed keys: `current()` gives keys that hold for a while yet.

    Keys without an expiry (static keys) are loaded once and kept. Keys that expire are loaded again
    from the provider when they come within `margin` of their expiry. Regions run in threads over
    one Source: one thread loads while the others wait for its keys, never a load each."""

    def __init__(self, provider: Provider, clock: Callable[[], dt.datetime] = _utc_now,
                 margin: dt.timedelta = REFRESH_MARGIN):
        self.provider, self._clock, self._margin = provider, clock, margin
        self._keys: Credentials | None = None
        self._lock = threading.Lock()

    def current(self) -> Credentials:
        keys = self._keys
        if keys is not None and not self._ending(keys):
            return keys
        with self._lock:
            if self._keys is None or self._ending(self._keys):  # another thread may have loaded them meanwhile
                self._keys = self._load()
            return self._keys

    def _ending(self, keys: Credentials) -> bool:
        return keys.expiry is not None and self._clock() >= keys.expiry - self._margin

    def _load(self) -> Credentials:
        keys = self.provider.load()
        if keys is None:
            from ec2ops.errors import InputError

            raise InputError(f"No credentials from {self.provider.name}.")
        return keys

    def __repr__(self) -> str:
        return f"Source({self.provider.name})"

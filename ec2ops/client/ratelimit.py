"""retry_mode adaptive: once EC2 throttles, the client spaces its requests itself, as the AWS SDKs'
adaptive mode does. The allowed rate starts at the rate requests were being sent when the first
throttle came, falls to 70% of it at each throttle, and grows back by 10% with each answer that is
not one; before that first throttle nothing is held back. Shared by the threads of a run's regions."""

from __future__ import annotations

import threading
import time
from typing import Callable

BETA = 0.7  # the SDKs' factor on a throttle
GROWTH = 1.1
FLOOR = 0.5  # requests a second: never slower than one every two seconds
WINDOW = 1.0  # seconds over which the sending rate is measured


class Adaptive:
    def __init__(self, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self.rate: float | None = None  # requests a second; None: not limited
        self._next = 0.0  # when the next request may leave
        self._sent: list[float] = []  # send times within the last WINDOW

    def before(self) -> None:
        """Waits until this request may leave, and counts it."""
        with self._lock:
            now = self._clock()
            wait = 0.0
            if self.rate is not None:
                wait = max(0.0, self._next - now)
                self._next = max(now, self._next) + 1.0 / self.rate
            self._sent = [t for t in self._sent if now - t < WINDOW] + [now + wait]
        if wait:
            self._sleep(wait)

    def answered(self, throttled: bool) -> None:
        with self._lock:
            if throttled:
                measured = max(len(self._sent) / WINDOW, FLOOR)
                self.rate = max(FLOOR, (min(self.rate, measured) if self.rate else measured) * BETA)
            elif self.rate is not None:
                self.rate *= GROWTH

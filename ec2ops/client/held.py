"""The bytes of pages fetched and not yet read: how many are held at once.

Two bounds. Within a listing, the next page (read ahead) is read no faster than the page being
printed is let go of, so that a listing holds about one page, not two (Progress). Across the
targets of a fan-out (--regions, --profiles), one Budget bounds the bytes every target holds:
the target the printer reads (the head) never waits on it, the others wait, while their answer
is read, for the head to let bytes go. So memory is flat in the number of targets, and the
printer, which waits only on the head, can never wait on a target that waits on it.
"""

from __future__ import annotations

import threading
import time
from typing import Callable, ContextManager


class Budget:
    """The bytes that the pages of every target of a fan-out hold at once: at most `most`, but for
    the head's. Targets are numbered in the order they are printed."""

    def __init__(self, most: int):
        self.most = most
        self.held = 0
        self._head = 0
        self._closed = False
        self._waiting: set[int] = set()
        self._changed = threading.Condition()

    def take(self, target: int, size: int, pause: Callable[[], ContextManager]) -> None:
        """`size` bytes more held by `target`'s page; a target that is not the head waits, within
        `pause()`, until they fit (the targets printed sooner served first)."""
        with self._changed:
            if self._fits(target, size):
                self.held += size
                return
        with pause():
            with self._changed:
                self._waiting.add(target)
                while not self._fits(target, size):
                    self._changed.wait()
                self._waiting.discard(target)
                self.held += size
                self._changed.notify_all()  # the next in line may fit too

    def _fits(self, target: int, size: int) -> bool:
        if target <= self._head or self._closed:
            return True
        return self.held + size <= self.most and not any(other < target for other in self._waiting)

    def give(self, size: int) -> None:
        with self._changed:
            self.held -= size
            self._changed.notify_all()

    def advance(self, target: int) -> None:
        """The printer now reads `target`'s answer: it waits no more."""
        with self._changed:
            self._head = target
            self._changed.notify_all()

    def close(self) -> None:
        """The fan-out is over (done, failed or left early): nothing waits any more."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()


class Progress:
    """How far a page has been read: what the page read after it paces itself on."""

    def __init__(self):
        self.let_go = 0  # of which read and let go of
        self.started = False  # the printer reads it
        self.done = False  # read, or dropped: nothing more will be let go of
        self._wanted = 0  # what let_go must reach for the page after to go on: woken then, not at each piece
        self._changed = threading.Condition()

    def _update(self, let_go: int = 0, done: bool = False) -> None:
        with self._changed:
            first = not self.started
            self.let_go += let_go
            self.started = True
            self.done = self.done or done
            if first or self.done or self.let_go >= self._wanted:
                self._changed.notify_all()

    def wait_started(self) -> float:
        """Once the printer reads this page (or it is dropped); returns the seconds waited."""
        return self._wait(lambda: self.started)

    def wait_room(self, read: int) -> float:
        """Once the page after this one may hold `read` bytes: no more than this one let go of, plus
        a piece (or any, once this one is done); returns the seconds waited. Once it has to wait, it
        waits for room for a burst of pieces (BURST): woken at each piece let go of, the reading
        thread took Python's lock from the printer ~50 times a page, and the paired benchmark
        measured 20 pages at 4.2 s of CPU against 3.0 s."""
        if self.done or read <= self.let_go + SLACK:
            return 0.0
        with self._changed:
            self._wanted = read + BURST - SLACK
        return self._wait(lambda: self.done or self.let_go >= self._wanted)

    def _wait(self, ready: Callable[[], bool]) -> float:
        with self._changed:
            if ready():
                return 0.0
            began = time.monotonic()
            self._changed.wait_for(ready)
            return time.monotonic() - began


SLACK = 64 * 1024  # what the next page may read beyond what the current one let go of: small pages never wait
BURST = 512 * 1024  # once the next page waits, the room it waits for: a few wakes a page, not one a piece


class Held(list):
    """A page's pieces as they arrived, held against its target's Budget (if any) and its Progress;
    each let go of as the reader takes it (pop), the rest when the page is dropped."""

    def __init__(self, budget: Budget | None = None, target: int = 0):
        super().__init__()
        self.budget, self.target, self.progress = budget, target, Progress()

    def add(self, piece: bytes, pause: Callable[[], ContextManager]) -> None:
        if self.budget is not None:
            self.budget.take(self.target, len(piece), pause)
        self.append(piece)

    def pop(self, index: int = -1) -> bytes:
        piece = super().pop(index)
        if self.budget is not None:
            self.budget.give(len(piece))
        self.progress._update(len(piece))
        return piece

    def drop(self) -> None:
        """The pieces not read let go of at once (a page read in part, a failed read, a page no
        one reads): the budget gets them back and the next page paces itself no more."""
        rest = sum(map(len, self))
        self.clear()
        if self.budget is not None and rest:
            self.budget.give(rest)
        self.progress._update(rest, done=True)

    def __del__(self) -> None:
        if not self.progress.done:
            self.drop()


_one_heap = False


def one_heap() -> None:
    """Every thread's allocations from one malloc heap, before threads that read pages start. glibc
    gives each thread a heap (arena) of its own, and bytes that a region's thread read and the
    printer let go of stay resident there, of no use to the next region's thread: 8 regions kept
    8 pages resident (92 MiB) while the budget held 2, and a page read ahead in another thread's
    heap made 20 pages 1.14x one page's memory where one heap makes it 1.07x. Python's lock
    serializes the threads' allocations anyway. Elsewhere than glibc, nothing is done."""
    global _one_heap
    if _one_heap:
        return
    _one_heap = True
    import sys

    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None).mallopt(-8, 1)  # M_ARENA_MAX, 1
    except (OSError, AttributeError):  # a C library without mallopt
        pass

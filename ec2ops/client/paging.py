"""A listing followed page by page (nextToken), against an endpoint that may loop, send tokens of
any size, or hang while the reader of the output has gone."""

from __future__ import annotations

import collections
import hashlib
import threading
from typing import Any, Callable, Iterator

from ec2ops.client import CALL_THREAD
from ec2ops.client.held import one_heap
from ec2ops.errors import EndpointError, PipeClosed

MAX_TOKEN = 64 * 1024  # EC2's tokens are a few hundred bytes to a few KiB
FINGERPRINTS = 65536  # a loop through up to this many pages is found; 16 bytes each, not the tokens
POLL = 0.1  # seconds between looks at the reader while a page is awaited


def pages(call: Callable, action: str, params: dict[str, str], list_key: str, where: Callable[[], str],
          ahead: bool = True, gone: Callable[[], bool] | None = None) -> Iterator[Any]:
    """Each page as it arrives. With `ahead`, the next page is asked for as soon as this one's token is
    found in its bytes, and arrives while this one is read and printed; a token read that differs (an
    odd answer) is followed instead. About one page is held at once: the next arrives as this one is
    let go of (held.Progress). A token given before is a
    loop (exit 3, never a listing that silently stops or repeats rows); `gone` is asked while a page
    is awaited, and a reader that went away ends the listing at once (141)."""
    seen = _Fingerprints()
    page = call(action, params, list_key)
    while True:
        early = page.early_token() if ahead and hasattr(page, "early_token") else None
        if early and (len(early) > MAX_TOKEN or early in seen):
            early = None
        # asked for once the printer reads this page, and read no faster than this one is let go of
        coming = _Ahead(call, action, {**params, "NextToken": early}, list_key, page.progress) if early else None
        yield page
        token = page.next_token
        if not token:
            return
        if len(token.encode("utf-8")) > MAX_TOKEN:
            raise EndpointError(f"{where()} answered a nextToken of {len(token.encode('utf-8'))} bytes for {action} "
                                f"(more than {MAX_TOKEN}); the listing is incomplete.")
        if not seen.add(token):
            raise EndpointError(f"{where()} answered a nextToken it had given before: the pages of {action} loop; "
                                "the listing is incomplete.")
        if not (coming and token == early):
            coming = _Ahead(call, action, {**params, "NextToken": token}, list_key)
        page = coming.result(gone)


class _Fingerprints:
    """The tokens of a listing, remembered by digest, the oldest let go of past FINGERPRINTS."""

    def __init__(self):
        self._order: collections.deque[bytes] = collections.deque()
        self._set: set[bytes] = set()

    @staticmethod
    def _digest(token: str) -> bytes:
        return hashlib.blake2b(token.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def __contains__(self, token: str) -> bool:
        return self._digest(token) in self._set

    def add(self, token: str) -> bool:
        """False when the token was there already."""
        digest = self._digest(token)
        if digest in self._set:
            return False
        self._set.add(digest)
        self._order.append(digest)
        if len(self._order) > FINGERPRINTS:
            self._set.discard(self._order.popleft())
        return True


class _Ahead:
    """A call made in a thread of its own, its answer (or failure) taken when wanted. Daemonic: a
    command that stops reading (a closed pipe, --max-items, Ctrl-C) does not wait for it."""

    def __init__(self, function: Callable, *args):
        one_heap()  # a page read in another thread: its bytes, once let go of, of use to the next page's
        self._done = threading.Event()
        self._outcome: tuple[bool, Any] = (False, None)
        threading.Thread(target=self._run, args=(function, args), name=f"{CALL_THREAD}-ahead", daemon=True).start()

    def _run(self, function: Callable, args: tuple) -> None:
        try:
            self._outcome = (True, function(*args))
        except BaseException as exc:  # noqa: BLE001 - handed over to the thread that wants it
            self._outcome = (False, exc)
        finally:
            self._done.set()

    def result(self, gone: Callable[[], bool] | None = None) -> Any:
        while not self._done.wait(POLL if gone else None):
            if gone():
                raise PipeClosed()
        ok, value = self._outcome
        if not ok:
            raise value
        return value

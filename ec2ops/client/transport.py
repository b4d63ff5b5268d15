"""HTTP on httpcore's public API, with a read timeout that bounds the whole answer.

A read timeout that bounds each read from the socket lets a peer that sends a byte of its headers every
half second keep a request waiting for hours. Here each attempt has a deadline: from the moment the
request is written, every read waits at most what is left of the read timeout, and fails once it is
spent. The deadline is the calling thread's own, since regions run in threads over one shared pool
(a connection serves one request at a time, read by the thread that sent it).

httpcore's pools take a network backend: ours wraps the sockets so that they keep the deadline. What
httpx did above httpcore, and ec2ops needs, is done here: the proxy for each URL (proxies.py), the
request's headers, and undoing the answer's Content-Encoding, piece by piece with a bound on each piece
so that a small compressed answer cannot unfold into gigabytes before the caller counts its bytes.
"""

from __future__ import annotations

import contextlib
import ssl
import threading
import time
import zlib
from typing import Callable, Iterator
from urllib.parse import quote, urlsplit

import httpcore

from ec2ops.client import proxies

# What httpx asked for, as it was installed for ec2ops (brotli and zstandard are not ec2ops's dependencies).
ACCEPT_ENCODING = "gzip, deflate"
PIECE = 64 * 1024  # the most one step of decoding unfolds at once
LIMITS = dict(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)  # httpx's defaults

_attempt = threading.local()


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Within this block, the thread's request and its whole answer take at most `seconds`, counted
    from the first byte of the request written (connecting is the connect timeout's business)."""
    _attempt.budget, _attempt.ends = seconds, None
    try:
        yield
    finally:
        _attempt.budget = _attempt.ends = None


def extend(seconds: float) -> None:
    """The thread's deadline pushed back by `seconds` that ec2ops, not the endpoint, spent waiting
    (a page read ahead waits for the printer to let bytes go)."""
    if seconds and getattr(_attempt, "ends", None) is not None:
        _attempt.ends += seconds


def _left() -> float | None:
    ends = getattr(_attempt, "ends", None)
    return None if ends is None else ends - time.monotonic()


class _Stream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream):
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        left = _left()
        if left is not None:
            if left <= 0:
                raise httpcore.ReadTimeout("the read timeout was spent")
            timeout = left if timeout is None else min(timeout, left)
        return self._stream.read(max_bytes, timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if getattr(_attempt, "budget", None) is not None and _attempt.ends is None:
            _attempt.ends = time.monotonic() + _attempt.budget  # the request leaves: the clock starts
        self._stream.write(buffer, timeout)

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> httpcore.NetworkStream:
        return _Stream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class Backend(httpcore.NetworkBackend):
    """httpcore's own sockets, each kept to the calling thread's deadline."""

    def __init__(self) -> None:
        self._backend = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        return _Stream(self._backend.connect_tcp(host, port, timeout, local_address, socket_options))

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        return _Stream(self._backend.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class InvalidURL(ValueError):
    """A URL that cannot be sent (e.g. its port is not a number)."""


class DecodingError(Exception):
    """The answer's body does not decode as its Content-Encoding says; the text is zlib's."""


class Answer:
    """An answer's status and headers, and its body decoded as it is read (`chunks`)."""

    def __init__(self, response: httpcore.Response):
        self.status_code = response.status
        self.headers = _headers(response.headers)
        self._response = response

    def chunks(self) -> Iterator[bytes]:
        """The body, its Content-Encoding undone (gzip, deflate, stacked in any order), each piece at
        most PIECE bytes once decoded; encodings ec2ops does not ask for pass as they are, as in httpx."""
        pieces: Iterator[bytes] = (chunk for chunk in self._response.iter_stream() if chunk)
        codings = [c.strip().lower() for c in self.headers.get("content-encoding", "").split(",")]
        for coding in reversed(codings):  # the last applied is undone first
            if coding in ("gzip", "deflate"):
                pieces = _inflate(pieces, coding)
        return pieces


def _inflate(pieces: Iterator[bytes], coding: str) -> Iterator[bytes]:
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16 if coding == "gzip" else zlib.MAX_WBITS)
    first = True
    for piece in pieces:
        while not inflater.eof:  # what follows the end of the stream is dropped, as zlib (and httpx) did
            try:
                out = inflater.decompress(piece, PIECE)
            except zlib.error as exc:
                if first and coding == "deflate":  # raw deflate, without zlib's header: some servers send it
                    inflater, first = zlib.decompressobj(-zlib.MAX_WBITS), False
                    continue
                raise DecodingError(str(exc)) from None
            first = False
            if out:
                yield out
            piece = inflater.unconsumed_tail
            if not piece and len(out) < PIECE:  # all taken in, nothing held back
                break
    try:
        rest = inflater.flush()  # a stream cut short yields what it had, as in httpx: the XML reader says what is wrong
    except zlib.error as exc:
        raise DecodingError(str(exc)) from None
    if rest:
        yield rest


def _headers(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """Names lower-cased, a repeated header's values joined with ", " (httpx's Headers.get); decoded as
    ASCII, else UTF-8, else Latin-1, as httpx chose for all the headers at once."""
    for encoding in ("ascii", "utf-8", "iso-8859-1"):
        try:
            pairs = [(k.decode(encoding).lower(), v.decode(encoding)) for k, v in raw]
            break
        except UnicodeDecodeError:
            continue
    headers: dict[str, str] = {}
    for name, value in pairs:
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


class HttpClient:
    """Connection pools, one direct and one per proxy, shared by every Client given this one (regions,
    profiles). `in_flight`, when set, bounds the requests of every thread using it at once.
    `proxy`: --proxy-host/--proxy-port's URL, used for every request; else the environment's proxies
    when `trust_env`."""

    in_flight: threading.BoundedSemaphore | None = None

    def __init__(self, verify: Callable[[], ssl.SSLContext], proxy: str | None = None, trust_env: bool = True):
        self.routes = proxies.Routes(proxy, trust_env)  # raises proxies.InvalidProxy
        self._make_verify = verify  # made when a pool first needs TLS: loading the CAs costs ~25 ms
        self._verify: ssl.SSLContext | None = None
        self._pools: dict[tuple[proxies.Proxy | None, bool], httpcore.ConnectionPool] = {}
        self._lock = threading.Lock()

    def proxy_for(self, url: str) -> str | None:
        """The proxy (host:port) a request to `url` goes through, or None."""
        proxy = self.routes.proxy_for(url)
        return proxy.shown if proxy else None

    def post(self, url: str, headers: dict[str, str], body: bytes, connect_timeout: float,
             read_timeout: float) -> contextlib.AbstractContextManager[Answer]:
        """POSTs `body` to `url`: `request` with method POST."""
        return self.request("POST", url, headers, body, connect_timeout, read_timeout)

    @contextlib.contextmanager
    def request(self, method: str, url: str, headers: dict[str, str], body: bytes, connect_timeout: float,
                read_timeout: float) -> Iterator[Answer]:
        """Sends `body` to `url` (already encoded: nothing is encoded again but a query's odd
        characters); the answer is read within the block. Raises httpcore's exceptions, InvalidURL for a
        URL that cannot be sent, DecodingError while the body is read."""
        where, netloc = _url(url)
        sent = [("Host", headers.get("Host") or netloc),
                ("Accept", "*/*"), ("Accept-Encoding", ACCEPT_ENCODING), ("Connection", "keep-alive")]
        sent += [(k, v) for k, v in headers.items() if k.lower() != "host"]
        if body or method != "GET":  # a GET without a body says nothing of one, as httpx
            sent.append(("Content-Length", str(len(body))))
        request = httpcore.Request(
            method, where, headers=sent, content=body,
            extensions={"timeout": {"connect": connect_timeout, "read": read_timeout, "write": read_timeout,
                                    "pool": read_timeout}})
        response = self._pool_for(self.routes.proxy_for(url), where.scheme == b"https").handle_request(request)
        try:
            yield Answer(response)
        finally:
            response.close()

    def _pool_for(self, proxy: proxies.Proxy | None, tls: bool) -> httpcore.ConnectionPool:
        """The pool for requests through `proxy` (None: direct), to https URLs when `tls`: a plain-http
        endpoint (a sandbox) never loads the CAs."""
        with self._lock:  # regions' threads may ask for a proxy's pool at once: one pool each
            if (proxy, tls) not in self._pools:
                if tls and self._verify is None:
                    self._verify = self._make_verify()
                self._pools[(proxy, tls)] = self._new_pool(proxy, self._verify if tls else None)
            return self._pools[(proxy, tls)]

    def _new_pool(self, proxy: proxies.Proxy | None, verify: ssl.SSLContext | None):
        common = dict(ssl_context=verify, http1=True, http2=False, retries=0, network_backend=Backend(),
                      **LIMITS)
        if proxy is None:
            return httpcore.ConnectionPool(**common)
        url = httpcore.URL(scheme=proxy.scheme, host=proxy.host, port=proxy.port, target="/")
        if proxy.scheme.startswith("socks"):  # socksio is there: proxies.parse checked
            return httpcore.SOCKSProxy(proxy_url=url, proxy_auth=proxy.auth, **common)
        return httpcore.HTTPProxy(proxy_url=url, proxy_auth=proxy.auth, **common)

    def close(self) -> None:
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.close()


def _url(url: str) -> tuple[httpcore.URL, str]:
    """`url` for httpcore, and its host[:port] for the Host header: the port left out when it is the
    scheme's default, as httpx did."""
    try:
        parts = urlsplit(url)
        scheme, host, port = parts.scheme.lower(), parts.hostname or "", parts.port
        target = (parts.path or "/") + (f"?{quote(parts.query, safe=_QUERY_SAFE)}" if parts.query else "")
        port = None if port == proxies.DEFAULT_PORTS.get(scheme) else port
        where = httpcore.URL(scheme=scheme, host=host, port=port, target=target)
    except (ValueError, TypeError) as exc:  # TypeError: httpcore takes ASCII only
        raise InvalidURL(str(exc)) from None
    shown = f"[{host}]" if ":" in host else host
    return where, f"{shown}:{port}" if port else shown


_QUERY_SAFE = "!$&'()*+,;=:@/?%"  # a query's characters sent as they are; others percent-encoded, as httpx did

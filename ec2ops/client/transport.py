"""httpx, with a read timeout that bounds the whole answer.

httpx's read timeout bounds each read from the socket: a peer that sends a byte of its headers every
half second keeps a request waiting for hours. Here each attempt has a deadline: from the moment the
request is written, every read waits at most what is left of the read timeout, and fails once it is
spent. The deadline is the calling thread's own, since regions run in threads over one shared pool
(a connection serves one request at a time, read by the thread that sent it).

httpx's transport takes no network backend, so the httpcore pool is built here the way httpx builds
it (TLS context, proxy, no retries), with a backend whose streams keep to the deadline.
"""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Iterator

import httpcore
import httpx

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


class _Backend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._backend = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        return _Stream(self._backend.connect_tcp(host, port, timeout, local_address, socket_options))

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        return _Stream(self._backend.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class Transport(httpx.HTTPTransport):
    """httpx's HTTPTransport (direct or through an http proxy) over the deadline-keeping backend.
    `proxy` is the proxy's host:port (never its credentials), for messages."""

    def __init__(self, verify=True, cert=None, trust_env=True, http1=True, http2=False,
                 limits=httpx.Limits(max_connections=100, max_keepalive_connections=20), proxy=None, **_):
        proxy = httpx.Proxy(url=proxy) if isinstance(proxy, (str, httpx.URL)) else proxy
        self.proxy = None
        if proxy is not None and proxy.url.scheme not in ("http", "https"):  # socks: httpx's own, as it was
            super().__init__(verify=verify, cert=cert, trust_env=trust_env, http1=http1, http2=http2,
                             limits=limits, proxy=proxy)
            return
        ssl_context = httpx.create_ssl_context(verify=verify, cert=cert, trust_env=trust_env)
        pool = dict(ssl_context=ssl_context, max_connections=limits.max_connections,
                    max_keepalive_connections=limits.max_keepalive_connections,
                    keepalive_expiry=limits.keepalive_expiry, http1=http1, http2=http2, retries=0,
                    network_backend=_Backend())
        if proxy is None:
            self._pool = httpcore.ConnectionPool(**pool)
            return
        url = proxy.url
        self.proxy = f"{url.host}:{url.port}" if url.port else url.host
        self._pool = httpcore.HTTPProxy(
            proxy_url=httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path),
            proxy_auth=proxy.raw_auth, proxy_headers=proxy.headers.raw, proxy_ssl_context=proxy.ssl_context,
            **pool)


class HttpClient(httpx.Client):
    """An httpx.Client whose transports, direct, through --proxy-host or a proxy from the environment,
    are all Transport. `in_flight`, when set, bounds the requests of every thread using it at once."""

    in_flight: threading.BoundedSemaphore | None = None

    def _init_transport(self, transport=None, **options):
        return transport if transport is not None else Transport(**options)

    def _init_proxy_transport(self, proxy, **options):
        return Transport(proxy=proxy, **options)

    def proxy_for(self, url: str) -> str | None:
        """The proxy (host:port) a request to `url` goes through, or None."""
        return getattr(self._transport_for_url(httpx.URL(url)), "proxy", None)

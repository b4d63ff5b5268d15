"""The HTTP layer: what ec2ops relies on in httpcore (and h11 under it), so that a release that changes
it fails here, saying what changed; and what ec2ops adds above it: the environment's proxy rules, the
request it sends, Content-Encoding undone within a bound. Every server is on 127.0.0.1."""

from __future__ import annotations

import gzip
import socket
import subprocess
import sys
import threading
import time
import tracemalloc
import zlib

import httpcore
import pytest
import respx

from conftest import ACCESS_KEY_ID, SECRET_KEY, run_cli
from ec2ops.client import proxies, tls, transport
from faultserver import FaultServer, ec2_doc

REGIONS = ec2_doc("DescribeRegions", "<regionInfo><item><regionName>eu-west-1</regionName></item></regionInfo>")


class Scripted:
    """A server on 127.0.0.1 that answers each connection with the next script: a list of bytes to send
    and floats (seconds to wait) or threading.Events (to wait for). Keeps each request's head."""

    def __init__(self, *scripts: list):
        self.scripts, self.heads = list(scripts), []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.where = f"127.0.0.1:{self.listener.getsockname()[1]}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        for script in self.scripts:
            connection, _ = self.listener.accept()
            with connection:
                data = b""
                while b"\r\n\r\n" not in data:
                    data += connection.recv(65536)
                self.heads.append(data.split(b"\r\n\r\n")[0].decode())
                for step in script:
                    if isinstance(step, bytes):
                        connection.sendall(step)
                    elif isinstance(step, threading.Event):
                        step.wait(10)
                    else:
                        time.sleep(step)

    def close(self) -> None:
        self.listener.close()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class CountingBackend(transport.Backend):
    def __init__(self) -> None:
        super().__init__()
        self.connected: list[tuple[str, int]] = []

    def connect_tcp(self, host, port, *args, **kwargs):
        self.connected.append((host, port))
        return super().connect_tcp(host, port, *args, **kwargs)


# -- httpcore: the contract ------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["ConnectionPool", "HTTPProxy", "SOCKSProxy", "NetworkBackend", "NetworkStream",
                                  "SyncBackend", "Request", "Response", "URL", "ConnectError", "ConnectTimeout",
                                  "PoolTimeout", "ReadTimeout", "WriteTimeout", "ReadError", "WriteError",
                                  "RemoteProtocolError", "LocalProtocolError", "ProxyError", "UnsupportedProtocol",
                                  "TimeoutException", "NetworkError", "ProtocolError"])
def test_httpcore_still_offers_what_ec2ops_uses(name):
    assert hasattr(httpcore, name), f"httpcore {httpcore.__version__} no longer offers httpcore.{name}"


def test_httpcores_exception_families_are_what_the_client_maps():
    families = {httpcore.TimeoutException: ["ConnectTimeout", "PoolTimeout", "ReadTimeout", "WriteTimeout"],
                httpcore.NetworkError: ["ConnectError", "ReadError", "WriteError"],
                httpcore.ProtocolError: ["RemoteProtocolError", "LocalProtocolError"]}
    for family, members in families.items():
        for member in members:
            assert issubclass(getattr(httpcore, member), family), (
                f"httpcore.{member} is no longer a {family.__name__}: query.py's exception mapping must change")


def test_the_pool_and_the_proxy_connect_through_our_backend():
    """ConnectionPool and HTTPProxy take a network backend: ours keeps the deadline. If they stopped
    calling it, the read timeout would bound each read again, not the whole answer."""
    answer = [b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"]
    server = Scripted(answer, answer)
    host, port = server.where.split(":")
    try:
        backend = CountingBackend()
        with httpcore.ConnectionPool(network_backend=backend) as pool:
            assert pool.request("GET", f"http://{server.where}/").content == b"ok"
        proxied = CountingBackend()
        with httpcore.HTTPProxy(proxy_url=f"http://{server.where}/", network_backend=proxied) as proxy:
            assert proxy.request("GET", "http://ec2.example.test:8773/").content == b"ok"
    finally:
        server.close()
    assert backend.connected == [(host, int(port))], "httpcore.ConnectionPool no longer uses network_backend"
    assert proxied.connected == [(host, int(port))], "httpcore.HTTPProxy no longer uses network_backend"
    assert server.heads[1].startswith("GET http://ec2.example.test:8773/ HTTP/1.1\r\n"), (
        "httpcore.HTTPProxy no longer sends an http:// request in absolute form to the proxy")


def test_the_body_is_streamed_in_pieces_as_they_arrive():
    """handle_request returns once the headers are in; the body comes as the server sends it (a page of
    a listing is read while the rest is on its way, and a limit is enforced before all is in)."""
    more = threading.Event()
    server = Scripted([b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nfirst", more, b"later"])
    try:
        with httpcore.ConnectionPool() as pool:
            response = pool.handle_request(httpcore.Request("GET", f"http://{server.where}/",
                                                            headers=[("Host", server.where)]))
            pieces = response.iter_stream()
            assert next(pieces) == b"first", "httpcore no longer hands the body over as it arrives"
            more.set()
            assert b"".join(pieces) == b"later"
            response.close()
    finally:
        server.close()


def test_a_refused_connection_and_timeouts_raise_httpcores_classes():
    with httpcore.ConnectionPool() as pool, pytest.raises(httpcore.ConnectError, match="Connection refused"):
        pool.request("GET", f"http://127.0.0.1:{_closed_port()}/")
    server = Scripted([2.0])  # takes the request, says nothing
    try:
        with httpcore.ConnectionPool() as pool, pytest.raises(httpcore.ReadTimeout):
            pool.request("GET", f"http://{server.where}/", extensions={"timeout": {"read": 0.2}})
    finally:
        server.close()


def test_the_pool_waits_for_a_free_connection_at_most_the_pool_timeout():
    held = threading.Event()
    server = Scripted([b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n", held, b"ok"])
    try:
        with httpcore.ConnectionPool(max_connections=1) as pool:
            with pool.stream("GET", f"http://{server.where}/"):
                with pytest.raises(httpcore.PoolTimeout):
                    pool.request("GET", f"http://{server.where}/", extensions={"timeout": {"pool": 0.2}})
                held.set()
    finally:
        server.close()


def test_h11_reports_a_body_cut_short_and_an_answer_that_is_not_http():
    server = Scripted([b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this"], [b"SSH-2.0-OpenSSH_9.6\r\n"])
    try:
        with httpcore.ConnectionPool() as pool:
            with pytest.raises(httpcore.RemoteProtocolError, match="peer closed connection"):
                pool.request("GET", f"http://{server.where}/")  # the answer shorter than it said
            with pytest.raises(httpcore.RemoteProtocolError):
                pool.request("GET", f"http://{server.where}/")
    finally:
        server.close()


def test_h11_reads_a_chunked_body_and_one_that_ends_with_the_connection():
    server = Scripted([b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                       b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"],
                      [b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end"])
    try:
        with httpcore.ConnectionPool() as pool:
            assert pool.request("GET", f"http://{server.where}/").content == b"abcde"
            assert pool.request("GET", f"http://{server.where}/").content == b"until the end"
    finally:
        server.close()


def test_a_proxy_that_will_not_tunnel_raises_proxy_error_with_its_status():
    """query.py tells the proxy's own words: httpcore's ProxyError is "<status> <reason>"."""
    server = Scripted([b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n"])
    try:
        with httpcore.HTTPProxy(proxy_url=f"http://{server.where}/") as proxy, \
                pytest.raises(httpcore.ProxyError, match=r"^407 Proxy Authentication Required$"):
            proxy.request("GET", "https://ec2.example.test/")
    finally:
        server.close()
    assert server.heads[0].startswith("CONNECT ec2.example.test:443 HTTP/1.1\r\n")


def test_respx_still_intercepts_our_pools():
    """The tests mock with respx, which patches ConnectionPool.handle_request and HTTPProxy's: our pools
    must be those classes, called through handle_request."""
    import httpx

    client = transport.HttpClient(lambda: tls.context(None), proxy="http://127.0.0.1:9")
    direct = transport.HttpClient(lambda: tls.context(None), trust_env=False)
    try:
        with respx.mock() as mocked:
            route = mocked.post("https://ec2.example.test/").mock(return_value=httpx.Response(200, text="ok"))
            for http in (direct, client):
                with http.post("https://ec2.example.test/", {"User-Agent": "ec2ops"}, b"x", 1, 1) as answer:
                    assert (answer.status_code, b"".join(answer.chunks())) == (200, b"ok")
        assert route.call_count == 2, "respx no longer intercepts httpcore's ConnectionPool / HTTPProxy"
    finally:
        client.close()
        direct.close()


def test_a_call_loads_neither_httpx_nor_urllib_request():
    code = ("import sys\nimport ec2ops.client.query\n"
            "print(','.join(m for m in ('httpx', 'urllib.request', 'rich') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, "\n"), done.stderr


# -- what ec2ops sends -------------------------------------------------------------------------------
def test_the_request_on_the_wire_is_the_one_httpx_sent(monkeypatch):
    """Header for header, in httpx's order: Host, Accept, Accept-Encoding (gzip and deflate, what httpx
    offered without brotli or zstandard), Connection, then ours, Content-Length last."""
    body = REGIONS.encode()
    server = Scripted([b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%b" % (len(body), body)])
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    try:
        run = run_cli(["enumerate-regions", "--endpoint", f"http://{server.where}", "--get", "returnResult"])
    finally:
        server.close()
    assert (run.code, run.out, run.err) == (0, "eu-west-1,null\n", "")
    names = [line.split(":")[0] for line in server.heads[0].split("\r\n")[1:]]
    assert server.heads[0].split("\r\n")[0] == "POST / HTTP/1.1"
    assert names == ["Host", "Accept", "Accept-Encoding", "Connection", "Content-Type", "X-Amz-Date", "Authorization",
                     "User-Agent", "Content-Length"]
    assert f"\r\nHost: {server.where}\r\nAccept: */*\r\nAccept-Encoding: gzip, deflate\r\nConnection: keep-alive\r\n" \
           in server.heads[0]


# -- the environment's proxies, by httpx's rules -----------------------------------------------------
@pytest.fixture
def environment(monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "REQUEST_METHOD"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)

    def routes(**variables) -> proxies.Routes:
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return proxies.Routes()

    return routes


NO_PROXY = "192.168.0.0/16,.example.com,foo.org,::1,localhost,10.0.0.1:8080,fd00::/8,http://plain.test"


@pytest.mark.parametrize("url,direct", [
    ("http://192.168.0.0/", True),
    ("http://192.168.1.1/", True),  # a CIDR covers its network (httpx matched its first address only)
    ("http://192.169.0.1/", False),
    ("http://a.example.com/", True),  # .example.com: its subdomains
    ("http://example.com/", False),  # ... not itself
    ("http://foo.org/", True),  # foo.org: itself and its subdomains
    ("http://x.foo.org/", True),
    ("http://xfoo.org/", False),
    ("http://[::1]:8080/", True),
    ("http://[fd00::5]/", True),
    ("http://localhost/", True),
    ("http://LOCALHOST/", True),
    ("http://10.0.0.1:8080/", True),  # a port given: that port only
    ("http://10.0.0.1/", False),
    ("http://plain.test/", True),  # scheme://host: that scheme only
    ("https://plain.test/", False),
    ("http://ec2.us-east-1.amazonaws.com/", False),
])
def test_no_proxy_entries(environment, url, direct):
    routes = environment(HTTP_PROXY="http://proxy.test:3128", HTTPS_PROXY="proxy.test:3129", NO_PROXY=NO_PROXY)
    expected = None if direct else ("proxy.test:3128" if url.startswith("http:") else "proxy.test:3129")
    assert (routes.proxy_for(url).shown if routes.proxy_for(url) else None) == expected


def test_each_scheme_has_its_proxy_and_all_proxy_is_the_fallback(environment):
    routes = environment(HTTPS_PROXY="http://secure.test:1", ALL_PROXY="http://any.test:2")
    assert routes.proxy_for("https://ec2.test/").shown == "secure.test:1"
    assert routes.proxy_for("http://ec2.test/").shown == "any.test:2"
    assert environment().proxy_for("http://ec2.test/") is not None  # the same environment, read again
    assert proxies.Routes(trust_env=False).proxy_for("https://ec2.test/") is None


def test_no_proxy_star_turns_every_proxy_off(environment):
    assert environment(HTTPS_PROXY="http://p.test:1", NO_PROXY="a.test, *").proxy_for("https://ec2.test/") is None


def test_the_lower_case_variable_wins_and_an_empty_one_removes_it(environment, monkeypatch):
    if sys.platform == "win32":  # one environment, whatever the case
        pytest.skip("Windows environment variables ignore case")
    routes = environment(HTTPS_PROXY="http://upper.test:1", https_proxy="http://lower.test:2")
    assert routes.proxy_for("https://ec2.test/").shown == "lower.test:2"
    assert environment(https_proxy="").proxy_for("https://ec2.test/") is None


def test_under_cgi_the_upper_case_http_proxy_is_ignored(environment):
    """REQUEST_METHOD set: HTTP_PROXY may come from a client's Proxy: header (httpoxy)."""
    assert environment(HTTP_PROXY="http://p.test:1", REQUEST_METHOD="GET").proxy_for("http://ec2.test/") is None


def test_an_explicit_proxy_takes_every_request_whatever_the_environment(environment):
    environment(NO_PROXY="*", HTTPS_PROXY="http://env.test:1")
    routes = proxies.Routes("http://flag.test:3128", trust_env=False)
    assert routes.proxy_for("https://ec2.test/").shown == "flag.test:3128"
    assert routes.proxy_for("http://127.0.0.1:8773/").shown == "flag.test:3128"


def test_a_proxy_is_named_without_its_credentials_and_they_are_sent_decoded():
    proxy = proxies.parse("http://us%40er:p%3Ass@proxy.test:80")
    assert (proxy.shown, proxy.auth) == ("proxy.test", (b"us@er", b"p:ss"))  # port 80 is http's own
    assert "p:ss" not in repr(proxy) and proxies.parse("[::1]:3128").shown == "[::1]:3128"


@pytest.mark.parametrize("value,message", [
    ("ftp://user:secret@p.test:21", "The proxy ftp://p.test:21 is not a valid URL (its scheme is not one of http, "
                                    "https, socks5, socks5h)."),
    ("http://p.test:99999", "The proxy http://p.test:99999 is not a valid URL (Port out of range 0-65535)."),
])
def test_a_bad_proxy_in_the_environment_is_exit_2_in_one_line(monkeypatch, value, message):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("HTTPS_PROXY", value)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    run = run_cli(["enumerate-regions", "--endpoint", "https://ec2.example.test/"])
    assert (run.code, run.out, run.err) == (2, "", f"ec2ops: {message}\n")


def test_a_socks_proxy_without_socksio_says_what_it_needs(monkeypatch):
    monkeypatch.setattr(proxies, "socks_available", lambda: False)
    with pytest.raises(proxies.InvalidProxy) as caught:
        proxies.parse("socks5://user:secret@127.0.0.1:1080")
    assert str(caught.value) == ("The proxy socks5://127.0.0.1:1080 is a SOCKS proxy, which needs the socksio "
                                 "package (pip install socksio).")


# -- Content-Encoding, undone within a bound ----------------------------------------------------------
@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    for name in ("EC2OPS_MAX_RESPONSE_BYTES", "HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy", "http_proxy",
                 "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    with FaultServer() as fault_server:
        monkeypatch.setenv("EC2OPS_ENDPOINT", fault_server.url)
        fault_server.where = fault_server.url.split("//")[1].rstrip("/")
        yield fault_server


def _deflate(data: bytes, wbits: int = zlib.MAX_WBITS) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize("coding,encode", [
    ("gzip", gzip.compress),
    ("deflate", _deflate),
    ("deflate", lambda data: _deflate(data, -zlib.MAX_WBITS)),  # raw deflate, as some servers send it
    ("GZIP, identity", gzip.compress),
    ("deflate, gzip", lambda data: gzip.compress(_deflate(data))),
    ("br", lambda data: data),  # not asked for, not known: passed as it is (httpx without brotli did so)
])
def test_an_encoded_answer_is_decoded(server, coding, encode):
    server.push("raw", (200, encode(REGIONS.encode()), {"Content-Encoding": coding}))
    run = run_cli(["enumerate-regions", "--get", "returnResult"])
    assert (run.code, run.out, run.err) == (0, "eu-west-1,null\n", "")


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """128 MiB of zeros, gzipped twice: about a kilobyte."""
    def gzipped(pieces) -> bytes:
        packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        return b"".join([*(packer.compress(piece) for piece in pieces), packer.flush()])

    return gzipped([gzipped(bytes(1 << 20) for _ in range(128))])


def test_a_stacked_gzip_bomb_is_refused_fast_as_too_big(server, bomb):
    assert len(bomb) < 4096
    server.push("raw", (200, bomb, {"Content-Encoding": "gzip, gzip"}))
    started = time.monotonic()
    run = run_cli(["enumerate-regions"], env={"EC2OPS_MAX_RESPONSE_BYTES": "1000000"})
    assert time.monotonic() - started < 3
    assert (run.code, run.out, run.err) == (3, "", (
        f"ec2ops: {server.where} answered more than 1000000 bytes; refused (raise the limit with "
        f"EC2OPS_MAX_RESPONSE_BYTES if this is expected).\n"))
    assert len(server.requests) == 1


def test_decoding_unfolds_a_piece_at_a_time(bomb):
    """The first piece of 128 MiB comes without the rest being built: each piece is at most PIECE bytes."""
    class Raw:
        headers = [(b"Content-Encoding", b"gzip, gzip")]
        status = 200

        def iter_stream(self):
            yield from (bomb[i:i + 100] for i in range(0, len(bomb), 100))

    answer = transport.Answer(Raw())
    tracemalloc.start()
    try:
        pieces = answer.chunks()
        sizes = [len(next(pieces)) for _ in range(64)]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert max(sizes) <= transport.PIECE and sum(sizes) >= 32 * transport.PIECE
    assert peak < 8 * 1024 * 1024, f"decoding held {peak} bytes at once"
    assert sum(len(piece) for piece in pieces) + sum(sizes) == 128 << 20  # and all of it, when read on


def _decoded(body: bytes, coding: str) -> bytes | str:
    class Raw:
        headers = [(b"Content-Encoding", coding.encode())]
        status = 200

        def iter_stream(self):
            yield from (body[i:i + 7] for i in range(0, len(body), 7))

    try:
        return b"".join(transport.Answer(Raw()).chunks())
    except transport.DecodingError as exc:
        return f"DecodingError: {exc}"


@pytest.mark.parametrize("body,coding", [
    (gzip.compress(b"x" * 100_000), "gzip"),
    (_deflate(b"x" * 100_000), "deflate"),
    (_deflate(b"x" * 100_000, -zlib.MAX_WBITS), "deflate"),
    (gzip.compress(_deflate(b"y" * 5000)), "deflate, gzip"),
    (gzip.compress(b"ab") + b"trailing bytes", "gzip"),
    (gzip.compress(b"ab")[:-6], "gzip"),  # cut short: what there was
    (b"not gzip at all", "gzip"),
    (gzip.compress(b"ab"), "deflate"),
    (b"as it is", "br, compress"),
    (b"", "gzip"),
])
def test_decoding_agrees_with_httpx(body, coding):
    """httpx (a test dependency only) is the oracle: ec2ops decodes what it decoded, and fails where it
    failed, with zlib's same words."""
    import httpx

    try:
        expected: bytes | str = httpx.Response(200, headers={"Content-Encoding": coding}, content=body).content
    except httpx.DecodingError as exc:
        expected = f"DecodingError: {exc}"
    assert _decoded(body, coding) == expected


def test_a_body_that_is_not_what_its_encoding_says_is_named(server):
    server.push("raw", (200, gzip.compress(REGIONS.encode())[:-30], {"Content-Encoding": "deflate"}))
    run = run_cli(["enumerate-regions"])
    assert (run.code, run.out, run.err) == (3, "", (
        f"ec2ops: {server.where} answered a body that could not be decoded: Error -3 while decompressing data: "
        f"invalid block type.\n"))


# -- TLS's default CAs, as httpx chose them --------------------------------------------------------
def test_the_default_cas_are_certifis_unless_the_environment_names_others(monkeypatch, tmp_path):
    import ssl

    import certifi

    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    default = tls.context(None)
    assert len(default.get_ca_certs()) == len(ssl.create_default_context(cafile=certifi.where()).get_ca_certs()) > 0
    assert default.verify_flags & ssl.VERIFY_X509_STRICT and default.verify_mode == ssl.CERT_REQUIRED
    one = tmp_path / "one.pem"
    one.write_text("".join(certifi.contents().split("-----END CERTIFICATE-----")[0]) + "-----END CERTIFICATE-----\n")
    monkeypatch.setenv("SSL_CERT_FILE", str(one))
    assert len(tls.context(None).get_ca_certs()) == 1
    assert len(tls.context(None, trust_env=False).get_ca_certs()) == len(default.get_ca_certs())  # --proxy-host given

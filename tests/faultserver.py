"""A fault-injection EC2 endpoint on 127.0.0.1, for the reliability and security tests.

    with FaultServer() as server:
        server.push("throttle", times=3)           # the next three requests get RequestLimitExceeded
        run = ec2ops("enumerate-regions", "--endpoint", server.url)
        server.requests                            # every request: time, params, headers, fault

Each request (one per connection: every answer says Connection: close) takes the next fault
from the queue; when the queue is empty it is answered like EC2 would for a few actions
(DescribeRegions, DescribeAvailabilityZones, Create/Describe/DeleteKeyPair(s), RunInstances
deduplicated by ClientToken as EC2 does, DescribeInstances) and with a bare success document
for any other action.

Faults: throttle, unavailable (503 without an EC2 document), bad_gateway (502), error
(code, message, status), reset_before (RST before reading the request), reset_after (RST
after acting on it), stall (seconds without a byte), trickle (the answer one byte at a time),
html (a proxy's page), truncated (the real answer cut short), bomb (billion laughs, its DTD
past the first 4 KB), huge (50 MB; arg "chunked" for no Content-Length), content_type (the
real answer under another Content-Type), json, empty, raw ((status, body, headers): any answer,
e.g. a redirect), trickle_headers (the status line and headers one byte every `arg` seconds,
then the real answer), slow (the real answer after `arg` seconds), by_action ({action: (status,
body, headers)}: `raw` by the request's action, for requests that may come in either order, such
as the DescribeRegions that runs beside the calls of --regions).
"""

from __future__ import annotations

import collections
import http.server
import socket
import ssl
import struct
import threading
import time
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qsl

from conftest import ec2_error_xml, ec2_xml

NS = "http://ec2.amazonaws.com/doc/2016-11-15/"
REQUEST_ID = "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE"
HUGE = 50 * 1024 * 1024
PROXY_PAGE = (
    "<html><head><title>Access denied</title></head><body><h1>Blocked by corporate proxy</h1>"
    "<p>Your request was blocked by policy.</p></body></html>"
)


def ec2_doc(action: str, inner: str = "") -> str:
    return ec2_xml(action, inner, REQUEST_ID)


def error_doc(code: str, message: str) -> str:
    return ec2_error_xml(code, message, REQUEST_ID)


def billion_laughs(padding: int = 8192) -> bytes:
    """Ten levels of ten references: a billion 'lol's if expanded; the DTD after `padding` bytes of comment."""
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )
    return (
        f'<?xml version="1.0"?>\n<!--{"x" * padding}-->\n<!DOCTYPE DescribeRegionsResponse [{entities}]>\n'
        f'<DescribeRegionsResponse xmlns="{NS}"><requestId>&lol9;</requestId><regionInfo><item>'
        f'<regionName a="&lol9;">&lol9;</regionName></item></regionInfo></DescribeRegionsResponse>'
    ).encode()


@dataclass
class Request:
    at: float  # time.monotonic() when it arrived
    params: dict[str, str]
    headers: dict[str, str]
    fault: str
    path: str = "/"  # as it came on the request line: percent-encoded, dot segments and all
    body: bytes = b""

    @property
    def action(self) -> str | None:
        return self.params.get("Action")


class FaultServer:
    def __init__(self, tls: ssl.SSLContext | None = None, host: str = "127.0.0.1"):
        self.faults: collections.deque = collections.deque()
        self.requests: list[Request] = []
        self.launches: dict[str, str] = {}  # ClientToken (or a fresh id) -> reservationId
        self.instances: list[tuple[str, str]] = []  # (reservationId, instanceId)
        self.key_pairs: dict[str, str] = {}
        self.acted = 0  # requests that changed something
        self.on_request = None  # a callable(params) run as each request arrives, e.g. to race the client
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._http = (_Server6 if ":" in host else _Server)((host, 0), _Handler)
        self._http.owner = self
        if tls:
            self._http.socket = tls.wrap_socket(self._http.socket, server_side=True)
        host, port = self._http.server_address[:2]
        host = f"[{host}]" if ":" in host else host
        self.url = f"{'https' if tls else 'http'}://{host}:{port}/"
        self._thread = threading.Thread(target=self._http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> "FaultServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._http.shutdown()
        self._http.server_close()

    # -- the test's side -----------------------------------------------------------------------
    def push(self, fault: str, arg=None, times: int = 1) -> "FaultServer":
        self.faults.extend([(fault, arg)] * times)
        return self

    def actions(self) -> list[str | None]:
        return [r.action for r in self.requests]

    def gaps(self) -> list[float]:
        """Seconds between consecutive requests."""
        return [b.at - a.at for a, b in zip(self.requests, self.requests[1:])]

    # -- the server's side ---------------------------------------------------------------------
    def next_fault(self) -> tuple[str, object]:
        with self._lock:
            return self.faults.popleft() if self.faults else ("ok", None)

    def record(self, params: dict, headers: dict, fault: str, path: str = "/", body: bytes = b"") -> None:
        with self._lock:
            self.requests.append(Request(time.monotonic(), params, headers, fault, path, body))

    def act(self, params: dict[str, str]) -> tuple[int, str]:
        """What EC2 would answer (and do) for this request."""
        action = params.get("Action", "")
        with self._lock:
            if action == "DescribeRegions":
                return 200, ec2_doc(action, "<regionInfo>" + "".join(
                    f"<item><regionName>{r}</regionName><regionEndpoint>ec2.{r}.amazonaws.com</regionEndpoint></item>"
                    for r in ("eu-west-1", "us-east-1")) + "</regionInfo>")
            if action == "DescribeAvailabilityZones":
                return 200, ec2_doc(action, "<availabilityZoneInfo><item><zoneName>us-east-1a</zoneName>"
                                            "<zoneState>available</zoneState><regionName>us-east-1</regionName>"
                                            "</item></availabilityZoneInfo>")
            if action == "CreateKeyPair":
                name = params.get("KeyName", "")
                if name in self.key_pairs:
                    return 400, error_doc("InvalidKeyPair.Duplicate", f"The keypair '{name}' already exists.")
                self.acted += 1
                self.key_pairs[name] = ":".join(["1f"] * 20)
                return 200, ec2_doc(action, f"<keyName>{name}</keyName><keyFingerprint>{self.key_pairs[name]}"
                                            "</keyFingerprint><keyMaterial>-----BEGIN RSA PRIVATE KEY-----\n"
                                            "MIIEfaultserverPRIVATEmaterial\n"
                                            "-----END RSA PRIVATE KEY-----</keyMaterial>")
            if action == "DescribeKeyPairs":
                return 200, ec2_doc(action, "<keySet>" + "".join(
                    f"<item><keyName>{k}</keyName><keyFingerprint>{f}</keyFingerprint></item>"
                    for k, f in self.key_pairs.items()) + "</keySet>")
            if action == "DeleteKeyPair":
                self.acted += 1
                self.key_pairs.pop(params.get("KeyName", ""), None)
                return 200, ec2_doc(action, "<return>true</return>")
            if action == "RunInstances":
                token = params.get("ClientToken") or uuid.uuid4().hex
                if token not in self.launches:  # EC2's idempotency: one launch per token
                    self.acted += 1
                    reservation = f"r-{uuid.uuid4().hex[:17]}"
                    self.launches[token] = reservation
                    for _ in range(int(params.get("MinCount", "1") or 1)):
                        self.instances.append((reservation, f"i-{uuid.uuid4().hex[:17]}"))
                reservation = self.launches[token]
                return 200, ec2_doc(action, f"<reservationId>{reservation}</reservationId>"
                                            f"<ownerId>123456789012</ownerId><instancesSet>"
                                            + "".join(self._instance(i) for r, i in self.instances if r == reservation)
                                            + "</instancesSet>")
            if action == "DescribeInstances":
                reservations = dict.fromkeys(r for r, _ in self.instances)
                return 200, ec2_doc(action, "<reservationSet>" + "".join(
                    f"<item><reservationId>{r}</reservationId><instancesSet>"
                    + "".join(self._instance(i) for rr, i in self.instances if rr == r)
                    + "</instancesSet></item>" for r in reservations) + "</reservationSet>")
            return 200, ec2_doc(action, "<return>true</return>")

    @staticmethod
    def _instance(instance_id: str) -> str:
        return (f"<item><instanceId>{instance_id}</instanceId><imageId>ami-12345678</imageId>"
                "<instanceState><code>0</code><name>pending</name></instanceState></item>")


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    owner: FaultServer

    def handle_error(self, request, client_address):
        pass  # a client that went away mid-answer is what several faults are about


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, *args):
        pass

    def handle(self):
        owner = self.server.owner
        self.fault, self.arg = owner.next_fault()
        if self.fault == "reset_before":
            owner.record({}, {}, self.fault)
            return self._reset()
        self.close_connection = True
        self.handle_one_request()

    def do_POST(self):
        owner = self.server.owner
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        params = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        path = self.requestline.split(" ")[1]  # not self.path: http.server folds a leading "//" into "/"
        owner.record(params, dict(self.headers.items()), self.fault, path, body)
        if owner.on_request:
            owner.on_request(params)
        fault, arg = self.fault, self.arg
        if fault == "ok":
            return self._answer(*owner.act(params))
        if fault == "reset_after":
            owner.act(params)
            return self._reset()
        if fault == "throttle":
            return self._answer(503, error_doc("RequestLimitExceeded", "Request limit exceeded."))
        if fault == "unavailable":
            return self._answer(503, "Service Unavailable", "text/plain")
        if fault == "bad_gateway":
            return self._answer(502, "<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html")
        if fault == "error":
            code, message, status = arg
            return self._answer(status, error_doc(code, message))
        if fault == "stall":
            owner._stop.wait(arg)
            return self._reset()
        if fault == "trickle":
            return self._trickle(owner.act(params)[1].encode(), arg)
        if fault == "html":
            return self._answer(200, PROXY_PAGE, "text/html")
        if fault == "truncated":
            text = owner.act(params)[1]
            return self._answer(200, text[: len(text) // 2])
        if fault == "bomb":
            return self._answer(200, billion_laughs())
        if fault == "huge":
            return self._huge(chunked=arg == "chunked")
        if fault == "content_type":
            return self._answer(*owner.act(params), content_type=arg)
        if fault == "json":
            return self._answer(200, '{"Regions": []}', "application/json")
        if fault == "empty":
            return self._answer(200, "")
        if fault == "raw":
            status, body, headers = arg
            return self._answer(status, body, headers=headers)
        if fault == "by_action":
            status, body, headers = arg[params.get("Action", "")]
            return self._answer(status, body, headers=headers)
        if fault == "trickle_headers":
            return self._trickle_headers(*owner.act(params), arg)
        if fault == "slow":
            owner._stop.wait(arg)
            return self._answer(*owner.act(params))
        raise AssertionError(f"unknown fault {fault}")

    def _answer(self, status: int, body, content_type: str = "text/xml;charset=UTF-8", headers=None) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.send_header("x-amzn-RequestId", REQUEST_ID)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _trickle_headers(self, status: int, body: str, interval: float) -> None:
        """A peer that keeps the connection busy without ever finishing its headers in time: each
        byte comes well within a read timeout, the whole header takes minutes."""
        data = body.encode()
        head = (f"HTTP/1.1 {status} OK\r\nContent-Type: text/xml\r\nConnection: close\r\n"
                f"X-Padding: {'p' * 400}\r\nContent-Length: {len(data)}\r\n\r\n").encode()
        try:
            for byte in head:
                if self.server.owner._stop.wait(interval):
                    return
                self.wfile.write(bytes([byte]))
            self.wfile.write(data)
        except OSError:
            pass

    def _huge(self, chunked: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Connection", "close")
        if not chunked:
            self.send_header("Content-Length", str(HUGE))
        self.end_headers()
        block = b"<item>" + b"x" * (1024 * 1024 - 13) + b"</item>"
        try:
            self.wfile.write(b"<DescribeRegionsResponse><regionInfo>")
            for _ in range(HUGE // len(block)):
                if self.server.owner._stop.is_set():
                    break
                self.wfile.write(block)
        except OSError:
            pass  # the client refused to read on

    def _trickle(self, data: bytes, interval: float) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            for byte in data:
                if self.server.owner._stop.wait(interval):
                    break
                self.wfile.write(bytes([byte]))
        except OSError:
            pass

    def _reset(self) -> None:
        """Drop the connection with a TCP RST, as a crashed peer or a middlebox does."""
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.connection.close()
        self.close_connection = True

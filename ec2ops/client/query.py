"""The one signed-query client: build, sign, send, retry, and read an EC2 Query API call."""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import re
import sys
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit

import httpcore

from ec2ops import resources
from ec2ops.client import document, proxies, tls, transport
from ec2ops.client.held import Budget, Held, Progress
from ec2ops.client.ratelimit import Adaptive
from ec2ops.client.signing import Credentials, sign_v2, sign_v4, unsigned, wire_url
from ec2ops.client.trace import MASKED_LENGTH, decoded_size, mask_answer, one_line
from ec2ops.errors import Ec2Error, EndpointError, InputError, OutcomeUnknown

MASKED_PARAMS = {"Signature", "SecurityToken", "Storage.S3.UploadPolicySignature", "WebIdentityToken"}
MASKED_HEADERS = {"authorization", "x-amz-security-token"}

@dataclass
class Settings:
    # anything with current() -> Credentials (credentials.Source), asked for the keys on every attempt;
    # fixed keys are their own source
    credentials: Credentials
    endpoint: str  # a full URL: scheme, host, optional port and path
    region: str
    api_version: str = "2016-11-15"
    service: str = "ec2"  # the SigV4 service signed for (sts for AssumeRole)
    signature_version: int = 4
    signature_method: str = "HmacSHA256"
    proxy: str | None = None
    ca_bundle: str | None = None
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    max_attempts: int = 5
    retry_mode: str = "standard"  # or adaptive: requests spaced by the client once EC2 throttles
    retry_base_delay: float = 0.25
    retry_max_delay: float = 20.0
    max_response_bytes: int = 64 * 1024 * 1024
    debug: bool = False
    log: object = field(default=None, repr=False)  # a callable(str) for --debug lines; stderr when None
    warn: object = field(default=None, repr=False)  # a callable(str) for warnings (the run's, said once each)


@dataclass
class Response:
    action: str
    body: dict
    request_id: str | None

    def each(self, path: str, one: Callable[[dict], Any], keep: "document.Keep | None" = None,
             flat: Any = None) -> None:
        """Every element at `path` (a list of the answer, "reservationSet/instancesSet" stepping into
        each of its items) to `one`, in order, until `one` returns False. `keep` (what of an item
        the reader uses) and `flat` (what prints flat items itself) matter only to a Page: this
        answer is already read whole."""
        for element in document.elements(self.body, path):
            if one(element) is False:
                return

    @property
    def next_token(self) -> str | None:
        token = self.body.get("nextToken")
        return token if isinstance(token, str) and token else None  # an element with children is no token


class Page(Response):
    """A page of a listing as EC2 sent it, in the pieces it arrived in: its items are read as they
    are used (each), one at a time, never all held as dicts, and each piece is let go of once read.
    Its body is what is left once it has been read."""

    def __init__(self, action: str, request_id: str | None, content: list[bytes], list_key: str, endpoint: str):
        super().__init__(action, {}, request_id)
        self.content, self.list_key, self.endpoint = content, list_key, endpoint
        self.read = False
        self.progress: Progress | None = getattr(content, "progress", None)  # what the next page paces itself on

    def each(self, path: str, one: Callable[[dict], Any], keep: "document.Keep | None" = None,
             flat: Any = None) -> None:
        head, _, inner = path.partition("/")
        if head != self.list_key or self.read:
            raise AssertionError(f"{path}: a page is read once, its list {self.list_key} item by item")

        def item(element: Any) -> bool:
            if not isinstance(element, dict):  # <item/>: no element to read, as document.elements skips it
                return True
            if inner:
                return all(one(e) is not False for e in document.elements(element, inner))
            return one(element) is not False

        content, self.content, self.read = self.content, None, True  # its pieces go as they are read
        try:
            root, self.body = document.stream(content, self.endpoint, self.list_key, item, self.action, keep,
                                              None if inner else flat)
        finally:  # what was not read (a reader that stopped, a page that failed) is let go of at once
            if isinstance(content, Held):
                content.drop()
        self.request_id = self.request_id or self.body.get("requestId")
        document.raise_for_error(root, self.body, self.request_id, 200, self.endpoint)
        if root != f"{self.action}Response":
            raise EndpointError(document.not_its_answer(self.endpoint, self.action, root))

    @property
    def next_token(self) -> str | None:
        if not self.read:
            self.each(self.list_key, lambda item: None)
        return super().next_token

    def early_token(self) -> str | None:
        """nextToken as EC2 places it, after the list: found in the bytes, before they are read, so
        that the next page can be asked for while this one is read (the token read is the truth)."""
        tail = b"".join(self.content[-3:])  # the last pieces: EC2's are 64 KiB, a token a few hundred bytes
        after = tail.rfind(b"</" + self.list_key.encode() + b">")
        found = _NEXT_TOKEN.search(tail, max(after, 0))
        return found.group(1).decode("utf-8", "replace") if found else None


_NEXT_TOKEN = re.compile(rb"<nextToken>([^<&]+)</nextToken>")


def _debug_line(line: str) -> None:
    """A --debug line on stderr; a stderr that cannot be written loses it, never the call."""
    try:
        print(line, file=sys.stderr)
    except (OSError, ValueError):
        pass


class Client:
    """One connection pool per process: keep-alive across pages, retries and flows."""

    # Under a fan-out, the Budget its pages are held against, and its target's place in the printed order.
    budget: Budget | None = None
    target: int = 0

    def __init__(self, settings: Settings, http: transport.HttpClient | None = None):
        """`http`: share another client's connection pool (e.g. one session per region)."""
        self.settings = settings
        # retry_mode adaptive: this region's requests spaced once EC2 throttles them (throttling is per
        # account and region)
        self._limiter = Adaptive() if settings.retry_mode == "adaptive" else None
        self._log = (settings.log or _debug_line) if settings.debug else None
        said = tls.in_clear(settings.endpoint) if settings.warn else None
        if said:  # EC2 or STS: the requests, and the keys STS answers, go in the clear
            settings.warn(said)
        if http is not None:
            self.http = http
            return
        def verify():
            return tls.context(settings.ca_bundle, trust_env=settings.proxy is None)

        try:
            self.http = transport.HttpClient(verify, proxy=settings.proxy, trust_env=settings.proxy is None)
        except proxies.InvalidProxy as exc:  # from --proxy-host/--proxy-port, or the environment's
            raise InputError(str(exc)) from None

    def close(self) -> None:
        self.http.close()

    def limit_in_flight(self, most: int) -> None:
        """At most `most` requests in flight at once, over every client sharing this one's connections
        (--max-concurrency: the regions' calls and the pages they read ahead)."""
        import threading

        self.http.in_flight = threading.BoundedSemaphore(most)

    # -- calls -------------------------------------------------------------------------------
    def call(self, action: str, params: dict[str, str] | None = None, list_key: str | None = None,
             behind: Progress | None = None) -> Response:
        """One EC2 action. Retries what is safe to retry; raises Ec2Error / EndpointError / OutcomeUnknown.
        With `list_key`, a Describe's successful answer is a Page, its items read as they are used.
        `behind`: the page before this one (read ahead): this one is asked for once the printer reads
        that one, and read no faster than that one is let go of."""
        params = {k: str(v) for k, v in (params or {}).items() if v is not None}
        params = {"Action": action, "Version": self.settings.api_version, **params}
        for name, value in params.items():
            if not _is_text(value):  # e.g. bytes from argv that are not UTF-8 (Python keeps them as surrogates)
                raise InputError(f"The value given for {name} is not valid UTF-8 text; nothing was sent.")
        repeatable = resources.reads(action) or "ClientToken" in params
        attempts = max(1, self.settings.max_attempts)
        slot = getattr(self.http, "in_flight", None)
        in_flight = slot or contextlib.nullcontext()
        limiter = self._limiter
        if behind is not None:
            behind.wait_started()  # a target the printer has not reached yet asks for no second page
        for attempt in range(1, attempts + 1):
            try:
                if limiter:
                    limiter.before()
                with in_flight:
                    answer = self._send_once(action, params, list_key, behind, slot)
                if limiter:
                    limiter.answered(throttled=False)
                return answer
            except Ec2Error as exc:
                if limiter:
                    limiter.answered(throttled=exc.throttled)
                # Throttling and 5xx mean EC2 did not act: safe to retry for every action.
                if attempt == attempts or not (exc.throttled or exc.http_status >= 500):
                    raise
                last = exc
            except _Unsent as exc:
                if attempt == attempts:
                    raise EndpointError(_gave_up(exc, attempt)) from None
                last = exc
            except _MaybeSent as exc:
                if not repeatable:
                    raise OutcomeUnknown(_unknown(exc, action)) from None
                if attempt == attempts:
                    raise EndpointError(_gave_up(exc, attempt)) from None
                last = exc
            except _NotEc2 as exc:  # an answer, not EC2's: asking again would get the same
                raise (EndpointError(str(exc)) if repeatable else OutcomeUnknown(_unknown(exc, action))) from None
            self._sleep(attempt, last)
        raise AssertionError("unreachable")

    def pages(self, action: str, params: dict[str, str] | None, list_key: str,
              ahead: bool = True, gone: Callable[[], bool] | None = None) -> Iterator[Response]:
        """A Describe call followed page by page (ec2ops.client.paging.pages)."""
        from ec2ops.client import paging

        return paging.pages(self.call, action, dict(params or {}), list_key, self._where, ahead, gone)

    # -- one try -----------------------------------------------------------------------------
    def _send_once(self, action: str, params: dict[str, str], list_key: str | None = None,
                   behind: Progress | None = None, slot: Any = None) -> Response:
        s = self.settings
        now = dt.datetime.now(dt.timezone.utc)
        keys = s.credentials.current()  # temporary keys are renewed between attempts, not held for the run
        if keys is None:  # a source of no keys: an unsigned call (STS AssumeRoleWithWebIdentity)
            headers, body = unsigned(s.endpoint, params)
        elif s.signature_version == 2:
            headers, body = sign_v2(s.endpoint, params, keys, now, s.signature_method)
        else:
            headers, body = sign_v4(s.endpoint, params, keys, s.region, now, service=s.service)
        headers["User-Agent"] = "ec2ops"
        if self._log:
            self._debug_request(headers, body)
        deadline = time.monotonic() + s.read_timeout
        try:
            with transport.deadline(s.read_timeout):  # request sent to whole answer read, this attempt
                # This client's timeouts, not those of the client whose pool it shares.
                with self.http.post(wire_url(s.endpoint), headers, body, connect_timeout=s.connect_timeout,
                                    read_timeout=s.read_timeout) as answer:
                    held = Held(self.budget, self.target) if list_key else None
                    content = self._read_bounded(answer, deadline, held, behind, slot)
        except (httpcore.ConnectError, httpcore.ConnectTimeout, httpcore.PoolTimeout) as exc:
            if tls.failed_tls(exc):
                raise EndpointError(tls.failure(exc, self._where(), s.ca_bundle, "--ca-bundle", "endpoint")) from None
            proxy = self._proxy()
            if proxy:  # the one connection opened is to the proxy: it is the one that refused
                raise _Unsent(f"Failed to open HTTP connection to the proxy {proxy} (on the way to "
                              f"{self._where()}): {tls.reason(exc)}.") from None
            raise _Unsent(f"Failed to open HTTP connection to {self._where()}: {tls.reason(exc)}.") from None
        except httpcore.ProxyError as exc:
            proxy = self._proxy()
            raise _Unsent(f"The proxy{' ' + proxy if proxy else ''} refused the connection to {self._where()}: "
                          f"{tls.reason(exc)}.") from None
        except httpcore.ReadTimeout:
            raise _MaybeSent(f"{self._where()} did not answer within the read timeout "
                             f"({s.read_timeout:g} s).") from None
        except httpcore.WriteTimeout:
            raise _MaybeSent(f"{self._where()} did not take the request within the timeout "
                             f"({s.read_timeout:g} s).") from None
        except transport.DecodingError as exc:  # an answer whose Content-Encoding lies: not EC2's
            raise _NotEc2(f"{self._where()} answered a body that could not be decoded: {tls.reason(exc)}.") from None
        except (httpcore.RemoteProtocolError, httpcore.ReadError, httpcore.WriteError) as exc:
            raise _MaybeSent(f"The connection to {self._where()} was lost: {tls.reason(exc)}.") from None
        except _HTTP_ERRORS as exc:  # what is left: a local protocol error, an unsupported scheme, ...
            raise EndpointError(f"Failed to talk to {self._where()}: {tls.reason(exc)}.") from None
        except transport.InvalidURL as exc:
            raise InputError(f"serviceEndpoint {s.endpoint} is not a valid URL ({exc}).") from None
        request_id = answer.headers.get("x-amzn-requestid") or answer.headers.get("x-amz-request-id")
        status = answer.status_code
        if self._log:
            whole = b"".join(content) if list_key else content
            self._log(f"<<< HTTP {status} ({len(whole)} bytes)\n{mask_answer(whole.decode('utf-8', 'replace'))}")
        if list_key and status == 200:  # read as it is used, and checked as it is read (Page.each)
            return Page(action, request_id, content, list_key, self._where())
        if list_key:  # a listing's failure: a document like any other
            held, content = content, b"".join(content)
            held.drop()
        if 300 <= status < 400:  # EC2 never redirects: whatever document comes with one is not its answer
            location = answer.headers.get("location")
            to = f"a redirect to {location[:200]}" if location else "a redirect without a Location"
            raise _NotEc2(f"{self._where()} answered HTTP {status} ({to}), not EC2; redirects are not followed.")
        try:
            root, tree = document.parse(content, self._where())
        except EndpointError as exc:
            if status >= 500 or status == 429:
                # A front end or proxy answered, not EC2. 503 and 429 turn a request away before it is
                # acted on; behind a 500, 502 or 504 EC2 may have acted.
                failure = _Unsent if status in (429, 503) else _MaybeSent
                raise failure(f"{self._where()} answered HTTP {status} without an EC2 error document "
                              f"({document._peek(content)}).") from None
            if status != 200:  # e.g. a web server's 404: its status says more than its page
                raise _NotEc2(f"{self._where()} answered HTTP {status} without an EC2 error document "
                              f"({document._peek(content)}).") from None
            raise _NotEc2(str(exc)) from None
        try:
            document.raise_for_error(root, tree, request_id, status, self._where())
        except EndpointError as exc:
            raise _NotEc2(str(exc)) from None
        if status >= 400:
            raise _NotEc2(f"{self._where()} answered HTTP {status} with a {root} document.")
        if root != f"{action}Response":  # another action's answer (a proxy's cache, a broken endpoint)
            raise _NotEc2(document.not_its_answer(self._where(), action, root))
        return Response(action, tree, request_id or tree.get("requestId"))

    def _read_bounded(self, answer: transport.Answer, deadline: float, held: Held | None = None,
                      behind: Progress | None = None, slot: Any = None) -> bytearray | Held:
        limit = self.settings.max_response_bytes
        declared = answer.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise _NotEc2(self._too_big(limit))
        late = _MaybeSent(f"{self._where()} did not finish its answer within the read timeout "
                          f"({self.settings.read_timeout:g} s).")
        waited = 0.0  # spent by ec2ops waiting to hold more, not by the endpoint: off the deadline

        @contextlib.contextmanager
        def lent() -> Iterator[None]:
            """While a target waits on the budget, its place among the requests in flight
            (--max-concurrency) is lent: the head's next page may need it."""
            nonlocal waited
            began = time.monotonic()
            if slot is not None:
                slot.release()
            try:
                yield
            finally:
                if slot is not None:
                    slot.acquire()
                spent = time.monotonic() - began
                transport.extend(spent)
                waited += spent

        # A page is kept in the pieces it arrived in, let go of one by one as it is read (Page); any
        # other answer is filled in place, the size declared taken at once: never the pieces and
        # their join (twice the answer), nor a buffer grown by doubling.
        content = held if held is not None else bytearray(int(declared) if declared and declared.isdigit() else 0)
        size = 0
        try:
            for chunk in answer.chunks():
                if size + len(chunk) > limit:
                    raise _NotEc2(self._too_big(limit))
                if time.monotonic() > deadline + waited:  # the transport keeps the deadline; this, any other
                    raise late
                if held is None:
                    content[size:size + len(chunk)] = chunk
                else:
                    if behind is not None:  # read ahead: no faster than the page before is let go of
                        paced = behind.wait_room(size + len(chunk))
                        transport.extend(paced)
                        waited += paced
                    held.add(chunk, lent)
                size += len(chunk)
        except httpcore.ReadTimeout:  # the headers came in time, the rest did not
            if held is not None:
                held.drop()
            raise late from None
        except BaseException:
            if held is not None:
                held.drop()
            raise
        if held is None:
            del content[size:]  # an answer shorter than it said (the transport checks; a gzip body is longer)
        return content

    def _too_big(self, limit: int) -> str:
        return (
            f"{self._where()} answered more than {limit} bytes; refused "
            f"(raise the limit with EC2OPS_MAX_RESPONSE_BYTES if this is expected)."
        )

    def _sleep(self, attempt: int, error: Exception) -> None:
        s = self.settings
        ceiling = min(s.retry_max_delay, s.retry_base_delay * 2 ** (attempt - 1))
        delay = ceiling / 2 + random.uniform(0, ceiling / 2)  # exponential, with jitter
        if self._log:
            self._log(f"--- attempt {attempt} failed ({error}); retrying in {delay:.2f}s")
        time.sleep(delay)

    def _proxy(self) -> str | None:
        return self.http.proxy_for(self.settings.endpoint)

    def _where(self) -> str:
        parts = urlsplit(self.settings.endpoint)
        return parts.netloc or self.settings.endpoint

    def _debug_request(self, headers: dict[str, str], body: bytes) -> None:
        from urllib.parse import parse_qsl

        shown = {k: ("***" if k.lower() in MASKED_HEADERS else v) for k, v in headers.items()}
        if "Authorization" in headers:
            shown["Authorization"] = headers["Authorization"].split("Signature=")[0] + "Signature=***"
        params = [(k, "***" if k in MASKED_PARAMS else f"*** ({decoded_size(v)} bytes)" if k in MASKED_LENGTH else v)
                  for k, v in parse_qsl(body.decode("utf-8"))]
        lines = [f">>> POST {wire_url(self.settings.endpoint)}"]  # the URL as sent, and as signed
        lines += [f"{k}: {v}" for k, v in shown.items()]
        lines += [f"  {k}={one_line(v)}" for k, v in params]  # each on one line
        self._log("\n".join(lines))


# httpcore's exceptions have no common base: its families, as httpx's HTTPError gathered them.
_HTTP_ERRORS = (httpcore.TimeoutException, httpcore.NetworkError, httpcore.ProtocolError, httpcore.ProxyError,
                httpcore.UnsupportedProtocol)


class _Unsent(Exception):
    """EC2 did not act: the request never left, or a front end turned it away. Safe to retry any action."""


class _MaybeSent(Exception):
    """The request may have reached EC2 and its answer was lost."""


class _NotEc2(Exception):
    """Something answered, and it is not EC2's answer: not retried; after a change, its outcome is unknown."""


def _unknown(exc: Exception, action: str) -> str:
    return (f"{exc} The {action} request may have reached EC2, and repeating it could do it twice: "
            f"its outcome is unknown. {resources.how_to_check(action)}")


def _gave_up(exc: Exception, attempts: int) -> str:
    return f"{exc} Gave up after {attempts} attempts." if attempts > 1 else str(exc)


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def new_client_token() -> str:
    return str(uuid.uuid4())

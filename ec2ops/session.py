"""The common inputs every command takes, gathered into one Session: credentials, endpoint,
transport settings and the output form. Nothing here loads httpx, rich or xmltodict."""

from __future__ import annotations

import functools
import math
import os
import re
from typing import Any, Callable
from urllib.parse import urlsplit

import click

from ec2ops import output, resources
from ec2ops.errors import InputError

DEFAULT_ENDPOINT = "us-east-1.ec2.amazonaws.com"
DEFAULT_REGION = "us-east-1"
PROXY_ERROR = "Either both proxy port and proxy host must be null or none of them."
REGION_IN_HOST = (
    re.compile(r"^ec2\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$"),
    re.compile(r"^([a-z]{2}(-gov)?-[a-z]+-\d)\.ec2\.amazonaws\.com$"),
)


class Number(click.ParamType):
    """A finite number in a range: click's FloatRange lets nan and inf through."""

    name = "number"

    def __init__(self, low: float, low_open: bool = False, high: float | None = None, unit: str = "seconds"):
        self.low, self.low_open, self.high, self.unit = low, low_open, high, unit

    def convert(self, value, param, ctx):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = float(value)
        else:
            try:
                number = float(str(value).strip())
            except ValueError:
                number = float("nan")
        above = number > self.low if self.low_open else number >= self.low
        if not (math.isfinite(number) and above and (self.high is None or number <= self.high)):
            bound = f"above {self.low:g}" if self.low_open else f"of at least {self.low:g}"
            if self.high is not None:
                bound += f" and at most {self.high:g}"
            self.fail(f"'{value}' is not a finite number of {self.unit} {bound}", param, ctx)
        return number


def _opt(*decls: str, **kw) -> click.Option:
    kw.setdefault("show_envvar", True)
    return click.Option(list(decls), **kw)


COMMON = "Common inputs"
TRANSPORT = "Connection"
OUTPUT = "Output"

# (option, help section) for every command; their values end up in a Session.
COMMON_OPTIONS: list[tuple[click.Option, str]] = [
    (_opt("--access-key-id", "--accessKeyId", "access_key_id", metavar="ID",
          help="accessKeyId: the ID of the access key [env: AWS_ACCESS_KEY_ID, or a profile]."), COMMON),
    (_opt("--access-key", "--accessKey", "access_key", metavar="SECRET",
          help="accessKey: the secret access key; '-' reads it from stdin. Prefer the environment: a flag shows "
               "in the process list [env: AWS_SECRET_ACCESS_KEY, or a profile]."), COMMON),
    (_opt("--session-token", "session_token", metavar="TOKEN",
          help="Session token of temporary credentials [env: AWS_SESSION_TOKEN]."), COMMON),
    (_opt("--profile", "profile", envvar="AWS_PROFILE", metavar="NAME",
          help="Profile in ~/.aws/credentials and ~/.aws/config."), COMMON),
    (_opt("--service-endpoint", "--serviceEndpoint", "--endpoint", "service_endpoint", envvar="EC2OPS_ENDPOINT",
          metavar="URL", help=f"serviceEndpoint: host or URL requests go to; a bare host means https "
          f"[default: {DEFAULT_ENDPOINT}, or the --region's endpoint]."), COMMON),
    (_opt("--region", "region", metavar="REGION",
          help="Region whose endpoint (ec2.REGION.amazonaws.com) to use, and to sign for "
               "[env: AWS_REGION, AWS_DEFAULT_REGION, or the profile's region]."), COMMON),
    (_opt("--proxy-host", "--proxyHost", "proxy_host", metavar="HOST", help="proxyHost: the proxy host."), TRANSPORT),
    (_opt("--proxy-port", "--proxyPort", "proxy_port", metavar="PORT", help="proxyPort: the proxy port."), TRANSPORT),
    (_opt("--signature-version", "signature_version", type=click.Choice(["2", "4"]), default="4",
          envvar="EC2OPS_SIGNATURE_VERSION", show_default=True,
          help="Signature Version 4, or the guide's Version 2 for endpoints that only speak it."), TRANSPORT),
    (_opt("--signature-method", "signature_method", type=click.Choice(["HmacSHA256", "HmacSHA1"]),
          default="HmacSHA256", show_default=True, help="HMAC of Signature Version 2."), TRANSPORT),
    (_opt("--api-version", "api_version", default="2016-11-15", envvar="EC2OPS_API_VERSION", show_default=True,
          metavar="DATE", help="EC2 API version sent with each request (the guide's is 2009-11-30)."), TRANSPORT),
    (_opt("--connect-timeout", "connect_timeout", type=Number(0, low_open=True, high=3600), default=10.0, envvar="EC2OPS_CONNECT_TIMEOUT",
          show_default=True, metavar="SECONDS", help="Seconds to wait for a connection."), TRANSPORT),
    (_opt("--read-timeout", "read_timeout", type=Number(0, low_open=True, high=3600), default=60.0, envvar="EC2OPS_READ_TIMEOUT",
          show_default=True, metavar="SECONDS", help="Seconds to wait for the whole answer, per try."), TRANSPORT),
    (_opt("--max-attempts", "max_attempts", type=click.IntRange(1, 20), default=5, envvar="EC2OPS_MAX_ATTEMPTS",
          show_default=True, help="Tries per call on throttling, 5xx and lost connections (safe calls only)."),
     TRANSPORT),
    (_opt("--ca-bundle", "ca_bundle", envvar="AWS_CA_BUNDLE", metavar="FILE",  # read, and refused, by the client
          help="CA certificates (PEM) to verify the endpoint with."), TRANSPORT),
    (_opt("-o", "--output", "output_form", type=click.Choice(output.FORMS), envvar="EC2OPS_OUTPUT",
          default="plain", show_default=True, help="Output form."), OUTPUT),
    (_opt("--get", "get", metavar="NAME", help="Print only this output's raw value (e.g. returnResult, requestId)."),
     OUTPUT),
    (_opt("--no-color", "no_color", is_flag=True, help="No colour, even on a terminal [env: NO_COLOR]."), OUTPUT),
    (_opt("--debug", "debug", is_flag=True, envvar="EC2OPS_DEBUG",
          help="Show each request and answer on stderr (secrets masked), and tracebacks."), OUTPUT),
]
COMMON_NAMES = [option.name for option, _ in COMMON_OPTIONS]
SECTIONS = {option.name: section for option, section in COMMON_OPTIONS}


class Session:
    """One invocation's common inputs, and the one client it makes when the first call goes out."""

    def __init__(self, options: dict[str, Any]):
        self.options = options
        self.debug = bool(options.get("debug"))
        self.form = options.get("output_form") or "plain"
        self.get = options.get("get")
        self.color = False if (options.get("no_color") or os.environ.get("NO_COLOR")) else None
        if bool(options.get("proxy_host")) != bool(options.get("proxy_port")):
            raise InputError(PROXY_ERROR)
        if options.get("proxy_port") and not (str(options["proxy_port"]).isdigit()
                                              and 0 < int(options["proxy_port"]) < 65536):
            raise InputError(f"proxyPort must be a port number, not '{options['proxy_port']}'.")
        if options.get("proxy_host") and not re.fullmatch(r"[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\]", options["proxy_host"]):
            raise InputError("proxyHost must be a host name or an IP address (no scheme, port, user or password).")
        self.dry_run = False  # --dry-run: every changing call asks EC2 only whether it would do it
        self.tags: dict[str, str] = {}  # --tag: every creating call tags what it creates
        self.columns: list[str] | None = None  # --columns: returnResult's columns to print, in order
        self.sink = output.Sink()
        self._client = None
        self._parent: Session | None = None
        self._credentials = None  # set for a profile of --profiles
        self._pool = None  # the connection pool every session of the run shares (kept by the first)
        self._warned: set[str] = set()

    # -- where requests go ---------------------------------------------------------------------
    def endpoint_and_region(self) -> tuple[str, str]:
        opts = self.options
        region = opts.get("region") or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
        if not region:
            from ec2ops.credentials import read_profile

            region = read_profile(opts.get("profile"))[1]
        if region and not re.fullmatch(r"[a-z0-9-]+", region):  # it names a host and goes into every signature
            raise InputError(f"'{region}' is not a region name (e.g. eu-west-1).")
        endpoint = opts.get("service_endpoint") or (f"ec2.{region}.amazonaws.com" if region else DEFAULT_ENDPOINT)
        if "://" not in endpoint:
            endpoint = "https://" + endpoint
        try:
            parts = urlsplit(endpoint)
            parts.port  # noqa: B018 - raises ValueError for a port out of range, as urlsplit does for "http://[::1"
        except ValueError:
            parts = urlsplit("")
        if "@" in parts.netloc:  # user:password@host: never sent (it would replace the signature), never shown
            raise InputError("serviceEndpoint carries a user name or password (user:password@host): requests are "
                             "signed with the access keys; give the endpoint without them.")
        if parts.scheme not in ("http", "https") or not re.fullmatch(r"[a-z0-9._:%-]+", parts.hostname or ""):
            given = opts.get("service_endpoint") or endpoint
            raise InputError(f"serviceEndpoint '{given}' is not a host or an http(s) URL.")
        if not parts.path:
            endpoint += "/"
        if opts.get("pinned_region"):
            return endpoint, opts["pinned_region"]
        for pattern in REGION_IN_HOST:
            match = pattern.match(parts.hostname)
            if match:
                return endpoint, match.group(1)
        return endpoint, region or DEFAULT_REGION

    @property
    def client(self):
        if self._client is None:
            from ec2ops import credentials
            from ec2ops.client.query import Client, Settings
            from ec2ops.client.tls import is_loopback

            o = self.options
            root = self._root()
            if self._credentials is not None:  # a profile of --profiles: its own keys
                creds = self._credentials
            elif self._parent is not None:  # another region of this run: its keys (stdin is read once)
                creds = self._parent.client.settings.credentials
            else:
                creds = credentials.resolve(o.get("access_key_id"), o.get("access_key"), o.get("session_token"),
                                            o.get("profile"))
            if o.get("access_key") not in (None, "-"):
                root.warn_once("the secret key given as --access-key shows in the process list; "
                               "prefer AWS_SECRET_ACCESS_KEY, a profile, or --access-key -.")
            endpoint, region = self.endpoint_and_region()
            host = urlsplit(endpoint).hostname
            if endpoint.startswith("http://") and not is_loopback(host):
                root.warn_once(f"{host} is reached over plain http: requests and answers can be read on the way.")
            proxy = f"http://{o['proxy_host']}:{o['proxy_port']}" if o.get("proxy_host") else None
            self._client = Client(Settings(
                credentials=creds,
                endpoint=endpoint,
                region=region,
                api_version=o.get("api_version") or "2016-11-15",
                signature_version=int(o.get("signature_version") or 4),
                signature_method=o.get("signature_method") or "HmacSHA256",
                proxy=proxy,
                ca_bundle=o.get("ca_bundle"),
                connect_timeout=o.get("connect_timeout") or 10.0,
                read_timeout=o.get("read_timeout") or 60.0,
                max_attempts=o.get("max_attempts") or 5,
                retry_base_delay=env_number("EC2OPS_RETRY_BASE_DELAY", 0.25, float),
                max_response_bytes=env_number("EC2OPS_MAX_RESPONSE_BYTES", 64 * 1024 * 1024, int),
                debug=self.debug,
            ), http=root._pool)
            root._pool = self._client.http  # one connection pool for every region and profile of the run
        return self._client

    def _root(self) -> "Session":
        return self._parent._root() if self._parent is not None else self

    def warn_once(self, message: str) -> None:
        if message not in self._warned:
            self._warned.add(message)
            warn(message)

    def for_target(self, region: str | None, profile: str | None = None) -> "Session":
        """The same inputs for another region, or another profile (its keys, and its region when
        none is given), sharing this session's connections: the region's own endpoint, or the
        explicit one (e.g. a sandbox) signed for that region."""
        from ec2ops import credentials

        options = dict(self.options)
        keys = None
        if profile is not None:
            keys, own_region = credentials.of_profile(profile)
            region = region or options.get("region") or own_region
            options["profile"] = profile
        other = Session(options)
        other._parent, other._credentials = self, keys
        region = region or other.endpoint_and_region()[1]
        endpoint = options.get("service_endpoint") or ""
        host = urlsplit(endpoint if "://" in endpoint else "https://" + endpoint).hostname or ""
        if any(pattern.match(host) for pattern in REGION_IN_HOST):
            options["service_endpoint"] = None
        options.update(region=region, pinned_region=region)
        return other

    def call(self, action: str, params: dict[str, Any] | None = None, list_key: str | None = None):
        """Every call goes through here. A changing one under --dry-run carries DryRun, and EC2's
        DryRunOperation answer ends the command: it would have done it. A Describe's answer read
        item by item as it is used (its list: `list_key`) is a Page."""
        if self.tags and resources.tagged_by(action):  # --tag: what this call creates carries them
            from ec2ops.traits import tag_query

            params = {**(params or {}), **tag_query(resources.tagged_by(action), self.tags)}
        if not self.dry_run or resources.reads(action):
            return self.client.call(action, params, list_key)
        from ec2ops.errors import DryRunDone, Ec2Error

        try:
            response = self.client.call(action, {**(params or {}), "DryRun": "true"})
        except Ec2Error as exc:
            if exc.code == "DryRunOperation":
                raise DryRunDone("dry run: EC2 would have done it.") from None
            raise
        warn(f"the endpoint ignored DryRun: {action} was done.")
        return response

    def pages(self, action: str, params: dict[str, Any] | None, list_key: str, ahead: bool = True):
        """A Describe call's answers, page by page as they arrive (the next asked for ahead)."""
        return self.client.pages(action, params, list_key, ahead)

    def lookups(self) -> "Lookups":
        return Lookups(self)

    # -- printing ------------------------------------------------------------------------------
    def check_get(self, names) -> None:
        """--get must name one of the command's outputs: checked before anything is sent, so that a
        typo never follows a launch or a deletion."""
        names = list(names)
        if self.get is not None and self.get not in names:
            raise InputError(f"--get {self.get}: this command's outputs are {', '.join(names)}.")

    def printer(self, delimiters: output.Delimiters | None = None) -> output.Printer:
        return output.printer(self.form, self.get, delimiters or output.Delimiters(), self.sink, self.color,
                              self.columns)


class Lookups:
    """What a command may read before or after its call: read-only EC2 calls, and the keys in use.
    A changing call is refused here: it belongs to a flow's `perform`, in plain sight."""

    def __init__(self, session: Session):
        self._session = session
        self.request_id: str | None = None  # of the last lookup: the answer when nothing else is sent

    def read(self, action: str, params: dict[str, Any] | None = None):
        if not resources.reads(action):
            raise AssertionError(f"a lookup may not call {action}: it changes something")
        response = self._session.call(action, params)
        self.request_id = response.request_id
        return response

    @property
    def credentials(self):
        return self._session.client.settings.credentials


def env_number(name: str, default, kind):
    """A tuning knob from the environment: a finite number >= 0, or a one-line error (exit 2)."""
    text = os.environ.get(name)
    if text is None:
        return default
    try:
        value = kind(text)
    except ValueError:
        value = None
    if value is None or not (0 <= value < float("inf")):
        raise InputError(f"{name} must be a number of at least 0, not '{text}'.")
    return value


def warn(message: str) -> None:
    output.say(f"warning: {message}")


def common_options(function: Callable) -> Callable:
    """Adds the common inputs to a click command; the function receives a Session first."""

    @functools.wraps(function)
    def wrapper(**kwargs):
        session = Session({name: kwargs.pop(name, None) for name in COMMON_NAMES})
        click.get_current_context().meta["ec2ops.session"] = session
        return function(session, **kwargs)

    # click shows __click_params__ reversed: the command's own inputs first, then the common ones.
    own = list(getattr(function, "__click_params__", []))
    wrapper.__click_params__ = [option for option, _ in reversed(COMMON_OPTIONS)] + own  # type: ignore[attr-defined]
    return wrapper

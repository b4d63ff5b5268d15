"""The common inputs every command takes (credentials, endpoint, connection, output), declared once,
and the typed settings they fill. Nothing here loads httpcore or rich."""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, fields

import click

from ec2ops.errors import InputError
from ec2ops.output import FORMS
from ec2ops.secret import Secret

DEFAULT_ENDPOINT = "us-east-1.ec2.amazonaws.com"
PROXY_ERROR = "Either both proxy port and proxy host must be null or none of them."


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

# (option, help section) for every command; their values fill a Common.
COMMON_OPTIONS: list[tuple[click.Option, str]] = [
    (_opt("--access-key-id", "--accessKeyId", "access_key_id", metavar="ID",
          help="accessKeyId: the ID of the access key [env: AWS_ACCESS_KEY_ID, or a profile]."), COMMON),
    (_opt("--access-key", "--accessKey", "access_key", metavar="SECRET",
          help="accessKey: the secret access key; '-' reads it from stdin. Prefer the environment: a flag shows "
               "in the process list [env: AWS_SECRET_ACCESS_KEY, or a profile]."), COMMON),
    (_opt("--session-token", "session_token", metavar="TOKEN",
          help="Session token of temporary credentials [env: AWS_SESSION_TOKEN]."), COMMON),
    (_opt("--profile", "profile", envvar=["AWS_DEFAULT_PROFILE", "AWS_PROFILE"], metavar="NAME",
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
    (_opt("--connect-timeout", "connect_timeout", type=Number(0, low_open=True, high=3600), default=10.0,
          envvar="EC2OPS_CONNECT_TIMEOUT", show_default=True, metavar="SECONDS",
          help="Seconds to wait for a connection."), TRANSPORT),
    (_opt("--read-timeout", "read_timeout", type=Number(0, low_open=True, high=3600), default=60.0,
          envvar="EC2OPS_READ_TIMEOUT", show_default=True, metavar="SECONDS",
          help="Seconds to wait for the whole answer, per try."), TRANSPORT),
    (_opt("--max-attempts", "max_attempts", type=click.IntRange(1, 20), envvar="EC2OPS_MAX_ATTEMPTS",
          metavar="N", help="Tries per call on throttling, 5xx and lost connections (safe calls only) "
                            "[default: AWS_MAX_ATTEMPTS, or the profile's max_attempts, or 5]."), TRANSPORT),
    (_opt("--ca-bundle", "ca_bundle", envvar="AWS_CA_BUNDLE", metavar="FILE",  # read, and refused, by the client
          help="CA certificates (PEM) to verify the endpoint with [or the profile's ca_bundle]."), TRANSPORT),
    (_opt("-o", "--output", "output_form", type=click.Choice(FORMS), envvar="EC2OPS_OUTPUT",
          default="plain", show_default=True,
          help="Output form. plain: returnResult's rows are CSV with the command's delimiters (a field "
               "holding a delimiter, a quote, a line break or spaces at either end is in double quotes, "
               "each quote doubled; control characters escaped as \\n, \\t, \\xNN). json: a number that is "
               "not one (NaN, an infinity) is null."), OUTPUT),
    (_opt("--get", "get", metavar="NAME", help="Print only this output's raw value (e.g. returnResult, requestId)."),
     OUTPUT),
    (_opt("--no-color", "no_color", is_flag=True, help="No colour, even on a terminal [env: NO_COLOR]."), OUTPUT),
    (_opt("--debug", "debug", is_flag=True, envvar="EC2OPS_DEBUG",
          help="Show each request and answer on stderr (secrets masked), and tracebacks."), OUTPUT),
]
COMMON_NAMES = [option.name for option, _ in COMMON_OPTIONS]
SECTIONS = {option.name: section for option, section in COMMON_OPTIONS}


@dataclass(frozen=True)
class Common:
    """The common inputs of one command line, checked; None where not given. `region` set by a
    fan-out is `pinned`: that region is signed for, whatever the endpoint's host says."""

    access_key_id: str | None = None
    access_key: Secret | None = None  # a secret given as a flag, or '-': read from stdin
    session_token: Secret | None = None
    profile: str | None = None
    service_endpoint: str | None = None
    region: str | None = None
    proxy_host: str | None = None
    proxy_port: str | None = None
    signature_version: str = "4"
    signature_method: str = "HmacSHA256"
    api_version: str = "2016-11-15"
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    max_attempts: int | None = None
    ca_bundle: str | None = None
    output_form: str = "plain"
    get: str | None = None
    no_color: bool = False
    debug: bool = False
    pinned: bool = False
    profile_typed: bool | None = None  # --profile given on the command line (it beats the environment's keys)

    def __post_init__(self):
        if bool(self.proxy_host) != bool(self.proxy_port):
            raise InputError(PROXY_ERROR)
        port = str(self.proxy_port or "")
        if self.proxy_port and not (port.isascii() and port.isdigit() and 0 < int(port) < 65536):  # not '²'
            raise InputError(f"proxyPort must be a port number, not '{self.proxy_port}'.")
        if self.proxy_host and not re.fullmatch(r"[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\]", self.proxy_host):
            raise InputError("proxyHost must be a host name or an IP address (no scheme, port, user or password).")

    @classmethod
    def of(cls, values: dict) -> "Common":
        """From click's values: an option left out keeps its default here too; the secrets as Secret."""
        given = {f.name: values[f.name] for f in fields(cls) if values.get(f.name) is not None}
        for name in ("access_key", "session_token"):
            if name in given:
                given[name] = Secret(given[name])
        return cls(**given)

    @property
    def key_from_stdin(self) -> bool:
        """--access-key -: the secret key is the first line of stdin."""
        return self.access_key is not None and self.access_key.reveal() == "-"

    @property
    def color(self) -> bool | None:
        """False: no colour (--no-color, NO_COLOR); None: the terminal decides."""
        return False if (self.no_color or os.environ.get("NO_COLOR")) else None

    @property
    def proxy(self) -> str | None:
        return f"http://{self.proxy_host}:{self.proxy_port}" if self.proxy_host else None


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

"""Which proxy a request goes through: --proxy-host/--proxy-port, or else the environment's, read by the
rules httpx applied with trust_env (curl's, for NO_PROXY), so that the same environment routes the same
requests the same way. Plain data and the standard library: no HTTP library, no urllib.request (17 ms)."""

from __future__ import annotations

import importlib.util
import ipaddress
import os
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
SCHEMES = ("http", "https", "socks5", "socks5h")


class InvalidProxy(ValueError):
    """A proxy that cannot be used; its text, a sentence, names the proxy without its credentials."""


@dataclass(frozen=True)
class Proxy:
    scheme: str
    host: str  # without brackets for IPv6
    port: int | None  # None: the scheme's default
    auth: tuple[bytes, bytes] | None = field(default=None, repr=False)  # never shown

    @property
    def shown(self) -> str:
        """host:port, as messages name the proxy (never its credentials); the port left out when it is
        the scheme's default, as httpx's URL did."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}" if self.port is not None else host


def parse(url: str) -> Proxy:
    """A proxy URL (scheme://[user:password@]host[:port]) as httpx.Proxy read it: a URL without a scheme
    is http://; user and password, percent-decoded, become its authentication."""
    url = url if "://" in url else f"http://{url}"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidProxy(f"The proxy {_without_userinfo(url)} is not a valid URL ({exc}).") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise InvalidProxy(f"The proxy {_without_userinfo(url)} is not a valid URL (its scheme is not one of "
                           f"{', '.join(SCHEMES)}).")
    if not parts.hostname:
        raise InvalidProxy(f"The proxy {_without_userinfo(url)} is not a valid URL (it names no host).")
    if scheme.startswith("socks") and not socks_available():
        raise InvalidProxy(f"The proxy {_without_userinfo(url)} is a SOCKS proxy, which needs the socksio package "
                           f"(pip install socksio).")
    auth = None
    if parts.username or parts.password:
        auth = (unquote(parts.username or "").encode(), unquote(parts.password or "").encode())
    return Proxy(scheme, parts.hostname, None if port == DEFAULT_PORTS.get(scheme) else port, auth)


def socks_available() -> bool:
    """Whether httpcore can speak SOCKS here: it needs the socksio package, which ec2ops does not require."""
    return importlib.util.find_spec("socksio") is not None


def _without_userinfo(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    return scheme + sep + rest.rpartition("@")[2]


@dataclass(frozen=True)
class _Rule:
    """One entry of the routing table: scheme ('' any), host ('' any, '*x' x or its subdomains, '*.x' its
    subdomains only, an IP network, or a name), port (None any). `proxy` None means: go direct."""

    scheme: str
    host: str
    port: int | None
    proxy: str | None

    def matches(self, scheme: str, host: str, port: int | None) -> bool:
        if (self.scheme and self.scheme != scheme) or (self.port is not None and self.port != port):
            return False
        if not self.host:
            return True
        network = _network(self.host)
        if network is not None:
            try:
                return ipaddress.ip_address(host) in network
            except ValueError:
                return False
        if self.host.startswith("*."):
            return host.endswith(self.host[1:]) and len(host) > len(self.host) - 1
        if self.host.startswith("*"):
            return host == self.host[1:] or host.endswith("." + self.host[1:])
        return host == self.host

    @property
    def priority(self) -> tuple[int, int, int]:
        """Most specific first, as httpx sorted its mounts: a port, then a longer host, a longer scheme."""
        return (0 if self.port is not None else 1, -len(self.host), -len(self.scheme))


def _network(host: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(host, strict=False)
    except ValueError:
        return None


class Routes:
    """Where each URL goes: through one proxy (`proxy` given: every request, as httpx's `proxy=`), or by
    the environment's rules when `trust_env`, or direct."""

    def __init__(self, proxy: str | None = None, trust_env: bool = True):
        self.proxies: dict[str, Proxy] = {}
        rules: dict[tuple[str, str, int | None], str | None] = {}
        if proxy is not None:
            self.proxies[proxy] = parse(proxy)
            rules[("", "", None)] = proxy
        elif trust_env:
            rules = _environment_rules(self.proxies)
        self._rules = sorted((_Rule(*key, value) for key, value in rules.items()), key=lambda rule: rule.priority)

    def proxy_for(self, url: str) -> Proxy | None:
        """The proxy a request to `url` goes through, or None for a direct connection."""
        parts = urlsplit(url)
        scheme, host = parts.scheme.lower(), (parts.hostname or "")
        try:
            port = parts.port
        except ValueError:
            port = None
        port = None if port == DEFAULT_PORTS.get(scheme) else port
        for rule in self._rules:
            if rule.matches(scheme, host, port):
                return None if rule.proxy is None else self.proxies[rule.proxy]
        return None


def _environment_rules(proxies: dict[str, Proxy]) -> dict[tuple[str, str, int | None], str | None]:
    """httpx's get_environment_proxies: HTTP_PROXY for http://, HTTPS_PROXY for https://, ALL_PROXY for
    both; each NO_PROXY entry a way around them, '*' around all of them."""
    found = _environment()
    rules: dict[tuple[str, str, int | None], str | None] = {}
    for scheme in ("http", "https", "all"):
        if found.get(scheme):
            url = found[scheme] if "://" in found[scheme] else f"http://{found[scheme]}"
            proxies[url] = parse(url)
            rules[("" if scheme == "all" else scheme, "", None)] = url
    for entry in (entry.strip() for entry in found.get("no", "").split(",")):
        if entry == "*":
            return {}
        if entry:
            rules[_no_proxy_key(entry)] = None
    return rules


def _no_proxy_key(entry: str) -> tuple[str, str, int | None]:
    """A NO_PROXY entry as a rule's (scheme, host, port): scheme://host[:port] as written; an IPv4 or
    IPv6 address or network (CIDR) as such; localhost as itself; any other name is that host and its
    subdomains (.example.com: its subdomains only), with an optional :port."""
    if "://" not in entry and _network(entry.strip("[]")) is not None:
        return ("", str(_network(entry.strip("[]"))), None)
    if "://" in entry:
        scheme, _, rest = entry.partition("://")
        scheme = "" if scheme.lower() == "all" else scheme.lower()
    else:
        scheme, rest = "", entry if entry.lower() == "localhost" else "*" + entry
    host, port = _host_and_port(rest.split("/")[0])
    if host in ("", "*"):
        host = ""
    elif _network(host) is not None:
        host = str(_network(host))
    return (scheme, host.lower(), port)


_HOST_PORT = re.compile(r"(\[[^\]]*\]|[^:]*)(?::(\d*))?")


def _host_and_port(text: str) -> tuple[str, int | None]:
    found = _HOST_PORT.fullmatch(text)
    if not found:
        return text, None
    host, port = found.group(1).strip("[]"), found.group(2)
    return host, int(port) if port else None


def _environment() -> dict[str, str]:
    """urllib.request.getproxies_environment, without importing urllib.request: every NAME_proxy of the
    environment, any case, the lower-case one winning; an empty lower-case one removes it; HTTP_PROXY
    ignored under CGI (REQUEST_METHOD set), where a client can set it with a Proxy: header."""
    found: dict[str, str] = {}
    for name, value in os.environ.items():
        if value and name.lower().endswith("_proxy"):
            found[name.lower()[:-6]] = value
    if "REQUEST_METHOD" in os.environ:
        found.pop("http", None)
    for name, value in os.environ.items():
        if name.endswith("_proxy"):
            if value:
                found[name[:-6].lower()] = value
            else:
                found.pop(name[:-6].lower(), None)
    return found

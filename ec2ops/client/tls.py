"""How ec2ops trusts a server: the EC2 endpoint's certificate and the SMTP server's are verified by
one context, and a failed verification is told in one way."""

from __future__ import annotations

import ipaddress
import os
import re
import ssl

from ec2ops.errors import EndpointError


def context(bundle: str | None, trust_env: bool = True) -> ssl.SSLContext:
    """A context that verifies certificates and host names: against `bundle` (PEM) if given, else
    against certifi's CAs, or SSL_CERT_FILE / SSL_CERT_DIR when `trust_env` (what httpx would use).
    Verified as Python 3.13's default context does, on every Python: strictly as RFC 5280 asks (a
    certificate missing an extension its CA must set, e.g. the Authority Key Identifier, is refused),
    and a CA of the bundle trusted even when it is an intermediate. The same server passes or fails
    whichever Python runs ec2ops."""
    if bundle:
        try:
            verify = ssl.create_default_context(cafile=bundle)
        except (OSError, ssl.SSLError, ValueError) as exc:  # ValueError: a NUL in the path
            raise EndpointError(f"Cannot read the CA bundle {bundle}: {exc}") from None
    elif trust_env and os.environ.get("SSL_CERT_FILE"):  # the CAs httpx's create_ssl_context chose, in its order
        verify = ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])
    elif trust_env and os.environ.get("SSL_CERT_DIR"):
        verify = ssl.create_default_context(capath=os.environ["SSL_CERT_DIR"])
    else:
        import certifi

        verify = ssl.create_default_context(cafile=certifi.where())
    verify.verify_flags |= ssl.VERIFY_X509_STRICT | ssl.VERIFY_X509_PARTIAL_CHAIN
    return verify


def failure(exc: BaseException, where: str, bundle: str | None, option: str, what: str) -> str:
    """What the verifier said about `where` (OpenSSL's reason, without the line of _ssl.c it came
    from), and what to do about it given where the trusted CAs came from: `option` names the bundle's
    option, `what` the server ("endpoint", "SMTP server")."""
    cause: BaseException = exc
    while not isinstance(cause, ssl.SSLError) and (cause.__cause__ or cause.__context__):
        cause = cause.__cause__ or cause.__context__  # httpcore's error, then ssl's
    said = _SSL_SOURCE_LINE.sub("", reason(cause)).rstrip(".")  # the sentence ends below
    code = getattr(cause, "verify_code", None)
    if not bundle:
        return f"TLS verification of {where} failed: {said}. If the {what} uses a private CA, give its certificate with {option}."
    if code in _UNKNOWN_ISSUER:
        hint = f" The bundle holds no CA that issued the {what}'s certificate."
    elif code in _DATES_AND_NAMES:
        hint = ""  # the verifier said it all: expired, not yet valid, or for another name
    else:
        hint = (" Certificates are checked strictly, as RFC 5280 asks and Python 3.13 does: one missing an "
                "extension (e.g. Authority Key Identifier) must be issued again by its CA.")
    return f"TLS verification of {where} against the CA bundle {bundle} ({option}) failed: {said}.{hint}"


def failed_tls(exc: BaseException) -> bool:
    """Whether a connection failed in its TLS handshake (a certificate not verified, a TLS error),
    not on the way to the server: told with failure(), never retried."""
    return "CERTIFICATE_VERIFY_FAILED" in str(exc) or "SSL" in str(exc)


def in_clear(url: str) -> str | None:
    """The warning a plain-http URL to another machine deserves (requests, keys in answers, a bearer
    token can be read on the way), or None."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme.lower() != "http" or is_loopback(parts.hostname):
        return None
    return f"{parts.hostname} is reached over plain http: requests and answers can be read on the way."


def is_loopback(host: str | None) -> bool:
    """Whether `host` is this machine: what is sent to it cannot be read on the way."""
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def reason(exc: BaseException) -> str:
    """An exception's first line, without its final full stop (the caller ends the sentence)."""
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0].rstrip(".")


_SSL_SOURCE_LINE = re.compile(r" \(_ssl\.c:\d+\)$")
# OpenSSL's verify codes for "no trusted CA issued this chain": unable to get the issuer (2, 20), a
# self-signed certificate at depth 0 or in the chain (18, 19), cannot verify the leaf's signature (21).
_UNKNOWN_ISSUER = {2, 18, 19, 20, 21}
# ... and for a certificate not yet valid or expired (9, 10), or for another host, e-mail or IP (62-64).
_DATES_AND_NAMES = {9, 10, 62, 63, 64}

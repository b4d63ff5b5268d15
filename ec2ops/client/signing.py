"""EC2 Query API request signing: Signature Version 4 (default) and Version 2.

Pure functions over the standard library, so that they can be checked byte for byte
against botocore's signers. The secret key goes into an HMAC and nowhere else.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
from urllib.parse import quote, urlsplit

from ec2ops.client.keys import Credentials  # noqa: F401 - where the client and its tests have taken it from

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"
V4_ALGORITHM = "AWS4-HMAC-SHA256"
V2_METHODS = {"HmacSHA256": hashlib.sha256, "HmacSHA1": hashlib.sha1}
# What may stand unencoded in a path (RFC 3986: unreserved, sub-delims, ":", "@", "/"); "%" starts an escape.
_PATH_SAFE = "-._~!$&'()*+,;=:@/"
_ESCAPE_OR_OTHER = re.compile(r"%[0-9A-Fa-f]{2}|[^%]+|%")


def rfc3986(value: str) -> str:
    return quote(value.encode("utf-8"), safe="-_.~")


def encode_form(params: dict[str, str]) -> str:
    """The form body, in the canonical (sorted, RFC 3986) order both signatures use."""
    return "&".join(f"{rfc3986(k)}={rfc3986(str(v))}" for k, v in sorted(params.items()))


def wire_path(path: str) -> str:
    """The endpoint's path as it goes on the request line, and so as it is signed: dot segments removed
    (RFC 3986 5.2.4), then percent-encoded where a path needs it; escapes already there are kept."""
    segments: list[str] = []
    parts = (path or "/").split("/")
    for segment in parts:
        if segment == "..":
            if len(segments) > 1:  # never above the root ("" is what precedes the first "/")
                segments.pop()
        elif segment != ".":
            segments.append(segment)
    if parts[-1] in (".", ".."):  # "/a/b/.." is "/a/": the last step leaves a folder
        segments.append("")
    path = "/".join(segments)
    path = path if path.startswith("/") else "/" + path
    return "".join(piece if piece.startswith("%") and len(piece) == 3 else quote(piece, safe=_PATH_SAFE)
                   for piece in _ESCAPE_OR_OTHER.findall(path))


def wire_url(url: str) -> str:
    """`url` with the path it is signed for, so that the HTTP library has nothing left to encode."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{wire_path(parts.path)}" + (f"?{parts.query}" if parts.query else "")


def canonical_path(path: str) -> str:
    """SigV4's canonical URI for every service but S3, as botocore and EC2 compute it from the path
    sent: empty and dot segments dropped, each byte encoded again (an escape's "%" becomes "%25")."""
    segments: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment and segment != ".":
            segments.append(segment)
    trailing = "/" if segments and path.endswith("/") else ""
    return quote("/" + "/".join(segments) + trailing, safe="/~")


def _hmac(key: bytes, text: str, digest=hashlib.sha256) -> bytes:
    return hmac.new(key, text.encode("utf-8"), digest).digest()


def sign_v4(
    url: str, params: dict[str, str], credentials: Credentials, region: str, now: dt.datetime, service: str = "ec2"
) -> tuple[dict[str, str], bytes]:
    """Signs a POST of `params` as a form body for `service` (its signing name: "ec2", "sts"; any
    service but S3, whose paths and payload hash are signed another way); returns the headers to send
    and the body."""
    body = encode_form(params).encode("utf-8")
    parts = urlsplit(url)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    scope = f"{now.strftime('%Y%m%d')}/{region}/{service}/aws4_request"
    headers = {"Content-Type": FORM_CONTENT_TYPE, "Host": _host(parts), "X-Amz-Date": amz_date}
    if credentials.session_token:
        headers["X-Amz-Security-Token"] = credentials.session_token
    canonical_headers = {k.lower(): " ".join(v.split()) for k, v in headers.items()}
    signed = ";".join(sorted(canonical_headers))
    canonical_request = "\n".join(
        [
            "POST",
            canonical_path(wire_path(parts.path)),
            "",
            "".join(f"{k}:{canonical_headers[k]}\n" for k in sorted(canonical_headers)),
            signed,
            hashlib.sha256(body).hexdigest(),
        ]
    )
    string_to_sign = "\n".join(
        [V4_ALGORITHM, amz_date, scope, hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()]
    )
    key = ("AWS4" + credentials.secret_key).encode("utf-8")
    for part in (now.strftime("%Y%m%d"), region, service, "aws4_request"):
        key = _hmac(key, part)
    signature = hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    headers["Authorization"] = (
        f"{V4_ALGORITHM} Credential={credentials.access_key_id}/{scope}, "
        f"SignedHeaders={signed}, Signature={signature}"
    )
    return headers, body


def unsigned(url: str, params: dict[str, str]) -> tuple[dict[str, str], bytes]:
    """A POST of `params` as a form body, not signed (STS AssumeRoleWithWebIdentity: its token is the proof)."""
    return {"Content-Type": FORM_CONTENT_TYPE, "Host": _host(urlsplit(url))}, encode_form(params).encode("utf-8")


def sign_v2(
    url: str,
    params: dict[str, str],
    credentials: Credentials,
    now: dt.datetime,
    method: str = "HmacSHA256",
) -> tuple[dict[str, str], bytes]:
    """Signature Version 2 (the guide's): the signature travels in the form body."""
    if method not in V2_METHODS:
        raise ValueError(f"unknown signature method {method!r}; use HmacSHA256 or HmacSHA1")
    params = dict(params)
    params.update(
        AWSAccessKeyId=credentials.access_key_id,
        SignatureVersion="2",
        SignatureMethod=method,
        Timestamp=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    if credentials.session_token:
        params["SecurityToken"] = credentials.session_token
    parts = urlsplit(url)
    # The Host header sent (no default port, brackets round IPv6) and the path sent: what the server checks.
    string_to_sign = f"POST\n{_host(parts)}\n{wire_path(parts.path)}\n{encode_form(params)}"
    digest = hmac.new(credentials.secret_key.encode("utf-8"), string_to_sign.encode("utf-8"), V2_METHODS[method])
    params["Signature"] = base64.b64encode(digest.digest()).decode("ascii")
    headers = {"Content-Type": FORM_CONTENT_TYPE, "Host": _host(parts)}
    return headers, encode_form(params).encode("utf-8")


def _host(parts) -> str:
    """The Host header: lowercase, an IPv6 address in brackets, the port unless it is the scheme's own."""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    default_port = {"http": 80, "https": 443}.get(parts.scheme)
    if parts.port and parts.port != default_port:
        return f"{host}:{parts.port}"
    return host

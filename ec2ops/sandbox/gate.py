"""The sandbox's door: only requests signed (Signature Version 4) with the credentials the sandbox
made for this start get in, so that another local user, or a web page in the user's browser, cannot
read or change its state; any other is EC2's AuthFailure. A request that carries an Origin header
(a web page's) is refused outright, and nothing is ever answered with CORS headers."""

from __future__ import annotations

import hashlib
import hmac
import io
import re
import secrets
import string
import uuid
from typing import Callable, NamedTuple
from urllib.parse import parse_qsl

from ec2ops.client.signing import canonical_path, rfc3986

MAX_BODY = 16 * 1024 * 1024  # larger than any EC2 request ec2ops or an SDK sends
_AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256 Credential=([^/\s]+)/(\d{8})/([^/\s]+)/([^/\s]+)/aws4_request,\s*"
    r"SignedHeaders=([a-z0-9;_.-]+),\s*Signature=([0-9a-f]{64})")


class Keys(NamedTuple):
    access_key_id: str
    secret_key: str


def new_keys() -> Keys:
    """Keys for one start of the sandbox, of the form AWS's take (a key id of 20 capitals and digits)."""
    alphabet = string.ascii_uppercase + string.digits
    return Keys("AKIDSANDBOX" + "".join(secrets.choice(alphabet) for _ in range(9)), secrets.token_urlsafe(30))


class Gate:
    """WSGI: `app` behind a check of each request's signature against `keys`."""

    def __init__(self, app: Callable, keys: Keys):
        self.app, self.keys = app, keys

    def __call__(self, environ, start_response):
        if environ.get("HTTP_ORIGIN") is not None or environ.get("REQUEST_METHOD") == "OPTIONS":
            return _refuse(start_response, 403, "Requests from web pages (an Origin header) are refused by the "
                                                "sandbox.")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            return _refuse(start_response, 400, "The request's length is not one the sandbox takes.")
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)  # the app reads it again
        if not signed_by(environ, body, self.keys):
            return _refuse(start_response, 401, "AWS was not able to validate the provided access credentials")
        return self.app(environ, start_response)


def signed_by(environ, body: bytes, keys: Keys) -> bool:
    """The request's SigV4 signature is right for `keys` (recomputed from what was sent)."""
    found = _AUTHORIZATION.fullmatch(environ.get("HTTP_AUTHORIZATION", "").strip())
    amz_date = environ.get("HTTP_X_AMZ_DATE", "")
    if not found or not hmac.compare_digest(found[1], keys.access_key_id) or not amz_date.startswith(found[2]):
        return False
    lines = []
    for name in found[5].split(";"):
        value = _header(environ, name)
        if value is None:
            return False
        lines.append(f"{name}:{' '.join(value.split())}\n")
    query = "&".join(sorted(f"{rfc3986(k)}={rfc3986(v)}" for k, v in
                            parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)))
    payload = environ.get("HTTP_X_AMZ_CONTENT_SHA256") or hashlib.sha256(body).hexdigest()
    path = (environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO") or "/").split("?")[0]
    canonical = "\n".join([environ.get("REQUEST_METHOD", ""), canonical_path(path), query, "".join(lines), found[5],
                           payload])
    scope = f"{found[2]}/{found[3]}/{found[4]}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + keys.secret_key).encode()
    for part in (found[2], found[3], found[4], "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.compare_digest(hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest(), found[6])


def _header(environ, name: str) -> str | None:
    if name in ("content-type", "content-length"):
        return environ.get(name.upper().replace("-", "_"))
    return environ.get("HTTP_" + name.upper().replace("-", "_"))


def _refuse(start_response, status: int, message: str):
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>AuthFailure</Code>'
            f"<Message>{message}</Message></Error></Errors><RequestID>{uuid.uuid4()}</RequestID></Response>"
            ).encode()
    start_response(f"{status} Refused", [("Content-Type", "text/xml;charset=UTF-8"),
                                         ("Content-Length", str(len(body)))])
    return [body]

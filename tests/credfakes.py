"""Small fakes on 127.0.0.1 for the credential sources served over HTTP: the instance metadata
service (IMDSv2), a container's credentials endpoint, the SSO portal; and a forward proxy. Each
keeps its requests (method, path, headers); `down` makes it answer nothing but 500s for IMDS, or
close at once."""

from __future__ import annotations

import datetime as dt
import http.client
import http.server
import json
import threading
from urllib.parse import urlsplit


def keys_json(name: str, zone: str = "Z") -> bytes:
    expires = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M:%S") + zone
    return json.dumps({"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": f"ASIA{name}",
                       "SecretAccessKey": f"secret-{name}", "Token": f"token-{name}", "Expiration": expires,
                       "LastUpdated": expires}).encode()


class Fake:
    """answer(method, path, headers) -> (status, body) serves each request; over TLS with the server
    context `tls`."""

    def __init__(self, answer, tls=None) -> None:
        self.requests: list[tuple[str, str, dict]] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _serve(self):
                headers = {k.lower(): v for k, v in self.headers.items()}
                outer.requests.append((self.command, self.path, headers))
                status, body = answer(self.command, self.path, headers)
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_PUT = _serve  # noqa: N815 - http.server's names

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def imds(role: str = "ec2-role") -> Fake:
    """IMDSv2: a token from PUT /latest/api/token, required on every GET; the role's keys (ASIAIMDS)."""
    token = b"imds-token-1"

    def answer(method, path, headers):
        if method == "PUT":
            return (200, token) if path == "/latest/api/token" else (404, b"")
        if headers.get("x-aws-ec2-metadata-token") != token.decode():
            return 401, b""
        if path == "/latest/meta-data/iam/security-credentials/":
            return (200, role.encode()) if role else (404, b"")
        if role and path == f"/latest/meta-data/iam/security-credentials/{role}":
            return 200, keys_json("IMDS")
        return 404, b""

    return Fake(answer)


def container(token: str | None = None, zone: str = "Z") -> Fake:
    """A container's endpoint at /creds: the keys (ASIACONTAINER) when the Authorization is `token`,
    their Expiration in the `zone` given ("": none)."""
    def answer(method, path, headers):
        if path != "/creds":
            return 404, b""
        if token is not None and headers.get("authorization") != token:
            return 403, b'{"message": "bad token"}'
        return 200, keys_json("CONTAINER", zone)

    return Fake(answer)


def sso_portal(token: str = "sso-access-token", tls=None) -> Fake:
    """The SSO portal's GetRoleCredentials: the role's keys (ASIASSO + the role's name) for the token."""
    from urllib.parse import parse_qs, urlsplit

    def answer(method, path, headers):
        parts = urlsplit(path)
        if parts.path != "/federation/credentials":
            return 404, b""
        if headers.get("x-amz-sso_bearer_token") != token:
            return 401, b'{"message": "Session token not found or invalid"}'
        role = parse_qs(parts.query)["role_name"][0]
        expires = int((dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)).timestamp() * 1000)
        return 200, json.dumps({"roleCredentials": {"accessKeyId": f"ASIASSO{role.upper()}",
                                                    "secretAccessKey": "secret-sso", "sessionToken": "token-sso",
                                                    "expiration": expires}}).encode()

    return Fake(answer, tls)


class Forwarder:
    """A forward proxy on 127.0.0.1 for plain-http targets (STS, the SSO portal, EC2), GET and POST:
    each request (absolute-form) is passed to the server its host is routed to; (method, host, path
    and query) of each is kept."""

    def __init__(self, routes: dict[str, str]):
        self.seen: list[tuple[str, str, str]] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _forward(self):
                url = urlsplit(self.path)
                target = (url.path or "/") + (f"?{url.query}" if url.query else "")
                outer.seen.append((self.command, url.hostname, target))
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                to = urlsplit(routes[url.hostname])
                connection = http.client.HTTPConnection(to.hostname, to.port, timeout=10)
                connection.request(self.command, target, body or None,
                                   {k: v for k, v in self.headers.items()
                                    if k.lower() not in ("connection", "proxy-connection", "host")})
                answer = connection.getresponse()
                data = answer.read()
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.getheader("Content-Type") or "text/xml")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _forward  # noqa: N815 - http.server's names

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

"""A fake STS on 127.0.0.1 for the credential tests: AssumeRole answers keys named after the role
(role/ops -> ASIAOPS...), so that ec2ops and botocore can be compared key for key; a role whose name
starts with "denied" is refused with AccessDenied. Every request is kept: its parameters and the
access key id that signed it."""

from __future__ import annotations

import datetime as dt
import http.server
import threading
from urllib.parse import parse_qsl

NS = "https://sts.amazonaws.com/doc/2011-06-15/"


class FakeSts:
    def __init__(self, tls=None) -> None:
        """`tls`: an ssl.SSLContext to answer over https with."""
        self.requests: list[dict] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                params = dict(parse_qsl(body))
                auth = self.headers.get("Authorization") or ""
                signer = auth.split("Credential=")[1].split("/")[0] if "Credential=" in auth else None
                scope = auth.split("Credential=")[1].split(",")[0].split("/")[2:4] if signer else None
                outer.requests.append({"params": params, "signer": signer, "scope": scope, "path": self.path,
                                       "host": self.headers.get("Host")})
                status, text = outer.answer(params)
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, params: dict) -> tuple[int, str]:
        action = params.get("Action", "")
        role = params.get("RoleArn", "").rsplit("/", 1)[-1]
        if role.startswith("denied"):
            return 403, (f'<ErrorResponse xmlns="{NS}"><Error><Type>Sender</Type><Code>AccessDenied</Code>'
                         f"<Message>User is not authorized to perform: sts:AssumeRole on {params['RoleArn']}</Message>"
                         "</Error><RequestId>req-denied</RequestId></ErrorResponse>")
        name = role.upper().replace("-", "")
        expires = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        return 200, (f'<{action}Response xmlns="{NS}"><{action}Result><Credentials>'
                     f"<AccessKeyId>ASIA{name}</AccessKeyId><SecretAccessKey>secret-{name}</SecretAccessKey>"
                     f"<SessionToken>token-{name}</SessionToken><Expiration>{expires}</Expiration></Credentials>"
                     f"<AssumedRoleUser><AssumedRoleId>AROA:{name}</AssumedRoleId><Arn>{params.get('RoleArn')}</Arn>"
                     f"</AssumedRoleUser></{action}Result><ResponseMetadata><RequestId>req-1</RequestId>"
                     f"</ResponseMetadata></{action}Response>")

    def assumed(self) -> list[tuple[str, str | None]]:
        """(the role asked for, the key id that signed the request), in order."""
        return [(r["params"].get("RoleArn", "").rsplit("/", 1)[-1], r["signer"]) for r in self.requests]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

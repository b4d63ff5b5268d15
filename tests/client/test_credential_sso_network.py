"""The SSO portal reached as the run reaches AWS, like STS: through --proxy-host (or the environment's
proxy, around it by NO_PROXY), its TLS verified against --ca-bundle, within --read-timeout; the
bearer token never shown. It used to be fetched directly, with the default CAs and fixed timeouts."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time

import pytest

import credfakes
from credfakes import Forwarder
from conftest import run_cli
from test_credential_sources import SSO_PROFILE, SSO_SESSION, sso_token
from test_security import _certificates

QUERY = "/federation/credentials?role_name=Admin&account_id=111122223333"
PLAIN = "ec2ops: warning: {} is reached over plain http: requests and answers can be read on the way.\n"
PLAIN_EC2 = PLAIN.format("ec2.example.test")
PLAIN_SSO = PLAIN.format("sso.example.test")  # the bearer token goes in the clear, and the keys come back so
PROXIES = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture
def dev(monkeypatch, tmp_path, fault_server):
    """HOME in tmp_path with the SSO profile dev (session corp, role Admin) logged in; no AWS_ variable,
    proxy or CA setting of the caller's. Yields the EC2 endpoint (the fault server)."""
    for name in list(os.environ):
        if name.startswith("AWS_") or name.upper() in PROXIES or name in ("SSL_CERT_FILE", "SSL_CERT_DIR"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".aws").mkdir()
    (tmp_path / ".aws" / "config").write_text(SSO_PROFILE + SSO_SESSION)
    for file, text in sso_token("corp").items():
        (tmp_path / file).parent.mkdir(parents=True)
        (tmp_path / file).write_text(text)
    yield fault_server


def forget() -> None:
    """The run before kept the role's keys in ~/.aws/cli/cache: without them the next asks the portal."""
    shutil.rmtree(os.path.join(os.environ["HOME"], ".aws", "cli", "cache"), ignore_errors=True)


def signer(server) -> str:
    return server.requests[-1].headers["Authorization"].split("Credential=")[1].split("/")[0]


@pytest.fixture
def portal():
    fake = credfakes.sso_portal()
    yield fake
    fake.close()


def test_the_portal_is_reached_through_the_runs_proxy(dev, portal, monkeypatch):
    """--proxy-host takes the portal's GET through the proxy, as EC2's calls: the portal's host is
    never reached directly (it used to be, past the proxy the run was told to use)."""
    proxy = Forwarder({"sso.example.test": portal.url, "ec2.example.test": dev.url})
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", "http://sso.example.test")
    try:
        run = run_cli(["enumerate-regions", "--profile", "dev", "--endpoint", "http://ec2.example.test/",
                       "--proxy-host", "127.0.0.1", "--proxy-port", str(proxy.port)])
    finally:
        proxy.close()
    assert (run.code, run.err) == (0, PLAIN_SSO + PLAIN_EC2)
    assert proxy.seen == [("GET", "sso.example.test", QUERY), ("POST", "ec2.example.test", "/")]
    [(method, path, headers)] = portal.requests
    assert (method, path, headers["x-amz-sso_bearer_token"]) == ("GET", QUERY, "sso-access-token")
    assert signer(dev) == "ASIASSOADMIN"


def test_the_environments_proxy_is_used_and_no_proxy_goes_around_it(dev, portal, monkeypatch):
    proxy = Forwarder({"sso.example.test": portal.url, "ec2.example.test": dev.url})
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.port}")
    args = ["enumerate-regions", "--profile", "dev", "--endpoint", "http://ec2.example.test/"]
    try:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", "http://sso.example.test")
        through = run_cli(args)
        assert (through.code, through.err) == (0, PLAIN_SSO + PLAIN_EC2)
        assert proxy.seen == [("GET", "sso.example.test", QUERY), ("POST", "ec2.example.test", "/")]
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", portal.url)  # 127.0.0.1, which NO_PROXY names
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        forget()
        around = run_cli(args)
    finally:
        proxy.close()
    assert (around.code, around.err) == (0, PLAIN_EC2)
    assert proxy.seen[2:] == [("POST", "ec2.example.test", "/")]
    assert [(method, path) for method, path, _ in portal.requests] == [("GET", QUERY)] * 2
    assert signer(dev) == "ASIASSOADMIN"


def test_the_portals_tls_is_verified_against_the_runs_ca_bundle(dev, tmp_path, monkeypatch):
    """A portal behind a private CA: refused without the bundle (exit 3, nothing sent, not retried),
    reached with --ca-bundle or AWS_CA_BUNDLE."""
    import ssl

    ca, cert, key = _certificates(tmp_path, ["127.0.0.1"])
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    portal = credfakes.sso_portal(tls=context)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", portal.url)
    args = ["enumerate-regions", "--profile", "dev"]
    try:
        refused = run_cli(args)
        assert (refused.code, refused.out, refused.err) == (3, "", (
            f"ec2ops: TLS verification of the SSO portal {portal.url} failed: [SSL: CERTIFICATE_VERIFY_FAILED] "
            "certificate verify failed: unable to get local issuer certificate. If the SSO portal uses a private "
            "CA, give its certificate with --ca-bundle.\n"))
        assert (portal.requests, dev.requests) == ([], [])
        trusted = run_cli([*args, "--ca-bundle", ca])
        monkeypatch.setenv("AWS_CA_BUNDLE", str(ca))
        forget()
        from_the_environment = run_cli(args)
    finally:
        portal.close()
    assert [(run.code, run.err) for run in (trusted, from_the_environment)] == [(0, "")] * 2
    assert [(method, path) for method, path, _ in portal.requests] == [("GET", QUERY)] * 2
    assert signer(dev) == "ASIASSOADMIN" and len(dev.requests) == 2


def test_a_portal_that_never_answers_is_given_up_on_within_the_read_timeout(dev, monkeypatch):
    """Asked twice (a GET nothing answered is safe to ask again), each within --read-timeout."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def accept():
        while True:
            try:
                held.append(listener.accept()[0])  # and never a byte back
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", url)
    began = time.monotonic()
    try:
        run = run_cli(["enumerate-regions", "--profile", "dev", "--read-timeout", "1"])
        took = time.monotonic() - began
    finally:
        listener.close()
        for connection in held:
            connection.close()
    assert (run.code, run.out, run.err) == (3, "", f"ec2ops: The SSO portal {url} could not be reached for the "
                                                   "profile 'dev': no answer within the read timeout (1 s).\n")
    assert 2 <= took < 3.5 and len(held) == 2 and dev.requests == []


def test_a_portal_that_hangs_up_is_asked_twice(dev, monkeypatch):
    listener = socket.create_server(("127.0.0.1", 0))
    calls: list[int] = []

    def hang_up():
        """Reads the whole GET, then closes: a FIN, never the RST that unread bytes would make."""
        while True:
            try:
                connection, request = listener.accept()[0], b""
                while b"\r\n\r\n" not in request:
                    piece = connection.recv(4096)
                    if not piece:
                        break
                    request += piece
            except OSError:
                return
            calls.append(1)  # before the close that lets the run go on to its end
            connection.close()

    threading.Thread(target=hang_up, daemon=True).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", url)
    try:
        run = run_cli(["enumerate-regions", "--profile", "dev"])
    finally:
        listener.close()
    assert (run.code, run.out, run.err) == (3, "", f"ec2ops: The SSO portal {url} could not be reached for the "
                                                   "profile 'dev': Server disconnected without sending a response.\n")
    assert len(calls) == 2 and dev.requests == []


def test_a_proxy_that_refuses_the_connection_is_named(dev, monkeypatch):
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", "http://sso.example.test")
    run = run_cli(["enumerate-regions", "--profile", "dev", "--proxy-host", "127.0.0.1", "--proxy-port", port])
    assert (run.code, run.out, run.err) == (3, "", PLAIN_SSO + (
        "ec2ops: The SSO portal http://sso.example.test could not be reached for the profile 'dev' through the "
        f"proxy 127.0.0.1:{port}: [Errno 111] Connection refused.\n"))
    assert dev.requests == []


def test_the_token_and_the_keys_never_show_under_debug(dev, portal, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", portal.url)
    run = run_cli(["enumerate-regions", "--profile", "dev", "--debug"])
    assert run.code == 0 and ">>> POST" in run.err and "X-Amz-Security-Token: ***" in run.err
    assert signer(dev) == "ASIASSOADMIN" and len(portal.requests) == 1
    for secret in ("sso-access-token", "secret-sso", "token-sso"):
        assert secret not in run.err and secret not in run.out


def test_a_token_the_portal_refuses_says_to_log_in_again(dev, monkeypatch):
    portal = credfakes.sso_portal(token="another-token")
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", portal.url)
    try:
        run = run_cli(["enumerate-regions", "--profile", "dev"])
    finally:
        portal.close()
    assert (run.code, run.out, run.err) == (2, "", "ec2ops: The SSO session of the profile 'dev' has expired or is "
                                                   "not valid: run aws sso login --profile dev.\n")
    assert len(portal.requests) == 1 and dev.requests == []

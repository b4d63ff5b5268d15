"""Secrets never shown (every command, --debug, against moto and the fault server), the private
key file, the warnings about secrets on the command line and plain http, and TLS verification."""

import contextlib
import datetime as dt
import ipaddress
import logging
import os
import re
import shutil
import ssl
import stat
from urllib.parse import quote, quote_plus

import click
import httpx
import pytest
import respx

from conftest import ACCESS_KEY_ID, EXTRA, SECRET_KEY, SmtpServer, required_args, run_cli
from ec2ops.cli import cli
from faultserver import REQUEST_ID, FaultServer

SECRET = "SeCrEt/Ec2ops+Key9876543210abcdefXYZW"
TOKEN = "SeSsIoN/ToKeN+ec2ops//////////FQoGZXIvYXdzEJr"
SMTP_PASSWORD = "SmTp-PaSsWoRd-ec2ops-5150"
S3_SECRET = "S3-SeCrEt/ec2ops+Key000111"
PRIVATE_KEY = "MIIEfaultserverPRIVATEmaterial"  # what the fault server hands out as a key pair's private key
SECRETS = [SECRET, TOKEN, SMTP_PASSWORD, S3_SECRET]
WARNING = ("ec2ops: warning: the secret key given as --access-key shows in the process list; "
           "prefer AWS_SECRET_ACCESS_KEY, a profile, or --access-key -.")



def leaks(text: str, secrets=SECRETS) -> list[str]:
    """The secrets found in `text`, as they are or URL-encoded."""
    return [s for s in secrets if any(form in text for form in (s, quote(s, safe=""), quote_plus(s)))]


def commands() -> list[str]:
    return [name for name, command in cli.commands.items() if not isinstance(command, click.Group)]


@pytest.fixture
def smtp():
    """An SMTP server on 127.0.0.1 that accepts only SMTP_PASSWORD, and keeps what it got."""
    with SmtpServer(SMTP_PASSWORD) as server:
        yield server


@pytest.fixture
def captured_logs():
    """Every log record emitted on ec2ops's side while the commands run (not the test servers')."""
    records: list[str] = []
    servers = ("mail.log", "werkzeug", "moto", "botocore", "asyncio")

    class Keep(logging.Handler):
        def emit(self, record):
            if not record.name.startswith(servers):
                records.append(self.format(record))

    handler, root = Keep(level=logging.DEBUG), logging.getLogger()
    saved = root.level, {n: logging.getLogger(n).level for n in ("httpx", "httpcore", "ec2ops", "mail.log")}
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in saved[1]:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield records
    root.removeHandler(handler)
    root.setLevel(saved[0])
    for name, level in saved[1].items():
        logging.getLogger(name).setLevel(level)


def drive_every_command(tmp_path, common, dashboard, stdin="", before=None) -> dict:
    """Runs every registered command with --debug; returns {name: (Run, requests it sent or None)}."""
    runs = {}
    for name in commands():
        args = [name, *required_args(cli.commands[name], ""), *EXTRA.get(name, []), "--debug", *common]
        if name == "allocate-new-key-pair":
            args += ["--key-file", tmp_path / f"key-{len(list(tmp_path.glob('key-*')))}.pem"]
        if name == "bundle-windows-instance":
            args += ["--s3-access-key-id", "AKIDS3EXAMPLE00000000", "--s3-access-key", S3_SECRET]
        if name == "ec2-dashboard":
            args += dashboard
        if before:
            before(name)
        runs[name] = run_cli(args, stdin=stdin)
    return runs


def assert_nothing_leaked(runs, logs, tmp_path, extra_secrets=()):
    secrets = SECRETS + list(extra_secrets)
    for name, run in runs.items():
        assert not leaks(run.out + run.err, secrets), (name, leaks(run.out + run.err, secrets), run.err)
        assert ">>> POST" in run.err, f"{name} sent nothing: give it plausible inputs in PLAUSIBLE/EXTRA\n{run.err}"
        assert "Signature=***" in run.err, name
        assert not re.search(r"Signature=[0-9a-f]{64}", run.err), name
    assert not leaks("\n".join(logs), secrets)
    for path in tmp_path.rglob("*"):  # files written: key files, the dashboard's file, anything else
        if path.is_file():
            wanted = [s for s in secrets if s != PRIVATE_KEY or not path.name.startswith("key-")]
            assert not leaks(path.read_text("utf-8", "replace"), wanted), path


def test_no_secret_from_any_command_against_moto(moto, tmp_path, monkeypatch, smtp, captured_logs):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", TOKEN)
    monkeypatch.setenv("EC2OPS_SMTP_PASSWORD", SMTP_PASSWORD)
    dashboard = ["--notify-method", "Email", "--smtp-host", "127.0.0.1", "--smtp-port", smtp.port,
                 "--smtp-from", "ec2ops@example.com", "--smtp-to", "ops@example.com", "--smtp-user", "ops"]
    runs = drive_every_command(tmp_path, ["--max-attempts", "2"], dashboard)
    assert runs["ec2-dashboard"].code == 0, runs["ec2-dashboard"].err
    assert smtp.logins == [True] and len(smtp.messages) == 1  # the password was really used, and accepted
    assert runs["allocate-new-key-pair"].code == 0 and "<keyMaterial>***</keyMaterial>" in runs[
        "allocate-new-key-pair"].err
    material = (tmp_path / "key-0.pem").read_text()
    key_body = "".join(material.splitlines()[1:-1])
    assert_nothing_leaked(runs, captured_logs + smtp.messages, tmp_path)
    for run in runs.values():  # the private key written to --key-file is not in any output either
        assert key_body[:40] not in run.out + run.err.replace("\n", "")


def test_no_secret_from_any_command_against_the_fault_server(tmp_path, monkeypatch, captured_logs, fault_server):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)
    monkeypatch.setenv("EC2OPS_RETRY_BASE_DELAY", "0.001")
    common = ["--endpoint", fault_server.url, "--access-key", SECRET, "--session-token", TOKEN]
    dashboard = ["--notify-method", "Write to File", "--file", tmp_path / "dashboard.log"]
    runs = drive_every_command(tmp_path, common, dashboard)
    signatures = {r.headers["Authorization"].rsplit("Signature=", 1)[1] for r in fault_server.requests}
    signatures |= {r.params["Storage.S3.UploadPolicySignature"] for r in fault_server.requests
                   if "Storage.S3.UploadPolicySignature" in r.params}
    assert all(r.headers.get("X-Amz-Security-Token") == TOKEN for r in fault_server.requests)
    # 1 only where the canned answer is empty and the command reports that (e.g. "No items found!")
    assert {run.code for run in runs.values()} <= {0, 1}, {n: r.err for n, r in runs.items() if r.code > 1}
    assert runs["allocate-new-key-pair"].code == runs["run-instances"].code == runs["ec2-dashboard"].code == 0
    assert (tmp_path / "dashboard.log").read_text().startswith("EC2 dashboard")
    assert_nothing_leaked(runs, captured_logs, tmp_path, extra_secrets=[PRIVATE_KEY, *signatures])
    assert len(signatures) >= len(runs)
    for name, run in runs.items():  # the flag is warned about once per run, in one line
        assert run.err.count("shows in the process list") == 1 + (name == "bundle-windows-instance"), name


def test_no_secret_when_every_answer_is_a_fault_signature_v2(tmp_path, monkeypatch, captured_logs, fault_server):
    """Signature Version 2 carries the token and signature in the body; every command meets a fault."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)  # the secret comes from stdin alone
    monkeypatch.setenv("AWS_SESSION_TOKEN", TOKEN)
    monkeypatch.setenv("EC2OPS_SMTP_PASSWORD", SMTP_PASSWORD)
    monkeypatch.setenv("EC2OPS_RETRY_BASE_DELAY", "0.001")
    faults = [("reset_after", None), ("html", None), ("bad_gateway", None), ("bomb", None), ("truncated", None),
              ("error", ("AuthFailure", "AWS was not able to validate the provided access credentials", 401))]
    def fault_for(name):
        fault_server.push(*faults[len(fault_server.requests) % len(faults)])

    common = ["--endpoint", fault_server.url, "--access-key", "-", "--signature-version", "2", "--max-attempts", "2"]
    dashboard = ["--notify-method", "Email", "--smtp-host", "127.0.0.1", "--smtp-port", "9",
                 "--smtp-from", "a@example.com", "--smtp-to", "b@example.com", "--smtp-user", "ops"]
    runs = drive_every_command(tmp_path, common, dashboard, stdin=SECRET + "\n", before=fault_for)
    signatures = {r.params["Signature"] for r in fault_server.requests if "Signature" in r.params}
    assert all(r.params.get("SecurityToken") == TOKEN for r in fault_server.requests if r.params)
    assert {run.code for run in runs.values()} <= {0, 1, 3} and any(run.code for run in runs.values())
    for run in runs.values():
        assert "  Signature=***" in run.err and "  SecurityToken=***" in run.err
        assert "--access-key shows in the process list" not in run.err  # read from stdin: nothing to warn about
    assert_nothing_leaked(runs, captured_logs, tmp_path, extra_secrets=signatures)


# -- the secret key as a flag ----------------------------------------------------------------------
def test_the_secret_key_flag_warns_in_one_line_once(monkeypatch, fault_server):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)
    monkeypatch.setenv("EC2OPS_RETRY_BASE_DELAY", "0.001")
    fault_server.push("throttle", times=2)  # three requests, one warning
    run = run_cli(["enumerate-regions", "--endpoint", fault_server.url, "--access-key", SECRET])
    assert run.code == 0 and run.err == WARNING + "\n" and len(fault_server.requests) == 3
    # A flow over all regions: a session each, still one warning, and stdin is read once.
    run = run_cli(["ec2-dashboard", "--endpoint", fault_server.url, "--regions", "all",
                   "--access-key", SECRET, "-o", "json"])
    assert run.code == 0 and run.err == WARNING + "\n", run.err
    assert [row["region"] for row in run.json()["returnResult"]] == ["eu-west-1", "us-east-1", "total"]
    before = len(fault_server.requests)
    run = run_cli(["ec2-dashboard", "--endpoint", fault_server.url, "--regions", "us-east-1,eu-west-1",
                   "--access-key", "-", "--get", "keyPairs"], stdin=SECRET + "\n")
    assert (run.code, run.out, run.err) == (0, "0\n", "")
    scopes = {r.headers["Authorization"].split("/")[2] for r in fault_server.requests[before:]}
    assert scopes == {"us-east-1", "eu-west-1"}
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    assert run_cli(["enumerate-regions", "--endpoint", fault_server.url]).err == ""


# -- the private key file --------------------------------------------------------------------------
def test_key_file_refuses_a_symlink_and_force_replaces_the_link_not_its_target(ec2ops, tmp_path):
    """Extends test_zones_keypairs' 0600/--force test: a link planted at the path is never followed."""
    victim = tmp_path / "victim"
    victim.write_text("keep me\n")
    os.chmod(victim, 0o644)
    link = tmp_path / "k.pem"
    link.symlink_to(victim)
    refused = ec2ops("allocate-new-key-pair", "--key-name", "l1", "--key-file", link)
    assert refused.code == 2 and "already exists" in refused.err and "k1" not in ec2ops("enumerate-key-pairs").out
    dangling = tmp_path / "d.pem"
    dangling.symlink_to(tmp_path / "nowhere")
    assert ec2ops("allocate-new-key-pair", "--key-name", "l2", "--key-file", dangling).code == 2
    assert not (tmp_path / "nowhere").exists()
    old = os.umask(0)
    try:
        forced = ec2ops("allocate-new-key-pair", "--key-name", "l3", "--key-file", link, "--force", "--debug")
    finally:
        os.umask(old)
    assert forced.code == 0, forced.err
    assert victim.read_text() == "keep me\n" and stat.S_IMODE(victim.stat().st_mode) == 0o644
    assert not link.is_symlink() and stat.S_IMODE(link.stat().st_mode) == 0o600
    body = "".join(link.read_text().splitlines()[1:-1])
    assert body[:40] not in forced.err.replace("\n", "") and "<keyMaterial>***</keyMaterial>" in forced.err
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary file left behind


def test_key_file_that_appears_while_the_key_is_made_is_not_overwritten(tmp_path, monkeypatch, fault_server):
    """The path is free when checked, and taken by the time the answer comes: the file is kept."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    path = tmp_path / "k.pem"
    fault_server.on_request = lambda params: path.write_text("someone else's\n")
    run = run_cli(["allocate-new-key-pair", "--key-name", "race", "--key-file", path,
                   "--endpoint", fault_server.url])
    assert path.read_text() == "someone else's\n" and run.code == 4 and run.out == ""
    assert run.err == (f"ec2ops: The key pair 'race' was created, but its private key could not be written to {path} "
                       "(File exists). Delete the key pair and allocate it again.\n")
    assert PRIVATE_KEY not in run.err


# -- TLS -------------------------------------------------------------------------------------------
def _certificates(directory, names, leaf_without=()):
    """A private CA and a server certificate for `names`, signed by it, with the extensions a real CA
    sets (RFC 5280; Python 3.13 and ec2ops verify strictly): (ca.pem, cert.pem, key.pem). `leaf_without`
    names extension classes the server certificate leaves out, as a sloppy CA would."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.timezone.utc)

    def build(subject, issuer, public, signer, ca, sans=()):
        extensions = [
            (x509.BasicConstraints(ca=ca, path_length=None), True),
            (x509.KeyUsage(digital_signature=True, key_cert_sign=ca, crl_sign=ca, content_commitment=False,
                           key_encipherment=False, data_encipherment=False, key_agreement=False,
                           encipher_only=False, decipher_only=False), True),
            (x509.SubjectKeyIdentifier.from_public_key(public), False),
            (x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()), False),
        ]
        if not ca:
            extensions += [(x509.SubjectAlternativeName(list(sans)), False),
                           (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)]
        builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public)
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1)))
        for extension, critical in extensions:
            if ca or not isinstance(extension, tuple(leaf_without)):
                builder = builder.add_extension(extension, critical=critical)
        return builder.sign(signer, hashes.SHA256())

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ec2ops test CA")])
    ca = build(ca_name, ca_name, ca_key.public_key(), ca_key, True)
    sans = [x509.IPAddress(ipaddress.ip_address(n)) if n[0].isdigit() else x509.DNSName(n) for n in names]
    cert = build(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]), ca_name, key.public_key(), ca_key,
                 False, sans)
    paths = [directory / f for f in ("ca.pem", "cert.pem", "key.pem")]
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


def _tls_server(tmp_path, names, leaf_without=()):
    ca, cert, key = _certificates(tmp_path, names, leaf_without)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return ca, FaultServer(tls=context)


@pytest.fixture
def keys(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.delenv("AWS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.setenv("EC2OPS_RETRY_BASE_DELAY", "0.001")


def test_tls_is_verified_by_default_and_passes_with_the_ca_bundle(keys, tmp_path, monkeypatch):
    ca, server = _tls_server(tmp_path, ["127.0.0.1"])
    with server:
        refused = run_cli(["enumerate-regions", "--endpoint", server.url])
        assert refused.code == 3 and refused.out == "" and server.requests == []  # not retried, nothing sent
        host = server.url.split("//")[1].rstrip("/")
        assert refused.err.startswith(f"ec2ops: TLS verification of {host} failed: ")
        assert refused.err.endswith("If the endpoint uses a private CA, give its certificate with --ca-bundle.\n")
        assert "CERTIFICATE_VERIFY_FAILED" in refused.err and len(refused.err.splitlines()) == 1
        trusted = run_cli(["enumerate-regions", "--endpoint", server.url, "--ca-bundle", ca, "--get", "requestId"])
        assert (trusted.code, trusted.out, trusted.err) == (0, REQUEST_ID + "\n", "")
        monkeypatch.setenv("AWS_CA_BUNDLE", str(ca))
        assert run_cli(["enumerate-regions", "--endpoint", server.url]).code == 0
        assert len(server.requests) == 2


def test_sts_is_reached_with_the_runs_ca_bundle(keys, tmp_path, monkeypatch):
    """A role profile behind a private CA: AssumeRole goes over TLS verified against --ca-bundle (or
    AWS_CA_BUNDLE), as EC2's calls do; it used to be verified against the default CAs only (exit 3)."""
    from stsfake import FakeSts

    ca, server = _tls_server(tmp_path, ["127.0.0.1"])
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    sts = FakeSts(tls=context)
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "credentials").write_text("[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = sbase\n")
    (home / ".aws" / "config").write_text("[profile r]\nrole_arn = arn:aws:iam::123456789012:role/ops\n"
                                          "source_profile = base\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts.url)
    try:
        with server:
            for how in (["--ca-bundle", str(ca)], []):
                if not how:
                    monkeypatch.setenv("AWS_CA_BUNDLE", str(ca))
                    (home / ".aws" / "cli" / "cache").exists() and shutil.rmtree(home / ".aws" / "cli" / "cache")
                run = run_cli(["enumerate-regions", "--endpoint", server.url, "--profile", "r", "--get", "requestId",
                               *how])
                assert (run.code, run.out, run.err) == (0, REQUEST_ID + "\n", "")
                assert "Credential=ASIAOPS/" in server.requests[-1].headers["Authorization"]
            assert [r["params"]["Action"] for r in sts.requests] == ["AssumeRole", "AssumeRole"]
    finally:
        sts.close()


def _refused(server, bundle) -> tuple:
    """enumerate-regions against a TLS server that must refuse: (stderr, host); nothing reached it."""
    with server:
        run = run_cli(["enumerate-regions", "--endpoint", server.url, "--ca-bundle", bundle])
    assert (run.code, run.out, server.requests) == (3, "", [])
    return run.err, server.url.split("//")[1].rstrip("/")


def test_a_certificate_its_ca_issued_without_a_required_extension_is_refused_saying_which(keys, tmp_path):
    """RFC 5280 asks a CA to set the Authority Key Identifier; Python 3.13 refuses a certificate without
    it, and so does ec2ops on every Python. The message is OpenSSL's, with what to do about it."""
    from cryptography import x509

    ca, server = _tls_server(tmp_path, ["127.0.0.1"], leaf_without=[x509.AuthorityKeyIdentifier])
    err, host = _refused(server, ca)
    assert err == (
        f"ec2ops: TLS verification of {host} against the CA bundle {ca} (--ca-bundle) failed: [SSL: "
        "CERTIFICATE_VERIFY_FAILED] certificate verify failed: Missing Authority Key Identifier. Certificates are "
        "checked strictly, as RFC 5280 asks and Python 3.13 does: one missing an extension (e.g. Authority Key "
        "Identifier) must be issued again by its CA.\n")


def test_a_ca_bundle_without_the_endpoints_ca_says_so(keys, tmp_path):
    ca, server = _tls_server(tmp_path, ["127.0.0.1"])
    (tmp_path / "other").mkdir()
    other_ca = _certificates(tmp_path / "other", ["127.0.0.1"])[0]  # a CA of the same name, another key
    err, host = _refused(server, other_ca)
    assert err == (
        f"ec2ops: TLS verification of {host} against the CA bundle {other_ca} (--ca-bundle) failed: [SSL: "
        "CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate. The bundle "
        "holds no CA that issued the endpoint's certificate.\n")


def test_tls_checks_the_host_name_too(keys, tmp_path):
    ca, server = _tls_server(tmp_path, ["ec2.example.test"])  # a good chain for another name
    err, host = _refused(server, ca)
    assert err == (
        f"ec2ops: TLS verification of {host} against the CA bundle {ca} (--ca-bundle) failed: [SSL: "
        "CERTIFICATE_VERIFY_FAILED] certificate verify failed: IP address mismatch, certificate is not valid for "
        "'127.0.0.1'.\n")


def test_a_ca_bundle_that_cannot_be_read_is_one_line(keys, tmp_path):
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate\n")
    for path in (garbage, tmp_path / "missing.pem"):
        run = run_cli(["enumerate-regions", "--endpoint", "https://127.0.0.1:9/", "--ca-bundle", path])
        assert run.code == 3 and run.err.startswith(f"ec2ops: Cannot read the CA bundle {path}: ")
        assert len(run.err.splitlines()) == 1


def test_a_plain_http_endpoint_never_loads_the_cas(keys, tmp_path, fault_server):
    """A sandbox (plain http) verifies no certificate, so the CAs are not loaded (~25 ms a call): a CA
    bundle that cannot be read is not even opened; the same bundle refuses an https endpoint."""
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate\n")
    run = run_cli(["enumerate-regions", "--endpoint", fault_server.url, "--ca-bundle", garbage, "--get", "requestId"])
    assert (run.code, run.out, run.err) == (0, REQUEST_ID + "\n", "")
    run = run_cli(["enumerate-regions", "--endpoint", "https://127.0.0.1:9/", "--ca-bundle", garbage])
    assert run.code == 3 and run.err.startswith(f"ec2ops: Cannot read the CA bundle {garbage}: ")



# -- TLS to the SMTP server (the dashboard's e-mail) -----------------------------------------------
@pytest.fixture
def smtp_tls(tmp_path):
    """`start(mode)`: an SMTP server on 127.0.0.1 that accepts only SMTP_PASSWORD, with a private CA's
    certificate, talking TLS after STARTTLS ("starttls") or from the start ("smtps"). Yields
    (start, ca.pem)."""
    ca, cert, key = _certificates(tmp_path, ["127.0.0.1"])
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    option = {"starttls": "tls_context", "smtps": "ssl_context"}
    with contextlib.ExitStack() as servers:
        yield (lambda mode: servers.enter_context(SmtpServer(SMTP_PASSWORD, **{option[mode]: context}))), ca


def _email(port, *more) -> list[str]:
    """The dashboard e-mailed from 127.0.0.1:`port` (None: the default port) as user ops."""
    return ["ec2-dashboard", "--notify-method", "Email", "--smtp-host", "127.0.0.1",
            *(["--smtp-port", str(port)] if port else []),
            "--smtp-from", "ec2ops@example.com", "--smtp-to", "ops@example.com", "--smtp-user", "ops", *more]


@pytest.mark.parametrize("mode,flag", [("starttls", "--smtp-starttls"), ("smtps", "--smtp-tls")])
def test_the_smtp_servers_certificate_is_verified_before_the_password_is_sent(moto, smtp_tls, monkeypatch, mode,
                                                                             flag):
    start, ca = smtp_tls
    inbox = start(mode)
    monkeypatch.setenv("EC2OPS_SMTP_PASSWORD", SMTP_PASSWORD)
    refused = run_cli(_email(inbox.port, flag))
    assert (refused.code, refused.out) == (3, "")
    assert refused.err == (
        f"ec2ops: TLS verification of 127.0.0.1:{inbox.port} failed: [SSL: CERTIFICATE_VERIFY_FAILED] certificate "
        "verify failed: unable to get local issuer certificate. If the SMTP server uses a private CA, give its "
        "certificate with --smtp-ca-bundle.\n")
    assert (inbox.logins, inbox.messages) == ([], [])  # the password never left
    trusted = run_cli(_email(inbox.port, flag, "--smtp-ca-bundle", ca))
    assert (trusted.code, trusted.err) == (0, ""), trusted.err
    assert inbox.logins == [True] and len(inbox.messages) == 1 and "Instances running: 0" in inbox.messages[0]


def test_smtps_goes_to_port_465_unless_told(moto, monkeypatch):
    """--smtp-tls is SMTPS: its port is 465 (the plain and STARTTLS default is 25). Port 465 of this
    machine may be anything's, or need root: the connection is made by a stand-in for smtplib's
    SMTPS client that notes where it was asked to connect, and is refused there."""
    import smtplib

    dialled = []

    class Refused(smtplib.SMTP_SSL):
        def connect(self, host="localhost", port=0, source_address=None):
            dialled.append((host, port, type(self.context).__name__))
            raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(smtplib, "SMTP_SSL", Refused)
    monkeypatch.setenv("EC2OPS_SMTP_PASSWORD", SMTP_PASSWORD)
    run = run_cli(_email(None, "--smtp-tls"))
    assert (run.code, run.out) == (3, "")
    assert run.err == "ec2ops: Cannot reach the SMTP server 127.0.0.1:465: Connection refused.\n"
    assert dialled == [("127.0.0.1", 465, "SSLContext")]  # with the verifying context, never smtplib's own


def test_the_smtp_servers_name_is_verified_too(moto, smtp_tls, monkeypatch, tmp_path):
    start, _ = smtp_tls
    inbox = start("starttls")
    other = tmp_path / "other"
    other.mkdir()
    other_ca = _certificates(other, ["smtp.example.test"])[0]  # a CA that did not issue this server's certificate
    monkeypatch.setenv("EC2OPS_SMTP_PASSWORD", SMTP_PASSWORD)
    run = run_cli(_email(inbox.port, "--smtp-starttls", "--smtp-ca-bundle", other_ca))
    assert (run.code, run.out, inbox.logins) == (3, "", [])
    assert run.err == (
        f"ec2ops: TLS verification of 127.0.0.1:{inbox.port} against the CA bundle {other_ca} (--smtp-ca-bundle) "
        "failed: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate. "
        "The bundle holds no CA that issued the SMTP server's certificate.\n")


@respx.mock
@pytest.mark.parametrize("args,message", [
    (["--smtp-host", "smtp.example.test", "--smtp-user", "ops"],
     "--smtp-user sends a password, never in the clear beyond this machine: give --smtp-starttls or --smtp-tls."),
    (["--smtp-host", "10.0.0.25", "--smtp-user", "ops"],
     "--smtp-user sends a password, never in the clear beyond this machine: give --smtp-starttls or --smtp-tls."),
    (["--smtp-user", "ops", "--smtp-starttls", "--smtp-tls"],
     "Give one of --smtp-starttls (port 25 or 587) and --smtp-tls (SMTPS, port 465)."),
    (["--smtp-ca-bundle", "/etc/ssl/certs/ca-certificates.crt"],
     "--smtp-ca-bundle verifies TLS: give --smtp-starttls or --smtp-tls with it."),
])
def test_email_settings_that_would_expose_the_password_are_refused_before_any_call(keys, monkeypatch, args, message):
    route = respx.route().mock(return_value=httpx.Response(500))
    monkeypatch.setenv("EC2OPS_SMTP_PASSWORD", SMTP_PASSWORD)
    run = run_cli(["ec2-dashboard", "--endpoint", "https://ec2.us-east-1.amazonaws.com", "--notify-method", "Email",
                   "--smtp-from", "a@example.com", "--smtp-to", "b@example.com", *args])
    assert (run.code, run.out, run.err) == (2, "", f"ec2ops: {message}\n")
    assert route.call_count == 0


def test_a_password_to_this_machine_needs_no_tls(moto, smtp, monkeypatch):
    """localhost, 127.0.0.0/8 and ::1: nothing on the way can read it (a local relay)."""
    monkeypatch.setenv("EC2OPS_SMTP_PASSWORD", SMTP_PASSWORD)
    run = run_cli(_email(smtp.port))
    assert (run.code, run.err, smtp.logins, len(smtp.messages)) == (0, "", [True], 1)

# -- plain http ------------------------------------------------------------------------------------
REGIONS = ('<DescribeRegionsResponse><requestId>r-1</requestId><regionInfo><item><regionName>eu-west-1'
           '</regionName><regionEndpoint>ec2.eu-west-1.amazonaws.com</regionEndpoint></item></regionInfo>'
           '</DescribeRegionsResponse>')


@respx.mock
@pytest.mark.parametrize("endpoint,warned", [
    ("http://ec2.internal.example:8773/services/Eucalyptus", True),
    ("http://10.0.0.5/", True),
    ("http://127.0.0.1:5000/", False),
    ("http://127.8.9.10/", False),
    ("http://localhost:5000/", False),
    ("http://[::1]:5000/", False),
    ("https://ec2.internal.example/", False),
])
def test_plain_http_other_than_loopback_warns_once(keys, endpoint, warned):
    route = respx.post(endpoint).mock(side_effect=[httpx.Response(503), httpx.Response(500, text="<html/>"),
                                                   httpx.Response(200, text=REGIONS)])
    run = run_cli(["enumerate-regions", "--endpoint", endpoint])
    assert run.code == 0 and route.call_count == 3
    host = re.sub(r"^https?://\[?([^/\]]+?)\]?(:\d+)?/.*$", r"\1", endpoint)
    expected = f"ec2ops: warning: {host} is reached over plain http: requests and answers can be read on the way.\n"
    assert run.err == (expected if warned else "")

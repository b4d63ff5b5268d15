"""What the tests in every folder share. Fixtures: moto's EC2 server on 127.0.0.1 (started once,
reset before each test); `ec2ops`, which runs the real command line in-process and returns its exit
code, stdout and stderr; `ec2`, boto3's client on moto (ec2_client for another region or the
sandbox); `fault_server`; the sandbox; `offline` for respx. Helpers: EC2 documents, the console
script (EC2OPS, env_for) and plausible inputs for every command (PLAUSIBLE, EXTRA, required_args).
The folders hold no __init__.py: pytest puts this folder on sys.path, so `from conftest import`
and `import faultserver` work from each of them (test file names stay unique across folders)."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import socket
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

# Before moto loads: no default AMIs (fast resets), and never a real AWS key in the environment.
os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"
os.environ["EC2OPS_CONFIG"] = ""  # a developer's own ~/.config/ec2ops/config.toml must not change the tests
os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="ec2ops-tests-state-")  # the sandbox's default log
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"  # the chain's last source: never 169.254.169.254 from a test
for _name in ("AWS_DEFAULT_PROFILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
              "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_PROFILE", "AWS_REGION",
              "AWS_DEFAULT_REGION", "EC2OPS_OUTPUT", "EC2OPS_DEBUG", "NO_COLOR"):
    os.environ.pop(_name, None)

import boto3  # noqa: E402
import click  # noqa: E402
import httpx  # noqa: E402
import pytest  # noqa: E402

EC2_NS = "http://ec2.amazonaws.com/doc/2016-11-15/"
ACCESS_KEY_ID = "AKIDTESTEC2OPS000001"
SECRET_KEY = "test/Secret+Key0123456789abcdefghijKLMN"


EC2OPS = Path(sys.executable).with_name("ec2ops")  # the console script pip installed with the package


def env_for(endpoint: str) -> dict[str, str]:
    """The environment of an `ec2ops` run in a subprocess: this one's without its AWS_ and EC2OPS_
    settings, then the tests' keys and `endpoint`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "EC2OPS_"))}
    env.update(EC2OPS_CONFIG="", EC2OPS_ENDPOINT=endpoint, AWS_ACCESS_KEY_ID=ACCESS_KEY_ID,
               AWS_SECRET_ACCESS_KEY=SECRET_KEY, AWS_EC2_METADATA_DISABLED="true")
    return env


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


def run_cli(args: list[str], stdin: str = "", env: dict[str, str] | None = None) -> Run:
    """Runs `ec2ops ARGS` through the real entry point (ec2ops.cli.main), in this process."""
    from ec2ops.cli import main

    saved = sys.stdin, sys.stdout, sys.stderr
    saved_env = {k: os.environ.get(k) for k in (env or {})}
    out, err = io.StringIO(), io.StringIO()
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin), out, err
    os.environ.update(env or {})
    code = 0
    try:
        main([str(a) for a in args])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
        for k, v in saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        end_calls_left_running()
    return Run(code, out.getvalue(), err.getvalue())


def end_calls_left_running(seconds: float = 60) -> None:
    """Waits for the calls a command left running when it stopped early (a fan-out's other regions
    after one failed, a page read ahead): a real run's exit ends them, but in this process they would
    go on retrying, print --debug lines into a later run's stderr and reach a later test's server
    on a reused port. What they print now goes to pytest's capture, not to the run's output."""
    from ec2ops.client import CALL_THREAD

    deadline = time.monotonic() + seconds
    for thread in threading.enumerate():
        if thread.name.startswith(CALL_THREAD) and thread is not threading.current_thread():
            thread.join(max(0.0, deadline - time.monotonic()))



class SmtpServer:
    """An SMTP server on 127.0.0.1 (aiosmtpd) that accepts the login `user` / `password` and keeps what
    it got: `envelopes`, `messages` (their text) and `logins` (each one's outcome). `tls`: the
    controller's tls_context= (STARTTLS, a login then accepted only after it) or ssl_context= (SMTPS;
    aiosmtpd offers AUTH over TLS only after its own STARTTLS, and this server speaks nothing but TLS)."""

    def __init__(self, password: str, user: str = "ops", **tls):
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword

        self.envelopes, self.messages, self.logins = [], [], []
        server = self

        class Handler:
            async def handle_DATA(self, smtp, session, envelope):
                server.envelopes.append(envelope)
                server.messages.append(envelope.content.decode("utf-8", "replace"))
                return "250 OK"

        def authenticator(smtp, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login == user.encode() \
                and auth_data.password == password.encode()
            self.logins.append(ok)
            return AuthResult(success=ok, handled=False)  # False: the server answers 235 or 535

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, authenticator=authenticator,
                                     auth_require_tls="tls_context" in tls, **tls)

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

@pytest.fixture(scope="session")
def moto_url():
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def moto(moto_url, monkeypatch):
    """A clean moto EC2 (us-east-1) and credentials in the environment, as a user would set them."""
    httpx.post(f"{moto_url}/moto-api/reset")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("EC2OPS_ENDPOINT", moto_url)
    monkeypatch.setenv("EC2OPS_RETRY_BASE_DELAY", "0.01")
    return moto_url


@pytest.fixture
def ec2ops(moto):
    """`ec2ops("enumerate-regions", "-o", "json")` against the moto server."""

    def call(*args, stdin: str = "", env: dict[str, str] | None = None) -> Run:
        return run_cli(list(args), stdin=stdin, env=env)

    return call


def ec2_client(endpoint: str, region: str = "us-east-1"):
    """boto3's EC2 client on `endpoint` (moto, the sandbox): it stages state and reads it back
    independently of ec2ops. The one place a test builds one."""
    return boto3.client("ec2", endpoint_url=endpoint, region_name=region, aws_access_key_id=ACCESS_KEY_ID,
                        aws_secret_access_key=SECRET_KEY)


@pytest.fixture
def ec2(moto):
    """boto3's EC2 client on the clean moto server, in us-east-1."""
    return ec2_client(moto)


@pytest.fixture
def fault_server(monkeypatch):
    """The fault-injection endpoint (faultserver.FaultServer), the endpoint of every run through the
    environment, with the tests' keys and none of the caller's proxy, retry, size or token settings.
    `fault_server.where` is its host:port, as messages name it."""
    from faultserver import FaultServer  # here: faultserver imports this module

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("EC2OPS_RETRY_BASE_DELAY", "0.002")
    for name in ("EC2OPS_MAX_ATTEMPTS", "EC2OPS_MAX_RESPONSE_BYTES", "EC2OPS_READ_TIMEOUT", "AWS_SESSION_TOKEN",
                 "HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy", "http_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    with FaultServer() as server:
        monkeypatch.setenv("EC2OPS_ENDPOINT", server.url)
        server.where = server.url.split("//")[1].rstrip("/")
        yield server


SANDBOX_BUNDLE_SECONDS = 0.5  # a bundle task's whole life in the tests' sandbox (4 s in `ec2ops sandbox`)


@pytest.fixture(scope="session")
def sandbox_server():
    """`ec2ops sandbox`'s server (moto behind the sandbox's EC2 layer), in this process."""
    from ec2ops.sandbox.gate import Keys
    from ec2ops.sandbox.server import Sandbox

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = Sandbox(0, bundle_seconds=SANDBOX_BUNDLE_SECONDS, keys=Keys(ACCESS_KEY_ID, SECRET_KEY))
    yield server
    server.stop()


@pytest.fixture
def sandbox(sandbox_server, monkeypatch):
    """`sandbox("monitor-instance", ...)` against a clean sandbox: what moto lacks, end to end.
    `sandbox.layer` is the sandbox's EC2 layer (its clock, a bundle task's life)."""
    sandbox_url = sandbox_server.url
    sandbox_server.reset()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("EC2OPS_ENDPOINT", sandbox_url)
    monkeypatch.setenv("EC2OPS_RETRY_BASE_DELAY", "0.01")

    def call(*args, stdin: str = "", env: dict[str, str] | None = None) -> Run:
        return run_cli(list(args), stdin=stdin, env=env)

    call.url, call.layer = sandbox_url, sandbox_server.layer
    return call


@pytest.fixture
def offline(monkeypatch):
    """Credentials and an endpoint for respx-mocked tests: nothing leaves the process."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("EC2OPS_ENDPOINT", "https://ec2.us-east-1.amazonaws.com")
    monkeypatch.setenv("EC2OPS_RETRY_BASE_DELAY", "0.001")

    def call(*args, stdin: str = "", env: dict[str, str] | None = None) -> Run:
        return run_cli(list(args), stdin=stdin, env=env)

    return call


@pytest.fixture(scope="session")
def ec2_only_url():
    """moto's EC2 app alone (no SigV4 routing), for Signature Version 2 requests."""
    from moto.server import create_backend_app
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, create_backend_app("ec2"), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def sent_params(request) -> dict[str, str]:
    """The query parameters of a request captured by respx."""
    from urllib.parse import parse_qsl

    return dict(parse_qsl(request.content.decode("utf-8")))


def ec2_xml(action: str, inner: str, request_id: str = "59dbff89-35bd-4eac-99ed-be587EXAMPLE") -> str:
    """An EC2 success document, as EC2 writes them."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<{action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
        f"<requestId>{request_id}</requestId>{inner}</{action}Response>"
    )


def ec2_error_xml(code: str, message: str, request_id: str = "ea966190-f9aa-478e-9ede-example") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>'
        f"<Code>{code}</Code><Message>{message}</Message></Error></Errors>"
        f"<RequestID>{request_id}</RequestID></Response>"
    )


MEASURED = ("import resource, subprocess, sys\n"
            "done = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, capture_output=True)\n"
            "sys.stderr.buffer.write(done.stderr)\n"
            "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.stdout.hex() or '-')")


def measured(endpoint: str, *args: str, env: dict[str, str] | None = None) -> tuple[int, int, bytes, str]:
    """`ec2ops ARGS` run by a small Python in between (a child forked from this large process would
    count this one's memory as its own): exit status, peak resident memory (KiB), stdout, stderr."""
    done = subprocess.run([sys.executable, "-c", MEASURED, str(EC2OPS), *args], capture_output=True, text=True,
                          timeout=300, env={**env_for(endpoint), **(env or {})})
    code, peak, out = done.stdout.split()
    return int(code), int(peak), bytes.fromhex(out.strip("-")), done.stderr


def refusal(err: str) -> str:
    """An EC2 refusal as stderr says it, one line `ec2ops: <message> (requestId: <id>)`: the line
    without its requestId (which moto makes up anew each time)."""
    found = re.fullmatch(r"(ec2ops: .*) \(requestId: [^\s()]+\)\n", err)
    assert found, err
    return found.group(1)


def debug_params(err: str) -> dict[str, str]:
    """The query parameters of the last request, read from a `--debug` trace on stderr."""
    blocks = err.split(">>> POST ")
    params = {}
    for line in blocks[-1].splitlines()[1:]:
        if line.startswith("<<<"):
            break
        if line.startswith("  ") and "=" in line:
            key, _, value = line.strip().partition("=")
            params[key] = value
    return params


# -- answers of many instances (paging, streaming, memory) ----------------------------------------
def instance_xml(n: int) -> str:
    return (
        f"<item><instanceId>i-{n:017x}</instanceId><imageId>ami-12345678</imageId>"
        f"<instanceState><code>16</code><name>{'running' if n % 3 else 'stopped'}</name></instanceState>"
        f"<privateDnsName>ip-10-0-{n // 250}-{n % 250}.ec2.internal</privateDnsName><dnsName/>"
        f"<keyName>deploy</keyName><instanceType>t3.micro</instanceType><launchTime>2026-11-26T23:35:51.000Z"
        f"</launchTime><placement><availabilityZone>us-east-1a</availabilityZone><tenancy>default</tenancy>"
        f"</placement><monitoring><state>disabled</state></monitoring><rootDeviceType>ebs</rootDeviceType>"
        f"<rootDeviceName>/dev/sda1</rootDeviceName><blockDeviceMapping><item><deviceName>/dev/sda1</deviceName>"
        f"<ebs><volumeId>vol-{n:017x}</volumeId><status>attached</status></ebs></item></blockDeviceMapping>"
        f"<groupSet><item><groupId>sg-1</groupId><groupName>web</groupName></item>"
        f"<item><groupId>sg-2</groupId><groupName>ssh</groupName></item></groupSet>"
        f"<tagSet><item><key>Name</key><value>web-{n}</value></item></tagSet></item>"
    )


def describe_instances_xml(reservations: int, per: int, token: str | None = None, first: int = 0,
                           request_id: str = "req-1") -> str:
    """DescribeInstances' answer: `reservations` of `per` instances each, numbered from `first`."""
    body = "".join(
        f"<item><reservationId>r-{first + r:017x}</reservationId><ownerId>123456789012</ownerId><groupSet/>"
        f"<instancesSet>{''.join(instance_xml(first + r * per + i) for i in range(per))}</instancesSet></item>"
        for r in range(reservations)
    )
    more = f"<nextToken>{token}</nextToken>" if token else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstancesResponse xmlns="{EC2_NS}">'
            f"<requestId>{request_id}</requestId><reservationSet>{body}</reservationSet>{more}"
            f"</DescribeInstancesResponse>")


# -- inputs that let every command pass its own checks (the fuzzing and the secrets walks) -------------
PLAUSIBLE = {
    "volumeId": "vol-0123456789abcdef0", "instanceId": "i-0123456789abcdef0",
    "instanceIdentifier": "i-0123456789abcdef0", "snapshotId": "snap-0123456789abcdef0", "amiId": "ami-12345678",
    "imageId": "ami-12345678", "deviceName": "/dev/sdh", "ipAddress": "203.0.113.10", "attribute": "launchPermission",
    "imageLocation": "bucket/image.manifest.xml", "keyName": "k1", "groupName": "web", "groupDescription": "web",
    "storageBucket": "bucket", "storagePrefix": "winbundle", "bundleId": "bun-12345678",
    "resourceIds": "i-0123456789abcdef0", "tags": "Name=web",
}
# Inputs beyond the required ones that some commands need to pass their own checks.
EXTRA = {
    "modify-snapshot-attribute": ["--operation-type", "add", "--user-ids", "123456789012"],
    "modify-image-attribute": ["--operation-type", "add", "--user-ids", "123456789012"],
    "create-shared-snapshot": ["--user-ids", "123456789012"],
    "create-volume": ["--size", "1", "--availability-zone", "us-east-1a"],
    "allow-access-to-security-group": ["--group-name", "web", "--ip-protocol", "tcp", "--from-port", "22",
                                       "--to-port", "22", "--cidr-ip", "10.0.0.0/8"],
    "revoke-access-to-security-group": ["--group-name", "web", "--ip-protocol", "tcp", "--from-port", "22",
                                        "--to-port", "22", "--cidr-ip", "10.0.0.0/8"],
    # a group by name or by id: neither is required alone
    "delete-security-group": ["--group-name", "web"],
    "get-security-group-details": ["--group-name", "web"],
}


def required_args(command: click.Command, skip: str) -> list[str]:
    """The command's required options, each with a plausible value, but for `skip`."""
    args = []
    for param in command.params:
        if isinstance(param, click.Option) and param.required and param.name != skip:
            args += [param.opts[0], PLAUSIBLE[param.name]]
    return args

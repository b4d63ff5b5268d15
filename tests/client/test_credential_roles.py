"""Role profiles: what AssumeRole is sent (session name, external id, duration, MFA asked once), how
it is signed (SigV4 for sts in the profile's region), and the whole way through moto's STS."""

from __future__ import annotations

import io
import os

import httpx
import pytest

from conftest import run_cli
from credfakes import Forwarder

ARN = "arn:aws:iam::123456789012:role/ops"
BASE = "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = sbase\n"


@pytest.fixture
def home(monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".aws").mkdir()
    (tmp_path / ".aws" / "credentials").write_text(BASE)
    from ec2ops.credentials import role

    role._codes.clear()
    yield tmp_path / ".aws"
    role._codes.clear()


@pytest.fixture
def sts(monkeypatch):
    from stsfake import FakeSts

    fake = FakeSts()
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", fake.url)
    yield fake
    fake.close()


def test_assume_role_sends_the_profiles_settings_signed_for_sts_in_its_region(home, sts):
    from ec2ops import credentials

    (home / "config").write_text(f"[profile r]\nrole_arn = {ARN}\nsource_profile = base\nregion = eu-west-1\n"
                                 "external_id = ext-1\nrole_session_name = nightly\nduration_seconds = 900\n")
    keys = credentials.resolve(None, None, None, "r", explicit=True).current()
    assert (keys.access_key_id, keys.session_token) == ("ASIAOPS", "token-OPS") and keys.expiry is not None
    [request] = sts.requests
    assert request["params"] == {"Action": "AssumeRole", "Version": "2011-06-15", "RoleArn": ARN,
                                 "RoleSessionName": "nightly", "ExternalId": "ext-1", "DurationSeconds": "900"}
    assert (request["signer"], request["scope"]) == ("AKIDBASE", ["eu-west-1", "sts"])


def test_a_default_session_name_and_the_environments_region(home, sts, monkeypatch):
    from ec2ops import credentials

    monkeypatch.setenv("AWS_REGION", "ap-southeast-2")
    (home / "config").write_text(f"[profile r]\nrole_arn = {ARN}\nsource_profile = base\n")
    credentials.resolve(None, None, None, "r", explicit=True)
    [request] = sts.requests
    assert request["params"]["RoleSessionName"].startswith("ec2ops-session-")
    assert request["scope"] == ["ap-southeast-2", "sts"]


def test_a_bad_duration_is_bad_input(home, sts):
    (home / "config").write_text(f"[profile r]\nrole_arn = {ARN}\nsource_profile = base\nduration_seconds = 1h\n")
    run = run_cli(["enumerate-regions", "--profile", "r"])
    assert (run.code, run.err) == (2, "ec2ops: The profile 'r' has duration_seconds = '1h': a number of seconds is "
                                      "needed.\n")
    assert sts.requests == []


def test_the_mfa_code_is_asked_once_on_a_terminal(home, sts, monkeypatch):
    import click

    from ec2ops import credentials

    serial = "arn:aws:iam::123456789012:mfa/me"
    (home / "config").write_text(f"[profile r]\nrole_arn = {ARN}\nsource_profile = base\nmfa_serial = {serial}\n"
                                 f"[profile q]\nrole_arn = {ARN}-q\nsource_profile = base\nmfa_serial = {serial}\n")
    asked = []

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr("sys.stderr", Terminal())
    monkeypatch.setattr(click, "prompt", lambda text, err: asked.append((text, err)) or " 123456 ")
    credentials.resolve(None, None, None, "r", explicit=True)
    credentials.resolve(None, None, None, "q", explicit=True)
    assert asked == [(f"Enter MFA code for {serial}", True)]
    assert [(r["params"]["SerialNumber"], r["params"]["TokenCode"]) for r in sts.requests] == [(serial, "123456")] * 2


def test_a_role_renewed_later_in_the_run_asks_for_a_fresh_code(home, sts, monkeypatch):
    """A code serves the roles resolved at once; past its minute (a role renewed an hour into a
    --wait) STS would refuse it: a new code is asked, as botocore asks again. Here the minute is 0."""
    import click

    from ec2ops import credentials
    from ec2ops.credentials import role

    serial = "arn:aws:iam::123456789012:mfa/me"
    (home / "config").write_text(f"[profile r]\nrole_arn = {ARN}\nsource_profile = base\nmfa_serial = {serial}\n"
                                 f"[profile q]\nrole_arn = {ARN}-q\nsource_profile = base\nmfa_serial = {serial}\n")
    codes = iter(["111111", "222222"])

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr("sys.stderr", Terminal())
    monkeypatch.setattr(click, "prompt", lambda text, err: next(codes))
    monkeypatch.setattr(role, "CODE_LIFE", 0.0, raising=False)
    credentials.resolve(None, None, None, "r", explicit=True)
    credentials.resolve(None, None, None, "q", explicit=True)
    assert [r["params"]["TokenCode"] for r in sts.requests] == ["111111", "222222"]


def test_an_unreachable_sts_names_the_profile_and_the_role(home, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9")
    (home / "config").write_text(f"[profile r]\nrole_arn = {ARN}\nsource_profile = base\n")
    run = run_cli(["enumerate-regions", "--profile", "r"])
    assert run.code == 3
    assert run.err == (f"ec2ops: The profile 'r' could not assume the role {ARN}: Failed to open HTTP connection "
                       "to 127.0.0.1:9: [Errno 111] Connection refused. Gave up after 3 attempts.\n")


def test_no_secret_of_the_source_or_the_role_reaches_the_output(home, sts, moto_url, monkeypatch):
    monkeypatch.setenv("EC2OPS_ENDPOINT", moto_url)
    (home / "config").write_text(f"[profile r]\nrole_arn = {ARN}\nsource_profile = base\n")
    run = run_cli(["enumerate-regions", "--profile", "r", "--debug"])
    assert run.code == 0, run.err
    for secret in ("sbase", "secret-OPS", "token-OPS"):
        assert secret not in run.out + run.err
    assert "Credential=ASIAOPS/" in run.err


def test_a_role_through_motos_sts_signs_the_ec2_call_with_the_keys_sts_gave(home, moto_url, monkeypatch):
    """moto's AssumeRole answers new keys each time: the EC2 call is signed with those of the one
    AssumeRole the first resolve made, which the second run found in ~/.aws/cli/cache."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", moto_url)
    monkeypatch.setenv("EC2OPS_ENDPOINT", moto_url)
    httpx.post(f"{moto_url}/moto-api/reset")
    (home / "config").write_text(f"[profile r]\nrole_arn = {ARN}\nsource_profile = base\nexternal_id = x\n")
    from ec2ops import credentials

    keys = credentials.resolve(None, None, None, "r", explicit=True).current()
    assert keys.access_key_id.startswith("ASIA") and keys.session_token and keys.expiry is not None
    run = run_cli(["enumerate-availability-zones", "--profile", "r", "--get", "returnResult", "--debug"])
    assert run.code == 0, run.err
    signed = run.err.split("Credential=")[1].split("/")[0]
    assert signed == keys.access_key_id
    assert run.out.startswith("us-east-1a")


def test_sts_is_reached_through_the_runs_proxy(home, sts, fault_server, monkeypatch):
    """--proxy-host takes AssumeRole through the proxy too, as EC2's calls: STS's host is never
    reached directly (it used to be, past the proxy the run was told to use). STS over plain http is
    warned of as EC2 is (it was not)."""
    (home / "config").write_text(f"[profile r]\nrole_arn = {ARN}\nsource_profile = base\n")
    proxy = Forwarder({"sts.example.test": sts.url, "ec2.example.test": fault_server.url})
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", "http://sts.example.test/")
    monkeypatch.setenv("EC2OPS_RETRY_BASE_DELAY", "0.001")
    try:
        run = run_cli(["enumerate-regions", "--profile", "r", "--endpoint", "http://ec2.example.test/",
                       "--proxy-host", "127.0.0.1", "--proxy-port", str(proxy.port), "--get", "returnResult"])
    finally:
        proxy.close()
    assert (run.code, run.err) == (0, "".join(  # STS's answer carries the role's keys: in the clear too
        f"ec2ops: warning: {host} is reached over plain http: requests and answers can be read on the way.\n"
        for host in ("sts.example.test", "ec2.example.test")))
    assert [host for _, host, _ in proxy.seen] == ["sts.example.test", "ec2.example.test"]
    assert [(r["params"]["Action"], r["path"]) for r in sts.requests] == [("AssumeRole", "/")]
    assert "Credential=ASIAOPS/" in fault_server.requests[-1].headers["Authorization"]

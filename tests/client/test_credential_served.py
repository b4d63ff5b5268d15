"""The sources that run or reach something: IMDSv2's token, timeout and one retry; a container's
fixed host; a credential_process's stderr passed through and its stdout never shown; and the
static-key path, which loads none of their modules and asks nothing of the instance metadata."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import EC2OPS, env_for

from ec2ops.credentials import metadata


def test_imds_waits_one_second_and_tries_once_more(monkeypatch):
    calls = []

    def refused(method, url, headers, timeout):
        calls.append((method, url, timeout))
        raise metadata.Unreachable("Connection refused")

    monkeypatch.setattr(metadata, "_request", refused)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "false")
    monkeypatch.delenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", raising=False)
    assert metadata.InstanceMetadata().load() is None
    assert calls == [("PUT", "http://169.254.169.254/latest/api/token", 1.0)] * 2


def test_imds_disabled_asks_nothing(monkeypatch):
    monkeypatch.setattr(metadata, "_request", lambda *args: pytest.fail("IMDS was asked"))
    for value in ("true", "TRUE", " true "):
        monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", value)
        assert metadata.InstanceMetadata().load() is None


def test_the_relative_uri_goes_to_the_ecs_agents_host(monkeypatch):
    asked = []
    monkeypatch.setattr(metadata, "_request", lambda method, url, headers, timeout: asked.append(url) or (
        200, b'{"AccessKeyId": "ASIAECS", "SecretAccessKey": "s", "Token": "t"}'))
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc")
    assert metadata.Container().load().access_key_id == "ASIAECS"
    assert asked == ["http://169.254.170.2/v2/credentials/abc"]


def run_ec2ops(tmp_path, fault_server, extra):
    env = env_for(fault_server.url)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        env.pop(name)
    env.update(HOME=str(tmp_path), **extra)
    return subprocess.run([str(EC2OPS), "enumerate-regions"], capture_output=True, text=True, env=env, timeout=60)


def test_a_credential_processs_stderr_is_passed_through_its_stdout_never_shown(tmp_path, fault_server):
    (tmp_path / ".aws").mkdir()
    helper = tmp_path / "helper.py"
    helper.write_text("import sys\nsys.stderr.write('helper: touch your key\\n')\n"
                      "print('{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", \"SecretAccessKey\": \"sproc-secret\"}')\n"
                      "sys.exit(int(sys.argv[1]))\n")
    (tmp_path / ".aws" / "config").write_text(f"[default]\ncredential_process = {sys.executable} {helper} 0\n"
                                              f"[profile broken]\ncredential_process = {sys.executable} {helper} 4\n")
    good = run_ec2ops(tmp_path, fault_server, {})
    assert (good.returncode, good.stderr) == (0, "helper: touch your key\n")
    assert "sproc-secret" not in good.stdout + good.stderr and "Credential=AKIDPROC/" in \
        fault_server.requests[-1].headers["Authorization"]
    bad = run_ec2ops(tmp_path, fault_server, {"AWS_PROFILE": "broken"})
    assert (bad.returncode, bad.stdout) == (2, "")
    assert bad.stderr == ("helper: touch your key\n"
                          "ec2ops: The credential_process of the profile 'broken' failed (exit status 4).\n")


def test_static_keys_load_no_other_source_and_ask_no_instance_metadata(tmp_path, fault_server):
    import credfakes

    imds = credfakes.imds()
    try:
        probe = ("import sys\nfrom ec2ops.cli import main\ntry:\n    main(['enumerate-regions'])\nexcept SystemExit:\n"
                 "    pass\nprint('LOADED:' + ','.join(m for m in sys.modules if m.startswith('ec2ops.credentials.') "
                 "or m in ('http.client', 'shlex')), file=sys.stderr)\n")
        env = env_for(fault_server.url)
        env.update(HOME=str(tmp_path), AWS_EC2_METADATA_DISABLED="false", AWS_EC2_METADATA_SERVICE_ENDPOINT=imds.url)
        run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60)
        loaded = run.stderr.split("LOADED:")[1].strip().split(",")
        assert sorted(loaded) == ["ec2ops.credentials.chain", "ec2ops.credentials.environment",
                                  "ec2ops.credentials.flags", "ec2ops.credentials.named",
                                  "ec2ops.credentials.profile",
                                  "ec2ops.credentials.source"], run.stderr
        assert imds.requests == []
    finally:
        imds.close()


@pytest.mark.parametrize("zone", ["Z", "+00:00", ""])
def test_keys_whose_expiration_names_no_zone_expire_in_utc(tmp_path, fault_server, zone):
    """A container's or the instance's keys with an Expiration that names no zone are used (it is
    taken as UTC, as credential_process's), not compared naive with an aware clock."""
    import credfakes

    container = credfakes.container(zone=zone)
    try:
        env = {k: v for k, v in env_for(fault_server.url).items() if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
        env.update(HOME=str(tmp_path), AWS_CONTAINER_CREDENTIALS_FULL_URI=container.url + "/creds")
        run = subprocess.run([str(EC2OPS), "enumerate-regions", "--get", "returnResult"], capture_output=True,
                             text=True, env=env, timeout=60)
        assert (run.returncode, run.stderr) == (0, "")
        assert "Credential=ASIACONTAINER/" in fault_server.requests[-1].headers["Authorization"]
    finally:
        container.close()

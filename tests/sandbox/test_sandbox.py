"""`ec2ops sandbox`: a local EC2-compatible endpoint, and `sandbox run -- CMD` for CI steps."""

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from conftest import EC2OPS, refusal, run_cli
from ec2ops.sandbox import MISSING

ROOT = Path(__file__).resolve().parents[2]


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "EC2OPS_"))}
    env.update(EC2OPS_CONFIG="", AWS_EC2_METADATA_DISABLED="true", **extra)
    return env


def test_run_gives_the_command_the_sandbox_and_exits_with_its_status():
    """One sandbox (moto's first EC2 call costs seconds) for the environment, the exit status, and the
    README's quick start: key pair, security group, instance, address, dashboard."""
    assert EC2OPS.exists(), "install the package (pip install -e .) for its ec2ops script"
    script = (
        'echo "endpoint=$EC2OPS_ENDPOINT id=$AWS_ACCESS_KEY_ID secret=$AWS_SECRET_ACCESS_KEY region=$AWS_REGION"\n'
        f"sh {ROOT / 'ec2ops' / 'examples' / 'quickstart.sh'} || exit 99\n"  # `ec2ops` found on PATH
        "exit 7\n"
    )
    done = subprocess.run([str(EC2OPS), "sandbox", "--port", "0", "run", "--", "sh", "-c", script],
                          capture_output=True, text=True, env=clean_env(PATH="/usr/bin:/bin"), timeout=120)
    assert done.returncode == 7, done.stdout + done.stderr
    first, out = done.stdout.split("\n", 1)
    keys = re.fullmatch(r"endpoint=http://127\.0\.0\.1:\d+ id=(AKIDSANDBOX[A-Z0-9]{9}) secret=([\w-]{40}) "
                        r"region=us-east-1", first)
    assert keys, first  # the keys made for this start, the only ones it admits
    instance = re.search(r"^(i-[0-9a-f]+)$", out, re.M).group(1)
    address = re.search(r"^(\d+\.\d+\.\d+\.\d+)$", out, re.M).group(1)
    assert f"{address},{instance}" in out  # enumerate-elastic-ips: the address is associated
    assert "instancesRunning: 1" in out and "elasticIps: 1" in out and "keyPairs: 1" in out
    assert "PRIVATE KEY" not in out and keys.group(2) not in done.stderr


def test_run_exits_zero_when_the_command_succeeds_and_names_its_log_once(tmp_path):
    log = tmp_path / "sandbox.log"
    run = run_cli(["sandbox", "--port", "0", "--log", log, "run", "--", sys.executable, "-c", "pass"])
    assert run.code == 0
    assert re.fullmatch(rf"# ec2ops sandbox on http://127\.0\.0\.1:\d+, log in {re.escape(str(log))}\n", run.err)
    assert "serving on http://127.0.0.1:" in log.read_text()


def test_sandbox_in_the_background_serves_until_sigint(tmp_path):
    """Started as a shell starts a background job (SIGINT ignored), it still stops cleanly on SIGINT
    (on SIGTERM: the walk of every command below)."""
    state = tmp_path / "state"  # the default log: $XDG_STATE_HOME/ec2ops/sandbox.log
    server = subprocess.Popen([str(EC2OPS), "sandbox", "--port", "0"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=clean_env(XDG_STATE_HOME=str(state)),
                              preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        exports = dict(server.stdout.readline().strip().removeprefix("export ").split("=", 1) for _ in range(4))
        assert re.fullmatch("AKIDSANDBOX[A-Z0-9]{9}", exports["AWS_ACCESS_KEY_ID"]) and exports["AWS_REGION"] == "us-east-1"
        assert httpx.get(exports["EC2OPS_ENDPOINT"] + "/moto-api/data.json", timeout=10).status_code == 401
    finally:
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=20) == 0
    log = state / "ec2ops" / "sandbox.log"
    assert server.stderr.read() == (f"# ec2ops sandbox on {exports['EC2OPS_ENDPOINT']} (pid {server.pid}), "
                                    f"log in {log}; Ctrl-C or kill stops it\n")
    assert f"{exports['EC2OPS_ENDPOINT']} stopped" in log.read_text()
    try:  # stopped: nothing listens there any more
        httpx.get(exports["EC2OPS_ENDPOINT"], timeout=2)
        raise AssertionError("the sandbox still answers after it was stopped")
    except httpx.ConnectError:
        pass


def test_a_taken_port_is_a_clear_error_with_exit_3():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = run_cli(["sandbox", "--port", str(port), "run", "--", "sh", "-c", "echo ran"])
    assert run.code == 3
    assert run.err == f"ec2ops: Port {port} on 127.0.0.1 is taken; choose another with --port.\n"
    assert run.out == ""


def test_without_moto_the_sandbox_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "moto.server", None)  # `from moto.server import ...` now fails
    run = run_cli(["sandbox", "--port", "0", "run", "--", "true"])
    assert (run.code, run.err) == (2, f"ec2ops: {MISSING}\n")
    assert "pip install 'ec2ops[sandbox]'" in MISSING


def test_a_command_not_found_is_127_and_one_that_cannot_run_126_as_in_a_shell(tmp_path):
    log = tmp_path / "sandbox.log"
    start = r"# ec2ops sandbox on http://127\.0\.0\.1:\d+, log in .*\n"
    run = run_cli(["sandbox", "--port", "0", "--log", log, "run", "--", "no-such-command-ec2ops", "-x"])
    assert run.code == 127 and run.out == ""
    assert re.fullmatch(start + "ec2ops: no-such-command-ec2ops: command not found\n", run.err)
    missing = run_cli(["sandbox", "--port", "0", "--log", log, "run", "--", str(tmp_path / "nothing.sh")])
    assert missing.code == 127
    assert missing.err.endswith(f"ec2ops: {tmp_path / 'nothing.sh'}: No such file or directory\n")
    script = tmp_path / "script.sh"
    script.write_text("#!/bin/sh\necho ran\n")  # not executable
    refused = run_cli(["sandbox", "--port", "0", "--log", log, "run", "--", str(script)])
    assert refused.code == 126
    assert re.fullmatch(start + f"ec2ops: {re.escape(str(script))}: Permission denied\n", refused.err)
    directory = run_cli(["sandbox", "--port", "0", "--log", log, "run", "--", str(tmp_path)])
    assert directory.code == 126 and directory.err.endswith(f"ec2ops: {tmp_path}: Permission denied\n")


def test_run_gives_a_signal_death_as_128_plus_n_and_passes_sigterm_on(tmp_path):
    log = tmp_path / "sandbox.log"
    killed = run_cli(["sandbox", "--port", "0", "--log", log, "run", "--", "sh", "-c", "kill -KILL $$"])
    assert killed.code == 128 + signal.SIGKILL
    # SIGTERM to ec2ops reaches the command, whose status (here its trap's) ec2ops then gives.
    runner = subprocess.Popen([str(EC2OPS), "sandbox", "--port", "0", "--log", str(log), "run", "--", "sh", "-c",
                               "trap 'echo got TERM; exit 42' TERM; echo ready; while :; do sleep 0.05; done"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean_env())
    assert runner.stdout.readline() == "ready\n"
    runner.send_signal(signal.SIGTERM)
    assert runner.wait(timeout=20) == 42
    assert runner.stdout.read() == "got TERM\n"


def test_the_quick_start_refuses_a_real_account():
    done = subprocess.run(["sh", str(ROOT / "ec2ops" / "examples" / "quickstart.sh")], capture_output=True,
                          text=True, env=clean_env(EC2OPS_ENDPOINT="https://ec2.us-east-1.amazonaws.com"))
    assert done.returncode == 2 and "sandbox" in done.stderr and done.stdout == ""


def test_a_log_that_cannot_be_written_is_bad_input(tmp_path):
    log = tmp_path / "no-such-folder" / "sandbox.log"
    run = run_cli(["sandbox", "--port", "0", "--log", log, "run", "--", "true"])
    assert (run.code, run.out) == (2, "")
    assert run.err == f"ec2ops: Cannot write the sandbox's log {log}: No such file or directory.\n"


def test_every_command_in_an_operators_order_against_ec2ops_sandbox(tmp_path, monkeypatch):
    """`ec2ops sandbox` as a user starts it (the console script, in the background); every command of
    the guide through it in an operator's order, each read back with ec2ops; the guide's messages for
    what EC2 refuses; an action moto does not do is EC2's InvalidAction; and not a word from the server
    on the terminal, its traceback in the log."""
    from ec2ops.cli import GUIDE_ORDER

    log = tmp_path / "sandbox.log"
    server = subprocess.Popen([str(EC2OPS), "sandbox", "--port", "0", "--log", str(log), "--bundle-seconds", "60"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean_env())
    walked = set()

    def ok(*args) -> str:
        run = run_cli(list(args))
        assert run.code == 0, (args, run.err)
        walked.add(args[0])
        return run.out

    def get(*args) -> str:
        return ok(*args, "--get", "returnResult").strip()

    def rows(*args) -> list[str]:
        return [row for row in get(*args).splitlines() if row]

    def refused(message, *args):
        run = run_cli(list(args))
        assert (run.code, run.out, refusal(run.err)) == (1, "", f"ec2ops: {message}"), args

    wait = ("--wait", "--wait-interval", "0.05")
    try:
        exports = dict(server.stdout.readline().strip().removeprefix("export ").split("=", 1) for _ in range(4))
        url = exports["EC2OPS_ENDPOINT"]
        for name, value in {**exports, "EC2OPS_RETRY_BASE_DELAY": "0.01"}.items():
            monkeypatch.setenv(name, value)

        # Where: regions and zones.
        assert "us-east-1" in [row.split(",")[0] for row in rows("enumerate-regions")]
        assert "us-east-1a" in get("enumerate-availability-zones").split(",")

        # A key pair, a security group and a rule.
        ok("allocate-new-key-pair", "--key-name", "ops", "--key-file", tmp_path / "ops.pem")
        assert [row.split(",")[0] for row in rows("enumerate-key-pairs")] == ["ops"]
        assert get("create-security-group", "--group-name", "web", "--group-description", "web tier") == "true"
        assert get("allow-access-to-security-group", "--group-name", "web", "--ip-protocol", "tcp",
                   "--from-port", "22", "--to-port", "22", "--cidr-ip", "203.0.113.0/24") == "true"
        assert "tcp,22,22,null,null,203.0.113.0/24" in ok("get-security-group-details", "--group-name", "web")
        assert ok("describe-security-groups", "--get", "groupNames").strip() == "default,web"

        # An image, and instances of it.
        image = get("register-image", "--image-location", "/ops-bucket/base.manifest.xml", *wait)
        assert [row.split(",")[0] for row in rows("enumerate-images", "--image-owners", "self")] == [image]
        assert ok("get-image-details", "--image-id", image, "--get", "status").strip() == "available"
        instance = get("run-instances", "--ami-id", image, "--key-name", "ops", "--security-groups", "web",
                       "--placement-zone", "us-east-1a", "--instance-type", "t3.micro", *wait)
        row = get("describe-instances", "--instance-ids", instance).split(";")
        assert (row[0], row[1], row[2], row[3], row[5], row[13], row[14]) == (
            instance, image, "t3.micro", "running", "ops", "us-east-1a", "web")
        assert ok("get-instance-details", "--instance-identifier", instance, "--get", "keyPairName").strip() == "ops"
        assert "updateTime: " in ok("get-system-log", "--instance-id", instance)
        twin = get("run-instances-from-template", "--instance-identifier", instance)
        assert get("describe-instances", "--instance-ids", twin).split(";")[1:3] == [image, "t3.micro"]
        assert get("restart-instance", "--instance-identifier", twin) == "true"

        # A volume: attached, then detached by the volume alone.
        volume = get("create-volume", "--size", "8", "--availability-zone", "us-east-1a", *wait)
        assert f"{volume},8,null,us-east-1a,available" in rows("describe-volumes")
        assert get("attach-volume", "--volume-id", volume, "--instance-id", instance, "--device-name", "/dev/sdf",
                   *wait) in ("attaching", "attached")
        assert f"{instance},/dev/sdf,attached" in ok("get-volume-details", "--volume-id", volume)
        assert get("detach-volume", "--volume-id", volume, *wait) == "detached"  # printed once waited for
        assert "status: available" in ok("get-volume-details", "--volume-id", volume)

        # A snapshot: shared with an account, reset; another shared with everyone.
        snapshot = get("create-snapshot", "--volume-id", volume, "--snapshot-description", "nightly", *wait)
        assert snapshot in [r.split(",")[0] for r in rows("describe-snapshots", "--snapshot-owners", "self")]
        assert "status: completed" in ok("get-snapshot-details", "--snapshot-id", snapshot)
        assert get("modify-snapshot-attribute", "--snapshot-id", snapshot, "--operation-type", "add",
                   "--user-ids", "111122223333") == "true"
        assert [r.split(",")[0] for r in rows("describe-snapshots", "--restorable-by", "111122223333")] == [snapshot]
        assert get("reset-snapshot-attribute", "--snapshot-id", snapshot) == "true"
        assert rows("describe-snapshots", "--restorable-by", "111122223333") == []
        shared = get("create-shared-snapshot", "--volume-id", volume, "--groups", "all")
        assert [r.split(",")[0] for r in rows("describe-snapshots", "--restorable-by", "all")] == [shared]

        # An address.
        address = get("allocate-new-elastic-ip")
        assert get("associate-elastic-ip", "--ip-address", address, "--instance-id", instance) == "true"
        assert rows("enumerate-elastic-ips") == [f"{address},{instance}"]
        assert get("disassociate-elastic-ip", "--ip-address", address) == "true"
        assert rows("enumerate-elastic-ips") == [f"{address},null"]

        # Monitoring on and off, read back in describe-instances' Monitoring column.
        assert get("monitor-instance", "--instance-identifier", instance) == "pending"
        assert get("describe-instances", "--instance-ids", instance).split(";")[9] == "enabled"
        assert get("unmonitor-instance", "--instance-identifier", instance) == "disabling"
        assert get("describe-instances", "--instance-ids", instance).split(";")[9] == "disabled"

        # A bundle task started and cancelled.
        bundle = get("bundle-windows-instance", "--instance-id", instance, "--storage-bucket", "ops-images",
                     "--storage-prefix", "web")
        details = run_cli(["get-bundle-task-details", "--bundle-id", bundle, "-o", "json"]).json()
        assert (details["returnResult"], details["bucket"], details["prefix"]) == (instance, "ops-images", "web")
        assert details["status"] == "pending"  # for its first 12 s of 60
        assert ok("cancel-bundle-task", "--bundle-id", bundle, "--get", "status").strip() == "cancelling"
        [task] = rows("enumerate-bundle-tasks")
        assert task.startswith(f"{bundle},{instance},cancelling,{details['startTime']},")
        walked.add("get-bundle-task-details")

        # The image shared with everyone, then reset to private.
        assert get("modify-image-attribute", "--ami-id", image, "--attribute", "launchPermission",
                   "--operation-type", "add", "--groups", "all") == "true"
        assert ok("get-image-details", "--image-id", image, "--get", "isPublic").strip() == "true"
        assert get("reset-image-attribute", "--ami-id", image, "--attribute", "launchPermission") == "true"
        assert ok("get-image-details", "--image-id", image, "--get", "isPublic").strip() == "false"

        # The dashboard agrees.
        dashboard = run_cli(["ec2-dashboard", "--notify-method", "None", "-o", "json"])
        assert dashboard.code == 0, dashboard.err
        walked.add("ec2-dashboard")
        owned = len(rows("describe-snapshots", "--snapshot-owners", "self"))  # ours and the image's
        assert {k: dashboard.json()[k] for k in ("instancesRunning", "keyPairs", "elasticIps", "ebsSnapshots")} == {
            "instancesRunning": 2, "keyPairs": 1, "elasticIps": 1, "ebsSnapshots": owned}

        # What EC2 refuses, in the guide's words.
        refused("The AMI ID 'ami-12345678' does not exist. Error code: InvalidAMIID.NotFound.",
                "run-instances", "--ami-id", "ami-12345678")
        refused("The zone 'mars-1a' does not exist. Error code: InvalidZone.NotFound.",
                "create-volume", "--size", "1", "--availability-zone", "mars-1a")
        refused("The security group 'default' is reserved. Error code: InvalidGroup.Reserved.",
                "delete-security-group", "--group-name", "default")
        refused("Invalid bundle ids: bun-00000000. Error code: InvalidBundleID.NotFound.",
                "get-bundle-task-details", "--bundle-id", "bun-00000000")

        # Clean-up, each step read back.
        assert get("stop-instance", "--instance-identifier", instance, *wait) in ("stopping", "stopped")
        assert ok("get-instance-details", "--instance-identifier", instance, "--get", "status").strip() == "stopped"
        ok("start-instance", "--instance-id", instance, *wait)
        assert ok("get-instance-details", "--instance-identifier", instance, "--get", "status").strip() == "running"
        for each in (instance, twin):
            ok("terminate-instance", "--instance-identifier", each, *wait)
            assert get("describe-instances", "--instance-ids", each).split(";")[3] == "terminated"
        assert get("release-elastic-ip", "--ip-address", address) == "true"
        assert rows("enumerate-elastic-ips") == []
        for each in (snapshot, shared):
            assert get("delete-snapshot", "--snapshot-id", each) == "true"
        owned = [row.split(",")[0] for row in rows("describe-snapshots", "--snapshot-owners", "self")]
        assert snapshot not in owned and shared not in owned
        assert get("delete-volume", "--volume-id", volume) == "true"
        assert volume not in get("describe-volumes")
        assert get("remove-image", "--ami-id", image) == "true"
        assert rows("enumerate-images", "--image-owners", "self") == []
        assert get("revoke-access-to-security-group", "--group-name", "web", "--ip-protocol", "tcp",
                   "--from-port", "22", "--to-port", "22", "--cidr-ip", "203.0.113.0/24") == "true"
        assert get("delete-security-group", "--group-name", "web") == "true"
        assert ok("describe-security-groups", "--get", "groupNames").strip() == "default"
        assert get("delete-key-pair", "--key-name", "ops") == "true"
        assert run_cli(["enumerate-key-pairs"]).code == 1  # No items found!

        # An action moto has but does not do (NotImplementedError): EC2's InvalidAction, where it was an
        # HTML 500; its traceback goes to the log, not the terminal.
        import datetime as dt

        from ec2ops.client.signing import Credentials, sign_v4
        headers, body = sign_v4(url, {"Action": "EnableVolumeIO", "VolumeId": volume, "Version": "2016-11-15"},
                                Credentials(exports["AWS_ACCESS_KEY_ID"], exports["AWS_SECRET_ACCESS_KEY"]),
                                "us-east-1", dt.datetime.now(dt.timezone.utc))
        invalid = httpx.post(url, content=body, timeout=10, headers=headers)
        assert invalid.status_code == 400
        assert re.fullmatch(re.escape('<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>'
                                      "InvalidAction</Code><Message>The action EnableVolumeIO is not valid for this "
                                      "web service.</Message></Error></Errors><RequestID>") + "[0-9a-f-]{36}"
                            + re.escape("</RequestID></Response>"), invalid.text), invalid.text
        # and an ec2ops command whose request moto's backend does not do (a filter it lacks), as a process
        done = subprocess.run([str(EC2OPS), "describe-instances", "--filter", "hibernation-options.configured=true"],
                              capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
                              env=clean_env(**exports))
        assert (done.returncode, done.stdout, refusal(done.stderr)) == (
            1, "", "ec2ops: The sandbox cannot apply the filter 'hibernation-options.configured' to "
            "DescribeInstances (moto lacks it). Error code: InvalidParameterValue.")
    finally:
        server.send_signal(signal.SIGTERM)
        status = server.wait(timeout=20)
    assert walked == set(GUIDE_ORDER) and len(walked) == len(GUIDE_ORDER), set(GUIDE_ORDER) - walked
    assert status == 0
    assert server.stderr.read() == \
        f"# ec2ops sandbox on {url} (pid {server.pid}), log in {log}; Ctrl-C or kill stops it\n"  # and nothing else
    written = log.read_text()
    assert "Traceback (most recent call last)" in written and "NotImplementedError" in written
    assert "us-east-1 MonitorInstances: answered by the sandbox" in written
    assert "us-east-1 EnableVolumeIO: to moto" in written  # the action that failed, before its traceback
    assert '"POST / HTTP/1.1" 200' in written  # the request log

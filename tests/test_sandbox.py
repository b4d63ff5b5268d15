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

from conftest import run_cli
from ec2ops.sandbox import MISSING, SANDBOX_KEY_ID, SANDBOX_SECRET

ROOT = Path(__file__).resolve().parent.parent
EC2OPS = Path(sys.executable).with_name("ec2ops")  # the console script pip installed with the package


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "EC2OPS_"))}
    env.update(EC2OPS_CONFIG="", **extra)
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
    assert re.fullmatch(rf"endpoint=http://127\.0\.0\.1:\d+ id={SANDBOX_KEY_ID} secret={SANDBOX_SECRET} "
                        r"region=us-east-1", first)
    instance = re.search(r"^(i-[0-9a-f]+)$", out, re.M).group(1)
    address = re.search(r"^(\d+\.\d+\.\d+\.\d+)$", out, re.M).group(1)
    assert f"{address},{instance}" in out  # enumerate-elastic-ips: the address is associated
    assert "instancesRunning: 1" in out and "elasticIps: 1" in out and "keyPairs: 1" in out
    assert "PRIVATE KEY" not in out and SANDBOX_SECRET not in done.stderr


def test_run_exits_zero_when_the_command_succeeds_and_names_its_log_once(tmp_path):
    log = tmp_path / "sandbox.log"
    run = run_cli(["sandbox", "--port", "0", "--log", log, "run", "--", sys.executable, "-c", "pass"])
    assert run.code == 0
    assert re.fullmatch(rf"# ec2ops sandbox on http://127\.0\.0\.1:\d+, log in {re.escape(str(log))}\n", run.err)
    assert "serving on http://127.0.0.1:" in log.read_text()


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_sandbox_in_the_background_serves_until_sigint_or_sigterm(tmp_path, stop):
    """Started as a shell starts a background job (SIGINT ignored), it still stops cleanly on both."""
    state = tmp_path / "state"  # the default log: $XDG_STATE_HOME/ec2ops/sandbox.log
    server = subprocess.Popen([str(EC2OPS), "sandbox", "--port", "0"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=clean_env(XDG_STATE_HOME=str(state)),
                              preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        exports = dict(server.stdout.readline().strip().removeprefix("export ").split("=", 1) for _ in range(4))
        assert exports["AWS_ACCESS_KEY_ID"] == SANDBOX_KEY_ID and exports["AWS_REGION"] == "us-east-1"
        assert httpx.get(exports["EC2OPS_ENDPOINT"] + "/moto-api/data.json", timeout=10).status_code == 200
    finally:
        server.send_signal(stop)
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
    killed = subprocess.run([str(EC2OPS), "sandbox", "--port", "0", "--log", str(log), "run", "--",
                             "sh", "-c", "kill -KILL $$"], capture_output=True, text=True, env=clean_env())
    assert killed.returncode == 128 + signal.SIGKILL
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

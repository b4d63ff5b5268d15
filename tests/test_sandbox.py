"""`ec2ops sandbox`: a local EC2-compatible endpoint, and `sandbox run -- CMD` for CI steps."""

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx

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


def test_run_exits_zero_when_the_command_succeeds():
    run = run_cli(["sandbox", "--port", "0", "run", "--", sys.executable, "-c", "pass"])
    assert (run.code, run.err) == (0, "")


def test_sandbox_prints_the_environment_and_serves_until_interrupted():
    server = subprocess.Popen([str(EC2OPS), "sandbox", "--port", "0"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=clean_env())
    try:
        exports = dict(server.stdout.readline().strip().removeprefix("export ").split("=", 1) for _ in range(4))
        assert exports["AWS_ACCESS_KEY_ID"] == SANDBOX_KEY_ID and exports["AWS_REGION"] == "us-east-1"
        assert httpx.get(exports["EC2OPS_ENDPOINT"] + "/moto-api/data.json", timeout=10).status_code == 200
        assert exports["EC2OPS_ENDPOINT"] in server.stderr.readline()  # "# ec2ops sandbox on URL; Ctrl-C stops it"
    finally:
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=20) == 0
    try:  # stopped: nothing listens there any more
        httpx.get(exports["EC2OPS_ENDPOINT"], timeout=2)
        raise AssertionError("the sandbox still answers after Ctrl-C")
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


def test_an_unknown_command_is_bad_input():
    run = run_cli(["sandbox", "--port", "0", "run", "--", "no-such-command-ec2ops"])
    assert (run.code, run.err) == (2, "ec2ops: No such command: no-such-command-ec2ops\n")


def test_the_quick_start_refuses_a_real_account():
    done = subprocess.run(["sh", str(ROOT / "ec2ops" / "examples" / "quickstart.sh")], capture_output=True,
                          text=True, env=clean_env(EC2OPS_ENDPOINT="https://ec2.us-east-1.amazonaws.com"))
    assert done.returncode == 2 and "sandbox" in done.stderr and done.stdout == ""

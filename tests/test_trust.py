"""Never mislead a script, never leak a secret: usage errors in one line, Ctrl-C at any moment,
malformed credential and configuration files, whitespace around keys, credentials in the endpoint,
empty values, numbers out of range. Process behaviour goes through the installed console script."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import run_cli

EC2OPS = Path(sys.executable).with_name("ec2ops")  # the console script pip installed with the package


# -- usage errors: one line, status 2 ------------------------------------------------------------
@pytest.mark.parametrize("args,line", [
    (["attach-volume", "--device", "x"],
     "No such option '--device' (did you mean '--device-name'?); see 'ec2ops attach-volume --help'."),
    (["attach-volume", "--volume-id"], "Option '--volume-id' requires an argument; see 'ec2ops attach-volume --help'."),
    (["nosuch"], "No such command 'nosuch'; see 'ec2ops --help'."),
    (["describe-instances", "extra"], "Got unexpected extra argument (extra); see 'ec2ops describe-instances --help'."),
    (["enumerate-regions", "-o", "yaml"],
     "Invalid value for '-o' / '--output' (env var: 'EC2OPS_OUTPUT'): 'yaml' is not one of 'plain', 'table', "
     "'json'; see 'ec2ops enumerate-regions --help'."),
])
def test_a_usage_error_is_one_line_and_status_2(args, line):
    done = subprocess.run([EC2OPS, *args], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", f"ec2ops: {line}\n")


# -- Ctrl-C at any moment ------------------------------------------------------------------------
@pytest.fixture
def silent_endpoint():
    """An endpoint that accepts connections and never answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        yield server


def interrupted_after(marker: str, endpoint: socket.socket) -> subprocess.CompletedProcess:
    """Starts `ec2ops describe-instances` and sends SIGINT once the import of `marker` is done
    (Python reports each import on stderr with PYTHONPROFILEIMPORTTIME), or, for marker "call",
    once its request has reached the endpoint."""
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1", "EC2OPS_READ_TIMEOUT": "20", "EC2OPS_MAX_ATTEMPTS": "1", "AWS_ACCESS_KEY_ID": "AKIDTEST",
           "AWS_SECRET_ACCESS_KEY": "secret", "EC2OPS_ENDPOINT": f"http://127.0.0.1:{endpoint.getsockname()[1]}"}
    child = subprocess.Popen([EC2OPS, "describe-instances"], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    seen = []
    if marker == "call":
        endpoint.settimeout(30)
        connection, _ = endpoint.accept()
    else:
        for line in child.stderr:
            seen.append(line)
            if line.startswith("import time:") and line.split("|")[-1].strip() == marker:
                break
        assert seen and seen[-1].split("|")[-1].strip() == marker, "".join(seen)[-2000:]
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=30)
    if marker == "call":
        connection.close()
    err = "".join(seen) + err
    told = "".join(line + "\n" for line in err.splitlines() if not line.startswith("import time:"))
    return subprocess.CompletedProcess(child.args, child.returncode, out, told)


@pytest.mark.parametrize("marker", ["ec2ops.console", "click", "ec2ops.session", "ec2ops.spec", "ec2ops.cli",
                                    "httpx", "call"])
def test_ctrl_c_at_any_moment_ends_with_130_and_no_traceback(marker, silent_endpoint):
    done = interrupted_after(marker, silent_endpoint)
    assert done.stdout == ""
    if done.returncode == -signal.SIGINT:  # while modules load: the process ends as SIGINT ends it
        assert done.stderr == ""
    else:
        assert (done.returncode, done.stderr) == (130, "ec2ops: interrupted\n")
    if marker == "call":
        assert done.returncode == 130

"""The second hostile audit's sandbox cases, through the installed console script: its default log in
a folder of the user's alone, never followed through a link, control characters escaped; a stdout
that cannot take the export lines is a clean status."""

import os
import re
import stat
import subprocess
import sys

import pytest

from conftest import EC2OPS, refusal


def sandbox(*args: str, tmp_path, stdout=subprocess.PIPE, **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "EC2OPS_"))}
    env.update(TMPDIR=str(tmp_path), XDG_STATE_HOME="/dev/null/state", EC2OPS_CONFIG="")  # no XDG folder
    return subprocess.run([str(EC2OPS), "sandbox", "--port", "0", *args], stdin=subprocess.DEVNULL, stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=120, env=env, **kwargs)


def folder(tmp_path):
    return tmp_path / f"ec2ops-{os.getuid()}"


# -- 6. the log --------------------------------------------------------------------------------------------
def test_the_fallback_log_is_in_a_folder_of_the_users_alone(tmp_path):
    done = sandbox("run", "--", "true", tmp_path=tmp_path)
    log = folder(tmp_path) / "sandbox.log"
    assert done.returncode == 0
    assert re.fullmatch(rf"# ec2ops sandbox on http://127\.0\.0\.1:\d+, log in {re.escape(str(log))}\n", done.stderr)
    assert stat.S_IMODE(folder(tmp_path).stat().st_mode) == 0o700 and stat.S_IMODE(log.stat().st_mode) == 0o600


def test_a_planted_link_for_the_folder_is_refused(tmp_path):
    victim = tmp_path / "victim"
    victim.mkdir()
    folder(tmp_path).symlink_to(victim)
    done = sandbox("run", "--", "true", tmp_path=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (
        2, "", f"ec2ops: The sandbox's log folder {folder(tmp_path)} is not this user's alone (a link, another user's, "
               "or open to others); give --log PATH.\n")
    assert list(victim.iterdir()) == []


def test_a_planted_link_for_the_log_is_not_followed(tmp_path):
    folder(tmp_path).mkdir(mode=0o700)
    victim = tmp_path / "victim"
    victim.write_text("keep\n")
    (folder(tmp_path) / "sandbox.log").symlink_to(victim)
    done = sandbox("run", "--", "true", tmp_path=tmp_path)
    assert (done.returncode, done.stderr) == (
        2, f"ec2ops: Cannot write the sandbox's log {folder(tmp_path) / 'sandbox.log'}: Too many levels of symbolic "
           "links.\n")
    assert victim.read_text() == "keep\n"


def test_an_open_folder_of_the_users_is_closed(tmp_path):
    folder(tmp_path).mkdir(mode=0o755)
    os.chmod(folder(tmp_path), 0o755)
    assert sandbox("run", "--", "true", tmp_path=tmp_path).returncode == 0
    assert stat.S_IMODE(folder(tmp_path).stat().st_mode) == 0o700


def test_control_characters_from_a_client_are_escaped_in_the_log(tmp_path):
    client = ("import os, socket\n"
              "host, port = os.environ['EC2OPS_ENDPOINT'].split('//')[1].split(':')\n"
              "s = socket.create_connection((host, int(port)))\n"
              "s.sendall(b'POST /\\x1b[2J\\x9bforged HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 0\\r\\n"
              "Connection: close\\r\\n\\r\\n')\n"
              "s.recv(100)\n")
    done = sandbox("run", "--", sys.executable, "-c", client, tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    written = (folder(tmp_path) / "sandbox.log").read_text()
    assert "\x1b" not in written and "\x9b" not in written and "POST /\\x1b[2J\\x9bforged HTTP/1.1" in written


# -- 6. stdout ---------------------------------------------------------------------------------------------
def test_a_full_stdout_is_exit_4_and_the_server_stops(tmp_path):
    with open("/dev/full", "w") as full:
        done = sandbox(tmp_path=tmp_path, stdout=full)
    assert done.returncode == 4
    assert done.stderr.splitlines()[-1] == "ec2ops: stdout could not be written: No space left on device."


def test_a_closed_stdout_is_exit_4(tmp_path):
    done = sandbox(tmp_path=tmp_path, stdout=subprocess.DEVNULL, preexec_fn=lambda: os.close(1))
    assert done.returncode == 4
    assert done.stderr.splitlines()[-1] == "ec2ops: stdout could not be written: it is closed."


# -- 5. who gets in ----------------------------------------------------------------------------------------
@pytest.fixture
def background(tmp_path):
    """`ec2ops sandbox --port 0 > sandbox.env &`: its export lines, read from the file, and its URL."""
    env_file = tmp_path / "sandbox.env"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "EC2OPS_"))}
    env.update(XDG_STATE_HOME=str(tmp_path / "state"), EC2OPS_CONFIG="")
    with open(env_file, "w") as out:
        os.chmod(env_file, 0o644)
        server = subprocess.Popen([str(EC2OPS), "sandbox", "--port", "0"], stdin=subprocess.DEVNULL, stdout=out,
                                  stderr=subprocess.PIPE, env=env)
    try:
        server.stderr.readline()  # the line that says it is serving comes after the export lines
        exports = dict(line.removeprefix("export ").split("=", 1) for line in env_file.read_text().splitlines())
        yield exports, env_file, env
    finally:
        server.terminate()
        server.wait(20)


def test_the_keys_are_stored_0600_and_are_the_only_ones_admitted(background):
    exports, env_file, env = background
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    theirs = subprocess.run([str(EC2OPS), "enumerate-regions", "--get", "returnResult"], capture_output=True,
                            text=True, timeout=60, env={**env, **exports})
    assert theirs.returncode == 0 and "us-east-1" in theirs.stdout
    other = {**env, **exports, "AWS_ACCESS_KEY_ID": "AKIDOTHERUSER0000000", "AWS_SECRET_ACCESS_KEY": "guess"}
    refused = subprocess.run([str(EC2OPS), "enumerate-regions"], capture_output=True, text=True, timeout=60, env=other)
    assert (refused.returncode, refused.stdout) == (1, "")
    assert refusal(refused.stderr) == ("ec2ops: AWS was not able to validate the provided access credentials. Error "
                                       "code: AuthFailure.")
    wrong_secret = {**env, **exports, "AWS_SECRET_ACCESS_KEY": "guess"}
    assert subprocess.run([str(EC2OPS), "enumerate-regions"], capture_output=True, timeout=60,
                          env=wrong_secret).returncode == 1


def test_unsigned_requests_and_moto_s_own_api_are_refused(background):
    import httpx

    exports, _, _ = background
    url = exports["EC2OPS_ENDPOINT"]
    for path in ("/moto-api/data.json", "/moto-api/reset"):
        assert httpx.post(url + path, timeout=10).status_code == 401
    answer = httpx.post(url, data={"Action": "DescribeKeyPairs", "Version": "2016-11-15"}, timeout=10)
    assert answer.status_code == 401 and b"<Code>AuthFailure</Code>" in answer.content


def test_a_web_page_gets_no_cors_answer(background):
    import httpx

    exports, _, _ = background
    url = exports["EC2OPS_ENDPOINT"]
    preflight = httpx.options(url, timeout=10, headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization"})
    simple = httpx.post(url + "/moto-api/data.json", timeout=10, headers={"Origin": "https://evil.example"})
    for answer in (preflight, simple):
        assert answer.status_code == 403
        assert not [name for name in answer.headers if name.lower().startswith("access-control-")]

"""Never mislead a script, never leak a secret: usage errors in one line, Ctrl-C at any moment,
malformed credential and configuration files, whitespace around keys, credentials in the endpoint,
empty values, numbers out of range. Process behaviour goes through the installed console script."""

from __future__ import annotations

import os
import signal
import socket
import subprocess

import httpx
import pytest
import respx


from conftest import EC2OPS, ec2_error_xml



# -- usage errors: one line, status 2 ------------------------------------------------------------
@pytest.mark.parametrize("args,line", [
    (["attach-volume", "--volume", "x"],
     "No such option '--volume' (did you mean '--volume-id'?); see 'ec2ops attach-volume --help'."),
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
                                    "httpcore", "call"])
def test_ctrl_c_at_any_moment_ends_with_130_and_no_traceback(marker, silent_endpoint):
    done = interrupted_after(marker, silent_endpoint)
    assert done.stdout == ""
    if done.returncode == -signal.SIGINT:  # while modules load: the process ends as SIGINT ends it
        assert done.stderr == ""
    else:
        assert (done.returncode, done.stderr) == (130, "ec2ops: interrupted\n")
    if marker == "call":
        assert done.returncode == 130


# -- credential and configuration files: named by file and line, never quoted ---------------------
SECRET_LINE = "aws_secret_access_key SeCrEtVaLuE0123456789"


@pytest.mark.parametrize("content,problem", [
    (f"[default]\naws_access_key_id = AKIDFILE\n{SECRET_LINE}\n".encode(),
     "is malformed: a line that is not a [section] or a key = value (line 3)."),
    (f"{SECRET_LINE}\n[default]\n".encode(), "is malformed: a line before the first [section] (line 1)."),
    (b"[default]\naws_secret_access_key = SeCrEtVaLuE0123456789\naws_secret_access_key = SeCrEtVaLuE0123456789\n",
     "is malformed: a key given twice in its section (line 3)."),
    (b"[default]\n[default]\n", "is malformed: a section given twice (line 2)."),
    (b"[default]\naws_secret_access_key = SeCrEt\xff\xfeVaLuE0123456789\n", "is not UTF-8 text (line 2)."),
])
@pytest.mark.parametrize("debug", [[], ["--debug"]])
def test_a_malformed_credentials_file_is_named_by_line_and_never_printed(ec2ops, tmp_path, content, problem, debug):
    path = tmp_path / "credentials"
    path.write_bytes(content)
    # Read for the region even though the keys come from the environment (the moto fixture's).
    run = ec2ops("enumerate-regions", *debug, env={"AWS_SHARED_CREDENTIALS_FILE": str(path)})
    assert (run.code, run.out) == (2, "")
    assert run.err.splitlines()[-1] == f"ec2ops: The credentials file {path} {problem}"
    assert "SeCrEt" not in run.err


def test_a_credentials_file_that_never_ends_is_not_read_past_a_megabyte(ec2ops, tmp_path):
    run = ec2ops("enumerate-regions", env={"AWS_SHARED_CREDENTIALS_FILE": "/dev/zero"})
    assert (run.code, run.out, run.err) == (
        2, "", "ec2ops: The credentials file /dev/zero is larger than 1024 KiB: is it the right file?\n")
    run = ec2ops("enumerate-regions", env={"AWS_CONFIG_FILE": str(tmp_path)})
    assert (run.code, run.err) == (2, f"ec2ops: The AWS config file {tmp_path} cannot be read: Is a directory.\n")


@pytest.fixture
def settings(tmp_path, monkeypatch):
    def write(content: bytes):
        path = tmp_path / "config.toml"
        path.write_bytes(content)
        monkeypatch.setenv("EC2OPS_CONFIG", str(path))
        return path
    return write


@pytest.mark.parametrize("content,message", [
    (b'region = "eu-west-1\xff"\n', "The configuration file {path} is not UTF-8 text (line 1)."),
    (b'profile = "work"\n', "{path}: profile must be tables, [profile.NAME], each with its settings."),
    (b'[profile]\nregion = "eu-west-1"\n', "{path}: profile must be tables, [profile.NAME], each with its settings."),
    (b'endpoint = ""\n', "{path}: endpoint is empty; leave it out for the default."),
    (b'[profile.work]\nregion = " "\n', "{path}: profile.work.region is empty; leave it out for the default."),
])
def test_a_bad_configuration_file_is_bad_input(ec2ops, settings, content, message):
    path = settings(content)
    run = ec2ops("enumerate-regions")
    assert (run.code, run.out, run.err) == (2, "", "ec2ops: " + message.format(path=path) + "\n")


# -- keys with whitespace or characters no key has ------------------------------------------------
def test_whitespace_around_keys_and_tokens_is_dropped(ec2ops, moto):
    run = ec2ops("enumerate-regions", "--debug", env={"AWS_ACCESS_KEY_ID": " AKIDSPACED\n",
                                                     "AWS_SESSION_TOKEN": " token-with-spaces-around "})
    assert run.code == 0, run.err
    assert "Credential=AKIDSPACED/" in run.err and "token-with-spaces" not in run.err


@pytest.mark.parametrize("variable,what", [("AWS_SESSION_TOKEN", "session token"),
                                           ("AWS_SECRET_ACCESS_KEY", "secret access key")])
def test_a_key_with_a_character_no_key_has_names_its_variable_not_its_value(ec2ops, variable, what):
    run = ec2ops("enumerate-regions", env={variable: "abc\x01def ghi"})
    assert (run.code, run.out) == (2, "")
    assert run.err == (f"ec2ops: The {what} from {variable} holds a character no AWS key has (a space, a control or "
                       "non-ASCII character); check how it was set.\n")


def test_credentials_in_the_endpoint_are_refused_and_never_shown(ec2ops):
    run = ec2ops("enumerate-regions", "--service-endpoint", "http://admin:hunter2@127.0.0.1:9/", "--debug")
    assert (run.code, run.out) == (2, "")
    assert run.err.splitlines()[-1] == (
        "ec2ops: serviceEndpoint carries a user name or password (user:password@host): requests are signed with "
        "the access keys; give the endpoint without them.")
    assert "hunter2" not in run.err and ">>> POST" not in run.err


# -- empty is not absent ----------------------------------------------------------------------------
@pytest.mark.parametrize("args,env,message", [
    (["enumerate-regions", "--service-endpoint", ""], {},
     "--service-endpoint cannot be empty; leave it out for its default."),
    (["enumerate-regions"], {"EC2OPS_ENDPOINT": ""}, "EC2OPS_ENDPOINT is set but empty; unset it for the default."),
    (["enumerate-regions", "--region", ""], {}, "--region cannot be empty; leave it out for its default."),
    (["describe-instances", "--instance-ids", ""], {},
     "The input instanceIds cannot be empty; leave --instance-ids out not to give it."),
    (["enumerate-regions", "--col-delimiter", ""], {},
     "The input colDelimiter cannot be empty; leave --col-delimiter out not to give it."),
    (["allocate-new-key-pair", "--key-name", "k", "--key-file", ""], {},
     "The input keyFile cannot be empty; leave --key-file out not to give it."),
    (["describe-instances", "--filter", ""], {}, "--filter cannot be empty; leave it out for its default."),
])
def test_an_empty_value_given_explicitly_is_bad_input_before_anything_is_sent(ec2ops, args, env, message):
    run = ec2ops(*args, "--debug", env=env)
    assert (run.code, run.out) == (2, "")
    assert run.err.splitlines()[-1] == f"ec2ops: {message}" and ">>> POST" not in run.err
    assert "k" not in ec2ops("enumerate-key-pairs", "--get", "returnResult").out.split()


# -- numbers: finite and in range -----------------------------------------------------------------
@pytest.mark.parametrize("flag,value,bound", [
    ("--read-timeout", "-1", "above 0 and at most 3600"), ("--read-timeout", "nan", "above 0 and at most 3600"),
    ("--read-timeout", "inf", "above 0 and at most 3600"), ("--read-timeout", "0", "above 0 and at most 3600"),
    ("--connect-timeout", "nan", "above 0 and at most 3600"),
])
def test_a_timeout_that_is_not_a_finite_number_in_range_is_bad_input(flag, value, bound):
    done = subprocess.run([EC2OPS, "enumerate-regions", flag, value], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "EC2OPS_CONFIG": ""})
    variable = {"--read-timeout": "EC2OPS_READ_TIMEOUT", "--connect-timeout": "EC2OPS_CONNECT_TIMEOUT"}[flag]
    assert (done.returncode, done.stdout, done.stderr) == (
        2, "", f"ec2ops: Invalid value for '{flag}' (env var: '{variable}'): '{value}' is not a finite number of "
               f"seconds {bound}; see 'ec2ops enumerate-regions --help'.\n")


@pytest.mark.parametrize("args,message", [
    (["--wait-interval", "nan"], "Invalid value for '--wait-interval': 'nan' is not a finite number of seconds of "
                                 "at least 0.01"),
    (["--wait-timeout", "nan"], "Invalid value for '--wait-timeout': 'nan' is not a finite number of seconds of at "
                                "least 0"),
    (["--max-attempts", "0"], "Invalid value for '--max-attempts' (env var: 'EC2OPS_MAX_ATTEMPTS'): 0 is not in the "
                              "range 1<=x<=20"),
])
def test_wait_and_retry_numbers_out_of_range_are_bad_input(ec2ops, args, message):
    run = ec2ops("create-volume", "--size", "1", "--availability-zone", "us-east-1a", "--wait", *args)
    assert (run.code, run.out, run.err) == (2, "", f"ec2ops: {message}; see 'ec2ops create-volume --help'.\n")


# -- files written whole or not at all ----------------------------------------------------------------
def small_disk(limit: int = 512):
    """For a child process: files larger than `limit` bytes cannot be written (EFBIG), like a full disk."""
    import resource

    def limit_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return limit_files


def run_with_small_disk(moto_url: str, *args: str, limit: int = 512) -> subprocess.CompletedProcess:
    env = {**os.environ, "EC2OPS_ENDPOINT": moto_url, "AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "x",
           "EC2OPS_CONFIG": ""}
    return subprocess.run([EC2OPS, *args], capture_output=True, text=True, timeout=60, env=env,
                          preexec_fn=small_disk(limit))


def test_a_key_file_that_cannot_be_written_leaves_no_file_and_says_which_key_pair_was_made(ec2ops, moto, tmp_path):
    path = tmp_path / "k.pem"
    done = run_with_small_disk(moto, "allocate-new-key-pair", "--key-name", "full", "--key-file", str(path))
    assert (done.returncode, done.stdout) == (4, "")
    assert done.stderr == (f"ec2ops: The key pair 'full' was created, but its private key could not be written to "
                           f"{path} (File too large). Delete the key pair and allocate it again.\n")
    assert list(tmp_path.iterdir()) == []  # neither k.pem nor its temporary file
    assert ec2ops("enumerate-key-pairs", "--get", "returnResult").out.startswith("full,")


def test_the_dashboard_file_is_appended_whole_or_left_as_it_was(ec2ops, moto, tmp_path):
    path = tmp_path / "dashboard.log"
    path.write_text("yesterday\n")
    done = run_with_small_disk(moto, "ec2-dashboard", "--notify-method", "Write to File", "--file", str(path),
                               limit=64)
    assert (done.returncode, done.stdout) == (4, "")
    assert done.stderr == f"ec2ops: The dashboard could not be written to {path} (File too large); the file is as it was.\n"
    assert path.read_text() == "yesterday\n" and sorted(p.name for p in tmp_path.iterdir()) == ["dashboard.log"]
    run = ec2ops("ec2-dashboard", "--notify-method", "Write to File", "--file", path)
    assert run.code == 0 and path.read_text().startswith("yesterday\nEC2 dashboard, ")


@pytest.mark.parametrize("where", ["missing/dashboard.log", "."])
def test_the_dashboard_file_is_checked_before_any_call(ec2ops, tmp_path, where):
    path = tmp_path / where
    run = ec2ops("ec2-dashboard", "--notify-method", "Write to File", "--file", path, "--debug")
    assert (run.code, run.out) == (2, "")
    expected = (f"Cannot write the dashboard file {path}: it is a directory (nothing was sent to EC2)." if where == "."
                else f"Cannot write the dashboard file {path}: {path.parent} is not a writable directory (nothing "
                     "was sent to EC2).")
    assert run.err.splitlines()[-1] == f"ec2ops: {expected}" and ">>> POST" not in run.err


# -- one value, one line ------------------------------------------------------------------------------
FORGED = ('<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r-1</requestId>'
          '<regionInfo><item><regionName>us-east-1&#10;requestId: forged&#155;2J&#8232;x</regionName>'
          '<regionEndpoint>ec2.us-east-1.amazonaws.com&#9;x</regionEndpoint></item></regionInfo>'
          '</DescribeRegionsResponse>')


@respx.mock
def test_a_value_with_line_breaks_or_control_characters_stays_on_its_line(offline):
    respx.post("https://ec2.us-east-1.amazonaws.com/").mock(return_value=httpx.Response(200, text=FORGED))
    run = offline("enumerate-regions")
    assert (run.code, run.err) == (0, "")
    assert run.out == "us-east-1\\nrequestId: forged\\x9b2J\\u2028x,ec2.us-east-1.amazonaws.com\\tx\nrequestId: r-1\n"
    got = offline("enumerate-regions", "--get", "returnResult")
    assert got.out == "us-east-1\\nrequestId: forged\\x9b2J\\u2028x,ec2.us-east-1.amazonaws.com\\tx\n"
    assert offline("enumerate-regions", "-o", "json").json()["returnResult"][0]["regionName"] == (
        "us-east-1\nrequestId: forged\x9b2J\u2028x")  # JSON escapes them itself


@respx.mock
def test_an_error_message_with_line_breaks_is_one_line(offline):
    respx.post("https://ec2.us-east-1.amazonaws.com/").mock(return_value=httpx.Response(
        400, text=ec2_error_xml("InvalidParameterValue", "Bad value&#13;&#10;ec2ops: all is well&#155;0m", "r-2")))
    run = offline("enumerate-regions")
    assert (run.code, run.out) == (1, "")
    assert run.err == ("ec2ops: Bad value\\r\\nec2ops: all is well\\x9b0m. Error code: InvalidParameterValue. "
                       "(requestId: r-2)\n")


@respx.mock
def test_a_console_log_keeps_its_lines_but_not_its_terminal_escapes(offline):
    import base64

    log = base64.b64encode(b"boot\r\nlogin: \x1b]0;owned\x07ok\n").decode()
    respx.post("https://ec2.us-east-1.amazonaws.com/").mock(return_value=httpx.Response(200, text=(
        '<GetConsoleOutputResponse><requestId>r-3</requestId><instanceId>i-1</instanceId>'
        f'<timestamp>2026-12-01T10:00:00.000Z</timestamp><output>{log}</output></GetConsoleOutputResponse>')))
    run = offline("get-system-log", "--instance-id", "i-1", "--get", "returnResult")
    assert (run.code, run.out) == (0, "boot\r\nlogin: \\x1b]0;owned\\x07ok\n")


def test_ec2ops_alone_prints_its_help_on_stderr_as_a_usage_error():
    done = subprocess.run([EC2OPS], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("Usage: ec2ops [OPTIONS] COMMAND [ARGS]...\n\n  Drive Amazon EC2 from a shell")
    assert "\nAvailability zones and regions:\n" in done.stderr

"""Everyday settings: the configuration file (flags and the environment beat it), EC2OPS_OUTPUT,
--version, and colour only on a terminal, never with NO_COLOR or --no-color."""

import os
import pty
import subprocess
import sys

import pytest

from ec2ops import __version__, config


@pytest.fixture
def settings(tmp_path, monkeypatch):
    """Writes the configuration file EC2OPS_CONFIG points at."""
    path = tmp_path / "config.toml"
    monkeypatch.setenv("EC2OPS_CONFIG", str(path))

    def write(text: str):
        path.write_text(text)
        return path

    return write


def zones(ec2ops, *args):
    run = ec2ops("enumerate-availability-zones", "--get", "returnResult", *args)
    assert run.code == 0, run.err
    return run.out.split(",")[0].strip()


def test_output_and_delimiters_from_the_file_flags_and_environment_beat_them(ec2ops, settings):
    settings('output = "json"\ncolDelimiter = ";"\n')
    assert ec2ops("enumerate-regions").json()["returnResult"][0]["regionName"]
    plain = ec2ops("enumerate-regions", "-o", "plain")
    assert plain.code == 0 and "us-east-1;ec2.us-east-1.amazonaws.com\n" in plain.out
    assert "us-east-1,ec2" in ec2ops("enumerate-regions", "-o", "plain", "--col-delimiter", ",").out
    assert ec2ops("enumerate-regions", env={"EC2OPS_OUTPUT": "plain"}).out.startswith("af-south-1;")
    assert "default: json]" in " ".join(ec2ops("enumerate-regions", "--help").out.split())


def test_region_from_the_file_and_its_profile_table_the_environment_beats_them(ec2ops, settings, monkeypatch):
    settings('region = "eu-west-1"\n[profile.work]\nregion = "ap-southeast-2"\n')
    assert zones(ec2ops) == "eu-west-1a"  # the endpoint is moto's: the region picks the signing region
    assert zones(ec2ops, "--profile", "work") == "ap-southeast-2a"
    assert zones(ec2ops, "--region", "us-west-2") == "us-west-2a"
    monkeypatch.setenv("AWS_PROFILE", "work")
    assert zones(ec2ops) == "ap-southeast-2a"
    monkeypatch.setenv("AWS_REGION", "us-west-1")
    assert zones(ec2ops) == "us-west-1a"


def test_endpoint_from_the_file(ec2ops, settings, monkeypatch, moto_url):
    settings(f'endpoint = "{moto_url}"\n')
    monkeypatch.delenv("EC2OPS_ENDPOINT")
    run = ec2ops("enumerate-regions", "--get", "returnResult")
    assert run.code == 0 and "us-east-1,ec2.us-east-1.amazonaws.com" in run.out
    # EC2OPS_ENDPOINT beats it; an explicit --region means that region's endpoint, not the file's
    assert ec2ops("enumerate-regions", env={"EC2OPS_ENDPOINT": "http://127.0.0.1:9"}, ).code == 3
    assert "service_endpoint" not in config.default_map(["x"], ["x", "--region", "eu-west-1"])["x"]
    assert config.default_map(["x"], ["x", "--region=eu-west-1"])["x"] == {}


def test_the_file_is_found_under_xdg_config_home(ec2ops, tmp_path, monkeypatch):
    monkeypatch.delenv("EC2OPS_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert not ec2ops("enumerate-regions").out.startswith("{")  # no file: the defaults
    (tmp_path / "ec2ops").mkdir()
    (tmp_path / "ec2ops" / "config.toml").write_text('output = "json"\n')
    assert ec2ops("enumerate-regions").out.startswith("{")


@pytest.mark.parametrize("text, message", [
    ('regoin = "eu-west-1"\n', "regoin is not a setting ec2ops knows"),
    ('[profile.work]\ncolour = "x"\n', "profile.work.colour is not a setting ec2ops knows"),
    ('output = "yaml"\n', "output must be one of plain, table, json, not 'yaml'"),
    ("output = \n", "is not valid TOML: Invalid value (at line 1, column 10)."),
])
def test_a_bad_file_is_bad_input_and_names_the_file(ec2ops, settings, text, message):
    path = settings(text)
    run = ec2ops("enumerate-regions")
    assert run.code == 2 and run.out == ""
    assert run.err.startswith("ec2ops: ") and message in run.err and str(path) in run.err


def test_a_missing_file_named_by_ec2ops_config_is_bad_input(ec2ops, tmp_path, monkeypatch):
    monkeypatch.setenv("EC2OPS_CONFIG", str(tmp_path / "nope.toml"))
    run = ec2ops("enumerate-regions")
    assert run.code == 2 and "nope.toml, which is not a file" in run.err
    monkeypatch.setenv("EC2OPS_CONFIG", "")  # empty: no file at all
    assert ec2ops("enumerate-regions").code == 0


def test_without_a_file_nothing_is_parsed_at_start_up(tmp_path):
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path)}
    env.pop("EC2OPS_CONFIG", None)
    code = "import sys\nfrom ec2ops.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n" \
           "print('LOADED', [m for m in ('tomllib', 'tomli') if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.stdout.splitlines()[-1] == "LOADED []"


def test_version_and_ec2ops_output(ec2ops):
    assert ec2ops("--version").out == f"ec2ops, version {__version__}\n"
    assert ec2ops("enumerate-regions", env={"EC2OPS_OUTPUT": "json"}).json()["requestId"]
    run = ec2ops("enumerate-regions", env={"EC2OPS_OUTPUT": "yaml"})
    assert run.code == 2 and "yaml" in run.err


def table_on_a_terminal(moto_url, *args, **env):
    """`ec2ops enumerate-regions -o table` with its stdout on a pseudo-terminal; returns what it wrote."""
    leader, follower = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE")}
    environment.update(TERM="xterm-256color", COLUMNS="120", EC2OPS_ENDPOINT=moto_url, EC2OPS_CONFIG="", **env)
    child = subprocess.Popen([sys.executable, "-m", "ec2ops", "enumerate-regions", "-o", "table", *args],
                             stdout=follower, stderr=subprocess.PIPE, env=environment)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert child.wait(timeout=30) == 0, child.stderr.read()
    child.stderr.close()
    return b"".join(chunks).decode()


def test_colour_only_on_a_terminal_and_never_with_no_color(moto, ec2ops):
    assert "\x1b[" in table_on_a_terminal(moto)
    for args, env in (((), {"NO_COLOR": "1"}), (("--no-color",), {})):
        text = table_on_a_terminal(moto, *args, **env)
        assert "Region name" in text and "\x1b[" not in text, (args, env)
    piped = ec2ops("enumerate-regions", "-o", "table")
    assert piped.code == 0 and "Region name" in piped.out and "\x1b[" not in piped.out

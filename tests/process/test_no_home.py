"""A process with no home to find: HOME unset and a user id the password database does not know (some
containers, services run under a dynamic user). The AWS CLI finds no ~/.aws there and goes on; ec2ops
ended in `internal error: RuntimeError: Could not determine home directory.` (exit 1) before any
call. The console script's own entry point runs in a Python whose password database knows no one."""

import subprocess
import sys

import pytest

from conftest import env_for

WITHOUT_USERS = """import pwd, sys
def unknown(uid):
    raise KeyError(f"getpwuid(): uid not found: {uid}")
pwd.getpwuid = unknown
from ec2ops.console import run
sys.argv = ["ec2ops", *sys.argv[1:]]
run()
"""


def homeless(endpoint: str, cwd, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in env_for(endpoint).items() if k != "HOME"}
    return subprocess.run([sys.executable, "-c", WITHOUT_USERS, *args], capture_output=True, text=True,
                          timeout=60, cwd=cwd, stdin=subprocess.DEVNULL, env={**environment, **env})


@pytest.mark.parametrize("config", [None, "~/aws-config"])
def test_a_run_without_a_home_finds_no_aws_files_and_goes_on(fault_server, tmp_path, config):
    """AWS_CONFIG_FILE=~/... is not expanded either, as the AWS CLI leaves it."""
    given = {"AWS_CONFIG_FILE": config} if config else {}
    done = homeless(fault_server.url, tmp_path, "enumerate-regions", "--get", "returnResult", **given)
    at_home = subprocess.run([sys.executable, "-m", "ec2ops", "enumerate-regions", "--get", "returnResult"],
                             capture_output=True, text=True, timeout=60, env=env_for(fault_server.url))
    assert (done.returncode, done.stderr, done.stdout) == (0, "", at_home.stdout) and at_home.stdout
    assert list(tmp_path.iterdir()) == []  # no '~' folder made where it ran


def test_a_role_is_assumed_without_a_home_and_cached_nowhere(fault_server, tmp_path):
    """The files named by the AWS CLI's variables are read; the role's keys serve the run and are not
    written to a '~/.aws/cli/cache' under the current folder (the AWS CLI's JSONFileCache would)."""
    from stsfake import FakeSts

    files = tmp_path / "aws"
    files.mkdir()
    (files / "credentials").write_text("[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = sbase\n")
    (files / "config").write_text("[profile r]\nrole_arn = arn:aws:iam::123456789012:role/ops\n"
                                  "source_profile = base\n")
    work = tmp_path / "work"
    work.mkdir()
    sts = FakeSts()
    try:
        runs = [homeless(fault_server.url, work, "enumerate-regions", "--profile", "r", "--get", "returnResult",
                         AWS_CONFIG_FILE=str(files / "config"), AWS_SHARED_CREDENTIALS_FILE=str(files / "credentials"),
                         AWS_ENDPOINT_URL_STS=sts.url, AWS_DEFAULT_REGION="us-east-1") for _ in range(2)]
    finally:
        sts.close()
    assert [(run.returncode, run.stderr) for run in runs] == [(0, "")] * 2
    assert sts.assumed() == [("ops", "AKIDBASE")] * 2  # asked each time: there is no cache to keep them in
    assert "Credential=ASIAOPS/" in fault_server.requests[-1].headers["Authorization"]
    assert list(work.iterdir()) == []

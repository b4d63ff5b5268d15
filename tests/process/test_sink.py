"""The one sink's exit statuses through the installed console script: a reader that went away (141),
a full disk or a closed stdout (4, saying what was done)."""

import subprocess

import pytest

from conftest import EC2OPS, env_for

AMI = "ami-12345678"


# -- the one sink, through the console script ----------------------------------------------------
@pytest.mark.parametrize("form", ["plain", "table", "json"])
def test_a_reader_that_went_away_ends_ec2ops_quietly_with_141(moto, form):
    child = subprocess.Popen([str(EC2OPS), "enumerate-regions", "-o", form], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env_for(moto))
    child.stdout.close()  # the only reader is gone before anything is written
    err = child.stderr.read()
    assert (child.wait(timeout=60), err) == (141, b"")


def test_head_under_pipefail_sees_141_on_a_large_table(ec2ops, moto):
    assert ec2ops("run-instances", "--ami-id", AMI, "--min-count", "300").code == 0
    done = subprocess.run(["bash", "-c", f"set -o pipefail; '{EC2OPS}' describe-instances -o table | head -1"],
                          capture_output=True, text=True, env=env_for(moto), timeout=120)
    assert (done.returncode, done.stderr, len(done.stdout.splitlines())) == (141, "", 1)


def test_a_full_disk_after_a_read_is_exit_4_in_one_line(moto):
    with open("/dev/full", "w") as full:
        done = subprocess.run([str(EC2OPS), "enumerate-regions"], stdout=full, stderr=subprocess.PIPE, text=True,
                              env=env_for(moto), timeout=60)
    assert (done.returncode, done.stderr) == (4, "ec2ops: stdout could not be written: No space left on device.\n")


def test_a_full_disk_after_a_change_says_what_was_done_and_never_the_private_key(ec2ops, moto):
    with open("/dev/full", "w") as full:
        done = subprocess.run([str(EC2OPS), "allocate-new-key-pair", "--key-name", "deploy"], stdout=full,
                              stderr=subprocess.PIPE, text=True, env=env_for(moto), timeout=60)
    assert (done.returncode, done.stderr) == (
        4, "ec2ops: CreateKeyPair was done, but its result could not be written (No space left on device): "
           "key pair deploy.\n")
    assert ec2ops("enumerate-key-pairs", "--get", "returnResult").out.split(",")[0] == "deploy"
    with open("/dev/full", "w") as full:
        done = subprocess.run([str(EC2OPS), "run-instances", "--ami-id", AMI, "--min-count", "2"], stdout=full,
                              stderr=subprocess.PIPE, text=True, env=env_for(moto), timeout=60)
    launched = [row.split(";")[0] for row in ec2ops("describe-instances", "--get", "returnResult").out.split()]
    assert (done.returncode, done.stderr) == (
        4, "ec2ops: RunInstances was done, but its result could not be written (No space left on device): "
           f"instance {', '.join(launched)}.\n")


def test_a_closed_stdout_is_exit_4_in_one_line(moto):
    done = subprocess.run(["bash", "-c", f"'{EC2OPS}' enumerate-regions >&-"], capture_output=True, text=True,
                          env=env_for(moto), timeout=60)
    assert (done.returncode, done.stderr) == (4, "ec2ops: stdout is closed.\n")

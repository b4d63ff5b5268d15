"""The second hostile audit's file cases, through the installed console script against the loopback
fault server: the dashboard's --file appended as `>>` appends, the key file only a regular file."""

import os
import stat
import subprocess
import threading

import pytest

from conftest import EC2OPS, env_for, measured


def run(endpoint: str, *args: str, stdin=subprocess.DEVNULL, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(EC2OPS), *args], stdin=stdin, capture_output=True, text=True, timeout=120,
                          env=env_for(endpoint), **kwargs)


DASHBOARD = ("ec2-dashboard", "--notify-method", "Write to File", "--file")


# -- 1. the dashboard's --file ---------------------------------------------------------------------------
def test_the_dashboard_is_appended_through_a_symlink_keeping_the_file_its_mode_and_its_inode(fault_server, tmp_path):
    target = tmp_path / "real.log"
    target.write_text("yesterday\n")
    target.chmod(0o640)
    before = target.stat()
    link = tmp_path / "dashboard.log"
    link.symlink_to(target)
    done = run(fault_server.url, *DASHBOARD, str(link))
    assert (done.returncode, done.stderr) == (0, "")
    assert link.is_symlink() and sorted(p.name for p in tmp_path.iterdir()) == ["dashboard.log", "real.log"]
    after = target.stat()
    assert (after.st_ino, stat.S_IMODE(after.st_mode), after.st_uid) == (before.st_ino, 0o640, before.st_uid)
    assert target.read_text().startswith("yesterday\nEC2 dashboard, ")


def test_a_fifo_is_written_through_and_stays_a_fifo(fault_server, tmp_path):
    fifo = tmp_path / "dashboard.fifo"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    done = run(fault_server.url, *DASHBOARD, str(fifo))
    reader.join(30)
    assert (done.returncode, done.stderr) == (0, "")
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and got[0].startswith(b"EC2 dashboard, ")


def test_concurrent_runs_and_another_writer_all_keep_their_lines(fault_server, tmp_path):
    path = tmp_path / "dashboard.log"
    children = [subprocess.Popen([str(EC2OPS), *DASHBOARD, str(path)], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env_for(fault_server.url))
                for _ in range(8)]
    with open(path, "a") as other:  # another process's `>>` meanwhile
        for n in range(50):
            other.write(f"other {n}\n")
            other.flush()
    assert [child.wait(120) for child in children] == [0] * 8
    text = path.read_text()
    assert text.count("EC2 dashboard, ") == 8 and all(f"other {n}\n" in text for n in range(50))


def test_memory_does_not_grow_with_the_size_of_the_dashboard_file(fault_server, tmp_path):
    path = tmp_path / "dashboard.log"
    with open(path, "wb") as handle:
        handle.truncate(1024 ** 3)  # a 1 GiB log (sparse): it is never read
    code, peak, _, err = measured(fault_server.url, *DASHBOARD, str(path))
    assert (code, err) == (0, "") and peak < 200 * 1024
    assert path.stat().st_size > 1024 ** 3


def test_a_new_dashboard_file_gets_the_umask_mode(fault_server, tmp_path):
    path = tmp_path / "dashboard.log"
    done = run(fault_server.url, *DASHBOARD, str(path), preexec_fn=lambda: os.umask(0o027))
    assert done.returncode == 0 and stat.S_IMODE(path.stat().st_mode) == 0o640


def test_an_existing_file_that_cannot_be_written_is_refused_before_any_call(fault_server, tmp_path):
    path = tmp_path / "dashboard.log"
    path.write_text("")
    path.chmod(0o444)
    if os.access(path, os.W_OK):  # root writes anything: `>>` would too
        pytest.skip("the file is writable to this user whatever its mode")
    done = run(fault_server.url, *DASHBOARD, str(path))
    assert (done.returncode, done.stdout, done.stderr) == (
        2, "", f"ec2ops: Cannot write the dashboard file {path}: permission denied (nothing was sent to EC2).\n")
    assert fault_server.requests == []


# -- 4. the key file ---------------------------------------------------------------------------------
@pytest.mark.parametrize("force", [[], ["--force"]])
@pytest.mark.parametrize("kind", ["fifo", "/dev/null", "/dev/stdout", "/proc/self/fd/1"])
def test_the_key_file_is_only_a_regular_file_or_a_new_one(fault_server, tmp_path, kind, force):
    path = tmp_path / "k.fifo" if kind == "fifo" else kind
    if kind == "fifo":
        os.mkfifo(path)
    before = os.lstat(path)
    done = run(fault_server.url, "allocate-new-key-pair", "--key-name", "k", "--key-file", str(path), *force)
    assert (done.returncode, done.stdout, done.stderr) == (
        2, "", f"ec2ops: {path} is not a regular file; the private key is written only to a regular file "
               "(nothing was sent to EC2).\n")
    after = os.lstat(path)
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode) and fault_server.requests == []


# -- 10. one reader of stdin -----------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"])
def test_a_path_that_is_stdin_is_stdin_and_shares_it_with_no_reader(fault_server, path):
    done = run(fault_server.url, "run-instances", "--ami-id", "-", "--user-data-file", path,
               stdin=None, input="ami-12345678\n")
    assert (done.returncode, done.stdout, done.stderr) == (
        2, "", f"ec2ops: --ami-id - and --user-data-file {path} both read standard input; give one of them another "
               "way.\n")
    assert fault_server.requests == []


def test_user_data_from_dev_stdin_is_read_once_and_sent(fault_server):
    done = run(fault_server.url, "run-instances", "--ami-id", "ami-12345678", "--user-data-file", "/dev/stdin",
               stdin=None, input="#!/bin/sh\necho hi\n")
    assert done.returncode == 0, done.stderr
    import base64
    sent = [r.params for r in fault_server.requests if r.action == "RunInstances"]
    assert base64.b64decode(sent[0]["UserData"]) == b"#!/bin/sh\necho hi\n"

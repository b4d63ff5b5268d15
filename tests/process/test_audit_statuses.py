"""The second hostile audit's exit statuses, through the installed console script against loopback
servers: throttling and EC2's 5xx past the retries are 3, a refusal is one line with its requestId,
out of memory is 3 in one line, and a stderr that cannot be written changes no status."""

import os
import socket
import subprocess

import pytest

from conftest import EC2OPS, SECRET_KEY, env_for, measured
from faultserver import REQUEST_ID


def run(endpoint: str, *args: str, stderr=subprocess.PIPE, extra_env=None, **kwargs) -> subprocess.CompletedProcess:
    env = {**env_for(endpoint), "EC2OPS_RETRY_BASE_DELAY": "0.002", **(extra_env or {})}
    return subprocess.run([str(EC2OPS), *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr,
                          text=True, timeout=120, env=env, **kwargs)


# -- 11. statuses --------------------------------------------------------------------------------------
@pytest.mark.parametrize("fault,arg,line", [
    ("throttle", None, f"ec2ops: Request limit exceeded. Error code: RequestLimitExceeded. (requestId: {REQUEST_ID})"),
    ("error", ("InternalError", "An internal error has occurred", 500),
     f"ec2ops: An internal error has occurred. Error code: InternalError. (requestId: {REQUEST_ID})"),
    ("error", ("Unavailable", "The service is unavailable", 503),
     f"ec2ops: The service is unavailable. Error code: Unavailable. (requestId: {REQUEST_ID})"),
])
def test_throttling_and_ec2_failures_past_the_retries_are_exit_3_in_one_line(fault_server, fault, arg, line):
    fault_server.push(fault, arg, times=5)
    done = run(fault_server.url, "enumerate-regions", "--max-attempts", "5")
    assert (done.returncode, done.stdout, done.stderr) == (3, "", line + "\n")
    assert len(fault_server.requests) == 5


def test_a_refusal_is_exit_1_in_one_line_with_its_request_id(fault_server):
    fault_server.push("error", ("InvalidParameterValue", "Bad value", 400))
    done = run(fault_server.url, "enumerate-regions")
    assert (done.returncode, done.stdout, done.stderr) == (
        1, "", f"ec2ops: Bad value. Error code: InvalidParameterValue. (requestId: {REQUEST_ID})\n")


def _gzip_answer(text_bytes: int) -> bytes:
    """DescribeRegions whose requestId is `text_bytes` of one letter, gzipped (about 1/1000 of it)."""
    import zlib

    packer = zlib.compressobj(1, zlib.DEFLATED, 31)
    chunk = b"a" * (1 << 20)
    parts = [packer.compress(b'<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>')]
    parts += [packer.compress(chunk) for _ in range(text_bytes >> 20)]
    parts += [packer.compress(b"</requestId><regionInfo/></DescribeRegionsResponse>"), packer.flush()]
    return b"".join(parts)


def test_out_of_memory_is_exit_3_in_one_line(fault_server):
    import resource

    def small_memory():
        resource.setrlimit(resource.RLIMIT_AS, (500 * 1024 ** 2, 500 * 1024 ** 2))
    fault_server.push("raw", (200, _gzip_answer(512 * 1024 ** 2), {"Content-Encoding": "gzip"}))
    done = run(fault_server.url, "enumerate-regions", preexec_fn=small_memory,
               extra_env={"EC2OPS_MAX_RESPONSE_BYTES": str(2 ** 40)})
    assert (done.returncode, done.stdout, done.stderr) == (
        3, "", "ec2ops: out of memory: the answer is larger than this machine can hold (lower "
               "EC2OPS_MAX_RESPONSE_BYTES or --page-size).\n")


def test_a_stacked_gzip_bomb_is_refused_at_the_cap_in_bounded_memory_and_time(fault_server):
    """2. `Content-Encoding: gzip, gzip`: 128 MiB of zeros in a kilobyte, refused at the default cap."""
    import time
    import zlib

    def gzipped(pieces) -> bytes:
        packer = zlib.compressobj(9, zlib.DEFLATED, 31)
        return b"".join([*(packer.compress(piece) for piece in pieces), packer.flush()])
    inner = gzipped(bytes(1 << 20) for _ in range(128))
    bomb = gzipped([inner])
    assert len(bomb) < 8192
    fault_server.push("raw", (200, bomb, {"Content-Encoding": "gzip, gzip"}))
    started = time.monotonic()
    code, peak, out, err = measured(fault_server.url, "enumerate-regions")
    assert (code, out, err) == (3, b"", (
        f"ec2ops: {fault_server.where} answered more than 67108864 bytes; refused (raise the limit with "
        f"EC2OPS_MAX_RESPONSE_BYTES if this is expected).\n"))
    assert time.monotonic() - started < 10 and peak < 150 * 1024


# -- issue 24: a stderr that cannot be written changes no status --------------------------------------------
def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_endpoint_with_stderr_full_is_still_exit_3():
    with open("/dev/full", "w") as full:
        done = run(f"http://127.0.0.1:{_closed_port()}", "enumerate-regions", "--max-attempts", "1", stderr=full)
    assert (done.returncode, done.stdout) == (3, "")


def test_a_dry_run_with_stderr_full_is_still_exit_0(fault_server):
    fault_server.push("error", ("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412))
    with open("/dev/full", "w") as full:
        done = run(fault_server.url, "delete-key-pair", "--key-name", "k", "--dry-run", stderr=full)
    assert (done.returncode, done.stdout) == (0, "")


def test_a_warning_with_stderr_full_never_aborts_a_read(fault_server):
    with open("/dev/full", "w") as full:  # a secret key as a flag is warned about, and --debug writes lines
        done = run(fault_server.url, "enumerate-regions", "--access-key", SECRET_KEY, "--debug", stderr=full)
    assert (done.returncode, done.stdout.splitlines()[-1]) == (0, f"requestId: {REQUEST_ID}")


def test_a_refusal_with_stderr_closed_is_still_exit_1(fault_server):
    fault_server.push("error", ("InvalidParameterValue", "Bad value", 400))
    done = run(fault_server.url, "enumerate-regions", stderr=subprocess.DEVNULL,
               preexec_fn=lambda: os.close(2))
    assert (done.returncode, done.stdout) == (1, "")

"""What the benchmarks share: the launcher that times a command in a fresh process (wall, CPU and peak
RSS), interleaved rounds, the moto server and its replay cache, the AWS CLI in benchmarks/.venv-awscli,
the clean environment both tools get, ec2ops as of a git commit, the machine's description, and the
pieces of the report (cells, rows, a section of RESULTS.md replaced in place).

Not a benchmark itself: run.py, regions.py and pages.py import it (`sys.path` has benchmarks/ first
when one of them runs as a script).
"""

from __future__ import annotations

import http.client
import importlib.metadata
import io
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tarfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

HERE = Path(__file__).resolve().parent
KEY_ID, SECRET = "AKIDBENCHMARK0000000", "benchmark-secret"
REGION = "us-east-1"


# -- measuring ---------------------------------------------------------------------------------
@dataclass
class Sample:
    wall: float  # seconds
    rss: float  # MiB, the child's peak resident set (with its own children)
    cpu: float = 0.0  # seconds, user + system, the child's own children included
    code: int | None = 0  # exit status; None when it was killed at its timeout
    started: float = 0.0  # time.monotonic() (CLOCK_MONOTONIC: the same in every process) just before the fork


@dataclass
class Case:
    key: str
    argv: list[str]
    env: dict[str, str]
    check: object = None  # callable(stdout text) -> error message or None, run on the warm-up output
    samples: list[Sample] = field(default_factory=list)


# The child is started by this small launcher, not by the benchmark itself: Linux carries the peak RSS of
# the process that forks a child into the child's own peak (exec records the old memory's high-water
# mark), so a child forked from this ~40 MiB process would never report less than 40 MiB.
LAUNCHER = """
import os, sys, time
began, started = time.monotonic(), time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - started
with open(sys.argv[1], "w") as report:
    report.write(f"{wall} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)} {usage.ru_utime + usage.ru_stime} {began!r}")
"""


def launch(argv: list[str], env: dict[str, str], workdir: Path, timeout: float | None = None,
           reader=None) -> Sample:
    """`argv` under the launcher: stdout into workdir/stdout (or, with `reader`, a pipe that
    reader(pipe) reads in a thread while the command runs), stderr into workdir/stderr. With a
    `timeout` (seconds) the launcher runs in its own process group, which is killed at the timeout:
    the Sample then has code None and the timeout as its wall time."""
    report = workdir / "report"
    report.unlink(missing_ok=True)
    with open(workdir / "stderr", "wb") as err, open(workdir / "stdout", "wb") as out:
        child = subprocess.Popen([sys.executable, "-I", "-S", "-c", LAUNCHER, str(report), *argv],
                                 stdout=subprocess.PIPE if reader else out, stderr=err, stdin=subprocess.DEVNULL,
                                 env=env, start_new_session=timeout is not None)
        thread = None
        if reader:
            thread = threading.Thread(target=reader, args=(child.stdout,), daemon=True)
            thread.start()
        try:
            child.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)  # the launcher, the command and whatever it started
            child.wait()
            if thread:
                thread.join()
            return Sample(float(timeout), float("nan"), float("nan"), None)
        if thread:
            thread.join()
            child.stdout.close()
    if child.returncode != 0:
        raise SystemExit(f"the launcher exited {child.returncode}: {(workdir / 'stderr').read_text()[-2000:]}")
    wall, rss, code, cpu, began = report.read_text().split()
    return Sample(float(wall), int(rss) / 1024, float(cpu), int(code), float(began))


def measure(case: Case, workdir: Path) -> tuple[Sample, str, str]:
    sample = launch(case.argv, case.env, workdir)
    out_path, err_path = workdir / "stdout", workdir / "stderr"
    text = out_path.read_text("utf-8", "replace")
    if sample.code != 0:
        raise SystemExit(f"{case.key}: {' '.join(case.argv)} exited {sample.code}:\n"
                         f"{err_path.read_text('utf-8', 'replace')[-2000:]}")
    return sample, text, err_path.read_text("utf-8", "replace")


def run_cases(cases: list[Case], runs: int, warmup: int, workdir: Path, label: str) -> None:
    for round_ in range(warmup + runs):
        for case in cases:
            sample, text, _ = measure(case, workdir)
            if round_ < warmup:
                problem = case.check(text) if case.check else None
                if problem:
                    raise SystemExit(f"{case.key}: unexpected output: {problem}\n{text[:500]}")
            else:
                case.samples.append(sample)
        print(f"  {label}: round {round_ + 1}/{warmup + runs} done (load {os.getloadavg()[0]:.2f})", flush=True)


def median_wall(samples: list[Sample]) -> float:
    return statistics.median(s.wall for s in samples)


def median_rss(samples: list[Sample]) -> float:
    return statistics.median(s.rss for s in samples)


def median_cpu(samples: list[Sample]) -> float:
    return statistics.median(s.cpu for s in samples)


# -- the moto server and the replay cache ----------------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_moto(port: int) -> subprocess.Popen:
    env = {**os.environ, "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("moto's server did not start")


class Replay(ThreadingHTTPServer):
    """Forwards to moto; answers a Describe query it has seen from memory (keyed on the form body,
    which is signed in headers, not in the body, with Signature Version 4)."""

    daemon_threads = True
    handler: type = None  # ReplayHandler, set below it

    def __init__(self, upstream: str):
        super().__init__(("127.0.0.1", 0), self.handler)
        self.upstream = urlsplit(upstream)
        self.cache: dict = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class ReplayHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as both clients expect

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        params = sorted(parse_qsl(body.decode("utf-8")))
        key = (self.path, tuple(params))
        action = dict(params).get("Action", "")
        cached = self.server.cache.get(key) if action.startswith("Describe") else None
        if cached is None:
            cached = forward(self, self.server.upstream, body)
            if action.startswith("Describe") and cached[0] == 200:
                self.server.cache[key] = cached
        answer(self, cached)

    def log_message(self, *args):
        pass


Replay.handler = ReplayHandler


def forward(handler: BaseHTTPRequestHandler, upstream, body: bytes) -> tuple[int, str, bytes]:
    """The request `handler` holds, sent to moto: (status, content type, content)."""
    connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=600)
    headers = {k: v for k, v in handler.headers.items() if k.lower() not in ("connection", "keep-alive")}
    connection.request("POST", handler.path, body=body, headers=headers)
    got = connection.getresponse()
    found = (got.status, got.getheader("Content-Type") or "text/xml", got.read())
    connection.close()
    return found


def answer(handler: BaseHTTPRequestHandler, cached: tuple[int, str, bytes]) -> None:
    """A (status, content type, content) as the answer, with a fresh request id."""
    status, content_type, content = cached
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(content)))
    handler.send_header("x-amzn-RequestId", str(uuid.uuid4()))
    handler.end_headers()
    handler.wfile.write(content)


# -- the tools -----------------------------------------------------------------------------------
def ensure_awscli(given: str | None) -> str:
    if given:
        return given
    venv = HERE / ".venv-awscli"
    aws = venv / "bin" / "aws"
    if not aws.exists():
        print(f"installing awscli into {venv} (benchmark only) ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "awscli"], check=True)
    return str(aws)


def version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine(aws: str, moto: bool = True) -> list[str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory = next(line.split(":", 1)[1].strip() for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal"))
    except (OSError, StopIteration):
        memory = "unknown"
    aws_version = subprocess.run([aws, "--version"], capture_output=True, text=True).stdout.strip()
    lines = [
        f"- CPU: {cpu}, {os.cpu_count()} cores; memory {memory}; {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()} ({sys.executable})",
        f"- ec2ops {version('ec2ops')}: click {version('click')}, httpx {version('httpx')}, "
        f"httpcore {version('httpcore')}, h11 {version('h11')}, rich {version('rich')}, "
        f"xmltodict {version('xmltodict')}",
        f"- AWS CLI: {aws_version} (in its own virtual environment)",
    ]
    if moto:
        lines.append(f"- moto {version('moto')} (server mode, werkzeug {version('werkzeug')})")
    return lines


def clean_env(scratch: Path, region: str = REGION) -> dict[str, str]:
    """What both tools run with: credentials from the environment, no ~/.aws or ec2ops configuration
    file (HOME is `scratch`), pagers set to cat."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(scratch),  # no ~/.aws, no ~/.config/ec2ops
        "LANG": "C.UTF-8",
        "AWS_ACCESS_KEY_ID": KEY_ID,
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_DEFAULT_REGION": region,
        "AWS_CONFIG_FILE": str(scratch / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(scratch / "aws-credentials"),
        "PAGER": "cat",
        "MANPAGER": "cat",
    }


def compile_package(package_dir: Path) -> None:
    """Bytecode as an installed package has it (pip compiles on install): not recompiled at every start."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package_dir)],
                   env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, check=True)


def ec2ops_script() -> str:
    """The `ec2ops` of this Python's environment (the editable install)."""
    ec2ops = str(Path(sys.executable).with_name("ec2ops"))
    if not os.path.exists(ec2ops):
        sys.exit("no ec2ops next to this Python")
    return ec2ops


# -- ec2ops as of a commit -----------------------------------------------------------------------
def extract(rev: str, into: Path) -> str:
    """ec2ops/ as of `rev`, under `into`; returns the full commit id."""
    repo = HERE.parent
    commit = subprocess.run(["git", "-C", str(repo), "rev-parse", "--verify", f"{rev}^{{commit}}"],
                            capture_output=True, text=True, check=True).stdout.strip()
    archive = subprocess.run(["git", "-C", str(repo), "archive", "--format=tar", commit, "ec2ops"],
                             capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return commit


def ec2ops_code(env: dict, rev: str | None, scratch: Path) -> tuple[dict, str | None, Path | None]:
    """The ec2ops a benchmark times: the working tree's (the installed one), or, with `rev`, that
    commit's, extracted and put first on PYTHONPATH; its bytecode compiled as an install's is.
    Returns (the environment to run it in, the commit, where it was extracted)."""
    commit = source = None
    if rev:
        source = scratch / "src"
        commit = extract(rev, source)
        ec2ops_env = {**env, "PYTHONPATH": str(source)}  # ahead of the editable install's finder
        package_dir = source / "ec2ops"
    else:
        import ec2ops as package

        ec2ops_env, package_dir = env, Path(package.__file__).parent
    compile_package(package_dir)
    return ec2ops_env, commit, source


def source_line(ec2ops_env: dict, commit: str | None, source: Path | None) -> str:
    # Run from elsewhere: `python -c` puts the current directory first, a script (ec2ops) its own directory.
    where = subprocess.run([sys.executable, "-c", "import ec2ops; print(ec2ops.__file__)"], env=ec2ops_env,
                           cwd=ec2ops_env["HOME"], capture_output=True, text=True, check=True).stdout.strip()
    repo = str(HERE.parent)
    if commit:
        if not where.startswith(str(source)):
            raise SystemExit(f"ec2ops is imported from {where}, not from the extracted {source}")
        return f"- ec2ops code: commit {commit[:12]}, extracted with git archive and first on PYTHONPATH"
    head = subprocess.run(["git", "-C", repo, "rev-parse", "--short=12", "HEAD"], capture_output=True,
                          text=True).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "-C", repo, "status", "--porcelain", "--", "ec2ops"], capture_output=True,
                           text=True).stdout.strip()
    return (f"- ec2ops code: the working tree ({where}) at {head}"
            f"{', with uncommitted changes in ec2ops/' if dirty else ', no uncommitted changes in ec2ops/'}")


# -- output checks -------------------------------------------------------------------------------
def lines_starting(prefix: str, count: int):
    def check(text: str):
        found = sum(1 for line in text.splitlines() if line.startswith(prefix))
        return None if found == count else f"{found} lines start with {prefix!r}, expected {count}"

    return check


def contains(*needles: str):
    def check(text: str):
        missing = [n for n in needles if n not in text]
        return f"missing {missing}" if missing else None

    return check


# -- the report ----------------------------------------------------------------------------------
def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def wall_cell(samples: list[Sample]) -> str:
    return f"{fmt_ms(median_wall(samples))} ({min(s.wall for s in samples) * 1000:,.0f})"


def row(label: str, ours: list[Sample], theirs: list[Sample] | None, their_label: str = "") -> str:
    o_wall, o_rss = median_wall(ours), median_rss(ours)
    if not theirs:
        return f"| {label} | | {wall_cell(ours)} | | | {o_rss:.1f} MiB | | |"
    t_wall, t_rss = median_wall(theirs), median_rss(theirs)
    return (f"| {label} | {their_label} | {wall_cell(ours)} | {wall_cell(theirs)} | **{t_wall / o_wall:.1f}x** | "
            f"{o_rss:.1f} MiB | {t_rss:.1f} MiB | {o_rss / t_rss:.2f} |")


HEADER = ("| ec2ops | AWS CLI | ec2ops wall (min) | AWS CLI wall (min) | AWS CLI / ec2ops | ec2ops peak RSS "
          "| AWS CLI peak RSS | RSS ec2ops / AWS CLI |\n|---|---|---:|---:|---:|---:|---:|---:|")


def load_line(before: tuple, after: tuple) -> str:
    return (f"- Load average (1, 5, 15 min) before: {', '.join(f'{x:.2f}' for x in before)}; after: "
            f"{', '.join(f'{x:.2f}' for x in after)} (other jobs share the machine; medians damp, not remove, "
            "their effect)")


def other_sections(path: Path, own: list[str]) -> str:
    """The `## ` sections of the file that are not among the headings `own` (those another
    benchmark wrote, e.g. regions.py's and pages.py's), as they are: a benchmark that writes the
    whole file keeps them."""
    if not path.exists():
        return ""
    kept, keeping = [], False
    for line in path.read_text().splitlines(keepends=True):
        if line.startswith("## "):
            keeping = line.rstrip("\n") not in own
        if keeping:
            kept.append(line)
    return "".join(kept).rstrip("\n") + "\n" if kept else ""


def write_section(path: Path, lines: list[str]) -> None:
    """Replace the section whose heading is lines[0] (from it up to the next `## ` heading) or append
    it; the rest of the file untouched."""
    heading = lines[0]
    text = path.read_text() if path.exists() else ""
    new = "\n".join(lines).rstrip("\n") + "\n"
    old = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(old) if line.rstrip("\n") == heading), None)
    if start is None:
        text = text.rstrip("\n") + "\n\n" + new if text.strip() else new
    else:
        end = next((i for i in range(start + 1, len(old)) if old[i].startswith("## ")), len(old))
        after = "".join(old[end:])
        text = "".join(old[:start]) + new + ("\n" + after if after else "")
    path.write_text(text)

"""ec2ops on a large account, page by page, beside the AWS CLI: writes the "Pages (large accounts)"
section of benchmarks/RESULTS.md (issue 15: rows stream as pages arrive, memory stays flat, paging
hides the parse).

    python benchmarks/pages.py                   # 6 to 10 minutes; --runs 2 --probe-timeout 60 for a quick look
    python benchmarks/pages.py --ec2ops-commit HEAD
    python benchmarks/pages.py --help

Run it with the Python of ec2ops's development environment, like run.py and regions.py (it shares
their pieces, in harness.py: the launcher that times a command in a fresh process, the AWS CLI in
benchmarks/.venv-awscli, ec2ops as of a commit). No moto: the answers are synthesized.

What it does:
1. serves synthesized EC2 answers from a threaded HTTP server on 127.0.0.1, in this process, one
   "account" per URL path (the endpoint is http://127.0.0.1:PORT/ACCOUNT/; any credentials pass):
   - `large`: 20,000 instances, each in its own reservation, answered 1,000 per DescribeInstances
     page (a larger MaxResults, or none, is capped to 1,000; a smaller one is honoured), each page but
     the last ending with a <nextToken>; every instance with its own ids and addresses, shaped and
     indented as EC2 writes them (four spaces a level), ~3.1 kB each: a page is ~3.1 MB;
   - `slow`: the same 20,000, each answer sent 300 ms after its request came (a sleep in the
     connection's own thread, no lock held), as a real region's latency;
   - `small`: 1,000 instances, one page: ec2ops's memory for one page;
   - `volumes`: one DescribeVolumes answer of 1,700,000 small items (whatever MaxResults says), ~66 MB,
     just under ec2ops's 64 MiB response cap (67,108,864 bytes).
   The server notes each request (its MaxResults and NextToken) and, on time.monotonic(), when it
   began to send each answer;
2. times each command in a fresh process (wall, CPU, peak RSS: harness.launch), the commands of a
   round interleaved, medians and minima over --runs rounds after --warmup rounds:
   a. 20 pages, no delay: `ec2ops describe-instances` (plain) and `-o json`, and
      `aws ec2 describe-instances --output text`;
   b. one page (1,000 instances): `ec2ops describe-instances`, in the same rounds as a;
   c. 20 pages, 300 ms per answer: ec2ops (plain) and the AWS CLI, their stdout read through a pipe
      by this process, which notes when the first byte and the first row arrive (time.monotonic(),
      the server's clock): the first row against the moment the server began to send page 2;
   d. the 66 MB answer: `ec2ops describe-volumes` plain, `-o json`, `-o table` and
      `--get returnResult`, --probe-runs times each, each killed after --probe-timeout seconds;
   e. start-up: `python -c pass`, `ec2ops --help`, `ec2ops --version` (--startup-runs rounds);
   every run's output is checked (20,000 distinct instance rows, 20,000 INSTANCES lines, the
   requests the server saw), so that a broken run fails the benchmark instead of passing as fast;
3. writes the section: machine, load, the code's commit, each target of issue 15 met or missed with
   the figures side by side with the AWS CLI's and ratios from paired runs (the same round). run.py
   rewrites the whole file: run this one after it.

--ec2ops-commit REV times ec2ops as of a git commit (extracted with git archive into a scratch
directory, first on PYTHONPATH) instead of the working tree the editable install runs.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import itertools
import json
import math
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import harness  # noqa: E402 - benchmarks/harness.py: a module beside this script, not a package
from harness import Sample, fmt_ms  # noqa: E402

SECTION = "## Pages (large accounts)"
PAGE_CAP = 1000  # EC2's largest DescribeInstances page
RESPONSE_CAP = 64 * 1024 * 1024  # ec2ops's max_response_bytes
EC2OPS_ROW = re.compile(rb"^i-[0-9a-f]{17}\b")

# -- the synthesized answers -------------------------------------------------------------------
# One reservation with one instance as moto 5.2 writes it (its DescribeInstances answer for an
# instance run in the default VPC, with a key pair and a Name tag: every field of the API
# reference's Instance that moto sends; no indentation, as moto sends it), with its own ids and
# addresses: ~3.4 kB and 102 elements. <platform> is left out: moto sends it for Windows images only.
MOTO_RESERVATION = (
    "<item><reservationId>r-{rid}</reservationId><ownerId>123456789012</ownerId><groupSet/><instancesSet><item>"
    "<architecture>x86_64</architecture><blockDeviceMapping><item><deviceName>/dev/xvda</deviceName><ebs>"
    "<attachTime>2024-03-11T09:21:45.000Z</attachTime><deleteOnTermination>true</deleteOnTermination>"
    "<status>attached</status><volumeId>vol-{vid}</volumeId></ebs></item></blockDeviceMapping>"
    "<clientToken>{token}</clientToken><ebsOptimized>false</ebsOptimized><hypervisor>xen</hypervisor>"
    "<networkInterfaceSet><item><association><ipOwnerId>123456789012</ipOwnerId>"
    "<publicDnsName>ec2-{public_dashed}.compute-1.amazonaws.com</publicDnsName><publicIp>{public}</publicIp>"
    "</association><attachment><attachTime>2024-03-11T09:21:44.000Z</attachTime>"
    "<attachmentId>eni-attach-{aid}</attachmentId><deleteOnTermination>true</deleteOnTermination>"
    "<deviceIndex>0</deviceIndex><status>attached</status><networkCardIndex>0</networkCardIndex></attachment>"
    "<description>Primary network interface</description><groupSet><item><groupId>sg-0123456789abcdef0</groupId>"
    "<groupName>web</groupName></item></groupSet><ipv6AddressesSet/><macAddress>{mac}</macAddress>"
    "<networkInterfaceId>eni-{eid}</networkInterfaceId><ownerId>123456789012</ownerId>"
    "<privateDnsName>ip-{dashed}.ec2.internal</privateDnsName><privateIpAddress>{ip}</privateIpAddress>"
    "<privateIpAddressesSet><item><association><ipOwnerId>123456789012</ipOwnerId>"
    "<publicDnsName>ec2-{public_dashed}.compute-1.amazonaws.com</publicDnsName><publicIp>{public}</publicIp>"
    "</association><primary>true</primary><privateIpAddress>{ip}</privateIpAddress></item></privateIpAddressesSet>"
    "<sourceDestCheck>true</sourceDestCheck><status>in-use</status><subnetId>subnet-0a1b2c3d4e5f6071{zone}</subnetId>"
    "<vpcId>vpc-0f1e2d3c4b5a69788</vpcId><interfaceType>interface</interfaceType></item></networkInterfaceSet>"
    "<rootDeviceName>/dev/xvda</rootDeviceName><rootDeviceType>ebs</rootDeviceType><groupSet><item>"
    "<groupId>sg-0123456789abcdef0</groupId><groupName>web</groupName></item></groupSet>"
    "<sourceDestCheck>true</sourceDestCheck><sriovNetSupport>simple</sriovNetSupport><stateReason><code/><message/>"
    "</stateReason><tagSet><item><key>Name</key><value>web-{n}</value></item></tagSet>"
    "<virtualizationType>hvm</virtualizationType><hibernationOptions/><metadataOptions><state>applied</state>"
    "<httpTokens>optional</httpTokens><httpPutResponseHopLimit>1</httpPutResponseHopLimit>"
    "<httpEndpoint>enabled</httpEndpoint><httpProtocolIpv6>disabled</httpProtocolIpv6>"
    "<instanceMetadataTags>disabled</instanceMetadataTags></metadataOptions><instanceId>i-{iid}</instanceId>"
    "<imageId>ami-0c02fb55956c7d316</imageId><instanceState><code>16</code><name>running</name></instanceState>"
    "<privateDnsName>ip-{dashed}.ec2.internal</privateDnsName>"
    "<dnsName>ec2-{public_dashed}.compute-1.amazonaws.com</dnsName><reason/><keyName>ops-2024</keyName>"
    "<amiLaunchIndex>0</amiLaunchIndex><productCodes/><instanceType>m5.large</instanceType>"
    "<launchTime>2024-03-11T09:21:44.000Z</launchTime><placement><groupName/><tenancy>default</tenancy>"
    "<availabilityZone>us-east-1{zone}</availabilityZone></placement><monitoring><state>disabled</state></monitoring>"
    "<subnetId>subnet-0a1b2c3d4e5f6071{zone}</subnetId><vpcId>vpc-0f1e2d3c4b5a69788</vpcId>"
    "<privateIpAddress>{ip}</privateIpAddress><ipAddress>{public}</ipAddress></item></instancesSet></item>"
)
# The form the benchmark served before (--shape lean): EC2's indentation (four spaces a level) and
# fewer of the fields an instance in a VPC has, ~3.1 kB and 53 elements.
LEAN_RESERVATION = """\
        <item>
            <reservationId>r-{rid}</reservationId>
            <ownerId>123456789012</ownerId>
            <groupSet/>
            <instancesSet>
                <item>
                    <instanceId>i-{iid}</instanceId>
                    <imageId>ami-0c02fb55956c7d316</imageId>
                    <instanceState>
                        <code>16</code>
                        <name>running</name>
                    </instanceState>
                    <privateDnsName>ip-{dashed}.ec2.internal</privateDnsName>
                    <dnsName/>
                    <reason/>
                    <keyName>ops-2024</keyName>
                    <productCodes/>
                    <instanceType>m5.large</instanceType>
                    <launchTime>2024-03-11T09:21:44.000Z</launchTime>
                    <placement>
                        <availabilityZone>us-east-1{zone}</availabilityZone>
                        <groupName/>
                        <tenancy>default</tenancy>
                    </placement>
                    <monitoring>
                        <state>disabled</state>
                    </monitoring>
                    <subnetId>subnet-0a1b2c3d4e5f6071{zone}</subnetId>
                    <vpcId>vpc-0f1e2d3c4b5a69788</vpcId>
                    <privateIpAddress>{ip}</privateIpAddress>
                    <sourceDestCheck>true</sourceDestCheck>
                    <groupSet>
                        <item>
                            <groupId>sg-0123456789abcdef0</groupId>
                            <groupName>web</groupName>
                        </item>
                    </groupSet>
                    <architecture>x86_64</architecture>
                    <rootDeviceType>ebs</rootDeviceType>
                    <rootDeviceName>/dev/xvda</rootDeviceName>
                    <blockDeviceMapping>
                        <item>
                            <deviceName>/dev/xvda</deviceName>
                            <ebs>
                                <volumeId>vol-{vid}</volumeId>
                                <status>attached</status>
                                <attachTime>2024-03-11T09:21:45.000Z</attachTime>
                                <deleteOnTermination>true</deleteOnTermination>
                            </ebs>
                        </item>
                    </blockDeviceMapping>
                    <virtualizationType>hvm</virtualizationType>
                    <tagSet>
                        <item>
                            <key>Name</key>
                            <value>web-{n}</value>
                        </item>
                    </tagSet>
                    <networkInterfaceSet>
                        <item>
                            <networkInterfaceId>eni-{eid}</networkInterfaceId>
                            <status>in-use</status>
                            <macAddress>{mac}</macAddress>
                        </item>
                    </networkInterfaceSet>
                </item>
            </instancesSet>
        </item>
"""
SHAPES = {"moto": MOTO_RESERVATION, "lean": LEAN_RESERVATION}
RESERVATION = MOTO_RESERVATION  # the shape served: main() sets it from --shape before any answer is built


def elements(template: str) -> int:
    """A reservation's elements, <empty/> ones included."""
    return template.count("<") - template.count("</")
BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def hex17(n: int, multiplier: int) -> str:
    """17 hex digits, distinct for distinct n (an odd multiplier is a bijection modulo 2**68), that look random."""
    return f"{(n * multiplier + 0x5DEECE66D) % (1 << 68):017x}"


def reservation(n: int) -> str:
    ip = (10, (n >> 16) & 255, (n >> 8) & 255, n & 255)
    public = (54, 100 + (n >> 16) % 100, (n >> 8) & 255, n & 255)
    return RESERVATION.format(
        public=".".join(map(str, public)), public_dashed="-".join(map(str, public)),
        aid=hex17(n, 0x85EBCA77C2B2AE63), token=uuid.UUID(int=n * 0x9E3779B97F4A7C15 % (1 << 128)),
        rid=hex17(n, 0x9E3779B97F4A7C15), iid=hex17(n, 0xC2B2AE3D27D4EB4F), vid=hex17(n, 0x165667B19E3779F9),
        eid=hex17(n, 0x27D4EB2F165667C5), n=n, zone="abcdef"[n % 6], ip=".".join(map(str, ip)),
        dashed="-".join(map(str, ip)), mac="0e:" + ":".join(f"{(n * 2654435761 >> s) & 255:02x}" for s in (0, 8, 16, 24, 32)))


def next_token(offset: int) -> str:
    """Opaque, like EC2's: base64 of the offset and a digest."""
    raw = f"pages:{offset}:".encode() + hashlib.sha256(str(offset).encode()).digest() * 2
    return base64.b64encode(raw).decode()


def offset_of(token: str) -> int | None:
    try:
        kind, offset, _ = base64.b64decode(token, validate=True).split(b":", 2)
        return int(offset) if kind == b"pages" and next_token(int(offset)) == token else None
    except (ValueError, TypeError):
        return None


def head(action: str, version: str, request_id: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<{action}Response xmlns="http://ec2.amazonaws.com/doc/'
            f'{version}/">\n    <requestId>{request_id}</requestId>\n').encode()


def instances_page(offset: int, size: int, total: int) -> bytes:
    """A DescribeInstances answer after its head: `size` reservations from `offset`, and a nextToken unless last."""
    end = min(total, offset + size)
    parts = ["    <reservationSet>\n", *map(reservation, range(offset, end)), "    </reservationSet>\n"]
    if offset >= end:
        parts = ["    <reservationSet/>\n"]
    if end < total:
        parts.append(f"    <nextToken>{next_token(end)}</nextToken>\n")
    parts.append("</DescribeInstancesResponse>\n")
    return "".join(parts).encode()


def volume_id(n: int) -> str:
    """n's five base-36 digits: ids of 5 characters, so that 1.7 million items fit under 64 MiB."""
    return "".join(BASE36[n // 36 ** k % 36] for k in range(4, -1, -1))


VOLUME_ITEM = "<item><volumeId>{}</volumeId></item>"  # 39 bytes with a 5-character id


def volumes_answer(count: int) -> bytes:
    """A DescribeVolumes answer after its head: `count` items, none between them."""
    ids = ("".join(digits) for digits in itertools.islice(itertools.product(BASE36, repeat=5), count))
    items = "".join(map(VOLUME_ITEM.format, ids))
    return f"    <volumeSet>{items}</volumeSet>\n</DescribeVolumesResponse>\n".encode()


def error_answer(code: str, message: str, request_id: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>{code}</Code><Message>'
            f'{message}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>\n').encode()


# -- the server --------------------------------------------------------------------------------
@dataclass
class Account:
    instances: int = 0
    delay: float = 0.0  # seconds before each answer
    volumes: int = 0  # items of its one DescribeVolumes answer


@dataclass
class Served:
    """One request, as the server saw it; times on this process's time.monotonic()."""
    account: str
    action: str
    max_results: str | None
    offset: int
    items: int  # reservations (instances) or volumes in the answer
    size: int  # bytes of the answer's body
    status: int
    received: float
    sending: float  # the delay over, the status line about to be written
    sent: float  # the last byte handed to the kernel (or the client gone)
    complete: bool = True


class PageServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def __init__(self, accounts: dict[str, Account]):
        super().__init__(("127.0.0.1", 0), PageHandler)
        self.accounts = accounts
        self.answers: dict[tuple, bytes] = {}  # built once: (kind, ...) -> body after the head
        self.build_lock = threading.Lock()
        self.log_lock = threading.Lock()  # for the log only: never held while sleeping or sending
        self.log: list[Served] = []

    def url(self, account: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/{account}/"

    def answer_body(self, key: tuple, build) -> bytes:
        with self.build_lock:
            if key not in self.answers:
                self.answers[key] = build()
            return self.answers[key]

    def take_log(self) -> list[Served]:
        with self.log_lock:
            log, self.log = self.log, []
        return log


class PageHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as both clients expect

    def do_POST(self):  # noqa: N802
        received = time.monotonic()
        server: PageServer = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        params = dict(parse_qsl(body.decode("utf-8", "replace")))
        name = self.path.strip("/").split("/")[0]
        account = server.accounts.get(name)
        action, version = params.get("Action", ""), params.get("Version", "2016-11-15")
        request_id = str(uuid.uuid4())
        max_results = params.get("MaxResults")
        status, offset, items = 200, 0, 0
        if account is None:
            status, content = 400, error_answer("AuthFailure", f"No account at {self.path}.", request_id)
        elif action == "DescribeInstances":
            size = PAGE_CAP
            if max_results is not None:
                size = min(PAGE_CAP, int(max_results)) if max_results.isdigit() and int(max_results) > 0 else 0
            offset = offset_of(params["NextToken"]) if "NextToken" in params else 0
            if not size or offset is None or offset > account.instances:
                status, content = 400, error_answer("InvalidParameterValue", "Bad MaxResults or NextToken.",
                                                    request_id)
                offset = offset or 0
            else:
                total = account.instances
                items = max(0, min(size, total - offset))
                content = head(action, version, request_id) + server.answer_body(
                    ("instances", offset, size, total), lambda: instances_page(offset, size, total))
        elif action == "DescribeVolumes":  # one answer, whatever MaxResults says
            items = account.volumes
            content = server.answer_body(("volumes", items), lambda: volumes_answer(items))
            content = [head(action, version, request_id), content]  # 66 MB: not copied
        else:
            status, content = 400, error_answer("InvalidAction", f"{action} is not served here.", request_id)
        time.sleep(account.delay if account else 0)  # EC2's latency: each connection in its own thread
        sending = time.monotonic()
        parts = content if isinstance(content, list) else [content]
        complete = True
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/xml;charset=UTF-8")
            self.send_header("Content-Length", str(sum(map(len, parts))))
            self.send_header("x-amzn-RequestId", request_id)
            self.send_header("Server", "AmazonEC2")
            self.end_headers()
            for part in parts:
                self.wfile.write(part)
        except (BrokenPipeError, ConnectionResetError):  # the client was killed (a timeout) or gave up
            complete = False
            self.close_connection = True
        with server.log_lock:
            server.log.append(Served(name, action, max_results, offset, items, sum(map(len, parts)), status,
                                     received, sending, time.monotonic(), complete))

    def log_message(self, *args):
        pass


# -- the cases ---------------------------------------------------------------------------------
@dataclass
class Run:
    sample: Sample
    served: list[Served]
    first_byte: float | None = None  # time.monotonic() when stdout's first byte came (piped cases)
    first_row: float | None = None  # ... and when the first whole row came
    outcome: str = "ok"  # for the probe: ok, refused, timeout, exit N, bad output


@dataclass
class PCase:
    key: str
    shown: str  # the command as the report shows it
    argv: list[str]
    env: dict[str, str]
    account: str
    check: object  # callable(path of stdout) -> problem or None
    row: bytes | None = None  # with it, stdout is read through a pipe: the first line starting with this is a row
    runs: list[Run] = field(default_factory=list)

    @property
    def samples(self) -> list[Sample]:
        return [run.sample for run in self.runs]


class StdoutWatch:
    """Reads a command's stdout from its pipe into a file, noting when the first byte and the first row came."""

    def __init__(self, path: Path, row: bytes):
        self.path, self.row = path, row
        self.first_byte = self.first_row = None

    def read(self, pipe) -> None:
        fd, pending = pipe.fileno(), b""
        with open(self.path, "wb") as out:
            while chunk := os.read(fd, 1 << 16):
                now = time.monotonic()
                if self.first_byte is None:
                    self.first_byte = now
                if self.first_row is None:
                    *lines, pending = (pending + chunk).split(b"\n")
                    if any(line.startswith(self.row) for line in lines):
                        self.first_row, pending = now, b""
                out.write(chunk)


def count_lines(path: Path, pattern: re.Pattern) -> tuple[int, int]:
    """Lines matching `pattern`, and how many distinct of them (on their first 40 bytes)."""
    found, distinct = 0, set()
    with open(path, "rb") as text:
        for line in text:
            if pattern.match(line):
                found += 1
                distinct.add(line[:40])
    return found, len(distinct)


def ec2ops_rows(expected: int):
    def check(path: Path):
        found, distinct = count_lines(path, EC2OPS_ROW)
        if found != expected or distinct != expected:
            return f"{found} instance rows ({distinct} distinct), expected {expected}"
        return None

    return check


def aws_rows(expected: int):
    pattern = re.compile(rb"^INSTANCES\t")

    def check(path: Path):
        with open(path, "rb") as text:
            ids = [next((f for f in line.split(b"\t") if f.startswith(b"i-")), b"") for line in text
                   if pattern.match(line)]
        if len(ids) != expected or len(set(ids)) != expected:
            return f"{len(ids)} INSTANCES lines ({len(set(ids))} distinct ids), expected {expected}"
        return None

    return check


def ec2ops_json(expected: int):
    def check(path: Path):
        ids = re.findall(rb'"instanceId": *"(i-[0-9a-f]{17})"', path.read_bytes())
        try:
            json.loads(path.read_bytes())
        except ValueError as exc:
            return f"not one JSON document: {exc}"
        if len(ids) != expected or len(set(ids)) != expected:
            return f"{len(ids)} instanceIds ({len(set(ids))} distinct), expected {expected}"
        return None

    return check


def served_check(case: PCase, served: list[Served], instances: int) -> str | None:
    """The requests a run made: pages in order, each answered whole, all the instances once."""
    mine = [s for s in served if s.account == case.account]
    if len(mine) != len(served) or not mine:
        return f"requests to {sorted({s.account for s in served})}, expected {case.account} only"
    if any(s.status != 200 or not s.complete or s.action != "DescribeInstances" for s in mine):
        return "a request failed: " + ", ".join(f"{s.action} {s.status}" for s in mine)
    offsets = [s.offset for s in mine]
    expected = list(itertools.accumulate([s.items for s in mine[:-1]], initial=0))
    if offsets != expected or sum(s.items for s in mine) != instances:
        return f"pages at offsets {offsets[:5]}..., {sum(s.items for s in mine)} instances in all, expected {instances}"
    return None


def run_one(case: PCase, server: PageServer, workdir: Path, timeout: float) -> Run:
    server.take_log()
    watch = StdoutWatch(workdir / "stdout", case.row) if case.row else None
    sample = harness.launch(case.argv, case.env, workdir, timeout=timeout, reader=watch.read if watch else None)
    if sample.code is None:
        time.sleep(0.5)  # a killed client's last request: let the server note it
    served = server.take_log()
    return Run(sample, served, watch.first_byte if watch else None, watch.first_row if watch else None)


def rounds(cases: list[PCase], count: int, measured: bool, server: PageServer, workdir: Path, label: str,
           accounts: dict[str, Account], timeout: float) -> None:
    """Each case once per round, interleaved; every run's output and requests checked; a failure ends the benchmark."""
    for round_ in range(count):
        for case in cases:
            run = run_one(case, server, workdir, timeout)
            if run.sample.code != 0:
                what = "timed out" if run.sample.code is None else f"exited {run.sample.code}"
                raise SystemExit(f"{case.key} ({label}): {' '.join(case.argv)} {what}:\n"
                                 f"{(workdir / 'stderr').read_text('utf-8', 'replace')[-2000:]}")
            problem = case.check(workdir / "stdout") or served_check(case, run.served, accounts[case.account].instances)
            if case.row and problem is None and run.first_row is None:
                problem = "no row seen on stdout"
            if problem:
                raise SystemExit(f"{case.key} ({label}): unexpected output: {problem}\n"
                                 f"{(workdir / 'stdout').read_text('utf-8', 'replace')[:500]}")
            if measured:
                case.runs.append(run)
        print(f"  {label}: round {round_ + 1}/{count} done (load {os.getloadavg()[0]:.2f})", flush=True)


# -- the 66 MB probe ---------------------------------------------------------------------------
PROBE_FORMS = [("plain", []), ("-o json", ["-o", "json"]), ("-o table", ["-o", "table"]),
               ("--get returnResult", ["--get", "returnResult"])]
VOLUME_ROW = re.compile(rb"^[0-9a-z]{5}(,|$)")
TABLE_ROW = re.compile(rb"^\W*[0-9a-z]{5}\W")
# A refusal that names its limit: "answered more than 67108864 bytes", "at most 10000 rows".
LIMIT_NAMED = re.compile(r"[^\n]*(\d[\d,_]* ?(bytes|rows|items|MiB|MB)\b|at most \d|more than \d)[^\n]*")


def probe_check(form: str, path: Path, items: int) -> str | None:
    """The whole answer printed: one row (or object) per volume."""
    if form == "-o json":
        found, tail, key = 0, b"", b'"volumeId"'
        with open(path, "rb") as text:
            for chunk in iter(lambda: text.read(1 << 24), b""):
                found += (tail + chunk).count(key)
                tail = chunk[-(len(key) - 1):]  # a key cut in two by the chunks is counted once, in the next
    else:
        found = count_lines(path, TABLE_ROW if form == "-o table" else VOLUME_ROW)[0]
    return None if found == items else f"{found:,} volumes in the output, expected {items:,}"


def probe(ec2ops: str, env: dict, server: PageServer, workdir: Path, items: int, runs: int,
          timeout: float, before: dict | None = None) -> dict[str, list[Run]]:
    """Each form `runs` times; with `before` (an older ec2ops's environment), its plain form beside."""
    results: dict[str, list[Run]] = {}
    ours = {**env, "EC2OPS_ENDPOINT": server.url("volumes")}
    forms = [(form, flags, ours) for form, flags in PROBE_FORMS]
    if before:
        forms.append(("plain, before", [], {**before, "EC2OPS_ENDPOINT": server.url("volumes")}))
    for round_ in range(runs):
        for form, flags, ours in forms:
            case = PCase(form, "", [ec2ops, "describe-volumes", *flags], ours, "volumes", None)
            run = run_one(case, server, workdir, timeout)
            stderr = (workdir / "stderr").read_text("utf-8", "replace")
            if run.sample.code is None:
                run.outcome = f"timeout ({timeout:g} s)"
            elif run.sample.code == 3 and LIMIT_NAMED.search(stderr):
                run.outcome = "refused: " + LIMIT_NAMED.search(stderr).group(0)[:300]
            elif run.sample.code != 0:
                run.outcome = f"exit {run.sample.code}: " + (stderr.strip().splitlines() or [""])[-1][:200]
            else:
                problem = probe_check(form, workdir / "stdout", items)
                run.outcome = f"bad output: {problem}" if problem else "ok"
            results.setdefault(form, []).append(run)
            print(f"  probe {form}: {run.outcome}, {run.sample.wall:.1f} s, {run.sample.rss:.0f} MiB", flush=True)
    return results


# -- the report --------------------------------------------------------------------------------
def med(values) -> float:
    return statistics.median(values)


def paired(a: PCase, b: PCase, what) -> float:
    """The median over rounds of what(a's run, b's run) in the same round."""
    return med(what(x.sample, y.sample) for x, y in zip(a.runs, b.runs))


def verdict(ok: bool) -> str:
    return "met" if ok else "missed"


def requests_cell(case: PCase) -> str:
    served = case.runs[0].served
    sizes = sorted({s.max_results for s in served}, key=str)
    asked = "MaxResults not sent" if sizes == [None] else "MaxResults " + ", ".join(map(str, sizes))
    return f"{len(served)} DescribeInstances ({asked})"


def case_row(case: PCase) -> str:
    s = case.samples
    return (f"| {case.shown} | {requests_cell(case)} | {harness.wall_cell(s)} | {fmt_ms(harness.median_cpu(s))} | "
            f"{harness.median_rss(s):.1f} MiB ({min(x.rss for x in s):.1f}) |")


def latency(case: PCase) -> dict[str, float]:
    """Per run, seconds from the command's start: first byte, first row, the server's sending of pages 1 and 2."""
    out: dict[str, list[float]] = {"first byte": [], "first row": [], "page 1 sent": [], "page 2 sent": [],
                                   "last page sent": [], "row - page 2": []}
    for run in case.runs:
        start = run.sample.started
        sends = [s.sending for s in run.served]
        out["first byte"].append(run.first_byte - start)
        out["first row"].append(run.first_row - start)
        out["page 1 sent"].append(sends[0] - start)
        out["page 2 sent"].append(sends[1] - start)
        out["last page sent"].append(sends[-1] - start)
        out["row - page 2"].append(run.first_row - sends[1])
    return {k: med(v) for k, v in out.items()} | {"before page 2": sum(v < 0 for v in out["row - page 2"])}


def section(args, argv: list[str], minutes: float, c: dict[str, PCase], probes: dict[str, list[Run]],
            startup: dict[str, harness.Case], machine_lines: list[str], loads: tuple, page_bytes: int,
            volumes_bytes: int, parts: set[str]) -> list[str]:
    pages = math.ceil(args.instances / PAGE_CAP)
    lines = [
        SECTION,
        "",
        f"Written by `{' '.join(argv)}` on {time.strftime('%Y-%m-%d %H:%M %Z')}, in {minutes:.0f} minutes. "
        f"Medians (and minimum) of {args.runs} runs, each command in a fresh process after {args.warmup} "
        "warm-up round(s), the commands of a round interleaved; wall time, CPU time (user + system) and peak "
        "RSS as in run.py (harness.launch). Ratios marked *paired* are the median of each round's own ratio.",
        "",
        f"The answers are synthesized by a threaded server in the benchmark's process: {args.instances:,} "
        f"instances, one per reservation, in pages of at most {PAGE_CAP:,} (a larger MaxResults, or none, is "
        f"capped; a smaller one honoured), each page but the last ending with a nextToken. An instance is written "
        + ("as moto 5.2 writes it (in the default VPC, with a key pair and a Name tag: every field of the API "
           "reference's Instance that moto sends, no indentation)" if args.shape == "moto" else
           "in the lean form (EC2's VPC fields, fewer of them, four spaces of indentation a level)")
        + ", with its own ids and addresses: "
        f"{page_bytes / PAGE_CAP:,.0f} bytes and {elements(RESERVATION)} XML elements each, "
        f"{page_bytes / 1e6:.2f} MB a page. "
        "Every run's output was "
        "checked (one distinct row, or INSTANCES line, per instance; the pages asked in order, each once) and "
        "every run's requests counted.",
        "",
        *machine_lines,
        harness.load_line(*loads),
        "",
    ]
    targets: list[str] = []
    if "pages" in parts:
        ours, theirs, json_, one = (c[k] for k in ("ec2ops", "aws", "ec2ops json", "ec2ops one page"))
        get, before = c["ec2ops get"], [k for k in ("before", "before get", "before json") if c[k].runs]
        speed = paired(ours, theirs, lambda o, t: t.wall / o.wall)
        memory = paired(ours, theirs, lambda o, t: o.rss / t.rss)
        flat = paired(ours, one, lambda o, p: o.rss / p.rss)
        lines += [
            f"### {pages} pages of {PAGE_CAP:,}, answered at once",
            "",
            "| Command | Requests the server saw | Wall (min) | CPU | Peak RSS (min) |",
            "|---|---|---:|---:|---:|",
            *map(case_row, (ours, get, json_, *(c[k] for k in before), theirs, one)),
            "",
        ]
        for label, case in [("plain", ours), ("`--get returnResult`", get), ("`-o json`", json_)]:
            bound = 2.5 if case is json_ else 3
            ratio = paired(case, theirs, lambda o, t: t.wall / o.wall)
            cpu = paired(case, theirs, lambda o, t: t.cpu / o.cpu)
            old = {"plain": "before", "`--get returnResult`": "before get", "`-o json`": "before json"}[label]
            was = (f"; before ({args.before}): **{paired(c[old], theirs, lambda o, t: t.wall / o.wall):.2f}x**, "
                   f"{fmt_ms(harness.median_wall(c[old].samples))}" if c[old].runs else "")
            targets.append(
                f"- issue 26: {label} at least {bound}x faster than `aws ec2 describe-instances --output text` over "
                f"{pages} pages: **{ratio:.2f}x** (paired; CPU {cpu:.2f}x), {verdict(ratio >= bound)}{was}")
        targets += [
            f"- memory flat: ec2ops's peak RSS over {pages} pages at most 1.2x its peak for one page: "
            f"{harness.median_rss(ours.samples):.1f} MiB / {harness.median_rss(one.samples):.1f} MiB = "
            f"**{flat:.2f}x** (paired), {verdict(flat <= 1.2)}",
            f"- memory: at most half the AWS CLI's: {harness.median_rss(ours.samples):.1f} MiB / "
            f"{harness.median_rss(theirs.samples):.1f} MiB = **{memory:.2f}** (paired), {verdict(memory <= 0.5)}",
            f"- wall: at least 2x faster than `aws ec2 describe-instances --output text` over {pages} pages: "
            f"{fmt_ms(harness.median_wall(theirs.samples))} / {fmt_ms(harness.median_wall(ours.samples))} = "
            f"**{speed:.2f}x** (paired; medians {harness.median_wall(theirs.samples) / harness.median_wall(ours.samples):.2f}x), "
            f"{verdict(speed >= 2)}; CPU {fmt_ms(harness.median_cpu(ours.samples))} against "
            f"{fmt_ms(harness.median_cpu(theirs.samples))}; `-o json`: {fmt_ms(harness.median_wall(json_.samples))}, "
            f"{harness.median_rss(json_.samples):.1f} MiB",
        ]
    if "slow" in parts:
        ours, theirs = c["ec2ops slow"], c["aws slow"]
        lat_ours, lat_theirs = latency(ours), latency(theirs)
        lines += [
            f"### {pages} pages, each answered {args.delay * 1000:.0f} ms after its request",
            "",
            "Both tools' stdout is read through a pipe by the benchmark, which notes when its first byte and its "
            "first row (a line starting `i-`, or `INSTANCES`) arrive, on the clock the server notes, on each "
            "request, when it begins to send the answer (its delay over). Times from the command's start (the "
            "launcher's fork), medians.",
            "",
            "| Command | Requests the server saw | Wall (min) | CPU | Peak RSS (min) |",
            "|---|---|---:|---:|---:|",
            *map(case_row, (ours, theirs)),
            "",
            "| Command | page 1 sent | first byte on stdout | first row | page 2 sent | first row - page 2 sent "
            "| runs with the row first | last page sent |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for case, lat in ((ours, lat_ours), (theirs, lat_theirs)):
            lines.append(f"| {case.shown} | {fmt_ms(lat['page 1 sent'])} | {fmt_ms(lat['first byte'])} | "
                         f"{fmt_ms(lat['first row'])} | {fmt_ms(lat['page 2 sent'])} | "
                         f"{lat['row - page 2'] * 1000:+,.0f} ms | {lat['before page 2']} of {len(case.runs)} | "
                         f"{fmt_ms(lat['last page sent'])} |")
        lines.append("")
        if "startup" in parts:
            up = harness.median_wall(startup["ec2ops --version"].samples)
            bound = 1.25 * (pages * args.delay + up)
            wall = harness.median_wall(ours.samples)
            targets.append(
                f"- latency: with {args.delay * 1000:.0f} ms before each answer, total wall within 1.25x of "
                f"{pages} x {args.delay * 1000:.0f} ms + start-up (`ec2ops --version`, {fmt_ms(up)}): "
                f"{fmt_ms(wall)} against {fmt_ms(bound)} = **{wall / (bound / 1.25):.2f}x**, {verdict(wall <= bound)}; "
                f"the AWS CLI: {fmt_ms(harness.median_wall(theirs.samples))}")
        else:
            targets.append("- latency, total wall: not measured (needs the start-up part)")
        targets.append(
            f"- latency: the first row on stdout before page 2's answer: first row at "
            f"{fmt_ms(lat_ours['first row'])}, page 2 sent at {fmt_ms(lat_ours['page 2 sent'])}: "
            f"**{lat_ours['row - page 2'] * 1000:+,.0f} ms** (median of the runs' own differences; the row came first "
            f"in {lat_ours['before page 2']} of {len(ours.runs)} runs), {verdict(lat_ours['row - page 2'] < 0)}; "
            f"the AWS CLI: {lat_theirs['row - page 2'] * 1000:+,.0f} ms")
    if "probe" in parts:
        lines += [
            f"### One answer of {volumes_bytes / 1e6:.1f} MB: {args.probe_items:,} volumes",
            "",
            f"One DescribeVolumes answer (MaxResults, if sent, ignored) of {args.probe_items:,} items "
            f"`{VOLUME_ITEM.format(volume_id(1234))}` ({len(VOLUME_ITEM.format('00000'))} bytes: a 5-character "
            f"id, nothing between items), {volumes_bytes:,} bytes with its head: "
            f"{RESPONSE_CAP - volumes_bytes:,} bytes under ec2ops's {RESPONSE_CAP:,}-byte cap. Each form "
            f"{args.probe_runs} time(s), killed after {args.probe_timeout:g} s; stdout to a file, checked for one "
            "row (or JSON object) per volume.",
            "",
            "| Command | Exit status | Outcome | Wall | CPU | Peak RSS |",
            "|---|---:|---|---:|---:|---:|",
        ]
        for form, runs in probes.items():
            for run in runs:
                s = run.sample
                rss = "-" if math.isnan(s.rss) else f"{s.rss:,.0f} MiB"
                cpu = "-" if math.isnan(s.cpu) else fmt_ms(s.cpu)
                code = "killed" if s.code is None else s.code
                lines.append(f"| `ec2ops describe-volumes{' ' + form if form != 'plain' else ''}` | {code} | {run.outcome} | "
                             f"{fmt_ms(s.wall)} | {cpu} | {rss} |")
        lines.append("")

        def within(run: Run) -> bool:
            return run.sample.wall <= 30 and run.sample.rss <= 400

        def figures(form: str, run: Run) -> str:
            rss = "-" if math.isnan(run.sample.rss) else f"{run.sample.rss:,.0f} MiB"
            return f"{form}: {run.outcome.split(':')[0]}, {run.sample.wall:.1f} s, {rss}"

        every = [(form, run) for form, runs in probes.items() for run in runs]
        bad = [f for f, r in every if not (r.outcome == "ok" and within(r) or r.outcome.startswith("refused"))]
        slow_refusals = [f for f, r in every if r.outcome.startswith("refused") and not within(r)]
        targets.append(f"- {volumes_bytes / 1e6:.0f} MB answer: every form done within 30 s and 400 MiB, or refused "
                       f"with exit 3 naming the limit, never a hang: **{verdict(not bad)}** ("
                       + "; ".join(figures(f, r) for f, r in every) + ")"
                       + (f"; not met by {', '.join(dict.fromkeys(bad))}" if bad else "")
                       + (f"; refused only after more than 30 s or 400 MiB: {', '.join(dict.fromkeys(slow_refusals))}"
                          if slow_refusals else ""))
        plain = probes["plain"]
        targets.append(f"- issue 26: the {volumes_bytes / 1e6:.0f} MB answer, plain, within 5 s and 400 MiB: "
                       + "; ".join(figures("plain", r) for r in plain) + ", **"
                       + verdict(all(r.outcome == "ok" and r.sample.wall <= 5 and r.sample.rss <= 400 for r in plain))
                       + "**" + ("; before: " + "; ".join(figures("plain", r) for r in probes["plain, before"])
                                 if "plain, before" in probes else ""))
    if "startup" in parts:
        base, helps, ver = (startup[k] for k in ("python -c pass", "ec2ops --help", "ec2ops --version"))
        diff = med(h.wall - b.wall for h, b in zip(helps.samples, base.samples))
        lines += [
            "### Start-up",
            "",
            "| Command | Wall (min) | CPU | Peak RSS |",
            "|---|---:|---:|---:|",
            *[f"| `{k}` | {harness.wall_cell(v.samples)} | {fmt_ms(harness.median_cpu(v.samples))} | "
              f"{harness.median_rss(v.samples):.1f} MiB |" for k, v in startup.items()],
            "",
        ]
        targets.append(
            f"- `ec2ops --help` within 60 ms of `python -c pass`: **{diff * 1000:.0f} ms** (paired; medians "
            f"{fmt_ms(harness.median_wall(helps.samples))} - {fmt_ms(harness.median_wall(base.samples))} = "
            f"{(harness.median_wall(helps.samples) - harness.median_wall(base.samples)) * 1000:.0f} ms), "
            f"{verdict(diff <= 0.060)}; `ec2ops --version`: {fmt_ms(harness.median_wall(ver.samples))}")
    return lines + ["### Targets (issue 15)", "", *targets, ""]


# -- main --------------------------------------------------------------------------------------
PARTS = ("pages", "slow", "probe", "startup")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="measured rounds (default 9)")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured rounds first (default 1)")
    parser.add_argument("--startup-runs", type=int, help="rounds of the start-up commands (default 3x --runs)")
    parser.add_argument("--probe-runs", type=int, default=1, help="runs of each form on the 66 MB answer (default 1)")
    parser.add_argument("--probe-timeout", type=float, default=120, help="seconds before a probe run is killed")
    parser.add_argument("--probe-items", type=int, default=1_700_000, help="volumes in the large answer")
    parser.add_argument("--timeout", type=float, default=600, help="seconds before any other run is killed")
    parser.add_argument("--instances", type=int, default=20_000, help="instances of the large account")
    parser.add_argument("--delay", type=float, default=0.3, help="seconds before each answer of the slow account")
    parser.add_argument("--before", metavar="REV",
                        help="also time ec2ops as of this commit (plain, --get, -o json), in the same rounds")
    parser.add_argument("--shape", choices=sorted(SHAPES), default="moto",
                        help="an instance as moto writes it (default; 102 elements) or the lean 53-element form")
    parser.add_argument("--parts", default=",".join(PARTS), help=f"which to run (default all: {','.join(PARTS)})")
    parser.add_argument("--aws", help="an `aws` to use instead of benchmarks/.venv-awscli's")
    parser.add_argument("--ec2ops-commit", metavar="REV",
                        help="time ec2ops as of this git commit (e.g. HEAD), not the working tree")
    parser.add_argument("--output", default=str(HERE / "RESULTS.md"))
    args = parser.parse_args()
    parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    if parts - set(PARTS):
        parser.error(f"unknown parts {sorted(parts - set(PARTS))}")
    argv = ["python", "benchmarks/pages.py", *sys.argv[1:]]
    global RESERVATION
    RESERVATION = SHAPES[args.shape]

    aws = harness.ensure_awscli(args.aws)
    ec2ops = harness.ec2ops_script()
    scratch = Path(tempfile.mkdtemp(prefix="ec2ops-pages-"))
    env = harness.clean_env(scratch)
    ec2ops_env, commit, source = harness.ec2ops_code(env, args.ec2ops_commit, scratch)
    machine_lines = [*harness.machine(aws, moto=False), harness.source_line(ec2ops_env, commit, source)]
    if args.before:
        (scratch / "before").mkdir()
        before_env, before_commit, _ = harness.ec2ops_code(env, args.before, scratch / "before")
        machine_lines.append(f"- before: commit {before_commit[:12]} ({args.before}), extracted the same way, "
                             "timed in the same rounds")

    accounts = {"large": Account(args.instances), "slow": Account(args.instances, args.delay),
                "small": Account(PAGE_CAP), "volumes": Account(volumes=args.probe_items)}
    server = PageServer(accounts)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    started = time.monotonic()
    pages = math.ceil(args.instances / PAGE_CAP)
    for offset in range(0, args.instances, PAGE_CAP):  # built before any timing, once for all accounts
        server.answer_body(("instances", offset, PAGE_CAP, args.instances),
                           lambda: instances_page(offset, PAGE_CAP, args.instances))
    server.answer_body(("instances", 0, PAGE_CAP, PAGE_CAP), lambda: instances_page(0, PAGE_CAP, PAGE_CAP))
    page_bytes = len(head("DescribeInstances", "2016-11-15", str(uuid.uuid4()))) + len(
        server.answers[("instances", 0, PAGE_CAP, args.instances)])
    volumes_bytes = 0
    if "probe" in parts:
        volumes_bytes = len(head("DescribeVolumes", "2016-11-15", str(uuid.uuid4()))) + len(
            server.answer_body(("volumes", args.probe_items), lambda: volumes_answer(args.probe_items)))
    print(f"answers built in {time.monotonic() - started:.0f} s: {pages} pages of {page_bytes / 1e6:.2f} MB"
          + (f", volumes {volumes_bytes / 1e6:.1f} MB" if volumes_bytes else ""), flush=True)
    load_before = os.getloadavg()

    def ours(account: str) -> dict:
        return {**ec2ops_env, "EC2OPS_ENDPOINT": server.url(account)}

    def old(account: str) -> dict:
        return {**before_env, "EC2OPS_ENDPOINT": server.url(account)} if args.before else {}

    def theirs(account: str) -> list[str]:
        return [aws, "--endpoint-url", server.url(account).rstrip("/"), "ec2", "describe-instances", "--output", "text"]

    n = args.instances
    c = {case.key: case for case in [
        PCase("ec2ops", "`ec2ops describe-instances`", [ec2ops, "describe-instances"], ours("large"), "large",
              ec2ops_rows(n)),
        PCase("aws", "`aws ec2 describe-instances --output text`", theirs("large"), env, "large", aws_rows(n)),
        PCase("ec2ops json", "`ec2ops describe-instances -o json`", [ec2ops, "describe-instances", "-o", "json"],
              ours("large"), "large", ec2ops_json(n)),
        PCase("ec2ops get", "`ec2ops describe-instances --get returnResult`",
              [ec2ops, "describe-instances", "--get", "returnResult"], ours("large"), "large", ec2ops_rows(n)),
        PCase("before", f"`ec2ops describe-instances` as of {args.before}", [ec2ops, "describe-instances"],
              old("large"), "large", ec2ops_rows(n)),
        PCase("before get", f"`ec2ops describe-instances --get returnResult` as of {args.before}",
              [ec2ops, "describe-instances", "--get", "returnResult"], old("large"), "large", ec2ops_rows(n)),
        PCase("before json", f"`ec2ops describe-instances -o json` as of {args.before}",
              [ec2ops, "describe-instances", "-o", "json"], old("large"), "large", ec2ops_json(n)),
        PCase("ec2ops one page", f"`ec2ops describe-instances`, {PAGE_CAP:,} instances (one page)",
              [ec2ops, "describe-instances"], ours("small"), "small", ec2ops_rows(PAGE_CAP)),
        PCase("ec2ops slow", "`ec2ops describe-instances`", [ec2ops, "describe-instances"], ours("slow"), "slow",
              ec2ops_rows(n), row=b"i-"),
        PCase("aws slow", "`aws ec2 describe-instances --output text`", theirs("slow"), env, "slow", aws_rows(n),
              row=b"INSTANCES\t"),
    ]}
    startup = {case.key: case for case in [
        harness.Case("python -c pass", [sys.executable, "-c", "pass"], ec2ops_env),
        harness.Case("ec2ops --help", [ec2ops, "--help"], ec2ops_env, harness.contains("describe-instances")),
        harness.Case("ec2ops --version", [ec2ops, "--version"], ec2ops_env, harness.contains("version")),
    ]}
    probes: dict[str, list[Run]] = {}
    try:
        if "startup" in parts:
            harness.run_cases(list(startup.values()), args.startup_runs or 3 * args.runs, args.warmup, scratch,
                              "start-up")
        if "pages" in parts:
            group = [c["ec2ops"], c["aws"], c["ec2ops json"], c["ec2ops get"], c["ec2ops one page"]]
            if args.before:
                group += [c["before"], c["before get"], c["before json"]]
            rounds(group, args.warmup, False, server, scratch, "pages, warm-up", accounts, args.timeout)
            rounds(group, args.runs, True, server, scratch, "pages", accounts, args.timeout)
        if "slow" in parts:
            group = [c["ec2ops slow"], c["aws slow"]]
            if "pages" not in parts:  # else the same commands were just warmed up
                rounds(group, args.warmup, False, server, scratch, "slow, warm-up", accounts, args.timeout)
            rounds(group, args.runs, True, server, scratch, f"{args.delay * 1000:.0f} ms a page", accounts,
                   args.timeout)
        if "probe" in parts:
            probes = probe(ec2ops, ec2ops_env, server, scratch, args.probe_items, args.probe_runs,
                           args.probe_timeout, before_env if args.before else None)
    finally:
        server.shutdown()
        shutil.rmtree(scratch, ignore_errors=True)
    minutes = (time.monotonic() - started) / 60
    lines = section(args, argv, minutes, c, probes, startup, machine_lines, (load_before, os.getloadavg()),
                    page_bytes, volumes_bytes, parts)
    for case in c.values():  # every run, for a look at the spread
        if case.runs:
            print(f"  {case.key}: wall " + " ".join(f"{s.wall * 1000:.0f}" for s in case.samples) + " ms; rss "
                  + " ".join(f"{s.rss:.0f}" for s in case.samples) + " MiB")
    harness.write_section(Path(args.output), lines)
    for line in lines:
        if line.startswith(("| `", "- ")):
            print(line)
    print(f"wrote {SECTION!r} into {args.output}")


if __name__ == "__main__":
    main()

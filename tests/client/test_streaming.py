"""Issue 15: a listing's pages stream. Each page's rows reach stdout as soon as the page is read,
the next page is asked for while this one is printed, JSON stays one document across pages, and a
page that fails leaves the rows printed before it, says so on stderr and sets the exit status.

A scripted endpoint serves the pages (`answers[token]`, None being the first page's) and can hold
a page back until the test lets it go (`gates[token]`). Process behaviour (what reaches a pipe and
when, exit statuses) goes through the installed console script."""

from __future__ import annotations

import http.server
import json
import os
import select
import subprocess
import threading
import time
import xml.parsers.expat
from urllib.parse import parse_qsl

import pytest
from conftest import (ACCESS_KEY_ID, EC2_NS, EC2OPS, SECRET_KEY, describe_instances_xml, ec2_error_xml, env_for,
                      run_cli)

NOT_AUTHORIZED = "You are not authorized to perform this operation."


class Pages:
    """An EC2 endpoint answering by NextToken: `answers[token]` is a document (or (status, text));
    `gates[token]`, an Event, holds that answer back until it is set. `asked[token]` is set as soon
    as a request for it arrives; `requests` lists every request's parameters in arrival order."""

    def __init__(self, answers: dict, gates: dict | None = None):
        # encoded once, here: a test measuring ec2ops's memory must not count the server's
        self.answers = {token: (a if isinstance(a, tuple) else (200, a)) for token, a in answers.items()}
        self.answers = {token: (status, text.encode() if isinstance(text, str) else text)
                        for token, (status, text) in self.answers.items()}
        self.gates = gates or {}
        self.asked = {token: threading.Event() for token in answers}
        self.requests: list[dict] = []
        self.served: list = []
        pages = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):  # noqa: N802
                params = dict(parse_qsl(self.rfile.read(int(self.headers["Content-Length"])).decode()))
                token = params.get("NextToken")
                pages.requests.append(params)
                pages.asked[token].set()
                if token in pages.gates:
                    pages.gates[token].wait(60)
                status, data = pages.answers[token]
                self.send_response(status)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                pages.served.append(token)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        self.where = f"127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        for gate in self.gates.values():
            gate.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def pages():
    made = []

    def make(answers: dict, gates: dict | None = None) -> Pages:
        made.append(Pages(answers, gates))
        return made[-1]

    yield make
    for server in made:
        server.close()


def three_pages(last=None) -> dict:
    """Instances 0-3 (two reservations of two), 4-7, then 8-9 (or `last`, in its place)."""
    return {None: describe_instances_xml(2, 2, "p2", first=0, request_id="req-1"),
            "p2": describe_instances_xml(2, 2, "p3", first=4, request_id="req-2"),
            "p3": last if last is not None else describe_instances_xml(1, 2, None, first=8, request_id="req-3")}


def keys_and(url: str) -> dict[str, str]:
    """For run_cli: the endpoint, and keys."""
    return {"EC2OPS_ENDPOINT": url, "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}


def ids(out: str) -> list[str]:
    """The instance ids of a plain describe-instances output, in order."""
    return [line.split(";")[0] for line in out.splitlines() if line.startswith("i-")]


def iid(n: int) -> str:
    return f"i-{n:017x}"


def read_until(stream, done, seconds: float = 30) -> bytes:
    """What a child wrote to `stream` until `done(bytes so far)` holds (or the time is up)."""
    got, deadline = b"", time.monotonic() + seconds
    while not done(got) and time.monotonic() < deadline:
        ready, _, _ = select.select([stream], [], [], 0.1)
        if ready:
            chunk = os.read(stream.fileno(), 65536)
            if not chunk:
                break
            got += chunk
    return got


# -- rows as pages arrive --------------------------------------------------------------------------
@pytest.mark.parametrize("form", ["plain", "json"])
def test_rows_of_page_one_are_on_stdout_before_page_two_is_served(pages, form):
    gate = threading.Event()
    server = pages(three_pages(), gates={"p2": gate})
    child = subprocess.Popen([str(EC2OPS), "describe-instances", "-o", form], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env_for(server.url))
    try:
        early = read_until(child.stdout, lambda got: all(iid(n).encode() in got for n in range(4)))
        # page 2 asked for (the read-ahead's request may reach the server just after page 1's rows
        # reach the pipe: on a loaded machine it did), and held back
        assert server.asked["p2"].wait(10) and server.served == [None]
        assert all(iid(n).encode() in early for n in range(4)) and iid(4).encode() not in early
        if form == "json":
            assert early.startswith(b'{\n  "returnResult": [\n    {\n      "instanceId": "i-')
    finally:
        gate.set()
    rest, err = child.communicate(timeout=60)
    assert (child.returncode, err) == (0, b"")
    out = (early + rest).decode()
    if form == "plain":
        assert ids(out) == [iid(n) for n in range(10)] and out.endswith("\nrequestId: req-1\n")
    else:
        doc = json.loads(out)
        assert [row["instanceId"] for row in doc["returnResult"]] == [iid(n) for n in range(10)]
        assert doc["requestId"] == "req-1"
    assert server.served == [None, "p2", "p3"]


def test_json_across_pages_is_one_document_and_every_page_asks_for_1000(pages):
    server = pages(three_pages())
    run = run_cli(["describe-instances", "-o", "json"], env=keys_and(server.url))
    assert (run.code, run.err) == (0, "")
    doc = run.json()
    assert [row["instanceId"] for row in doc["returnResult"]] == [iid(n) for n in range(10)]
    assert list(doc) == ["returnResult", "requestId"] and doc["requestId"] == "req-1"
    assert [(r.get("NextToken"), r.get("MaxResults")) for r in server.requests] == [
        (None, "1000"), ("p2", "1000"), ("p3", "1000")]
    listed = run_cli(["describe-instances", "--get", "returnResult"], env=keys_and(server.url))
    assert ids(listed.out) == [iid(n) for n in range(10)] and listed.out.count("\n") == 10


def test_the_next_page_is_asked_for_while_this_one_is_still_being_printed(pages):
    """Page 1 prints ~0.4 MB, more than a pipe holds: nobody reads stdout, so ec2ops is stuck
    writing page 1 when page 2 is asked for. Without reading ahead, page 2 would never be asked."""
    server = pages({None: describe_instances_xml(1000, 2, "p2"), "p2": describe_instances_xml(1, 1, None, first=5000)})
    child = subprocess.Popen([str(EC2OPS), "describe-instances"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=env_for(server.url))
    try:
        assert server.asked["p2"].wait(30)
    finally:
        out, err = child.communicate(timeout=60)
    assert (child.returncode, err) == (0, b"")
    assert ids(out.decode()) == [iid(n) for n in range(2000)] + [iid(5000)]


# -- a page that fails ----------------------------------------------------------------------------
@pytest.mark.parametrize("form", ["plain", "json"])
def test_a_refused_third_page_leaves_the_rows_printed_says_so_and_exits_1(pages, form):
    refused = (403, ec2_error_xml("UnauthorizedOperation", NOT_AUTHORIZED, "req-3"))
    server = pages(three_pages(last=refused))
    done = subprocess.run([str(EC2OPS), "describe-instances", "-o", form], capture_output=True, text=True,
                          env=env_for(server.url), timeout=60)
    assert done.returncode == 1
    assert done.stderr == f"ec2ops: {NOT_AUTHORIZED} Error code: UnauthorizedOperation. (requestId: req-3)\n"
    if form == "plain":
        assert ids(done.stdout) == [iid(n) for n in range(8)]
        assert done.stdout.count("\n") == 8  # the rows, and no requestId line: the command did not finish
    else:
        with pytest.raises(json.JSONDecodeError):  # never a complete document that is not the whole answer
            json.loads(done.stdout)
        cut = json.loads(done.stdout + "\n  ]\n}")  # it stops after the last row written whole
        assert [row["instanceId"] for row in cut["returnResult"]] == [iid(n) for n in range(8)]


def test_an_unreadable_third_page_is_exit_3_after_the_rows_read(pages):
    whole = describe_instances_xml(1, 2, None, first=8)
    broken = whole[:whole.index(iid(9))]  # cut inside page 3's one reservation: none of its rows is whole
    server = pages(three_pages(last=broken))
    parser = xml.parsers.expat.ParserCreate()
    with pytest.raises(xml.parsers.expat.ExpatError) as expat:
        parser.Parse(broken.encode(), True)
    done = subprocess.run([str(EC2OPS), "describe-instances"], capture_output=True, text=True,
                          env=env_for(server.url), timeout=60)
    assert done.returncode == 3
    assert done.stderr == f"ec2ops: {server.where} answered XML that could not be read ({expat.value}).\n"
    assert ids(done.stdout) == [iid(n) for n in range(8)]  # page 3's first reservation ends past the cut


# -- the token followed ---------------------------------------------------------------------------
def test_the_token_read_is_followed_when_the_bytes_point_elsewhere(pages):
    """The token is looked for in the bytes to ask early; the one read from the document decides."""
    page1 = describe_instances_xml(1, 2, None).replace(
        "</reservationSet>", "</reservationSet><misc><nextToken>decoy</nextToken></misc><nextToken>p2</nextToken>")
    server = pages({None: page1, "decoy": describe_instances_xml(1, 1, None, first=99),
                    "p2": describe_instances_xml(1, 1, None, first=2)})
    run = run_cli(["describe-instances"], env=keys_and(server.url))
    assert (run.code, run.err) == (0, "")
    assert ids(run.out) == [iid(0), iid(1), iid(2)]
    # the dropped read-ahead is a daemon thread nobody waits for: the command may end before it is sent
    assert server.asked["decoy"].wait(10)
    assert sorted(str(r.get("NextToken")) for r in server.requests) == ["None", "decoy", "p2"]


def test_a_token_before_the_list_is_followed_once_the_page_is_read(pages):
    page1 = describe_instances_xml(1, 2, None).replace("<reservationSet>", "<nextToken>p2</nextToken><reservationSet>")
    server = pages({None: page1, "p2": describe_instances_xml(1, 1, None, first=2)})
    run = run_cli(["describe-instances"], env=keys_and(server.url))
    assert (run.code, run.err) == (0, "")
    assert ids(run.out) == [iid(0), iid(1), iid(2)]
    assert [r.get("NextToken") for r in server.requests] == [None, "p2"]


# -- the table, for people, is bounded ------------------------------------------------------------
def volumes_xml(count: int) -> str:
    items = "".join(f"<item><volumeId>vol-{n:08x}</volumeId><size>1</size></item>" for n in range(count))
    return (f'<DescribeVolumesResponse xmlns="{EC2_NS}"><requestId>req-v</requestId><volumeSet>{items}</volumeSet>'
            "</DescribeVolumesResponse>")


def test_a_table_of_more_rows_than_it_lays_out_is_refused_with_3(pages):
    server = pages({None: volumes_xml(10_001)})
    done = subprocess.run([str(EC2OPS), "describe-volumes", "-o", "table"], capture_output=True, text=True,
                          env=env_for(server.url), timeout=60)
    assert (done.returncode, done.stdout) == (3, "")
    assert done.stderr == "ec2ops: -o table lays out at most 10000 rows, and this answer has more; use -o plain or -o json.\n"
    plain = subprocess.run([str(EC2OPS), "describe-volumes", "--get", "returnResult"], capture_output=True,
                           text=True, env=env_for(server.url), timeout=60)
    assert (plain.returncode, plain.stderr) == (0, "")
    assert plain.stdout.splitlines() == [f"vol-{n:08x},1,null,null,null" for n in range(10_001)]


# -- every listing, paged or not, in memory of its answer's bytes ----------------------------------
@pytest.mark.parametrize("command", ["enumerate-key-pairs", "describe-volumes"])
def test_a_large_listing_is_never_held_as_dicts(pages, command):
    """A listing whose Describe does not page (DescribeKeyPairs) is read item by item as well: the
    whole run peaks at the answer's bytes (held while read) and little more, where the answer held
    as dicts would take about five times them."""
    import tracemalloc

    if command == "describe-volumes":
        answer = volumes_xml(40_000)
    else:
        items = "".join(f"<item><keyName>key-{n}</keyName><keyFingerprint>{n:040x}</keyFingerprint></item>"
                        for n in range(40_000))
        answer = (f'<DescribeKeyPairsResponse xmlns="{EC2_NS}"><requestId>req-k</requestId><keySet>{items}</keySet>'
                  "</DescribeKeyPairsResponse>")
    server = pages({None: answer})
    run_cli([command, "--get", "requestId"], env=keys_and(server.url))  # loads what the command loads
    tracemalloc.start()
    try:
        run = run_cli([command, "--get", "requestId"], env=keys_and(server.url))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (run.code, run.out, run.err) == (0, "req-k\n" if command != "describe-volumes" else "req-v\n", "")
    assert peak < 1.6 * len(answer), (peak, len(answer))

"""What keeps ec2ops fast (benchmarks/run.py measures it; these check it deterministically): large
answers are read into plain dicts in one pass and in memory proportional to them, a call over
plain http loads no httpx's own command line, and connections are kept alive."""

import http.server
import io
import os
import subprocess
import sys
import threading
import tracemalloc
from urllib.parse import parse_qsl

import pytest
from conftest import describe_instances_xml, run_cli

from ec2ops.client import document
from ec2ops.errors import EndpointError

NS = "http://ec2.amazonaws.com/doc/2016-11-15/"
KEYS = {"AWS_ACCESS_KEY_ID": "AKIDPERFTEST00000000", "AWS_SECRET_ACCESS_KEY": "perf-secret"}


# -- the parser ----------------------------------------------------------------------------------
def test_the_tree_is_read_as_xmltodict_with_item_lists_read_it():
    root, body = document.parse(
        b'<?xml version="1.0"?>\n<R xmlns="urn:x"><a attr="1">  x &amp; y </a><empty/><blank>  </blank>'
        b"<one><item><k>v</k></item></one><two><item/><item>t</item></two><none/>"
        b"<rep>1</rep><rep>2</rep><rep>3</rep><nested><b><c>deep</c></b></nested>"
        b"<cdata><![CDATA[ <not-a-tag> ]]></cdata><!-- a comment --><?pi ignored?></R>",
        "ec2.example",
    )
    assert root == "R"
    assert body == {  # values as sent, spaces at both ends too (issue 24: xmltodict stripped them)
        "a": "  x & y ", "empty": None, "blank": "  ",
        "one": {"item": [{"k": "v"}]},  # an item is a list, even of one
        "two": {"item": [None, "t"]},
        "none": None,
        "rep": ["1", "2", "3"],  # a repeated element is a list
        "nested": {"b": {"c": "deep"}},
        "cdata": " <not-a-tag> ",
    }


def test_a_deep_document_is_refused_without_recursion():
    """Issue 10: nesting is bounded while parsing (20,000 levels once parsed fine, then overflowed the
    stack of whatever walked them); the deepest accepted is read without recursion."""
    depth = 20_000
    with pytest.raises(EndpointError, match="nested deeper than 100 levels"):
        document.parse(b"<R>" + b"<a>" * depth + b"x" + b"</a>" * depth + b"</R>", "ec2.example")
    depth = document.MAX_DEPTH - 1
    root, body = document.parse(b"<R>" + b"<a>" * depth + b"x" + b"</a>" * depth + b"</R>", "ec2.example")
    for _ in range(depth - 1):
        body = body["a"]
    assert body == {"a": "x"}


@pytest.mark.parametrize("content", [b"<R><a></R>", b"<R/><S/>", b"<R>&undefined;</R>", b"<R>\xff</R>"])
def test_broken_xml_is_one_clean_error(content):
    with pytest.raises(EndpointError, match="answered XML that could not be read"):
        document.parse(content, "ec2.example")


@pytest.mark.parametrize("content", [
    describe_instances_xml(3, 2, "tok-2").encode(),
    describe_instances_xml(2, 1).replace("><", ">\n   <").encode(),  # indented as EC2 indents
    b'<DescribeVolumesResponse xmlns="urn:x"><requestId>r</requestId><volumeSet/><nextToken/></DescribeVolumesResponse>',
    b"<R><reservationSet><item/><item>text</item><item><a>1</a></item></reservationSet><n>1</n><n>2</n>"
    b"<other><item><b>x</b></item><c>y</c></other><reservationSet><item><a>2</a></item></reservationSet></R>",
    b"<Response><Errors><Error><Code>Boom</Code><Message>m</Message></Error></Errors><RequestID>r-9</RequestID>"
    b"</Response>",
    b"<ErrorResponse><Error><Code>AuthFailure</Code><Message>m</Message></Error><RequestId>r</RequestId></ErrorResponse>",
])
def test_streaming_reads_what_parse_reads(content):
    """document.stream hands on the list's items one by one, and keeps the rest of the body as
    parse() keeps it: the root's text children (requestId, nextToken) and its other elements."""
    root, body = document.parse(content, "ec2.example")
    items: list = []
    streamed_root, rest = document.stream(content, "ec2.example", "reservationSet"
                                          if b"reservationSet" in content else "volumeSet", items.append)
    key = "reservationSet" if b"reservationSet" in content else "volumeSet"
    whole = body.get(key)
    listed = [x for part in (whole if isinstance(whole, list) else [whole]) if isinstance(part, dict)
              for x in part["item"]]
    assert streamed_root == root and items == listed
    assert rest == {k: v for k, v in body.items() if k != key}


@pytest.mark.parametrize("split", [3, 5, 9])
def test_a_page_in_pieces_is_let_go_of_as_read_and_a_dtd_split_between_pieces_is_still_refused(split):
    content = describe_instances_xml(3, 1).encode()
    pieces = [content[i:i + 100] for i in range(0, len(content), 100)]
    seen: list = []
    document.stream(pieces, "ec2.example", "reservationSet", seen.append)
    assert len(seen) == 3 and pieces == []  # every piece taken out of the list as it was fed
    # a DTD after a comment longer than the first 4 KiB looked at whole (see billion_laughs)
    prolog, root = content.split(b"\n", 1)
    bomb = prolog + b"\n<!-- " + b"x" * 5000 + b' -->\n<!DOCTYPE r [<!ENTITY x "y">]>\n' + root
    at = bomb.index(b"<!DOCTYPE") + split
    with pytest.raises(EndpointError, match="an HTML page or an XML document with a DTD"):
        document.stream([bomb[:at], bomb[at:]], "ec2.example", "reservationSet", seen.append)


def test_streaming_stops_when_asked_and_refuses_another_actions_answer():
    content = describe_instances_xml(5, 1, "tok").encode()
    seen: list = []
    document.stream(content, "ec2.example", "reservationSet", lambda item: seen.append(item) or len(seen) < 2)
    assert len(seen) == 2
    with pytest.raises(EndpointError) as refused:
        document.stream(content, "ec2.example", "reservationSet", seen.append, "DescribeVolumes")
    assert str(refused.value) == ("ec2.example answered DescribeVolumes with a DescribeInstancesResponse document, "
                                  "not its answer.")
    assert len(seen) == 2  # refused before any item was handed on


def test_first_agrees_with_walk_on_every_shape():
    node = {"a": {"b": "x"}, "l": {"item": [{"n": "1"}, {"n": "2"}]}, "r": [{"n": "3"}, {"n": "4"}],
            "s": "text", "z": None, "d": {"item": {"n": "5"}}, "e": ""}
    for path in ["", "a", "a/b", "a/c", "l", "l/n", "r/n", "s", "s/x", "z", "z/y", "missing/x", "d/n", "e"]:
        assert document.first(node, path) == next(document.walk(node, path), None), path


def test_a_large_answer_is_read_and_printed_in_memory_proportional_to_it():
    """2,000 instances (1.9 MB of XML) read, made a table and printed: the dicts of the answer are ~5x
    its text (as xmltodict's are); the table and the printed text add ~0.5x. A second copy of the tree
    anywhere on the way would double the peak."""
    from ec2ops import output, pipeline
    from ec2ops.client.query import Response
    from ec2ops.operations.instances import OPERATIONS

    content = describe_instances_xml(20, 100).encode()
    describe = next(op for op in OPERATIONS if op.name == "describe-instances")
    inputs = {"instanceIds": None, "delimiter": ",", "rowDelimiter": "\n", "colDelimiter": ";"}
    printed = io.StringIO()
    tracemalloc.start()
    try:
        root, body = document.parse(content, "ec2.example")
        show = output.printer(output.Layout("plain", None, output.Delimiters.of(inputs)), output.Sink(printed))
        pipeline.stream(describe, show, inputs, [pipeline.Answer(None, [Response("DescribeInstances", body, "r-1")])])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    *lines, request_id = printed.getvalue().splitlines()
    assert request_id == "requestId: r-1"
    assert len(lines) == 2000 and lines[-1].startswith(f"i-{1999:017x};ami-12345678;t3.micro;running;")
    assert lines[-1].endswith(";us-east-1a;web,ssh")
    assert peak < 6.5 * len(content), (peak, len(content))


class _Discard:
    """A stdout that keeps nothing: what is measured is ec2ops's own memory, not the printed text's."""

    written = 0

    def write(self, text: str) -> None:
        self.written += len(text)

    def flush(self) -> None:
        pass


def _streamed_peak(operation: str, module, inputs: dict, content: bytes, list_key: str, form: str) -> tuple[int, int]:
    """The peak of memory allocated while a page (as the client keeps it) is read and printed in `form`."""
    from ec2ops import output, pipeline
    from ec2ops.client.query import Page

    op = next(o for o in module.OPERATIONS if o.name == operation)
    sink = _Discard()
    show = output.printer(output.Layout(form if form != "get" else "plain", "returnResult" if form == "get" else None,
                                        output.Delimiters.of(inputs)), output.Sink(sink))
    pieces = [content[i:i + 65536] for i in range(0, len(content), 65536)]  # as the client keeps a page
    page = Page(op.action, None, pieces, list_key, "ec2.example")
    del content
    tracemalloc.start()
    try:
        pipeline.stream(op, show, inputs, [pipeline.Answer(None, [page])])
        return tracemalloc.get_traced_memory()[1], sink.written
    finally:
        tracemalloc.stop()


def volumes_xml(count: int) -> bytes:
    items = "".join(f"<item><volumeId>vol-{n:08x}</volumeId><size>1</size></item>" for n in range(count))
    return (f'<DescribeVolumesResponse xmlns="{NS}"><requestId>r</requestId><volumeSet>{items}</volumeSet>'
            "</DescribeVolumesResponse>").encode()


@pytest.mark.parametrize("form", ["plain", "json", "get"])
def test_a_page_is_read_and_printed_in_memory_independent_of_its_size(form):
    """Issue 15: the items of a page go to the printer one at a time and are never held; the parser
    is fed 64 KiB at a time. 50,000 volumes (3 MB) take no more than 5,000 (0.3 MB), under 1 MiB."""
    from ec2ops.operations import ebs, instances

    inputs = {"volumeIds": None, "delimiter": ",", "rowDelimiter": "\n", "colDelimiter": ","}
    small, large = (_streamed_peak("describe-volumes", ebs, inputs, volumes_xml(n), "volumeSet", form)
                    for n in (5_000, 50_000))
    assert large[1] > 9 * small[1]  # ten times the rows printed
    assert large[0] < 1024 * 1024 and large[0] < 1.5 * small[0] + 64 * 1024, (small, large)
    inputs = {"instanceIds": None, "delimiter": ",", "rowDelimiter": "\n", "colDelimiter": ";"}
    content = describe_instances_xml(500, 1).encode()  # 0.5 MB, 500 reservations of one instance
    peak, written = _streamed_peak("describe-instances", instances, inputs, content, "reservationSet", form)
    assert written > len(content) / 10 and peak < 1024 * 1024, (peak, len(content))


# -- what a call loads ---------------------------------------------------------------------------
class _Server(http.server.ThreadingHTTPServer):
    """A keep-alive EC2 look-alike recording which connection (client port) each request came on."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.seen: list[tuple[int, dict]] = []
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def answer(self, params: dict) -> str:
        action = params.get("Action", "")
        if action == "DescribeInstances":
            page = params.get("NextToken")
            return describe_instances_xml(1, 2, None if page else "page-2")
        if action == "DescribeRegions":
            return (f'<DescribeRegionsResponse xmlns="{NS}"><requestId>r</requestId><regionInfo><item>'
                    "<regionName>us-east-1</regionName><regionEndpoint>ec2.us-east-1.amazonaws.com</regionEndpoint>"
                    "</item><item><regionName>eu-west-1</regionName>"
                    "<regionEndpoint>ec2.eu-west-1.amazonaws.com</regionEndpoint></item>"
                    "</regionInfo></DescribeRegionsResponse>")
        return f'<{action}Response xmlns="{NS}"><requestId>r</requestId></{action}Response>'


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):  # noqa: N802
        params = dict(parse_qsl(self.rfile.read(int(self.headers["Content-Length"])).decode()))
        self.server.seen.append((self.client_address[1], params))
        body = self.server.answer(params).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    with _Server() as running:
        yield running
        running.shutdown()


def test_a_call_loads_no_httpx_cli(server):
    code = (
        "import sys\nfrom ec2ops.cli import main\n"
        "try:\n    main(['enumerate-regions'])\nexcept SystemExit as exc:\n    status = exc.code\n"
        "loaded = [m for m in ('rich', 'pygments', 'httpx._main') if sys.modules.get(m)]\n"
        "print('STATUS:', status, 'LOADED:' + ','.join(loaded))\n"
    )
    env = {**os.environ, **KEYS, "EC2OPS_ENDPOINT": server.url}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert done.stdout.splitlines()[-1] == "STATUS: 0 LOADED:", (done.stdout, done.stderr)
    assert done.stdout.startswith("us-east-1,ec2.us-east-1.amazonaws.com\n")


# -- connections ---------------------------------------------------------------------------------
def test_pages_of_one_call_share_one_connection(server):
    run = run_cli(["describe-instances", "--endpoint", server.url], env=KEYS)
    assert run.code == 0 and len(run.out.splitlines()) == 4 + 1, run  # two pages of two, then requestId
    ports = [port for port, params in server.seen]
    assert [params.get("NextToken") for _, params in server.seen] == [None, "page-2"]
    assert len(set(ports)) == 1  # the second page went over the first page's connection


def test_the_dashboard_shares_one_pool_across_its_calls_and_regions(server):
    run = run_cli(["ec2-dashboard", "--notify-method", "None", "--endpoint", server.url,
                   "--regions", "us-east-1,eu-west-1", "-o", "json"], env=KEYS)
    assert run.code == 0, run
    # Per region: DescribeInstances in two pages of i-0 (stopped) and i-1 (running), five other calls.
    assert run.json()["instancesRunning"] == 2 * 2 and run.json()["instancesStopped"] == 2 * 2
    assert len(server.seen) == 1 + 2 * 7  # DescribeRegions checks the list first
    # Concurrent calls need connections of their own, but every one is kept and reused:
    # never more connections than calls in flight at once (6 per region), never one per request.
    assert len({port for port, _ in server.seen}) <= 12

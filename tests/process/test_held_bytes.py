"""How many answer bytes ec2ops holds at once, through the installed console script against the
loopback fault server: across regions, one budget for every region's pages (memory flat in the
number of regions); within a listing, the page read ahead arrives as the page printed is let go of
(memory flat in the number of pages)."""

import http.server
import subprocess
import threading
from urllib.parse import parse_qsl

import pytest

from conftest import EC2OPS, describe_instances_xml, env_for, measured

REGIONS = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1"]
MIB = 1024 * 1024


def rows(out: bytes) -> list[str]:
    """The returnResult lines of a plain output (before its requestId line)."""
    return out.decode().split("requestId: ")[0].splitlines()


def regions_xml(names: list[str]) -> tuple:
    items = "".join(f"<item><regionName>{n}</regionName><regionEndpoint>ec2.{n}.amazonaws.com</regionEndpoint></item>"
                    for n in names)
    return 200, (f'<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r-1'
                 f"</requestId><regionInfo>{items}</regionInfo></DescribeRegionsResponse>"), {}


@pytest.fixture(scope="module")
def large_page() -> bytes:
    """One DescribeInstances page of ~12 MiB (9,000 instances), no nextToken."""
    return describe_instances_xml(9000, 1).encode()


def in_regions(fault_server, page: bytes, count: int) -> tuple[int, int, list[str], str]:
    """describe-instances over `count` regions, each answering `page`: status, peak RSS (KiB), rows, stderr."""
    names = REGIONS[:count]
    # the DescribeRegions that checks the regions runs beside their calls: answered by its action
    fault_server.push("by_action", {"DescribeRegions": regions_xml(names), "DescribeInstances": (200, page, {})},
                      times=count + 1)
    # A cap just above the page: the budget (twice the cap) holds about two pages, whatever the regions.
    env = {"EC2OPS_MAX_RESPONSE_BYTES": str(len(page) + MIB)}
    code, peak, out, err = measured(fault_server.url, "describe-instances", "--regions", ",".join(names),
                                    "--columns", "region,instanceId", env=env)
    return code, peak, rows(out), err


def test_pages_held_across_regions_share_one_budget(fault_server, large_page):
    """Each region used to fetch its page at once and keep it until printed (8 regions of 12 MiB: 8
    pages held); now the regions not yet printed wait for the budget, and 8 regions take about the
    memory of 2. Small answers keep their concurrency: tests/pipeline/test_regions.py."""
    expected = [f"i-{n:017x}" for n in range(9000)]
    peaks = {}
    for count in (2, 8):
        code, peaks[count], rows, err = in_regions(fault_server, large_page, count)
        assert (code, err) == (0, "")
        assert rows == [f"{region};{row}" for region in REGIONS[:count] for row in expected]  # whole, in order
        fault_server.requests.clear()
    page = len(large_page) // 1024
    # Before: 8 regions took about 6 pages more than 2. Now the head's page and the budget's two:
    # 0.9 to 1.5 pages more in 8 runs on Python 3.10 and 3.11, 1.67 once in CI (1.5 was the bound
    # then), the 2 regions' peak varying most (38-46 MiB): the second region's page arrives before
    # or after the first one's rows are let go of.
    assert peaks[8] < peaks[2] + 2.5 * page, (peaks, page)


def test_a_listing_holds_about_one_page_while_the_next_is_read_ahead(fault_server):
    """Twenty pages of ~4 MiB take at most 1.2x the peak of one such page (the next page read as the
    page printed is let go of, where both were held whole before: 1.25x on the benchmark's pages)."""
    pages = 20
    for n in range(pages):
        body = describe_instances_xml(3000, 1, f"token-{n + 1}" if n < pages - 1 else None, first=3000 * n)
        fault_server.push("raw", (200, body.encode(), {}))
    code, many, out, err = measured(fault_server.url, "describe-instances", "--columns", "instanceId")
    assert (code, err) == (0, "") and rows(out) == [f"i-{n:017x}" for n in range(3000 * pages)]
    fault_server.requests.clear()
    fault_server.push("raw", (200, describe_instances_xml(3000, 1).encode(), {}))
    code, one, out, err = measured(fault_server.url, "describe-instances", "--columns", "instanceId")
    assert (code, err) == (0, "") and len(rows(out)) == 3000
    assert many <= 1.2 * one, (many, one)


class TwoPages:
    """A loopback endpoint whose every region answers DescribeInstances in two pages, by NextToken
    (the fault server's queue would hand one region's page to another when they ask at once)."""

    def __init__(self, names: list[str], per_page: int):
        self.pages = [describe_instances_xml(per_page, 1, "page-2").encode(),
                      describe_instances_xml(per_page, 1, first=per_page).encode()]
        regions = regions_xml(names)[1].encode()
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                params = dict(parse_qsl(self.rfile.read(int(self.headers["Content-Length"])).decode()))
                body = regions if params["Action"] == "DescribeRegions" else owner.pages["NextToken" in params]
                self.send_response(200)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.mark.parametrize("most", ["1", "2"])
def test_regions_that_wait_on_the_budget_lend_their_place_in_flight(most):
    """Pages of ~1.2 MiB, a budget of two (the cap just above one page), eight regions, at most 1 or 2
    calls in flight: the regions after the first fill the budget while the first is printed, and
    the next ones wait on it while their answer is read. Each gives its place in flight to the first
    region's next page, which would otherwise wait on them for ever (the budget frees only as the
    printer goes on): with 2 in flight, that was a run that never ended."""
    names = REGIONS[:8]
    server = TwoPages(names, 1000)
    try:
        env = {**env_for(server.url), "EC2OPS_MAX_RESPONSE_BYTES": str(len(server.pages[0]) + 64 * 1024)}
        done = subprocess.run([str(EC2OPS), "describe-instances", "--regions", ",".join(names), "--columns",
                               "region,instanceId", "--max-concurrency", most], stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=120, env=env)
    finally:
        server.server.shutdown()
        server.server.server_close()
    assert (done.returncode, done.stderr) == (0, b"")
    assert rows(done.stdout) == [f"{region};i-{n:017x}" for region in names for n in range(2000)]

"""How many answer bytes ec2ops holds at once, through the installed console script against the
loopback fault server: across regions, one budget for every region's pages (memory flat in the
number of regions); within a listing, the page read ahead arrives as the page printed is let go of
(memory flat in the number of pages)."""

import pytest

from conftest import describe_instances_xml, measured

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
    fault_server.push("raw", regions_xml(names))
    fault_server.push("raw", (200, page, {}), times=count)
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
    assert peaks[8] < peaks[2] + 1.5 * page, (peaks, page)  # before: 8 regions took 5 pages more than 2


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

"""Rows printed in bulk from flat items (client/flat.py, ec2ops/flatrows.py) are byte for byte the
rows the handlers' dicts give, printed one by one: on the benchmark's answers (its 66 MB volumes
answer, smaller; its pages of moto-shaped instances, which the lane leaves to the handlers) and on
hostile items, in every form, through the command line."""

from __future__ import annotations

import re
import sys
import threading
from pathlib import Path

import pytest
from conftest import ACCESS_KEY_ID, SECRET_KEY, run_cli

from ec2ops import flatrows
from ec2ops.output import JsonPrinter, PlainPrinter

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "client"))
import pages  # noqa: E402 - benchmarks/pages.py: the answers the speed figures are measured on
from test_flat_lane import mixed  # noqa: E402 - the hostile items of the lane's own tests

REQUEST_ID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
VOLUMES = 20_000  # the 66 MB answer's items, fewer
HOSTILE = 7  # an account whose one answer holds the hostile items
FORMS = [
    [],
    ["--get", "returnResult"],
    ["-o", "json"],
    ["-o", "table"],
    ["--columns", "all"],
    ["--columns", "status,volumeId,tag:Name"],
    ["--columns", "volumeId,size", "-o", "json"],
    ["--col-delimiter", ";", "--row-delimiter", "|"],
    ["--col-delimiter", "l"],
    ["--max-items", "3"],
]


@pytest.fixture(scope="module")
def server():
    shape = pages.RESERVATION
    pages.RESERVATION = pages.SHAPES["moto"]
    served = pages.PageServer({"volumes": pages.Account(volumes=VOLUMES), "hostile": pages.Account(volumes=HOSTILE),
                               "instances": pages.Account(1500)})
    body = "    <volumeSet>" + "".join(mixed()) + "</volumeSet>\n</DescribeVolumesResponse>\n"
    served.answers[("volumes", HOSTILE)] = body.encode()
    threading.Thread(target=served.serve_forever, daemon=True).start()
    yield served
    served.shutdown()
    served.server_close()
    pages.RESERVATION = shape


def described(server, account: str, command: str, form: list[str]) -> tuple[int, str, str]:
    run = run_cli([command, *form], env={
        "EC2OPS_ENDPOINT": server.url(account), "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET_KEY})
    return run.code, REQUEST_ID.sub("<id>", run.out), run.err


@pytest.mark.parametrize("form", FORMS, ids=" ".join)
@pytest.mark.parametrize("account", ["volumes", "hostile"])
def test_rows_printed_in_bulk_are_the_rows_printed_one_by_one(server, account, form, monkeypatch):
    bulk: list[int] = []
    rows = flatrows.Rows.rows
    monkeypatch.setattr(flatrows.Rows, "rows", lambda self, layout, found, count: (
        bulk.append(count), rows(self, layout, found, count))[1])
    fast = described(server, account, "describe-volumes", form)
    # the lane prints the volumes' runs, unless the rows are held (a table) or counted (--max-items); of the
    # hostile answer, the runs of plain items between the others
    if account == "volumes":
        assert (sum(bulk) > 0) == ("table" not in form and "--max-items" not in form)
    elif not form:
        assert 0 < sum(bulk) < fast[1].count("\n")
    for printer in (PlainPrinter, JsonPrinter):
        monkeypatch.setattr(printer, "flat", lambda self, columns: None)
    one_by_one = described(server, account, "describe-volumes", form)
    assert fast == one_by_one
    if form == [] and account == "volumes":  # the benchmark's answer, one row a volume
        assert fast[0] == 0 and fast[1].count("\n") == VOLUMES + 1
    if account == "hostile" and "--max-items" not in form and "table" not in form:
        assert fast[0] == 0 and fast[1].count("vol-") > 100


@pytest.mark.parametrize("form", [[], ["--get", "returnResult"], ["-o", "json"]], ids=" ".join)
def test_the_benchmarks_pages_print_as_before(server, form, monkeypatch):
    fast = described(server, "instances", "describe-instances", form)
    for printer in (PlainPrinter, JsonPrinter):
        monkeypatch.setattr(printer, "flat", lambda self, columns: None)
    assert fast == described(server, "instances", "describe-instances", form)
    assert fast[0] == 0 and fast[1].count("i-") >= 1500

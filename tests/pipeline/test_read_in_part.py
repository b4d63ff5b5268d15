"""A page is read only as far as the printer uses it (rows.Items.keep, document.stream's keep): the
output is byte for byte what reading every item whole gives, on the benchmark's own pages (moto's
instance and the lean one), in every form."""

from __future__ import annotations

import re
import sys
import threading
from pathlib import Path

import pytest
from conftest import ACCESS_KEY_ID, SECRET_KEY, run_cli

from ec2ops.client import document
from ec2ops.rows import Items

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import pages  # noqa: E402 - benchmarks/pages.py: the answers the speed figures are measured on

FORMS = [
    [],
    ["--get", "returnResult"],
    ["-o", "json"],
    ["-o", "table"],
    ["--columns", "instanceId,tags,vpcId,ipAddress"],
    ["--columns", "all"],
    ["--columns", "instanceId,privateIpAddress", "-o", "json"],
    ["--instance-ids", "i-0c2b2ae4306c1d1bc,i-000000005deece66d"],  # the order given: read by the id column
    ["--max-items", "3"],
]
REQUEST_ID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")


@pytest.fixture(scope="module", params=sorted(pages.SHAPES))
def endpoint(request):
    shape = pages.RESERVATION
    pages.RESERVATION = pages.SHAPES[request.param]
    server = pages.PageServer({"two": pages.Account(1500)})  # a page of 1,000 and one of 500
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.url("two")
    server.shutdown()
    server.server_close()
    pages.RESERVATION = shape


def described(endpoint: str, form: list[str]) -> tuple[int, str, str]:
    run = run_cli(["describe-instances", *form], env={
        "EC2OPS_ENDPOINT": endpoint, "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET_KEY})
    # each answer has a fresh request id (and the ids are not what is compared)
    return run.code, REQUEST_ID.sub("<id>", run.out), run.err


@pytest.mark.parametrize("form", FORMS, ids=" ".join)
def test_reading_in_part_prints_what_reading_whole_prints(endpoint, form, monkeypatch):
    asked: list = []
    stream = document.stream

    def noted(*args, **kwargs):
        asked.append(args[5] if len(args) > 5 else kwargs.get("keep"))
        return stream(*args, **kwargs)

    monkeypatch.setattr(document, "stream", noted)
    in_part = described(endpoint, form)
    monkeypatch.setattr(Items, "keep", lambda self, columns: None)
    whole = described(endpoint, form)
    assert in_part[0] == 0 and in_part[1].count("\n") > 3
    assert in_part == whole
    # every form prints returnResult's columns only (JSON too: a row is an object of the columns)
    pages_read = 1 if "--max-items" in form else 2
    assert len(asked) == 2 * pages_read and None not in asked[:pages_read] and asked[pages_read:] == [None] * pages_read


def test_what_is_not_kept_is_not_built():
    xml = (b"<DescribeInstancesResponse><reservationSet><item><reservationId>r-1</reservationId>"
           b"<instancesSet><item><instanceId>i-1</instanceId><tagSet><item><key>a</key></item></tagSet>"
           b"<placement><availabilityZone>z</availabilityZone><tenancy>t</tenancy></placement>"
           b"<x>text</x></item></instancesSet><ownerId>o</ownerId></item></reservationSet>"
           b"<requestId>q</requestId></DescribeInstancesResponse>")
    got: list = []
    keep = {"reservationId": None, "instancesSet": {"item": {"instanceId": None, "placement": None}, "*": None}}
    root, rest = document.stream([xml], "e", "reservationSet", got.append, "DescribeInstances", keep)
    assert (root, rest) == ("DescribeInstancesResponse", {"requestId": "q"})
    assert got == [{"reservationId": "r-1", "instancesSet": {"item": [
        {"instanceId": "i-1", "placement": {"availabilityZone": "z", "tenancy": "t"}}]}}]


def test_a_deep_element_read_past_is_still_refused():
    deep = b"<a>" * 150 + b"</a>" * 150
    xml = (b"<DescribeInstancesResponse><reservationSet><item><reservationId>r-1</reservationId>"
           + deep + b"</item></reservationSet></DescribeInstancesResponse>")
    with pytest.raises(document.EndpointError, match=r"^e answered XML nested deeper than 100 levels"):
        document.stream([xml], "e", "reservationSet", lambda item: None, "DescribeInstances",
                        {"reservationId": None})


def test_an_item_whose_shown_columns_are_all_absent_is_still_a_row(ec2ops, ec2):
    """Read in part, a snapshot without a description keeps its row: null, not nothing."""
    volume = ec2.create_volume(Size=1, AvailabilityZone="us-east-1a")["VolumeId"]
    snapshot = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    listed = ec2ops("describe-snapshots", "--snapshot-ids", snapshot, "--columns", "description")
    assert listed.code == 0 and listed.out.splitlines()[0] == "null"

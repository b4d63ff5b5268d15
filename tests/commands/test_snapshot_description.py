"""A snapshot's description, shown after it is made: create-snapshot prints it (the guide's output),
and describe-snapshots gives it to --columns (asked for by name); the guide's plain layouts and the JSON they had
stay as they were. get-snapshot-details reads it back (--get description, JSON), its plain and
table layouts the guide's."""

import re

import httpx
import respx

from conftest import ec2_xml


def test_a_snapshots_description_is_shown_after_it_is_made(ec2ops, ec2):
    volume = ec2.create_volume(Size=1, AvailabilityZone="us-east-1a")["VolumeId"]
    made = ec2ops("create-snapshot", "--volume-id", volume, "--snapshot-description", "nightly 2026-12-03", "-o", "json")
    assert made.code == 0, made.err
    snapshot = made.json()["returnResult"]
    assert made.json()["description"] == "nightly 2026-12-03"
    assert ec2.describe_snapshots(SnapshotIds=[snapshot])["Snapshots"][0]["Description"] == "nightly 2026-12-03"

    listed = ec2ops("describe-snapshots", "--snapshot-ids", snapshot, "--columns", "snapshotId,description",
                    "--get", "returnResult")
    assert (listed.code, listed.out) == (0, f"{snapshot},nightly 2026-12-03\n")
    rows = ec2ops("describe-snapshots", "--snapshot-ids", snapshot, "-o", "json").json()["returnResult"]
    assert list(rows[0]) == ["snapshotId", "volumeId", "volumeSize", "status", "startTime", "progress", "encrypted",
                             "tags"]  # JSON rows keep their fields: the description is asked for by name
    every = ec2ops("describe-snapshots", "--snapshot-ids", snapshot, "--columns", "all", "-o", "json")
    assert "description" not in every.json()["returnResult"][0]
    asked = ec2ops("describe-snapshots", "--snapshot-ids", snapshot, "--columns", "description,tag:Name", "-o", "json")
    assert asked.json()["returnResult"] == [{"description": "nightly 2026-12-03", "tag:Name": None}]


def test_a_snapshot_without_a_description(ec2ops, ec2):
    volume = ec2.create_volume(Size=1, AvailabilityZone="us-east-1a")["VolumeId"]
    snapshot = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    listed = ec2ops("describe-snapshots", "--snapshot-ids", snapshot, "--columns", "description")
    assert listed.out.splitlines()[0] == "null"


def test_with_wait_the_description_is_printed_before_the_wait(ec2ops, ec2):
    volume = ec2.create_volume(Size=1, AvailabilityZone="us-east-1a")["VolumeId"]
    run = ec2ops("create-snapshot", "--volume-id", volume, "--snapshot-description", "before an upgrade", "--wait",
                 "--wait-interval", "0.01", "--get", "description")
    assert (run.code, run.out) == (0, "before an upgrade\n"), run.err


def test_get_snapshot_details_reads_the_description_back_beyond_the_guide(ec2ops, ec2):
    """get-snapshot-details gives the description given at create-snapshot to --get and JSON (an output
    beyond the guide); its plain and table layouts stay the guide's: the description is in neither."""
    volume = ec2.create_volume(Size=1, AvailabilityZone="us-east-1a")["VolumeId"]
    text = "nightly, before the upgrade: 2026-12-03"
    snapshot = ec2ops("create-snapshot", "--volume-id", volume, "--snapshot-description", text,
                      "--get", "returnResult").out.strip()
    made = ec2.describe_snapshots(SnapshotIds=[snapshot])["Snapshots"][0]
    assert made["Description"] == text

    got = ec2ops("get-snapshot-details", "--snapshot-id", snapshot, "--get", "description")
    assert (got.code, got.out, got.err) == (0, text + "\n", "")
    doc = ec2ops("get-snapshot-details", "--snapshot-id", snapshot, "-o", "json").json()
    assert list(doc) == ["returnResult", "snapshotId", "status", "volumeId", "startTime", "progress",
                         "description", "requestId"]
    assert doc["description"] == text

    plain = ec2ops("get-snapshot-details", "--snapshot-id", snapshot)
    started = made["StartTime"]
    guide = (f"{snapshot}\nsnapshotId: {snapshot}\nstatus: {made['State']}\nvolumeId: {volume}\n"
             f"startTime: {started:%Y-%m-%dT%H:%M:%S}.{started.microsecond // 1000:03d}Z\n"
             f"progress: {made['Progress']}\n")
    assert plain.code == 0 and re.fullmatch(re.escape(guide) + r"requestId: \S+\n", plain.out), plain.out
    table = ec2ops("get-snapshot-details", "--snapshot-id", snapshot, "-o", "table")
    assert table.code == 0 and snapshot in table.out and text not in table.out and "description" not in table.out


def test_get_snapshot_details_plain_output_is_the_guides_byte_for_byte(offline):
    """A fixed DescribeSnapshots answer with a description: the plain output is exactly the guide's
    outputs in their order, as before the description was read; --get description is the text alone."""
    answer = ec2_xml("DescribeSnapshots", "<snapshotSet><item><snapshotId>snap-1</snapshotId><volumeId>vol-1</volumeId>"
                     "<status>completed</status><startTime>2026-01-01T00:00:00.000Z</startTime><progress>100%"
                     "</progress><ownerId>1</ownerId><volumeSize>8</volumeSize><description>d, e: f</description>"
                     "</item></snapshotSet>", request_id="req-1")
    with respx.mock:
        respx.post("https://ec2.us-east-1.amazonaws.com/").mock(return_value=httpx.Response(200, text=answer))
        plain = offline("get-snapshot-details", "--snapshot-id", "snap-1")
        got = offline("get-snapshot-details", "--snapshot-id", "snap-1", "--get", "description")
    assert (plain.code, plain.out) == (0, "snap-1\nsnapshotId: snap-1\nstatus: completed\nvolumeId: vol-1\n"
                                          "startTime: 2026-01-01T00:00:00.000Z\nprogress: 100%\nrequestId: req-1\n")
    assert (got.code, got.out) == (0, "d, e: f\n")


def test_get_snapshot_details_of_a_snapshot_without_a_description(ec2ops, ec2):
    volume = ec2.create_volume(Size=1, AvailabilityZone="us-east-1a")["VolumeId"]
    snapshot = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    """No description: --get prints an empty line (so `[ -z "$(...)" ]` works), JSON has null."""
    got = ec2ops("get-snapshot-details", "--snapshot-id", snapshot, "--get", "description")
    assert (got.code, got.out) == (0, "\n")
    assert ec2ops("get-snapshot-details", "--snapshot-id", snapshot, "-o", "json").json()["description"] is None

"""A snapshot's description, shown after it is made: create-snapshot prints it (the guide's output),
and describe-snapshots gives it to --columns (asked for by name); the guide's plain layouts and the JSON they had
stay as they were."""


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

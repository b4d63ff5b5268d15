"""'-' reads a listing's plain output as ec2ops prints it: the first field of each row, the
`requestId:` line (and every other output's line) skipped; ids separated by whitespace or a
delimiter still read as before. Through the installed console script in a pipe, against moto,
read back with boto3."""

from __future__ import annotations

import subprocess

import pytest

from conftest import EC2OPS, debug_params, env_for
from ec2ops.stdin import listed_ids

AMI = "ami-12345678"


def states(ec2, *ids: str) -> list[str]:
    found = {i["InstanceId"]: i["State"]["Name"] for r in ec2.describe_instances(InstanceIds=list(ids))["Reservations"]
             for i in r["Instances"]}
    return [found[i] for i in ids]


def test_a_listing_piped_as_it_is_stops_each_of_its_rows_in_one_call(ec2, moto):
    ids = [i["InstanceId"] for i in ec2.run_instances(ImageId=AMI, MinCount=2, MaxCount=2)["Instances"]]
    ec2.create_tags(Resources=ids, Tags=[{"Key": "team", "Value": "web"}])
    other = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    pipe = (f"set -o pipefail; '{EC2OPS}' describe-instances --tag team=web"
            f" | '{EC2OPS}' stop-instance --instance-id - --debug")
    done = subprocess.run(["bash", "-c", pipe], capture_output=True, text=True, env=env_for(moto), timeout=120)
    assert done.returncode == 0, done.stderr
    sent = debug_params(done.stderr)
    assert sorted([sent.pop("InstanceId.1"), sent.pop("InstanceId.2")]) == sorted(ids)
    assert sent == {"Action": "StopInstances", "Version": "2016-11-15"}
    assert states(ec2, *ids, other) == ["stopped", "stopped", "running"]


def test_a_volume_listing_gives_its_first_column_and_skips_every_output_line():
    listing = ("vol-1,1,null,us-east-1a,available,2026-12-01T15:00:00.000Z,null\n"
               "vol-2,8,snap-1,us-east-1a,in-use,2026-12-01T15:00:00.000Z,i-1;/dev/sda1\n"
               "attachmentSet:\n  vol-2,i-1,/dev/sda1,attached\nrequestId: 59dbff89-35bd\n")
    assert listed_ids(listing, "vol-") == ["vol-1", "vol-2"]


@pytest.mark.parametrize("given, ids", [
    ("i-1 i-2\ni-3\n", ["i-1", "i-2", "i-3"]),  # cut, awk, jq -r: as before
    ("  i-1\t\n", ["i-1"]),
    ("i-1,i-2\nreservationID: r-1\nrequestId: abc\n", ["i-1", "i-2"]),  # run-instances' returnResult: all ids
    ("i-1;ami-1;t3.micro;stopped\ni-2;ami-1;t3.micro;stopped\nrequestId: abc\n", ["i-1", "i-2"]),
    ("requestId: abc\n", []),
    ("i-1\nstopped\n", ["i-1", "stopped"]),  # a word that is no id is still checked as one (exit 2)
])
def test_what_is_read_from_stdin(given, ids):
    assert listed_ids(given, "i-") == ids

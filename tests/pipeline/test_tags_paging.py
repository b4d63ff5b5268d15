"""--tag (a filter on the commands that list, TagSpecification on the commands that create) and
--page-size / --max-items on the commands whose Describe pages, against moto."""

from __future__ import annotations

import re

import pytest

from conftest import refusal

AMI = "ami-12345678"


def tags_of(described: list[dict]) -> list[dict[str, str]]:
    return [{t["Key"]: t["Value"] for t in item.get("Tags", [])} for item in described]


def ids(out: str) -> list[str]:
    return [line.split(";")[0] for line in out.split("requestId: ")[0].splitlines()]


# -- --tag on the commands that list ------------------------------------------------------------------
def test_tag_filters_by_key_and_value_or_by_key(ec2ops, ec2):
    web, db, bare = (ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
                     for _ in range(3))
    ec2.create_tags(Resources=[web], Tags=[{"Key": "role", "Value": "web"}])
    ec2.create_tags(Resources=[db], Tags=[{"Key": "role", "Value": "db"}, {"Key": "team", "Value": "data"}])
    assert ids(ec2ops("describe-instances", "--tag", "role=web").out) == [web]
    assert sorted(ids(ec2ops("describe-instances", "--tag", "role").out)) == sorted([web, db])
    assert ids(ec2ops("describe-instances", "--tag", "role", "--tag", "team=data").out) == [db]
    assert ids(ec2ops("describe-instances", "--tag", "role=nobody").out) == []
    assert bare not in ec2ops("describe-instances", "--tag", "role").out
    run = ec2ops("describe-instances", "--tag", "=web")
    assert (run.code, run.err) == (2, "ec2ops: --tag '=web': give KEY=VALUE or KEY, e.g. Name=web.\n")


# -- --tag on the commands that create ----------------------------------------------------------------
def test_run_instances_tags_its_instances_and_their_volumes(ec2ops, ec2):
    run = ec2ops("run-instances", "--ami-id", AMI, "--tag", "Name=web", "--tag", "team=ops", "--get", "returnResult")
    assert run.code == 0, run.err
    instance = ec2.describe_instances(InstanceIds=[run.out.strip()])["Reservations"][0]["Instances"][0]
    assert tags_of([instance]) == [{"Name": "web", "team": "ops"}]
    volume_id = instance["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
    assert tags_of(ec2.describe_volumes(VolumeIds=[volume_id])["Volumes"]) == [{"Name": "web", "team": "ops"}]


@pytest.mark.parametrize("args,describe", [
    (["create-volume", "--size", "1", "--availability-zone", "us-east-1a"],
     lambda ec2, id_: ec2.describe_volumes(VolumeIds=[id_])["Volumes"]),
    (["create-security-group", "--group-name", "tagged", "--group-description", "x"],
     lambda ec2, id_: ec2.describe_security_groups(GroupNames=["tagged"])["SecurityGroups"]),
    (["allocate-new-key-pair", "--key-name", "tagged"],
     lambda ec2, id_: ec2.describe_key_pairs(KeyNames=["tagged"])["KeyPairs"]),
    (["allocate-new-elastic-ip"],
     lambda ec2, id_: ec2.describe_addresses(PublicIps=[id_])["Addresses"]),
])
def test_a_command_that_creates_tags_what_it_creates(ec2ops, ec2, args, describe):
    run = ec2ops(*args, "--tag", "env=test", "--tag", "owner", "--debug")
    assert run.code == 0, run.err
    new_id = run.out.splitlines()[0] if not args[0].startswith("allocate-new-key") else "tagged"
    assert tags_of(describe(ec2, new_id)) == [{"env": "test", "owner": ""}]
    assert "TagSpecification.1.Tag.1.Key=env" in run.err


def test_create_snapshot_and_the_shared_snapshot_flow_tag_the_snapshot(ec2ops, ec2):
    volume = ec2.create_volume(Size=1, AvailabilityZone="us-east-1a")["VolumeId"]
    for args in (["create-snapshot"], ["create-shared-snapshot", "--user-ids", "123456789012"]):
        run = ec2ops(*args, "--volume-id", volume, "--tag", "backup=nightly", "--get", "returnResult")
        assert run.code == 0, run.err
        snapshot = ec2.describe_snapshots(SnapshotIds=[run.out.strip()])["Snapshots"]
        assert tags_of(snapshot) == [{"backup": "nightly"}]


def test_the_template_flow_copies_the_templates_tags_unless_told_not_to(ec2ops, ec2):
    template = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, TagSpecifications=[{
        "ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web"}, {"Key": "team", "Value": "ops"}]}],
    )["Instances"][0]["InstanceId"]

    def launched(*extra):
        run = ec2ops("run-instances-from-template", "--instance-identifier", template, *extra, "--get",
                     "returnResult")
        assert run.code == 0, run.err
        found = ec2.describe_instances(InstanceIds=[run.out.strip()])["Reservations"][0]["Instances"]
        return tags_of(found)[0]

    assert launched() == {"Name": "web", "team": "ops"}
    assert launched("--tag", "Name=web-2") == {"Name": "web-2", "team": "ops"}
    assert launched("--no-copy-tags") == {}


def test_tags_are_checked_before_anything_is_sent(ec2ops):
    run = ec2ops("create-volume", "--size", "1", "--availability-zone", "us-east-1a", "--tag", "a=1", "--tag", "a=2",
                 "--debug")
    assert (run.code, run.out) == (2, "")
    assert run.err.splitlines()[-1] == "ec2ops: --tag a is given twice." and ">>> POST" not in run.err


# -- paging ---------------------------------------------------------------------------------------------
@pytest.fixture
def seven(ec2):
    for _ in range(7):
        ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)
    return ec2


def test_page_size_asks_for_pages_and_prints_every_row(ec2ops, seven):
    run = ec2ops("describe-instances", "--page-size", "5", "--debug")
    assert run.code == 0, run.err
    assert len(ids(run.out)) == 7
    sent = re.findall(r">>> POST [^\n]*\n(?:.*\n)*?<<<", run.err)
    assert len(sent) == 2 and all("MaxResults=5" in block for block in sent) and "NextToken=" in sent[1]


def test_max_items_stops_asking_after_that_many_rows(ec2ops, seven):
    run = ec2ops("describe-instances", "--page-size", "5", "--max-items", "3", "--debug")
    assert run.code == 0, run.err
    assert len(ids(run.out)) == 3 and run.err.count(">>> POST") == 1
    doc = ec2ops("describe-instances", "--max-items", "6", "-o", "json").json()
    assert len(doc["returnResult"]) == 6


def test_page_size_is_not_sent_with_ids_and_is_checked_against_ec2s_range(ec2ops, seven):
    some = [i["InstanceId"] for r in seven.describe_instances()["Reservations"] for i in r["Instances"]][:2]
    run = ec2ops("describe-instances", "--instance-ids", ",".join(some), "--page-size", "5", "--debug")
    assert run.code == 0 and sorted(ids(run.out)) == sorted(some) and "MaxResults" not in run.err
    run = ec2ops("describe-instances", "--page-size", "2")
    assert (run.code, run.err) == (2, "ec2ops: --page-size must be from 5 to 1000 for DescribeInstances, not 2.\n")


def test_page_size_is_not_sent_with_group_ids_either(ec2ops, ec2):
    group = ec2.create_security_group(GroupName="paged", Description="x")["GroupId"]
    run = ec2ops("describe-security-groups", "--group-ids", group, "--page-size", "5", "--debug")
    assert run.code == 0, run.err
    assert "MaxResults" not in run.err and run.out.startswith("paged,")


def test_an_unknown_group_id_is_the_guides_not_found_message(ec2ops):
    run = ec2ops("get-security-group-details", "--group-id", "sg-0123456789abcdef0")
    assert (run.code, run.out) == (1, "")
    assert refusal(run.err) == (
        "ec2ops: The security group 'sg-0123456789abcdef0' does not exist. Error code: InvalidGroup.NotFound.")

"""create-tags and delete-tags on any resource id (beyond the guide), and --columns tag:KEY on every
table: against moto, the tags read back with boto3."""

import pytest

AMI = "ami-12345678"


def tags_of(ec2, resource_id: str) -> dict[str, str]:
    found = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [resource_id]}])["Tags"]
    return {t["Key"]: t["Value"] for t in found}


@pytest.fixture
def things(ec2):
    """An instance, a volume and a VPC, untagged."""
    instance = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    volume = ec2.create_volume(Size=1, AvailabilityZone="us-east-1a")["VolumeId"]
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    return instance, volume, vpc


def test_create_tags_tags_every_resource_given(ec2ops, ec2, things):
    run = ec2ops("create-tags", "--resource-ids", ",".join(things), "--tag", "Name=web-1", "--tag", "team=web",
                 "--tag", "spare")
    assert run.code == 0, run.err
    assert run.out.startswith("true\nrequestId: ") and run.out.count("\n") == 2
    for resource in things:
        assert tags_of(ec2, resource) == {"Name": "web-1", "team": "web", "spare": ""}
    again = ec2ops("create-tags", "--resource-ids", things[0], "--tags", "Name=web-2")  # a value overwritten
    assert again.code == 0 and tags_of(ec2, things[0]) == {"Name": "web-2", "team": "web", "spare": ""}


def test_create_tags_reads_ids_from_stdin(ec2ops, ec2, things):
    run = ec2ops("create-tags", "--resource-ids", "-", "--tag", "env=dev", stdin=f"{things[0]}\n{things[1]} {things[2]}\n")
    assert run.code == 0, run.err
    assert [tags_of(ec2, r) for r in things] == [{"env": "dev"}] * 3
    empty = ec2ops("create-tags", "--resource-ids", "-", "--tag", "env=dev", stdin="")
    assert (empty.code, empty.out) == (0, "")
    assert empty.err == "ec2ops: --resource-ids -: no resource ids on standard input; nothing was done.\n"


def test_create_tags_dry_run_changes_nothing(ec2ops, ec2, things):
    run = ec2ops("create-tags", "--resource-ids", things[0], "--tag", "Name=web", "--dry-run")
    assert (run.code, run.out, run.err) == (0, "", "ec2ops: dry run: EC2 would have done it.\n")
    assert tags_of(ec2, things[0]) == {}
    gone = ec2ops("delete-tags", "--resource-ids", things[0], "--tag", "Name", "--dry-run")
    assert (gone.code, gone.out, gone.err) == (0, "", "ec2ops: dry run: EC2 would have done it.\n")


def test_delete_tags_by_key_or_by_key_and_value(ec2ops, ec2, things):
    instance = things[0]
    ec2.create_tags(Resources=[instance], Tags=[{"Key": k, "Value": v} for k, v in
                                                (("Name", "web"), ("env", "dev"), ("team", "ops"), ("x", ""))])
    kept = ec2ops("delete-tags", "--resource-ids", instance, "--tag", "env=prod")  # another value: kept
    assert kept.code == 0 and tags_of(ec2, instance) == {"Name": "web", "env": "dev", "team": "ops", "x": ""}
    run = ec2ops("delete-tags", "--resource-ids", instance, "--tag", "env=dev", "--tag", "team", "--debug")
    assert run.code == 0 and run.out.startswith("true\nrequestId: ")
    sent = [line.strip() for line in run.err.splitlines() if line.startswith("  Tag.")]
    assert sent == ["Tag.1.Key=env", "Tag.1.Value=dev", "Tag.2.Key=team"]  # team: whatever its value
    assert tags_of(ec2, instance) == {"Name": "web", "x": ""}
    absent = ec2ops("delete-tags", "--resource-ids", instance, "--tag", "nothing")  # not there: no error
    assert absent.code == 0 and tags_of(ec2, instance) == {"Name": "web", "x": ""}


@pytest.mark.parametrize("args,message", [
    (["create-tags", "--resource-ids", "web-1", "--tag", "a=b"],
     "Invalid id: 'web-1' (expecting a resource id such as i-..., vol-..., snap-..., ami-..., sg-..., vpc-..., "
     "subnet-...). Error code: InvalidID."),
    (["create-tags", "--resource-ids", "i-12345678", "--tag", "=b"], "--tag '=b': give KEY=VALUE or KEY, e.g. Name=web."),
    (["create-tags", "--resource-ids", "i-12345678", "--tag", "a=1", "--tag", "a=2"], "--tag a is given twice."),
    (["delete-tags", "--resource-ids", "i-12345678", "--tag", "a", "--tag", "a=1"], "--tag a is given twice."),
    (["create-tags", "--resource-ids", "i-12345678", "--tag", "a", "--regions", "all"],
     "--regions is only for commands that only read: this one changes something, and changes are made in one "
     "region with one profile."),
])
def test_bad_tag_input_is_refused_before_anything_is_sent(ec2ops, args, message):
    run = ec2ops(*args)
    assert (run.code, run.out, run.err) == (2, "", f"ec2ops: {message}\n")


def test_a_tag_is_required(ec2ops):
    run = ec2ops("create-tags", "--resource-ids", "i-12345678")
    assert run.code == 2 and run.err == ("ec2ops: Missing option '--tags' / '--tag'; "
                                         "see 'ec2ops create-tags --help'.\n")


# -- --columns tag:KEY ---------------------------------------------------------------------------------
def test_columns_tag_key_is_a_tags_value_or_null(ec2ops, ec2, things):
    instance, volume, _ = things
    other = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    ec2.create_tags(Resources=[instance, volume], Tags=[{"Key": "Name", "Value": "web-1"},
                                                        {"Key": "team", "Value": "ops"}])
    plain = ec2ops("describe-instances", "--columns", "instanceId,tag:Name,tag:team", "--get", "returnResult")
    assert plain.code == 0, plain.err
    assert sorted(plain.out.splitlines()) == sorted([f"{instance};web-1;ops", f"{other};null;null"])  # its colDelimiter
    listed = ec2ops("describe-instances", "--columns", "tag:Name,instanceId", "-o", "json").json()["returnResult"]
    assert sorted(listed, key=lambda row: row["instanceId"]) == sorted(
        [{"tag:Name": "web-1", "instanceId": instance}, {"tag:Name": None, "instanceId": other}],
        key=lambda row: row["instanceId"])
    volumes = ec2ops("describe-volumes", "--columns", "volumeId;tag:team", "--delimiter", ";", "--col-delimiter", " ")
    assert volumes.code == 0 and f"{volume} ops\n" in volumes.out
    table = ec2ops("describe-volumes", "--columns", "tag:Name", "-o", "table", "--no-color")
    assert table.code == 0 and "tag:Name" in table.out and "web-1" in table.out


def test_columns_tag_key_with_regions(ec2ops, ec2, things):
    ec2.create_tags(Resources=[things[0]], Tags=[{"Key": "Name", "Value": "web-1"}])
    run = ec2ops("describe-instances", "--regions", "us-east-1", "--columns", "region,tag:Name", "--get", "returnResult")
    assert (run.code, run.out) == (0, "us-east-1;web-1\n"), run.err


@pytest.mark.parametrize("args,message", [
    (["enumerate-regions", "--columns", "regionName,tag:Name"],
     "--columns tag:Name: enumerate-regions lists nothing with tags; its columns are regionName, regionEndpoint, "
     "or all."),
    (["describe-instances", "--columns", "instanceId,tag:"], "--columns: tag: needs a tag's key, e.g. tag:Name."),
    (["describe-instances", "--columns", "all,tag:Name"],
     "--columns: all means every column, and stands alone; give all, or name the columns."),
])
def test_columns_tag_key_refused(ec2ops, args, message):
    run = ec2ops(*args)
    assert (run.code, run.out, run.err) == (2, "", f"ec2ops: {message}\n")


def test_in_the_sandbox_tags_set_and_removed_show_in_the_tables(sandbox):
    """The same commands against `ec2ops sandbox` (moto behind its EC2 layer), read back with boto3."""
    from conftest import ec2_client

    ec2 = ec2_client(sandbox.url)
    image = ec2.register_image(ImageLocation="/ops-bucket/base.manifest.xml", Name="base")["ImageId"]  # the sandbox
    instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]  # knows AMIs
    vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    run = sandbox("create-tags", "--resource-ids", f"{instance},{vpc}", "--tag", "Name=web-1", "--tag", "team=web")
    assert run.code == 0, run.err
    assert tags_of(ec2, instance) == tags_of(ec2, vpc) == {"Name": "web-1", "team": "web"}
    shown = sandbox("describe-instances", "--columns", "instanceId,tag:Name", "--get", "returnResult")
    assert (shown.code, shown.out) == (0, f"{instance};web-1\n")
    vpcs = sandbox("describe-vpcs", "--vpc-ids", vpc, "--get", "returnResult")
    assert (vpcs.code, vpcs.out) == (0, f"{vpc},10.8.0.0/16,available,false,default,default,web-1\n")
    gone = sandbox("delete-tags", "--resource-ids", "-", "--tag", "team", stdin=f"{instance} {vpc}\n")
    assert gone.code == 0 and tags_of(ec2, instance) == tags_of(ec2, vpc) == {"Name": "web-1"}
    dry = sandbox("delete-tags", "--resource-ids", instance, "--tag", "Name", "--dry-run")
    assert (dry.code, dry.err) == (0, "ec2ops: dry run: EC2 would have done it.\n")
    assert tags_of(ec2, instance) == {"Name": "web-1"}

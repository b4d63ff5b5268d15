"""Fields beyond the guide and --columns (issue 12), against moto: resources made and tagged with
boto3, their new fields read back by ec2ops and compared with boto3's. Plain and table keep the
guide's columns unless --columns picks others; JSON rows carry every field, the guide's first."""

from __future__ import annotations

from datetime import datetime

import pytest

from conftest import debug_params, ec2_client

AMI = "ami-12345678"
GUIDE = ["instanceId", "imageId", "instanceType", "instanceState", "dnsName", "keyName", "ramdiskId", "platform",
         "kernelId", "monitoring", "rootDeviceName", "rootDeviceType", "reason", "availabilityZone", "groupSet"]
FIELDS = ["privateIpAddress", "ipAddress", "privateDnsName", "vpcId", "subnetId", "launchTime", "tags"]


def tagged(kind: str, **tags: str) -> list[dict]:
    return [{"ResourceType": kind, "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}]


@pytest.fixture
def instance(ec2):
    """An instance tagged team=ops and Name=web (given in that order), as boto3 describes it."""
    made = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1,
                             TagSpecifications=tagged("instance", team="ops", Name="web"))["Instances"][0]
    return ec2.describe_instances(InstanceIds=[made["InstanceId"]])["Reservations"][0]["Instances"][0]


def test_default_plain_and_table_keep_the_guides_columns(ec2ops, instance):
    plain = ec2ops("describe-instances")
    assert plain.code == 0, plain.err
    row = plain.out.splitlines()[0].split(";")
    assert len(row) == 15 and row[0] == instance["InstanceId"] and row[3] == "running"
    assert plain.out.splitlines()[1].startswith("requestId: ")
    table = ec2ops("describe-instances", "-o", "table", env={"COLUMNS": "600"})
    header = [cell.strip() for cell in table.out.splitlines()[2].split("┃")[1:-1]]
    assert header[0] == "Instance Id" and header[-1] == "Security groups" and len(header) == 15


def test_json_rows_carry_every_field_the_guides_first_equal_to_boto3s(ec2ops, instance):
    doc = ec2ops("describe-instances", "-o", "json").json()
    row = doc["returnResult"][0]
    assert list(row) == GUIDE + FIELDS
    assert {k: row[k] for k in FIELDS if k not in ("launchTime", "tags")} == {
        "privateIpAddress": instance["PrivateIpAddress"], "ipAddress": instance["PublicIpAddress"],
        "privateDnsName": instance["PrivateDnsName"], "vpcId": instance["VpcId"], "subnetId": instance["SubnetId"]}
    assert datetime.fromisoformat(row["launchTime"].replace("Z", "+00:00")) == instance["LaunchTime"]
    assert row["tags"] == {"team": "ops", "Name": "web"} == {t["Key"]: t["Value"] for t in instance["Tags"]}


def test_columns_pick_and_order_in_plain_with_tags_as_pairs_in_key_order(ec2ops, instance):
    run = ec2ops("describe-instances", "--columns", "tags,instanceId,privateIpAddress,vpcId")
    assert run.code == 0, run.err
    assert run.out.splitlines()[0] == (f"Name=web,team=ops;{instance['InstanceId']};"
                                       f"{instance['PrivateIpAddress']};{instance['VpcId']}")
    # the command's --delimiter splits the list and joins the tags
    run = ec2ops("describe-instances", "--delimiter", "+", "--col-delimiter", "|", "--columns", "instanceId+tags")
    assert run.out.splitlines()[0] == f"{instance['InstanceId']}|Name=web+team=ops"
    got = ec2ops("describe-instances", "--columns", "ipAddress", "--get", "returnResult")
    assert (got.code, got.out) == (0, f"{instance['PublicIpAddress']}\n")


def test_columns_in_json_and_table(ec2ops, instance):
    doc = ec2ops("describe-instances", "--columns", "instanceId,tags,subnetId", "-o", "json").json()
    assert doc["returnResult"] == [{"instanceId": instance["InstanceId"], "tags": {"Name": "web", "team": "ops"},
                                    "subnetId": instance["SubnetId"]}]
    table = ec2ops("describe-instances", "--columns", "privateDnsName,instanceId", "-o", "table",
                   env={"COLUMNS": "600"})
    assert table.code == 0, table.err
    lines = table.out.splitlines()
    assert [cell.strip() for cell in lines[2].split("┃")[1:-1]] == ["Private DNS", "Instance Id"]
    assert [cell.strip() for cell in lines[4].split("│")[1:-1]] == [instance["PrivateDnsName"],
                                                                     instance["InstanceId"]]


def test_columns_all_shows_every_field_in_every_form(ec2ops, instance):
    plain = ec2ops("describe-instances", "--columns", "all")
    row = plain.out.splitlines()[0].split(";")
    assert len(row) == 22 and row[0] == instance["InstanceId"]
    assert row[15:20] == [instance["PrivateIpAddress"], instance["PublicIpAddress"], instance["PrivateDnsName"],
                          instance["VpcId"], instance["SubnetId"]]
    assert row[21] == "Name=web,team=ops"
    doc = ec2ops("describe-instances", "--columns", "all", "-o", "json").json()
    assert list(doc["returnResult"][0]) == GUIDE + FIELDS


def test_an_unknown_column_is_exit_2_naming_the_valid_ones_before_anything_is_sent(ec2ops, moto):
    traced = ec2ops("describe-volumes", "--columns", "volumeId,nope,size,bogus", "--debug")
    assert traced.code == 2 and "Action" not in traced.err  # --debug shows every request: none went out
    run = ec2ops("describe-volumes", "--columns", "volumeId,nope,size,bogus")
    assert (run.code, run.out) == (2, "")
    assert run.err == ("ec2ops: --columns: describe-volumes has no column nope, bogus; its columns are volumeId, "
                       "size, snapshotId, availabilityZone, status, volumeType, iops, encrypted, tags (and region, "
                       "profile with --regions, --profiles), or all.\n")
    empty = ec2ops("describe-volumes", "--columns", ",")
    assert (empty.code, empty.err) == (2, "ec2ops: --columns: name at least one column, or all.\n")
    mixed = ec2ops("describe-volumes", "--columns", "all,size")
    assert (mixed.code, mixed.out, mixed.err) == (
        2, "", "ec2ops: --columns: all means every column, and stands alone; give all, or name the columns.\n")
    # a command whose returnResult is not a table has no --columns
    assert ec2ops("get-volume-details", "--volume-id", "vol-12345678", "--columns", "size").code == 2


def test_volume_fields_typed_in_json_and_as_ec2_says_in_plain(ec2ops, ec2):
    made = ec2.create_volume(Size=4, AvailabilityZone="us-east-1a", VolumeType="io1", Iops=300, Encrypted=True,
                             TagSpecifications=tagged("volume", Name="data", backup="daily"))
    volume = ec2.describe_volumes(VolumeIds=[made["VolumeId"]])["Volumes"][0]
    assert (volume["VolumeType"], volume["Iops"], volume["Encrypted"]) == ("io1", 300, True)
    doc = ec2ops("describe-volumes", "--volume-ids", volume["VolumeId"], "-o", "json").json()
    assert doc["returnResult"] == [{"volumeId": volume["VolumeId"], "size": 4, "snapshotId": None,
                                    "availabilityZone": "us-east-1a", "status": "available", "volumeType": "io1",
                                    "iops": 300, "encrypted": True, "tags": {"Name": "data", "backup": "daily"}}]
    plain = ec2ops("describe-volumes", "--volume-ids", volume["VolumeId"],
                   "--columns", "volumeId,volumeType,iops,encrypted,tags")
    # the tags are one field (issue 24: joined by the column delimiter too, they were two)
    assert plain.out.splitlines()[0] == f"{volume['VolumeId']},io1,300,true,\"Name=data,backup=daily\""
    assert ec2ops("describe-volumes", "--volume-ids", volume["VolumeId"]).out.splitlines()[0] == \
        f"{volume['VolumeId']},4,null,us-east-1a,available"


def test_snapshot_fields_equal_boto3s(ec2ops, ec2):
    volume = ec2.create_volume(Size=6, AvailabilityZone="us-east-1a", Encrypted=True)["VolumeId"]
    made = ec2.create_snapshot(VolumeId=volume, TagSpecifications=tagged("snapshot", Name="nightly"))
    snapshot = ec2.describe_snapshots(SnapshotIds=[made["SnapshotId"]])["Snapshots"][0]
    doc = ec2ops("describe-snapshots", "--snapshot-ids", snapshot["SnapshotId"],
                 "--columns", "snapshotId,volumeSize,encrypted,tags", "-o", "json").json()
    assert doc["returnResult"] == [{"snapshotId": snapshot["SnapshotId"], "volumeSize": snapshot["VolumeSize"],
                                    "encrypted": snapshot["Encrypted"], "tags": {"Name": "nightly"}}]
    assert (snapshot["VolumeSize"], snapshot["Encrypted"]) == (6, True)
    plain = ec2ops("describe-snapshots", "--snapshot-ids", snapshot["SnapshotId"], "--columns", "encrypted,tags")
    assert plain.out.splitlines()[0] == "true,Name=nightly"


def test_image_fields_equal_boto3s(ec2ops, ec2, instance):
    image_id = ec2.create_image(InstanceId=instance["InstanceId"], Name="golden",
                                TagSpecifications=tagged("image", role="base"))["ImageId"]
    image = ec2.describe_images(ImageIds=[image_id])["Images"][0]
    run = ec2ops("enumerate-images", "--image-owners", "self", "--columns", "imageId,name,creationDate,tags")
    assert run.code == 0, run.err
    assert run.out.splitlines()[0] == f"{image_id},golden,{image['CreationDate']},role=base"
    doc = ec2ops("enumerate-images", "--image-owners", "self", "-o", "json").json()
    assert {k: doc["returnResult"][0][k] for k in ("name", "creationDate", "tags")} == {
        "name": "golden", "creationDate": image["CreationDate"], "tags": {"role": "base"}}


def test_security_group_fields_equal_boto3s(ec2ops, ec2):
    group_id = ec2.create_security_group(GroupName="web", Description="Web servers",
                                         TagSpecifications=tagged("security-group", tier="front"))["GroupId"]
    group = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    run = ec2ops("describe-security-groups", "--group-names", "web", "--columns", "groupName,groupId,vpcId,tags")
    assert run.code == 0, run.err
    assert run.out.splitlines()[0] == f"web,{group_id},{group['VpcId']},tier=front"
    assert run.out.splitlines()[1] == "groupNames: web"
    doc = ec2ops("describe-security-groups", "--group-names", "web", "-o", "json").json()
    assert list(doc["returnResult"][0]) == ["groupName", "ownerId", "groupDescription", "groupId", "vpcId", "tags"]


def test_elastic_ip_fields_equal_boto3s(ec2ops, ec2, instance):
    allocation = ec2.allocate_address(Domain="vpc")
    association = ec2.associate_address(AllocationId=allocation["AllocationId"],
                                        InstanceId=instance["InstanceId"])["AssociationId"]
    address = ec2.describe_addresses(AllocationIds=[allocation["AllocationId"]])["Addresses"][0]
    assert address["AssociationId"] == association
    doc = ec2ops("enumerate-elastic-ips", "-o", "json").json()
    assert doc["returnResult"] == [{"publicIp": address["PublicIp"], "instanceId": instance["InstanceId"],
                                    "allocationId": allocation["AllocationId"], "associationId": association,
                                    "domain": "vpc"}]
    plain = ec2ops("enumerate-elastic-ips", "--columns", "allocationId,associationId,domain,publicIp")
    assert plain.out == f"{allocation['AllocationId']},{association},vpc,{address['PublicIp']}\nrequestId: " \
        + plain.out.split("requestId: ")[1]
    assert ec2ops("enumerate-elastic-ips").out.splitlines()[0] == f"{address['PublicIp']},{instance['InstanceId']}"


def test_region_and_profile_labels_are_columns_too(ec2ops, moto, instance):
    west = ec2_client(moto, "eu-west-1").run_instances(ImageId=AMI, MinCount=1, MaxCount=1)["Instances"][0][
        "InstanceId"]
    run = ec2ops("describe-instances", "--regions", "us-east-1,eu-west-1", "--columns", "instanceId,region")
    assert run.code == 0, run.err
    assert run.out.splitlines()[:2] == [f"{instance['InstanceId']};us-east-1", f"{west};eu-west-1"]
    doc = ec2ops("describe-instances", "--regions", "eu-west-1", "--columns", "region,tags", "-o", "json").json()
    assert doc["returnResult"] == [{"region": "eu-west-1", "tags": {}}]
    alone = ec2ops("describe-instances", "--columns", "region,instanceId")
    assert (alone.code, alone.out) == (2, "")
    assert alone.err == ("ec2ops: --columns: no region column without --regions or --profiles: region is one "
                         "with either, profile with --profiles.\n")


def test_tags_in_plain_are_escaped_and_an_untagged_row_is_null(ec2ops, ec2, instance):
    ec2.create_tags(Resources=[instance["InstanceId"]], Tags=[{"Key": "note", "Value": "a\nb"}])
    bare = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    run = ec2ops("describe-instances", "--instance-ids", f"{instance['InstanceId']},{bare}",
                 "--columns", "instanceId,tags", "--debug")
    assert debug_params(run.err)["InstanceId.2"] == bare
    assert run.out.splitlines()[:2] == [f"{instance['InstanceId']};Name=web,note=a\\nb,team=ops", f"{bare};null"]
    doc = ec2ops("describe-instances", "--instance-ids", bare, "-o", "json").json()
    assert doc["returnResult"][0]["tags"] == {}


def test_details_carry_the_new_fields_in_json_and_get_never_in_plain(ec2ops, instance):
    wanted = instance["InstanceId"]
    doc = ec2ops("get-instance-details", "--instance-identifier", wanted, "-o", "json").json()
    assert list(doc)[-6:] == ["privateIpAddress", "ipAddress", "vpcId", "subnetId", "tags", "requestId"]
    assert {k: doc[k] for k in ("privateIpAddress", "ipAddress", "vpcId", "subnetId", "tags", "privateDns")} == {
        "privateIpAddress": instance["PrivateIpAddress"], "ipAddress": instance["PublicIpAddress"],
        "vpcId": instance["VpcId"], "subnetId": instance["SubnetId"], "tags": {"Name": "web", "team": "ops"},
        "privateDns": instance["PrivateDnsName"]}
    plain = ec2ops("get-instance-details", "--instance-identifier", wanted)
    names = [line.split(":")[0] for line in plain.out.splitlines()[1:]]
    assert names == ["imageId", "kernelId", "platform", "publicDns", "privateDns", "launchTime", "status",
                     "transitionReason", "availabilityZone", "machineType", "ownerId", "ramdiskId", "keyPairName",
                     "launchIndex", "monitoring", "reservationId", "productCodes", "groupSet", "requestId"]
    got = ec2ops("get-instance-details", "--instance-identifier", wanted, "--get", "tags")
    assert (got.code, got.out) == (0, "Name=web,team=ops\n")
    got = ec2ops("get-instance-details", "--instance-identifier", wanted, "--get", "ipAddress")
    assert (got.code, got.out) == (0, f"{instance['PublicIpAddress']}\n")
    table = ec2ops("get-instance-details", "--instance-identifier", wanted, "-o", "table", env={"COLUMNS": "400"})
    assert table.code == 0 and instance["PrivateIpAddress"] not in table.out and "monitoring" in table.out


def test_security_group_details_carry_id_vpc_and_tags(ec2ops, ec2):
    group_id = ec2.create_security_group(GroupName="db", Description="Databases",
                                         TagSpecifications=tagged("security-group", tier="back"))["GroupId"]
    group = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    doc = ec2ops("get-security-group-details", "--group-name", "db", "-o", "json").json()
    assert {k: doc[k] for k in ("groupId", "vpcId", "tags")} == {"groupId": group_id, "vpcId": group["VpcId"],
                                                                  "tags": {"tier": "back"}}
    plain = ec2ops("get-security-group-details", "--group-name", "db")
    assert [line.split(":")[0] for line in plain.out.splitlines()] == [
        "db", "groupName", "ownerId", "groupDescription", "ipPermissions", "requestId"]

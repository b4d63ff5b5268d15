"""Names where ids go (ec2ops/names.py): an instance, volume or image given by its Name tag is
looked up with one read call (seen in --debug) before the command's own; none is exit 1 in the
guide's style, several exit 2 naming them. Against moto, read back with boto3."""

from __future__ import annotations

import re

from conftest import refusal

AMI = "ami-12345678"


def actions(err: str) -> list[str]:
    return re.findall(r"^  Action=(\w+)$", err, re.M)


def params_of(err: str, action: str) -> dict[str, str]:
    """The parameters of the first request of `action` in a --debug trace."""
    block = next(b for b in err.split(">>> POST ") if f"  Action={action}\n" in b)
    lines = block.split("<<<")[0].splitlines()[1:]
    return dict(line.strip().partition("=")[::2] for line in lines if line.startswith("  ") and "=" in line)


def launch(ec2, name: str | None = None, count: int = 1) -> list[str]:
    ids = [i["InstanceId"] for i in ec2.run_instances(ImageId=AMI, MinCount=count, MaxCount=count)["Instances"]]
    if name:
        ec2.create_tags(Resources=ids, Tags=[{"Key": "Name", "Value": name}])
    return ids


def state(ec2, instance: str) -> str:
    return ec2.describe_instances(InstanceIds=[instance])["Reservations"][0]["Instances"][0]["State"]["Name"]


def test_an_instance_by_name_one_lookup_then_the_call_with_its_id(ec2ops, ec2):
    web, = launch(ec2, "web-1")
    other, = launch(ec2, "web-2")
    run = ec2ops("stop-instance", "--instance-id", "web-1", "--wait", "--wait-interval", "0.05", "--debug")
    assert run.code == 0, run.err
    assert actions(run.err)[:2] == ["DescribeInstances", "StopInstances"]
    assert params_of(run.err, "DescribeInstances") == {
        "Action": "DescribeInstances", "Version": "2016-11-15", "Filter.1.Name": "tag:Name", "Filter.1.Value.1": "web-1"}
    assert params_of(run.err, "StopInstances")["InstanceId.1"] == web
    assert (state(ec2, web), state(ec2, other)) == ("stopped", "running")  # --wait polled the id, not the name


def test_names_and_ids_in_one_list_one_lookup_for_all_the_names(ec2ops, ec2):
    a, = launch(ec2, "a")
    b, = launch(ec2, "b")
    c, = launch(ec2)
    run = ec2ops("describe-instances", "--instance-ids", f"a,{c},b", "--columns", "instanceId", "--debug")
    assert run.code == 0, run.err
    assert actions(run.err).count("DescribeInstances") == 2
    lookup = params_of(run.err, "DescribeInstances")
    assert (lookup["Filter.1.Value.1"], lookup["Filter.1.Value.2"]) == ("a", "b")
    assert sorted(run.out.splitlines()[:3]) == sorted([a, c, b])


def test_a_name_no_instance_has_is_exit_1_in_the_guides_style_and_nothing_is_changed(ec2ops, ec2):
    kept, = launch(ec2, "web-1")
    run = ec2ops("terminate-instance", "--instance-identifier", "web-9")
    assert run.code == 1 and run.out == ""
    # one line, its requestId in it
    assert refusal(run.err) == "ec2ops: The instance named 'web-9' does not exist. Error code: InvalidInstanceId.NotFound."
    assert state(ec2, kept) == "running"
    two = ec2ops("describe-instances", "--instance-ids", "x,y")
    assert refusal(two.err) == ("ec2ops: The instances named 'x, y' do not exist. "
                                       "Error code: InvalidInstanceId.NotFound.")


def test_a_name_several_instances_have_is_exit_2_listing_them(ec2ops, ec2):
    ids = launch(ec2, "web", count=2)
    run = ec2ops("stop-instance", "--instance-id", "web", "--debug")
    assert run.code == 2 and run.out == ""
    assert run.err.splitlines()[-1] == f"ec2ops: The name 'web' is on 2 instances: {ids[0]}, {ids[1]}; give one of their ids."
    assert actions(run.err) == ["DescribeInstances"]
    assert [state(ec2, i) for i in ids] == ["running", "running"]


def test_volumes_and_images_by_name(ec2ops, ec2):
    volume = ec2.create_volume(Size=1, AvailabilityZone="us-east-1a",
                               TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "data"}]}])
    image = ec2.register_image(Name="base-image", ImageLocation="b/base.manifest.xml")["ImageId"]
    ec2.create_tags(Resources=[image], Tags=[{"Key": "Name", "Value": "base"}])
    got = ec2ops("get-image-details", "--ami-id", "base", "--get", "returnResult")
    assert (got.code, got.out) == (0, f"{image}\n"), got.err
    missing = ec2ops("get-image-details", "--ami-id", "nothing")
    assert (missing.code, refusal(missing.err)) == (
        1, "ec2ops: The AMI named 'nothing' does not exist. Error code: InvalidAMIID.NotFound.")
    gone = ec2ops("delete-volume", "--volume-id", "data")
    assert gone.code == 0, gone.err
    assert volume["VolumeId"] not in [v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]]
    none = ec2ops("delete-volume", "--volume-id", "data")
    assert (none.code, refusal(none.err)) == (
        1, "ec2ops: The volume named 'data' does not exist. Error code: InvalidVolume.NotFound.")


def test_from_stdin_names_only_when_none_is_an_id(ec2ops, ec2):
    web, = launch(ec2, "web-1")
    named = ec2ops("stop-instance", "--instance-id", "-", "--debug", stdin="web-1\n")
    assert named.code == 0, named.err
    assert params_of(named.err, "StopInstances")["InstanceId.1"] == web
    mixed = ec2ops("start-instance", "--instance-id", "-", stdin=f"{web}\nweb-1\n")
    assert (mixed.code, mixed.err) == (
        2, "ec2ops: Invalid id: 'web-1' (expecting \"i-...\"). Error code: InvalidInstanceID.Malformed.\n")
    assert state(ec2, web) == "stopped"


def test_an_id_shaped_value_is_checked_as_an_id_never_looked_up(ec2ops, ec2):
    for value in ("ami-1", "0123", "vol-12"):
        run = ec2ops("get-instance-details", "--instance-identifier", value, "--debug")
        assert (run.code, run.err.splitlines()[-1]) == (
            2, f"ec2ops: Invalid id: '{value}' (expecting \"i-...\"). Error code: InvalidInstanceID.Malformed.")
        assert ">>> POST" not in run.err


def test_a_dry_run_looks_the_name_up_for_real(ec2ops, ec2):
    web, = launch(ec2, "web-1")
    run = ec2ops("terminate-instance", "--instance-identifier", "web-1", "--dry-run", "--debug")
    assert run.code == 0, run.err
    assert params_of(run.err, "TerminateInstances") == {
        "Action": "TerminateInstances", "Version": "2016-11-15", "InstanceId.1": web, "DryRun": "true"}
    assert "DryRun" not in params_of(run.err, "DescribeInstances")
    assert state(ec2, web) == "running"


def test_in_several_regions_each_looks_its_names_up(ec2ops, moto):
    from conftest import ec2_client

    there, = launch(ec2_client(moto, "eu-west-1"), "web-1")
    run = ec2ops("get-instance-details", "--instance-identifier", "web-1", "--regions", "us-east-1,eu-west-1",
                 "--get", "region")
    assert (run.code, run.out) == (0, "eu-west-1\n"), run.err
    details = ec2ops("get-instance-details", "--instance-identifier", "web-1", "--regions", "us-east-1,eu-west-1",
                     "--get", "returnResult")
    assert details.out == f"{there}\n"

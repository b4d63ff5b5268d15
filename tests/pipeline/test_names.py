"""Beyond the guide: security groups by id, and one name per input (issue 12), against moto's EC2
server, read back with boto3."""

import subprocess

import click
import pytest

from conftest import EC2OPS, debug_params, env_for, refusal
from ec2ops.cli import GUIDE_ORDER, cli
from ec2ops.operations.groups import EITHER_OR, GROUP_LISTS, ONE_GROUP, ONE_SOURCE
from ec2ops.spec import kebab
from ec2ops.validate import GROUP_ID_MESSAGE

OWNER = "123456789012"  # moto's account
CIDR_22 = ("--ip-protocol", "tcp", "--from-port", "22", "--to-port", "22", "--cidr-ip", "10.0.0.0/8")


@pytest.fixture
def vpc_group(ec2):
    """A group in a VPC of its own, made with boto3: (its id, its VPC's id)."""
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName="web", Description="Web servers", VpcId=vpc)["GroupId"]
    return group, vpc


def _group(ec2, group_id):
    return ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]


# -- security groups by id -------------------------------------------------------------------------
def test_create_in_a_vpc_gives_the_id_the_others_take(ec2ops, ec2):
    vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    run = ec2ops("create-security-group", "--group-name", "app", "--group-description", "App", "--vpc-id", vpc,
                 "--debug", "-o", "json")
    assert run.code == 0, run.err
    assert debug_params(run.err) == {"Action": "CreateSecurityGroup", "Version": "2016-11-15", "GroupName": "app",
                                     "GroupDescription": "App", "VpcId": vpc}
    group = run.json()["groupId"]
    made = _group(ec2, group)
    assert (made["GroupName"], made["VpcId"], made["Description"]) == ("app", vpc, "App")
    # create has no --group-id: the id is what it gives
    refused = ec2ops("create-security-group", "--group-name", "x", "--group-description", "x", "--group-id", group)
    assert refused.code == 2 and refused.err.startswith("ec2ops: No such option '--group-id'")


def test_allow_details_revoke_and_delete_by_id(ec2ops, ec2, vpc_group):
    group, _ = vpc_group
    allowed = ec2ops("allow-access-to-security-group", "--group-id", group, *CIDR_22, "--debug")
    assert (allowed.code, allowed.out.splitlines()[0]) == (0, "true"), allowed.err
    assert debug_params(allowed.err) == {
        "Action": "AuthorizeSecurityGroupIngress", "Version": "2016-11-15", "GroupId": group,
        "IpPermissions.1.IpProtocol": "tcp", "IpPermissions.1.FromPort": "22", "IpPermissions.1.ToPort": "22",
        "IpPermissions.1.IpRanges.1.CidrIp": "10.0.0.0/8",
    }
    rules = _group(ec2, group)["IpPermissions"]
    assert [(r["IpProtocol"], r["FromPort"], r["ToPort"], [i["CidrIp"] for i in r["IpRanges"]]) for r in rules] == [
        ("tcp", 22, 22, ["10.0.0.0/8"])]

    details = ec2ops("get-security-group-details", "--groupId", group, "--col-delimiter", ";", "--debug")
    assert details.code == 0, details.err
    assert debug_params(details.err) == {"Action": "DescribeSecurityGroups", "Version": "2016-11-15",
                                         "GroupId.1": group}
    assert details.out.splitlines()[:6] == [
        "web", "groupName: web", f"ownerId: {OWNER}", "groupDescription: Web servers", "ipPermissions:",
        "  tcp;22;22;null;null;10.0.0.0/8"]

    revoked = ec2ops("revoke-access-to-security-group", "--group-id", group, *CIDR_22, "--debug")
    assert (revoked.code, revoked.out.splitlines()[0]) == (0, "true"), revoked.err
    assert debug_params(revoked.err)["GroupId"] == group and "GroupName" not in debug_params(revoked.err)
    assert _group(ec2, group)["IpPermissions"] == []

    deleted = ec2ops("delete-security-group", "--group-id", group, "--debug")
    assert (deleted.code, deleted.out.splitlines()[0]) == (0, "true"), deleted.err
    assert debug_params(deleted.err) == {"Action": "DeleteSecurityGroup", "Version": "2016-11-15", "GroupId": group}
    names = [g["GroupName"] for g in ec2.describe_security_groups()["SecurityGroups"]]
    assert "web" not in names and "default" in names


def test_describe_by_ids(ec2ops, ec2, vpc_group):
    group, _ = vpc_group
    other = ec2.create_security_group(GroupName="db", Description="Databases")["GroupId"]
    run = ec2ops("describe-security-groups", "--group-ids", f"{other} {group}", "--delimiter", " ", "--debug")
    assert run.code == 0, run.err
    assert debug_params(run.err) == {"Action": "DescribeSecurityGroups", "Version": "2016-11-15",
                                     "GroupId.1": other, "GroupId.2": group}
    lines = run.out.splitlines()
    assert sorted(lines[:2]) == [f"db,{OWNER},Databases", f"web,{OWNER},Web servers"]
    assert lines[2] in ("groupNames: db web", "groupNames: web db") and len(lines) == 4
    one = ec2ops("describe-security-groups", "--groupIds", group, "-o", "json").json()
    (row,) = one["returnResult"]  # the guide's columns, then the fields beyond it (--columns)
    assert {k: row[k] for k in ("groupName", "ownerId", "groupDescription", "groupId", "tags")} == {
        "groupName": "web", "ownerId": OWNER, "groupDescription": "Web servers", "groupId": group, "tags": {}}


def test_a_source_group_by_id(ec2ops, ec2, vpc_group):
    group, vpc = vpc_group
    source = ec2.create_security_group(GroupName="lb", Description="Load balancers", VpcId=vpc)["GroupId"]
    allowed = ec2ops("allow-access-to-security-group", "--group-id", group, "--source-security-group-id", source,
                     "--debug")
    assert allowed.code == 0, allowed.err
    expected = {"Action": "AuthorizeSecurityGroupIngress", "Version": "2016-11-15", "GroupId": group}
    for n, (protocol, low, high) in enumerate([("tcp", "0", "65535"), ("udp", "0", "65535"), ("icmp", "-1", "-1")], 1):
        expected.update({f"IpPermissions.{n}.IpProtocol": protocol, f"IpPermissions.{n}.FromPort": low,
                         f"IpPermissions.{n}.ToPort": high, f"IpPermissions.{n}.Groups.1.GroupId": source})
    assert debug_params(allowed.err) == expected
    rules = _group(ec2, group)["IpPermissions"]
    assert sorted((r["IpProtocol"], [p["GroupId"] for p in r["UserIdGroupPairs"]]) for r in rules) == [
        ("icmp", [source]), ("tcp", [source]), ("udp", [source])]
    shown = ec2ops("get-security-group-details", "--group-id", group, "--get", "ipPermissions")
    assert shown.out == f"tcp,0,65535,lb,{OWNER},null\nudp,0,65535,lb,{OWNER},null\nicmp,-1,-1,lb,{OWNER},null\n"

    revoked = ec2ops("revoke-access-to-security-group", "--group-id", group, "--sourceSecurityGroupId", source)
    assert revoked.code == 0, revoked.err
    assert _group(ec2, group)["IpPermissions"] == []


GROUP_COMMANDS = {
    "allow-access-to-security-group": CIDR_22,
    "delete-security-group": (),
    "get-security-group-details": (),
    "revoke-access-to-security-group": CIDR_22,
}


@pytest.mark.parametrize("command, rest", GROUP_COMMANDS.items())
@pytest.mark.parametrize("group", [("--group-name", "web", "--group-id", "sg-0123abcd"), ()])
def test_exactly_one_of_name_and_id(ec2ops, command, rest, group):
    run = ec2ops(command, *group, *rest)
    assert (run.code, run.out, run.err) == (2, "", f"ec2ops: {ONE_GROUP}\n")


def test_describe_takes_names_or_ids_not_both(ec2ops):
    run = ec2ops("describe-security-groups", "--group-names", "web", "--group-ids", "sg-0123abcd")
    assert (run.code, run.out, run.err) == (2, "", f"ec2ops: {GROUP_LISTS}\n")


@pytest.mark.parametrize("command", ["allow-access-to-security-group", "revoke-access-to-security-group"])
def test_a_source_group_by_one_name_only(ec2ops, command):
    both = ec2ops(command, "--group-id", "sg-0123abcd", "--source-security-group-name", "lb",
                  "--source-security-group-id", "sg-0456cdef")
    assert (both.code, both.out, both.err) == (2, "", f"ec2ops: {ONE_SOURCE}\n")
    with_cidr = ec2ops(command, "--group-id", "sg-0123abcd", "--source-security-group-id", "sg-0456cdef", *CIDR_22)
    assert (with_cidr.code, with_cidr.err) == (2, f"ec2ops: {EITHER_OR}\n")


@pytest.mark.parametrize("args", [
    ("delete-security-group", "--group-id", "web"),
    ("describe-security-groups", "--group-ids", "sg-0123abcd,web"),
    ("allow-access-to-security-group", "--group-name", "db", "--source-security-group-id", "web"),
])
def test_a_group_id_is_checked_before_sending(ec2ops, args):
    run = ec2ops(*args)
    assert (run.code, run.out, run.err) == (2, "", "ec2ops: " + GROUP_ID_MESSAGE.replace("###", "web") + "\n")


def test_an_unknown_group_id_is_ec2s_error(ec2ops):
    run = ec2ops("delete-security-group", "--group-id", "sg-0123abcd")
    assert (run.code, refusal(run.err)) == (1, "ec2ops: The security group 'sg-0123abcd' does not exist. "
                                               "Error code: InvalidGroup.NotFound.")


def test_a_change_by_id_that_cannot_be_written_names_the_group_by_its_id(ec2ops, ec2, vpc_group):
    group, _ = vpc_group
    with open("/dev/full", "w") as full:
        done = subprocess.run([str(EC2OPS), "delete-security-group", "--group-id", group], stdout=full,
                              stderr=subprocess.PIPE, text=True, env=env_for(ec2.meta.endpoint_url), timeout=60)
    assert (done.returncode, done.stderr) == (
        4, "ec2ops: DeleteSecurityGroup was done, but its result could not be written (No space left on device): "
           f"security group {group}.\n")
    assert group not in [g["GroupId"] for g in ec2.describe_security_groups()["SecurityGroups"]]


# -- one name per input ------------------------------------------------------------------------------
def _options(name: str) -> dict[str, click.Option]:
    command = cli.commands[name]
    return {flag: p for p in command.params if isinstance(p, click.Option) for flag in p.opts}


INSTANCE = ("--instance-id", "--instance-identifier", "--instanceId", "--instanceIdentifier")
IMAGE = ("--image-id", "--ami-id", "--imageId", "--amiId")
INSTANCE_COMMANDS = [
    "attach-volume", "detach-volume", "associate-elastic-ip", "get-instance-details", "get-system-log",
    "monitor-instance", "restart-instance", "run-instances-from-template", "start-instance", "stop-instance",
    "terminate-instance", "unmonitor-instance", "bundle-windows-instance",
]
IMAGE_COMMANDS = ["get-image-details", "modify-image-attribute", "remove-image", "reset-image-attribute",
                  "run-instances"]


def test_the_walk_finds_every_instance_and_image_command():
    takes = {name: set(_options(name)) for name in GUIDE_ORDER}
    assert sorted(n for n, flags in takes.items() if flags & set(INSTANCE)) == sorted(INSTANCE_COMMANDS)
    assert sorted(n for n, flags in takes.items() if flags & set(IMAGE)) == sorted(IMAGE_COMMANDS)


@pytest.mark.parametrize("name", GUIDE_ORDER)
def test_every_command_has_one_name_per_input(name):
    options = _options(name)
    command = cli.commands[name]
    flags = [flag for p in command.params if isinstance(p, click.Option) for flag in p.opts]
    assert len(flags) == len(set(flags)), name  # no flag meaning two things
    for group in (INSTANCE, IMAGE):
        if set(group) & set(options):
            assert {options.get(flag) for flag in group} == {options[group[0]]}, name  # all four, one input
            param = options[group[0]]
            # --help shows the guide's name first
            assert param.opts[0] == f"--{kebab(param.name)}"
            assert param.get_help_record(click.Context(command))[0].startswith(f"--{kebab(param.name)}, ")
    if name == "attach-volume":
        assert options["--device"] is options["--device-name"]


@pytest.fixture
def instance_id(ec2):
    image = ec2.register_image(Name="base", RootDeviceName="/dev/sda1")["ImageId"]
    return ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]


def _state(ec2, instance_id):
    return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]["State"]["Name"]


@pytest.mark.parametrize("flag", INSTANCE)
def test_each_instance_spelling_works(ec2ops, ec2, instance_id, flag):
    stopped = ec2ops("stop-instance", flag, instance_id, "--debug")
    assert stopped.code == 0, stopped.err
    assert debug_params(stopped.err) == {"Action": "StopInstances", "Version": "2016-11-15",
                                         "InstanceId.1": instance_id}
    assert _state(ec2, instance_id) == "stopped"
    started = ec2ops("start-instance", flag, instance_id)
    assert (started.code, started.out.splitlines()[0]) == (0, "pending"), started.err
    assert _state(ec2, instance_id) == "running"
    details = ec2ops("get-instance-details", flag, instance_id, "--get", "returnResult")
    assert (details.code, details.out) == (0, f"{instance_id}\n")


@pytest.mark.parametrize("flag", IMAGE)
def test_each_image_spelling_works(ec2ops, ec2, instance_id, flag):
    image = ec2.create_image(InstanceId=instance_id, Name=f"copy{flag}")["ImageId"]
    details = ec2ops("get-image-details", flag, image, "--get", "name")
    assert (details.code, details.out) == (0, f"copy{flag}\n"), details.err
    launched = ec2ops("run-instances", flag, image, "--get", "returnResult")
    assert launched.code == 0, launched.err
    made = ec2.describe_instances(InstanceIds=[launched.out.strip()])["Reservations"][0]["Instances"][0]
    assert made["ImageId"] == image
    mine = lambda: [i["ImageId"] for i in ec2.describe_images(Owners=["self"])["Images"]]  # noqa: E731
    assert image in mine()
    removed = ec2ops("remove-image", flag, image)
    assert (removed.code, removed.out.splitlines()[0]) == (0, "true"), removed.err
    assert image not in mine()


def test_attach_with_device_and_detach_with_a_bare_force(ec2ops, ec2, instance_id):
    volume = ec2.create_volume(Size=5, AvailabilityZone="us-east-1a")["VolumeId"]
    attached = ec2ops("attach-volume", "--volume-id", volume, "--instance-id", instance_id, "--device", "/dev/sdh",
                      "--debug")
    assert attached.code == 0, attached.err
    assert debug_params(attached.err)["Device"] == "/dev/sdh"
    assert [(a["InstanceId"], a["Device"]) for a in ec2.describe_volumes(VolumeIds=[volume])["Volumes"][0][
        "Attachments"]] == [(instance_id, "/dev/sdh")]

    detached = ec2ops("detach-volume", "--volume-id", volume, "--force", "--instance-identifier", instance_id,
                      "--debug")
    assert detached.code == 0, detached.err
    assert debug_params(detached.err) == {"Action": "DetachVolume", "Version": "2016-11-15", "VolumeId": volume,
                                          "InstanceId": instance_id, "Force": "true"}
    assert ec2.describe_volumes(VolumeIds=[volume])["Volumes"][0]["Attachments"] == []


@pytest.mark.parametrize("args, sent", [
    (("--force",), "true"), (("--force", "true"), "true"), (("--force", "FALSE"), "false"),
    (("--force=false",), "false"), ((), None),
])
def test_force_takes_a_value_or_stands_alone(ec2ops, ec2, instance_id, args, sent):
    volume = ec2.create_volume(Size=5, AvailabilityZone="us-east-1a")["VolumeId"]
    ec2.attach_volume(VolumeId=volume, InstanceId=instance_id, Device="/dev/sdf")
    run = ec2ops("detach-volume", "--volume-id", volume, "--instance-id", instance_id, *args, "--debug")
    assert run.code == 0, run.err
    assert debug_params(run.err).get("Force") == sent


def test_force_keeps_the_guides_message(ec2ops):
    run = ec2ops("detach-volume", "--volume-id", "vol-1a2b3c4d", "--force", "yes")
    assert (run.code, run.err) == (2, 'ec2ops: Possible values for input "force" are true or false.\n')

"""Beyond the guide: one name per input (issue 12), against moto's EC2 server, read back with boto3."""

import click
import pytest

from conftest import ACCESS_KEY_ID, SECRET_KEY, debug_params
from ec2ops.cli import GUIDE_ORDER, cli
from ec2ops.spec import kebab


@pytest.fixture
def ec2(moto):
    import boto3

    return boto3.client("ec2", endpoint_url=moto, region_name="us-east-1",
                        aws_access_key_id=ACCESS_KEY_ID, aws_secret_access_key=SECRET_KEY)


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
def instance(ec2):
    image = ec2.register_image(Name="base", RootDeviceName="/dev/sda1")["ImageId"]
    return ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]


def _state(ec2, instance):
    return ec2.describe_instances(InstanceIds=[instance])["Reservations"][0]["Instances"][0]["State"]["Name"]


@pytest.mark.parametrize("flag", INSTANCE)
def test_each_instance_spelling_works(ec2ops, ec2, instance, flag):
    stopped = ec2ops("stop-instance", flag, instance, "--debug")
    assert stopped.code == 0, stopped.err
    assert debug_params(stopped.err) == {"Action": "StopInstances", "Version": "2016-11-15", "InstanceId.1": instance}
    assert _state(ec2, instance) == "stopped"
    started = ec2ops("start-instance", flag, instance)
    assert (started.code, started.out.splitlines()[0]) == (0, "pending"), started.err
    assert _state(ec2, instance) == "running"
    details = ec2ops("get-instance-details", flag, instance, "--get", "returnResult")
    assert (details.code, details.out) == (0, f"{instance}\n")


@pytest.mark.parametrize("flag", IMAGE)
def test_each_image_spelling_works(ec2ops, ec2, instance, flag):
    image = ec2.create_image(InstanceId=instance, Name=f"copy{flag}")["ImageId"]
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


def test_attach_with_device_and_detach_with_a_bare_force(ec2ops, ec2, instance):
    volume = ec2.create_volume(Size=5, AvailabilityZone="us-east-1a")["VolumeId"]
    attached = ec2ops("attach-volume", "--volume-id", volume, "--instance-id", instance, "--device", "/dev/sdh",
                      "--debug")
    assert attached.code == 0, attached.err
    assert debug_params(attached.err)["Device"] == "/dev/sdh"
    assert [(a["InstanceId"], a["Device"]) for a in ec2.describe_volumes(VolumeIds=[volume])["Volumes"][0][
        "Attachments"]] == [(instance, "/dev/sdh")]

    detached = ec2ops("detach-volume", "--volume-id", volume, "--force", "--instance-identifier", instance, "--debug")
    assert detached.code == 0, detached.err
    assert debug_params(detached.err) == {"Action": "DetachVolume", "Version": "2016-11-15", "VolumeId": volume,
                                          "InstanceId": instance, "Force": "true"}
    assert ec2.describe_volumes(VolumeIds=[volume])["Volumes"][0]["Attachments"] == []


@pytest.mark.parametrize("args, sent", [
    (("--force",), "true"), (("--force", "true"), "true"), (("--force", "FALSE"), "false"), (("--force=false",), "false"),
    ((), None),
])
def test_force_takes_a_value_or_stands_alone(ec2ops, ec2, instance, args, sent):
    volume = ec2.create_volume(Size=5, AvailabilityZone="us-east-1a")["VolumeId"]
    ec2.attach_volume(VolumeId=volume, InstanceId=instance, Device="/dev/sdf")
    run = ec2ops("detach-volume", "--volume-id", volume, "--instance-id", instance, *args, "--debug")
    assert run.code == 0, run.err
    assert debug_params(run.err).get("Force") == sent


def test_force_keeps_the_guides_message(ec2ops):
    run = ec2ops("detach-volume", "--volume-id", "vol-1a2b3c4d", "--force", "yes")
    assert (run.code, run.err) == (2, 'ec2ops: Possible values for input "force" are true or false.\n')

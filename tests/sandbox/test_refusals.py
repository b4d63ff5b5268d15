"""The sandbox refuses what EC2 refuses where moto would let a script pass: starting a terminated
instance, a dry run naming what does not exist, an action it does not implement (EC2's
InvalidAction, not moto's HTML 500). Through ec2ops and through boto3, word for word."""

from __future__ import annotations

import botocore.exceptions
import pytest

from conftest import ec2_client
from conftest import refusal as one_line

AMI = "ami-12345678"


def launch(url: str) -> tuple:
    ec2 = ec2_client(url)
    image = ec2.register_image(Name="refusals", ImageLocation="b/refusals.manifest.xml")["ImageId"]
    return ec2, ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]


def refusal(call) -> tuple[int, str, str]:
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        call()
    error = caught.value.response
    return error["ResponseMetadata"]["HTTPStatusCode"], error["Error"]["Code"], error["Error"]["Message"]


def test_a_terminated_instance_is_not_started(sandbox):
    ec2, instance = launch(sandbox.url)
    ec2.terminate_instances(InstanceIds=[instance])
    run = sandbox("start-instance", "--instance-id", instance)
    assert (run.code, run.out) == (1, "")
    assert one_line(run.err) == (f"ec2ops: The instance '{instance}' is not in a state from which it can be "
                                       "started. Error code: IncorrectInstanceState.")
    assert refusal(lambda: ec2.start_instances(InstanceIds=[instance])) == (
        400, "IncorrectInstanceState", f"The instance '{instance}' is not in a state from which it can be started.")
    state = ec2.describe_instances(InstanceIds=[instance])["Reservations"][0]["Instances"][0]["State"]["Name"]
    assert state == "terminated"
    ec2_other, stopped = ec2, ec2.run_instances(ImageId=ec2.describe_images()["Images"][0]["ImageId"], MinCount=1,
                                                MaxCount=1)["Instances"][0]["InstanceId"]
    ec2_other.stop_instances(InstanceIds=[stopped])
    assert sandbox("start-instance", "--instance-id", stopped).code == 0  # a stopped one starts, as before


def test_a_dry_run_on_what_does_not_exist_is_not_found(sandbox):
    ec2, instance = launch(sandbox.url)
    missing = "i-0123456789abcdef0"
    run = sandbox("stop-instance", "--instance-id", missing, "--dry-run")
    assert (run.code, run.out, one_line(run.err)) == (
        1, "", f"ec2ops: The instance ID '{missing}' does not exist. Error code: InvalidInstanceId.NotFound.")
    assert refusal(lambda: ec2.stop_instances(InstanceIds=[instance, missing], DryRun=True)) == (
        400, "InvalidInstanceID.NotFound", f"The instance ID '{missing}' does not exist")
    assert refusal(lambda: ec2.stop_instances(InstanceIds=[missing, "i-0123456789abcdef1"], DryRun=True))[2] == \
        f"The instance IDs '{missing}, i-0123456789abcdef1' do not exist"
    volume = sandbox("delete-volume", "--volume-id", "vol-0123456789abcdef0", "--dry-run")
    assert (volume.code, one_line(volume.err)) == (
        1, "ec2ops: The volume 'vol-0123456789abcdef0' does not exist. Error code: InvalidVolume.NotFound.")
    assert refusal(lambda: ec2.deregister_image(ImageId="ami-0123456789abcdef0", DryRun=True)) == (
        400, "InvalidAMIID.NotFound", "The image id '[ami-0123456789abcdef0]' does not exist")
    assert refusal(lambda: ec2.delete_security_group(GroupId="sg-0123456789abcdef0", DryRun=True)) == (
        400, "InvalidGroup.NotFound", "The security group 'sg-0123456789abcdef0' does not exist")
    known = sandbox("stop-instance", "--instance-id", instance, "--dry-run")  # what exists: EC2 would do it
    assert (known.code, known.out, known.err) == (0, "", "ec2ops: dry run: EC2 would have done it.\n")
    state = ec2.describe_instances(InstanceIds=[instance])["Reservations"][0]["Instances"][0]["State"]["Name"]
    assert state == "running"


def test_an_action_the_sandbox_does_not_implement_is_invalid_action(sandbox):
    ec2 = ec2_client(sandbox.url)
    assert refusal(lambda: ec2.describe_fpga_images()) == (
        400, "InvalidAction", "The action DescribeFpgaImages is not valid for this web service.")
    assert refusal(lambda: ec2.get_console_screenshot(InstanceId="i-0123456789abcdef0")) == (
        400, "InvalidAction", "The action GetConsoleScreenshot is not valid for this web service.")
    assert ec2.describe_regions()["Regions"]  # what it implements still goes to moto

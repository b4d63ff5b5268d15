"""The sandbox refuses what EC2 refuses where moto would let a script pass: starting a terminated
instance, a dry run naming what does not exist, an action it does not implement (EC2's
InvalidAction, not moto's HTML 500). Through ec2ops and through boto3, word for word."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import botocore.exceptions
import httpx
import pytest

from conftest import ACCESS_KEY_ID, EC2OPS, SECRET_KEY, ec2_client, env_for
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


def signed_post(url: str, params: dict[str, str]) -> httpx.Response:
    """PARAMS sent as ec2ops sends them (Signature Version 4, the tests' keys), answered as is."""
    from ec2ops.client.signing import Credentials, sign_v4

    headers, body = sign_v4(url, {**params, "Version": "2016-11-15"}, Credentials(ACCESS_KEY_ID, SECRET_KEY),
                            "us-east-1", dt.datetime.now(dt.timezone.utc))
    return httpx.post(url, content=body, headers=headers, timeout=30)


def invalid_action_document(action: str) -> str:
    """The pattern of EC2's InvalidAction document for ACTION (its RequestID made up anew each time)."""
    return re.escape('<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>InvalidAction</Code>'
                     f"<Message>The action {action} is not valid for this web service.</Message></Error></Errors>"
                     "<RequestID>") + "[0-9a-f-]{36}" + re.escape("</RequestID></Response>")


def test_an_action_moto_has_but_does_not_do_is_invalid_action(sandbox):
    """moto's EC2 has a method for EnableVolumeIO and DescribeReservedInstances that raises
    NotImplementedError: EC2's InvalidAction error document (400), where moto answered an HTML 500
    that ec2ops reads as 'outcome unknown'; its backend raises it for an instance filter it lacks:
    InvalidParameterValue naming the filter (InvalidAction named the action, which is not at fault)."""
    ec2, instance = launch(sandbox.url)
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    for params in ({"Action": "EnableVolumeIO", "VolumeId": volume}, {"Action": "DescribeReservedInstances"}):
        answer = signed_post(sandbox.url, params)
        assert (answer.status_code, answer.headers["content-type"]) == (400, "text/xml;charset=UTF-8")
        assert re.fullmatch(invalid_action_document(params["Action"]), answer.text), answer.text
        assert answer.headers["x-amzn-requestid"] in answer.text
    assert refusal(lambda: ec2.describe_volume_status(VolumeIds=[volume])) == (
        400, "InvalidAction", "The action DescribeVolumeStatus is not valid for this web service.")

    unknown_filter = ("describe-instances", "--filter", "hibernation-options.configured=true")
    run = sandbox(*unknown_filter)
    assert (run.code, run.out, one_line(run.err)) == (
        1, "", "ec2ops: The sandbox cannot apply the filter 'hibernation-options.configured' to "
            "DescribeInstances (moto lacks it). Error code: InvalidParameterValue.")
    done = subprocess.run([str(EC2OPS), *unknown_filter], capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL, env=env_for(sandbox.url))
    assert (done.returncode, done.stdout, one_line(done.stderr)) == (
        1, "", "ec2ops: The sandbox cannot apply the filter 'hibernation-options.configured' to "
            "DescribeInstances (moto lacks it). Error code: InvalidParameterValue.")
    assert sandbox("describe-instances", "--get", "returnResult").out.split(";")[0] == instance  # still serving

"""Run Instances From Template (flow): read the template instance, then launch new ones like it."""

from __future__ import annotations

from ec2ops.client import document
from ec2ops.errors import Ec2Error
from ec2ops.operations.instances import (
    INSTANCES,
    LAUNCH_OUTPUTS,
    RUN_INSTANCES,
    check_launch,
    instance_input,
    launch_params,
)
from ec2ops.operations.userdata import user_data_given
from ec2ops.spec import Input, Operation, delimiter_input

_RUN_INPUTS = {spec.name: spec for spec in RUN_INSTANCES.inputs}


def like(template: dict) -> dict[str, str]:
    """RunInstances parameters copying the template's AMI, zone, type, kernel, ramdisk, monitoring and
    key pair (and its subnet: in a VPC the groups belong to it)."""
    params = {
        "ImageId": template.get("imageId"),
        "InstanceType": template.get("instanceType"),
        "Placement.AvailabilityZone": document.first(template, "placement/availabilityZone"),
        "KernelId": template.get("kernelId"),
        "RamdiskId": template.get("ramdiskId"),
        "KeyName": template.get("keyName"),
        "SubnetId": template.get("subnetId"),
        "Monitoring.Enabled": str(document.first(template, "monitoring/state") in ("enabled", "pending")).lower(),
    }
    return {k: v for k, v in params.items() if v}


def _template(lookups, inputs: dict) -> dict:
    """The template instance, and its user data unless the command gives one (both read-only)."""
    instance = inputs["instanceIdentifier"]
    found = list(INSTANCES.of(lookups.read("DescribeInstances", {"InstanceId.1": instance}).body))
    if not found:
        raise Ec2Error("InvalidInstanceID.NotFound", "")  # the pipeline words it
    read = {"template": found[0]}
    if not user_data_given(inputs):
        attribute = lookups.read("DescribeInstanceAttribute", {"InstanceId": instance, "Attribute": "userData"})
        read["templateUserData"] = document.first(attribute.body, "userData/value")
    return read


def _launch_like(session, inputs: dict, params: dict):
    template = inputs["template"]
    copied = {}
    if not inputs.get("noCopyTags"):  # the template's tags (not EC2's own aws:*), under those given with --tag
        copied = {t.get("key"): t.get("value") or "" for t in document.walk(template, "tagSet")
                  if t.get("key") and not t["key"].startswith("aws:")}
    # The template's groups by ID (by name under the 2009 API): launch_params sends each as it must.
    inputs = {**inputs, "securityGroups": list(document.walk(template, "groupSet/groupId"))}
    launch = like(template)
    user_data = params.get("UserData") if user_data_given(inputs) else inputs.get("templateUserData")
    if user_data:
        launch["UserData"] = user_data
    return session.call("RunInstances", launch_params(inputs, launch), tags=copied)


OPERATIONS = [
    Operation(
        name="run-instances-from-template",
        action="DescribeInstances, DescribeInstanceAttribute, RunInstances",
        area="instances",
        help="""Launches minCount..maxCount new instances configured like a template instance: its AMI,
        availability zone, instance type, kernel, RAM disk, monitoring, key pair and security groups
        (and, in a VPC, its subnet), and its tags (unless --no-copy-tags; --tag adds or overrides).
        returnResult is the list of the new instance IDs; reservationID and
        requesterId are those of the launch, as run-instances prints them. If EC2 cannot
        launch minCount instances, none is launched; each launch carries a client token, so a retried
        request never launches twice.

        The new instances get the template's user data (read with DescribeInstanceAttribute), unless
        userData or userDataFile gives other.""",
        inputs=(
            instance_input("instanceIdentifier", "The ID of the template instance (i-...)."),
            _RUN_INPUTS["minCount"],
            _RUN_INPUTS["maxCount"],
            delimiter_input(what="the IDs in returnResult"),
            _RUN_INPUTS["userData"],
            _RUN_INPUTS["userDataFile"],
            Input("noCopyTags", "Do not copy the template instance's tags to the new instances.", flag=True),
        ),
        outputs=LAUNCH_OUTPUTS,
        validate=check_launch,
        lookup=_template,
        perform=_launch_like,
        change=RUN_INSTANCES.change,
        example="ec2ops run-instances-from-template --instance-identifier i-0abc --min-count 2 --wait",
    )
]

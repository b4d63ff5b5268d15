"""Run Instances From Template (flow): read the template instance, then launch new ones like it."""

from __future__ import annotations

from ec2ops import validate, waiting
from ec2ops.client import document
from ec2ops.errors import InputError, OperationFailed
from ec2ops.session import Session
from ec2ops.spec import Input, command, delimiter_input, delimiters_of, options_of, read_inputs

COUNT = "minCount and maxCount must be positive integers, minCount not above maxCount."
INPUTS = (
    Input("instanceIdentifier", "The ID of the template instance.", required=True,
          check=validate.prefixed(
              "i-", "Invalid id: '###' (expecting \"i-...\"). Error code: InvalidInstanceID.Malformed.")),
    Input("minCount", "The minimum number of instances to launch [default: 1].",
          check=validate.integer(COUNT, minimum=1)),
    Input("maxCount", "The maximum number of instances to launch [default: minCount].",
          check=validate.integer(COUNT, minimum=1)),
    delimiter_input(what="the IDs in returnResult"),
)
WAIT = waiting.INSTANCE.until("running", waiting.result_ids(), failed=waiting.INSTANCE_GONE)


def _validate(values: dict) -> None:
    low = int(values.get("minCount") or 1)
    high = int(values.get("maxCount") or max(low, 1))
    if low > high:
        raise InputError(COUNT)
    values["minCount"], values["maxCount"] = str(low), str(high)


def launch_like(template: dict, min_count: str, max_count: str) -> dict[str, str]:
    """RunInstances parameters copying the template's AMI, zone, type, kernel, ramdisk, monitoring,
    key pair and security groups (and its subnet: in a VPC the groups belong to it)."""
    from ec2ops.client.query import new_client_token

    params = {
        "ImageId": template.get("imageId"),
        "MinCount": min_count,
        "MaxCount": max_count,
        "InstanceType": template.get("instanceType"),
        "Placement.AvailabilityZone": document.first(template, "placement/availabilityZone"),
        "KernelId": template.get("kernelId"),
        "RamdiskId": template.get("ramdiskId"),
        "KeyName": template.get("keyName"),
        "SubnetId": template.get("subnetId"),
        "Monitoring.Enabled": "true" if document.first(template, "monitoring/state") in ("enabled", "pending")
        else "false",
        "ClientToken": new_client_token(),  # a retried launch never launches twice
    }
    groups = list(document.walk(template, "groupSet/groupId"))
    params.update({f"SecurityGroupId.{i}": g for i, g in enumerate(groups, 1)})
    return {k: v for k, v in params.items() if v}


def run_instances_from_template(session: Session, **values):
    wait_options = waiting.pop_options(values)
    values = read_inputs(INPUTS, values, _validate)
    described = session.call("DescribeInstances", {"InstanceId.1": values["instanceIdentifier"]})
    template = document.first(described.body, "reservationSet/instancesSet")
    if not template:
        raise OperationFailed(f"The instance ID '{values['instanceIdentifier']}' does not exist.")
    launched = session.call("RunInstances", launch_like(template, values["minCount"], values["maxCount"]))
    result = {
        "returnResult": list(document.walk(launched.body, "instancesSet/instanceId")),
        "requestId": launched.request_id,
    }
    session.emit(result, delimiters_of(values))
    waiting.wait_after(session, WAIT, wait_options, result, values)


run_instances_from_template.__doc__ = """Launches minCount..maxCount new instances configured like a
template instance: its AMI, availability zone, instance type, kernel, RAM disk, monitoring, key pair
and security groups (and, in a VPC, its subnet). returnResult is the list of the new instance IDs.
If EC2 cannot launch minCount instances, none is launched.

""" + WAIT.description
run_instances_from_template.__click_params__ = options_of(INPUTS, wait=True)  # type: ignore[attr-defined]

COMMANDS = [
    command("run-instances-from-template", area="instances",
            example="ec2ops run-instances-from-template --instance-identifier i-0abc --min-count 2 --wait")(
        run_instances_from_template)
]

"""Instances.

Pieces the run-instances-from-template flow reuses: `INSTANCES` (the items of a DescribeInstances
answer: every instance, with its reservation's fields), `RUN_INSTANCES` (the declaration:
`.query(inputs)` then `launch_params(inputs, params)` build a launch) and `LAUNCH_OUTPUTS`.
"""

from __future__ import annotations

import inspect

from ec2ops import validate
from ec2ops.client import document
from ec2ops.errors import InputError
from ec2ops.resources import INSTANCE
from ec2ops.spec import (
    ROW_DELIMITER,
    Change,
    Column,
    Input,
    Items,
    Operation,
    Output,
    PerId,
    col_delimiter,
    delimiter_input,
    returned_true,
)
from ec2ops.operations.userdata import USER_DATA_INPUTS, user_data_given
from ec2ops.rows import TAGS
from ec2ops.spec import TAGS_OUTPUT

instance_id = validate.instance_id


def instance_input(name: str, help: str = "The ID of the instance (i-...).") -> Input:
    return Input(name, help, query="InstanceId.1", required=True, check=instance_id, metavar="ID")


def instance_ids_input(name: str) -> Input:
    """The guide's one instance, or several at once: EC2's state changes take a list."""
    return Input(name, "The ID of the instance (i-...), or several, delimiter-separated.", query="InstanceId.N",
                 required=True, check=instance_id, metavar="ID[,ID...]")


def _per_instance(name: str) -> PerId:
    return PerId(name, "instancesSet", "instanceId")


IDS_DELIMITER = delimiter_input(what="several instance IDs and the outputs for them")
SEVERAL = ("Several instances (delimiter-separated, or '-' for ids on stdin) are changed in one call; each output "
           "then lists one value per instance, in the order given.")


def _group_names(groups: list) -> list:
    """Group names; the 2009 API gave the name as groupId."""
    return [g.get("groupName") or g.get("groupId") for g in groups if isinstance(g, dict)]


def _instances(reservation: dict) -> list[dict]:
    """The instances of a reservation, each carrying the reservation's reservationId, ownerId and
    requesterId, and its groups (the instance's own, else the reservation's: the 2009 API put them
    there only, moto the other way round)."""
    shared = {k: reservation.get(k) for k in ("reservationId", "ownerId", "requesterId")}
    rows = []
    for instance in document.elements(reservation, "instancesSet"):
        row = {**shared, **instance}
        if not document.items(instance, "groupSet"):
            row["groupSet"] = reservation.get("groupSet")
        rows.append(row)
    return rows


def _instances_keep(row: dict) -> dict:
    """What of a reservation _instances reads to make rows whose fields `row` keeps."""
    shared = dict.fromkeys(("reservationId", "ownerId", "requesterId", "groupSet"))
    return {**shared, "instancesSet": {"item": {**row, "groupSet": None}, "*": None}}


INSTANCES = Items("reservationSet", explode=_instances, keeps=_instances_keep)
# The instances a command changed, settling in a state; shutting-down and terminated never lead back.
GONE = ("shutting-down", "terminated")


# describe-instances' table, in the guide's column order.
INSTANCE_COLUMNS = (
    Column("instanceId", "Instance Id"),
    Column("imageId", "AMI ID"),
    Column("instanceType", "Machine type"),
    Column("instanceState", "Status", path="instanceState/name"),
    Column("dnsName", "Public DNS"),
    Column("keyName", "Key pair name"),
    Column("ramdiskId", "Ramdisk ID"),
    Column("platform", "Platform"),
    Column("kernelId", "Kernel ID"),
    Column("monitoring", "Monitoring", path="monitoring/state"),
    Column("rootDeviceName", "Root Device Name"),
    Column("rootDeviceType", "Root Device Type"),
    Column("reason", "State Transition Reason"),
    Column("availabilityZone", "Availability Zone", path="placement/availabilityZone"),
    Column("groupSet", "Security groups", many=True, convert=_group_names),
    # beyond the guide (Column.extra)
    Column("privateIpAddress", "Private IP", extra=True),
    Column("ipAddress", "Public IP", extra=True),
    Column("privateDnsName", "Private DNS", extra=True),
    Column("vpcId", "VPC ID", extra=True),
    Column("subnetId", "Subnet ID", extra=True),
    Column("launchTime", "Launch time", extra=True),
    TAGS,
)


def _console_text(encoded) -> str | None:
    """EC2 sends the log base64-encoded; what is not valid base64 is shown as it came, and bytes that are
    not UTF-8 are replaced, never fatal."""
    import base64  # here: only get-system-log needs it (start-up)
    import binascii

    if not isinstance(encoded, str) or not encoded:
        return encoded
    try:
        raw = base64.b64decode("".join(encoded.split()), validate=True)
    except (binascii.Error, ValueError):
        return encoded
    return raw.decode("utf-8", "replace")


# -- run-instances -------------------------------------------------------------------------------
def _count(name: str):
    return validate.integer(f"{name} must be a positive integer.", minimum=1)


_MONITORING = {"true": "true", "enabled": "true", "false": "false", "disabled": "false"}
_SHUTDOWN = {"stop": "stop", "terminate": "terminate", "true": "terminate", "false": "stop"}


def _mapped(name: str, mapping: dict[str, str]):
    names = list(mapping)
    allowed = ", ".join(names[:-1]) + " or " + names[-1]

    def check(value: str) -> str:
        text = value.strip().lower()
        if text not in mapping:
            raise InputError(f'Possible values for input "{name}" are {allowed}.')
        return mapping[text]

    return check


_DEVICE_INPUTS = ("virtualName", "snapshotId", "volumeSize", "deleteOnTermination")
def check_launch(inputs: dict) -> None:
    low, high = inputs.get("minCount"), inputs.get("maxCount")
    if low and high and int(low) > int(high):
        raise InputError(f"minCount ({low}) cannot be greater than maxCount ({high}).")
    user_data_given(inputs)
    given = [name for name in _DEVICE_INPUTS if inputs.get(name)]
    if given and not inputs.get("deviceName"):
        raise InputError(f"deviceName is required for a block device mapping (given: {', '.join(given)}).")


def launch_params(inputs: dict, params: dict) -> dict:
    """Counts (1 each when absent; maxCount = minCount when only minCount is given), security groups
    (sg-... ids as SecurityGroupId.N, names as SecurityGroup.N) and a ClientToken, so the client may
    retry the launch without ever launching twice."""
    from ec2ops.client.query import new_client_token  # loads httpcore: only when a launch is under way

    params = {k: v for k, v in params.items() if not k.startswith("SecurityGroup.")}
    params["MinCount"] = inputs.get("minCount") or "1"
    params["MaxCount"] = inputs.get("maxCount") or params["MinCount"]
    groups = inputs.get("securityGroups") or []
    params.update({f"SecurityGroup.{i}": g for i, g in enumerate([g for g in groups if not g.startswith("sg-")], 1)})
    params.update({f"SecurityGroupId.{i}": g for i, g in enumerate([g for g in groups if g.startswith("sg-")], 1)})
    params.setdefault("ClientToken", new_client_token())
    return params


LAUNCH_OUTPUTS = (
    Output("returnResult", path="instancesSet/instanceId", many=True,
           help="The IDs of the new instances, delimiter-separated."),
    Output("reservationID", path="reservationId", help="The reservation ID of the launch."),
    Output("requesterId", path="requesterId", help="The ID of the requester (when EC2 gives one)."),
)


RUN_INSTANCES = Operation(
    name="run-instances",
    action="RunInstances",
    area="instances",
    help="""Launches instances of an AMI you may use: at least minCount of them or none, and up to
    maxCount as capacity allows. returnResult lists the new instance IDs; they are usually pending,
    without DNS names, for a few minutes.

    Without minCount and maxCount one instance is launched; minCount alone launches exactly that many,
    maxCount alone launches 1 to maxCount. securityGroups takes group names and, for a VPC, group IDs
    (sg-...); without any, the default group is used. One block device mapping is made of deviceName with
    virtualName (e.g. ephemeral0) or an EBS volume (snapshotId, volumeSize, deleteOnTermination).
    instanceInitiatedShutdownBehavior is stop or terminate; the guide's true means terminate and
    false means stop. Each launch carries a client token, so a retried request never launches twice.

    userData or userDataFile (not both) is given to the instances base64-encoded, up to EC2's 16 KB.""",
    inputs=(
        Input("amiId", "The ID of the AMI to launch (ami-...).", query="ImageId", required=True,
              check=validate.ami_id, metavar="ID"),
        Input("minCount", "The minimum number of instances to launch [default: 1].", query="MinCount",
              check=_count("minCount"), metavar="N"),
        Input("maxCount", "The maximum number of instances to launch [default: minCount].", query="MaxCount",
              check=_count("maxCount"), metavar="N"),
        Input("kernelId", "The ID of the kernel to launch the instances with.", query="KernelId", metavar="ID"),
        Input("ramdiskId", "The ID of the RAM disk, which some kernels require.", query="RamdiskId", metavar="ID"),
        Input("keyName", "The name of the key pair to access the instances with.", query="KeyName",
              metavar="NAME"),
        Input("securityGroups", "Security group names (or sg-... IDs), delimiter-separated [default: default].",
              query="SecurityGroup.N"),
        Input("instanceType", "The instance type, e.g. t3.micro [default: EC2's].", query="InstanceType",
              metavar="TYPE"),
        Input("placementZone", "The availability zone to launch in [default: EC2 picks one].",
              query="Placement.AvailabilityZone", metavar="ZONE"),
        Input("monitoring", "Detailed (CloudWatch) monitoring: true/enabled or false/disabled [default: false].",
              query="Monitoring.Enabled", check=_mapped("monitoring", _MONITORING), metavar="true|false"),
        delimiter_input(what="the securityGroups input and the IDs in returnResult"),
        Input("virtualName", "Block device: the virtual name, e.g. ephemeral0.",
              query="BlockDeviceMapping.1.VirtualName", metavar="NAME"),
        Input("deviceName", "Block device: the device name, e.g. /dev/sdh.", query="BlockDeviceMapping.1.DeviceName",
              metavar="DEVICE"),
        Input("snapshotId", "Block device: the snapshot to create the EBS volume from.",
              query="BlockDeviceMapping.1.Ebs.SnapshotId", metavar="ID"),
        Input("volumeSize", "Block device: the EBS volume's size in GiB (needed without snapshotId).",
              query="BlockDeviceMapping.1.Ebs.VolumeSize",
              check=validate.integer("The following input must be a valid integer: volumeSize."), metavar="GIB"),
        Input("deleteOnTermination", "Block device: delete the EBS volume on termination (true/false).",
              query="BlockDeviceMapping.1.Ebs.DeleteOnTermination", check=validate.true_false("deleteOnTermination"),
              metavar="true|false"),
        Input("subnetId", "The VPC subnet to launch in.", query="SubnetId", metavar="ID"),
        Input("disableApiTermination", "true locks the instances against termination through the API.",
              query="DisableApiTermination", check=validate.true_false("disableApiTermination"), metavar="true|false"),
        Input("instanceInitiatedShutdownBehavior", "What a shutdown from within the instance does: stop or "
              "terminate (the guide's true = terminate, false = stop).",
              query="InstanceInitiatedShutdownBehavior", check=_mapped("instanceInitiatedShutdownBehavior", _SHUTDOWN),
              metavar="stop|terminate"),
        Input("clientToken", "Idempotency token: reuse one to make a re-run launch nothing new "
              "[default: a new one per run].", query="ClientToken", metavar="TOKEN"),
        *USER_DATA_INPUTS,
    ),
    outputs=LAUNCH_OUTPUTS,
    change=Change(INSTANCE, becomes="running", dead_ends=GONE, creates=True),
    validate=check_launch,
    shape=launch_params,
    example="ec2ops run-instances --ami-id ami-0abcdef1234567890 --instance-type t3.micro --key-name deploy \\\n"
            "  --security-groups web,ssh --placement-zone us-east-1a --get returnResult",
)


def _state_change(name: str, action: str, help: str, now: str, target: str, failed: tuple = ()) -> Operation:
    each = _per_instance("instanceIdentifier")
    return Operation(
        name=name,
        action=action,
        area="instances",
        help=f"{inspect.cleandoc(help)}\n\n{SEVERAL}",
        inputs=(instance_ids_input("instanceIdentifier"), IDS_DELIMITER),
        outputs=(
            each.output("returnResult", "currentState/name", help=f"The instance's state after the call (e.g. {now})."),
            each.output("previousState", "previousState/name", help="The state before the call (e.g. running)."),
        ),
        finish=each.finish,
        change=Change(INSTANCE, ids="instanceIdentifier", becomes=target, dead_ends=failed,
                      settled=(("returnResult", target),)),
        example=f"ec2ops {name} --instance-identifier i-0123456789abcdef0",
    )


def _monitoring(name: str, action: str, help: str) -> Operation:
    each = _per_instance("instanceIdentifier")
    return Operation(
        name=name,
        action=action,
        area="instances",
        help=f"{inspect.cleandoc(help)}\n\n{SEVERAL}",
        inputs=(instance_ids_input("instanceIdentifier"), IDS_DELIMITER),
        outputs=(each.output("returnResult", "monitoring/state",
                             help="The monitoring state after the call (e.g. pending, disabling)."),),
        finish=each.finish,
        change=Change(INSTANCE, ids="instanceIdentifier"),
        example=f"ec2ops {name} --instance-identifier i-0123456789abcdef0",
    )


OPERATIONS = [
    Operation(
        name="describe-instances",
        action="DescribeInstances",
        area="instances",
        help="""Lists your instances, one row each: Instance Id, AMI ID, Machine type, Status, Public DNS,
        Key pair name, Ramdisk ID, Platform, Kernel ID, Monitoring, Root Device Name, Root Device Type,
        State Transition Reason, Availability Zone, Security groups (joined by the delimiter).

        Without instanceIds every instance is listed, in EC2's order; with them, in the order given.
        No instances: returnResult is empty.""",
        inputs=(
            Input("instanceIds", "The IDs of the instances to describe, delimiter-separated [default: all].",
                  query="InstanceId.N", check=instance_id),
            delimiter_input(what="the instanceIds and the security groups of a row"),
            ROW_DELIMITER,
            col_delimiter(";"),
        ),
        items=INSTANCES,
        outputs=(Output("returnResult", columns=INSTANCE_COLUMNS, order_by=("instanceIds", "instanceId"),
                        help="The instances, one row each."),),
        example="ec2ops describe-instances --get returnResult | cut -d';' -f1,4",
    ),
    Operation(
        name="get-instance-details",
        action="DescribeInstances",
        area="instances",
        help="""Shows the details of one instance: returnResult is its ID, then image, kernel, platform,
        DNS names, launch time, state and its reason, zone, type, owner, RAM disk, key pair, launch index,
        monitoring, reservation, product codes and security groups. Fails if the instance does not exist.
        Terminated or starting instances may lack DNS names and other attributes.""",
        inputs=(
            instance_input("instanceIdentifier", "The ID of the instance (i-...)."),
            delimiter_input(what="the security groups and product codes"),
        ),
        items=INSTANCES,
        outputs=(
            Output("returnResult", path="instanceId", help="The instance's ID."),
            Output("imageId", path="imageId", help="The AMI it was launched from."),
            Output("kernelId", path="kernelId", help="Its kernel (optional)."),
            Output("platform", path="platform", help="Its platform, e.g. windows (optional)."),
            Output("publicDns", path="dnsName", help="Its public host name."),
            Output("privateDns", path="privateDnsName", help="Its private host name."),
            Output("launchTime", path="launchTime", help="When it was launched."),
            Output("status", path="instanceState/name", help="Its state, e.g. running."),
            Output("transitionReason", path="reason", help="Why it entered that state."),
            Output("availabilityZone", path="placement/availabilityZone", help="Its zone."),
            Output("machineType", path="instanceType", help="Its instance type."),
            Output("ownerId", path="ownerId", help="The account that owns the reservation."),
            Output("ramdiskId", path="ramdiskId", help="Its RAM disk (optional)."),
            Output("keyPairName", path="keyName", help="Its key pair."),
            Output("launchIndex", path="amiLaunchIndex", help="Its index within its launch."),
            Output("monitoring", path="monitoring/state", help="Its monitoring state."),
            Output("reservationId", path="reservationId", help="The reservation it was launched in."),
            Output("productCodes", path="productCodes/productCode", many=True, help="Its product codes."),
            Output("groupSet", path="groupSet", many=True, convert=_group_names,
                   help="Its security groups, delimiter-separated."),
            Output("privateIpAddress", path="privateIpAddress", extra=True, help="Its private IP address (JSON, --get)."),
            Output("ipAddress", path="ipAddress", extra=True, help="Its public IP address (JSON, --get)."),
            Output("vpcId", path="vpcId", extra=True, help="Its VPC (JSON, --get)."),
            Output("subnetId", path="subnetId", extra=True, help="Its subnet (JSON, --get)."),
            TAGS_OUTPUT,
        ),
        empty_error="InvalidInstanceID.NotFound",
        example="ec2ops get-instance-details --instance-identifier i-0123456789abcdef0 --get publicDns",
    ),
    Operation(
        name="get-system-log",
        action="GetConsoleOutput",
        area="instances",
        help="""Shows an instance's console output (its system log), decoded. EC2 posts it shortly after boot,
        reboot and termination and keeps the latest 64 KB for at least an hour; it may still answer for an
        instance terminated days ago (check with get-instance-details).""",
        inputs=(Input("instanceId", "The ID of the instance (i-...).", query="InstanceId", required=True,
                      check=instance_id, metavar="ID"),),
        outputs=(
            Output("returnResult", path="output", convert=_console_text, lines=True, help="The console output."),
            Output("updateTime", path="timestamp", help="When the output was last updated."),
        ),
        example="ec2ops get-system-log --instance-id i-0123456789abcdef0 --get returnResult | tail",
    ),
    _monitoring("monitor-instance", "MonitorInstances",
                """Enables detailed (CloudWatch) monitoring of a running instance; returnResult is the
                monitoring state after the call (e.g. pending)."""),
    Operation(
        name="restart-instance",
        action="RebootInstances",
        area="instances",
        help=f"""Requests a reboot of one instance; returnResult is true when the request is accepted. It is
        true for any valid instance of yours, even a terminated one (ignored): check that the instance is
        running first (get-instance-details). Its state may stay running while it reboots.

        {SEVERAL} EC2 accepts all of them or none.""",
        inputs=(instance_ids_input("instanceIdentifier"), IDS_DELIMITER),
        outputs=(Output("returnResult", path="return", convert=returned_true, help="true if the reboot was requested."),),
        finish=_per_instance("instanceIdentifier").finish,
        change=Change(INSTANCE, ids="instanceIdentifier", becomes="running", dead_ends=GONE),
        example="ec2ops restart-instance --instance-identifier i-0123456789abcdef0",
    ),
    RUN_INSTANCES,
    Operation(
        name="start-instance",
        action="StartInstances",
        area="instances",
        help=f"""Starts a stopped instance whose root device is an EBS volume. returnResult and name are the
        instance's state after the call (e.g. pending).

        {SEVERAL}""",
        inputs=(instance_ids_input("instanceId"), IDS_DELIMITER),
        outputs=(
            _per_instance("instanceId").output("returnResult", "currentState/name", help="The state after the call."),
            _per_instance("instanceId").output("name", "currentState/name", help="The state of the instance."),
        ),
        finish=_per_instance("instanceId").finish,
        change=Change(INSTANCE, ids="instanceId", becomes="running", dead_ends=GONE,
                      settled=(("returnResult", "running"), ("name", "running"))),
        example="ec2ops start-instance --instance-id i-0123456789abcdef0",
    ),
    _state_change("stop-instance", "StopInstances",
                  """Stops an instance whose root device is an EBS volume: compute is released (and no longer
                  billed) while the root volume and its data remain; start it again at any time. returnResult
                  is the state after the call, previousState the one before.""", "stopping", "stopped",
                  failed=GONE),
    _state_change("terminate-instance", "TerminateInstances",
                  """Shuts an instance down for good. Terminating it again succeeds too; terminated instances
                  stay visible (describe-instances) for about an hour. returnResult is the state after the
                  call, previousState the one before.""", "shutting-down", "terminated"),
    _monitoring("unmonitor-instance", "UnmonitorInstances",
                """Disables detailed (CloudWatch) monitoring of a running instance; returnResult is the
                monitoring state after the call (e.g. disabling)."""),
]

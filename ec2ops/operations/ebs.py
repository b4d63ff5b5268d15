"""Elastic block store: snapshots and volumes."""

from __future__ import annotations

import datetime as dt
import re

from ec2ops import validate
from ec2ops.errors import InputError
from ec2ops.resources import INSTANCE, SNAPSHOT, VOLUME, VOLUME_ATTACHMENT
from ec2ops.spec import (
    RETURNED_TRUE,
    ROW_DELIMITER,
    Change,
    Column,
    Input,
    Items,
    Operation,
    Output,
    col_delimiter,
    delimiter_input,
    returned_true,
)
from ec2ops.rows import TAGS

VOLUME_ID = validate.prefixed(VOLUME.prefix, "Value (###) for parameter volumeId is invalid. Expected: 'vol-...'. "
                                      "Error code: InvalidParameterValue.")
SNAPSHOT_ID = validate.prefixed(SNAPSHOT.prefix, "Value (###) for parameter snapshotId is invalid. Expected: 'snap-...'. "
                                         "Error code: InvalidParameterValue.")
DEVICES = """Linux devices are /dev/sdf to /dev/sdl (/dev/sda1, /dev/sda2 and /dev/sdb to /dev/sde are
        reserved); Windows devices are xvdd to xvdp (xvda to xvdc are the system's)."""


def volume_input(help: str, query: str = "VolumeId") -> Input:
    return Input("volumeId", help, query=query, required=True, check=VOLUME_ID)


def _snapshot(help: str, query: str = "SnapshotId", required: bool = True) -> Input:
    return Input("snapshotId", help, query=query, required=required, check=SNAPSHOT_ID)


def _attachment(required: bool) -> tuple[Input, Input]:
    return (
        Input("instanceId", "The ID of the instance.", query="InstanceId", required=required,
              check=validate.prefixed(INSTANCE.prefix, "Value (###) for parameter instance is invalid. "
                                                       "Expected: 'i-...'. Error code: InvalidParameterValue.")),
        Input("deviceName", "How the device is exposed to the instance (e.g. /dev/sdh or xvdh).", query="Device",
              required=required, aliases=("--device",)),  # EC2's own name for it
    )


USER_IDS = Input("userIds", "Account IDs (numeric) to grant or revoke.", query="UserId.N",
                 check=validate.numeric_user_id)
GROUPS = Input("groups", "Groups to grant or revoke: all (everyone).", query="UserGroup.N")
ATTRIBUTE = Input("attribute", "The attribute: createVolumePermission, the only one.", query="Attribute",
                  default="createVolumePermission", check=validate.one_of("Invalid attribute.",
                                                                          "createVolumePermission"))


_FRACTION = re.compile(r"(?<=\d\d:\d\d:\d\d)\.(\d+)")


def local_time(value):
    """An EC2 timestamp (UTC) in this machine's time zone, ISO 8601 with its offset, as the guide
    prints it; JSON keeps EC2's own."""
    from ec2ops.values import TypedText

    if not isinstance(value, str):
        return value
    # Python 3.10's fromisoformat reads neither EC2's trailing Z nor a fraction other than 3 or 6
    # digits; 3.11 reads both. Written out here, every supported Python converts the same answers.
    text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    text = _FRACTION.sub(lambda match: "." + match[1][:6].ljust(6, "0"), text, count=1)
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return value
    return TypedText(moment.astimezone().isoformat(timespec="seconds"), value) if moment.tzinfo else value


def _check_permission(inputs: dict) -> None:
    if inputs.get("attribute") == "createVolumePermission" and not (
        inputs.get("operationType") and (inputs.get("userIds") or inputs.get("groups"))
    ):
        raise InputError("If attribute=createVolumePermission, operationType and at least one of userIds "
                         "or groups must be set!")


def _size_or_snapshot(inputs: dict) -> None:
    if not inputs.get("size") and not inputs.get("snapshotId"):
        raise InputError("Either size or snapshotId must be set: size is required unless the volume is created "
                         "from a snapshot.")
    kind = inputs.get("volumeType")  # what EC2 would refuse, said before anything is sent
    if inputs.get("iops") and kind not in ("io1", "io2", "gp3"):
        raise InputError("--iops is for io1, io2 and gp3 volumes: give --volume-type too.")
    if inputs.get("throughput") and kind != "gp3":
        raise InputError("--throughput is for gp3 volumes: give --volume-type gp3 too.")
    if inputs.get("kmsKeyId") and not inputs.get("encrypted"):
        raise InputError("--kms-key-id names the key of an encrypted volume: give --encrypted too.")


VOLUME_TYPES = ("gp3", "gp2", "io2", "io1", "st1", "sc1", "standard")
# Beyond the guide (its volumes had a size and a zone): today's volume types and encryption.
MODERN_VOLUME = (
    Input("volumeType", "The volume type [default: EC2's own, gp2 unless the account sets another].",
          query="VolumeType", choices=VOLUME_TYPES),
    Input("iops", "Provisioned IOPS (io1, io2; gp3: above its 3,000 baseline).", query="Iops",
          check=validate.integer("--iops must be a positive integer.", minimum=1), metavar="N"),
    Input("throughput", "Throughput in MiB/s (gp3: above its 125 baseline).", query="Throughput",
          check=validate.integer("--throughput must be a positive integer.", minimum=1), metavar="MIBS"),
    Input("encrypted", "Encrypt the volume (with the account's default EBS key unless --kms-key-id).",
          query="Encrypted", flag=True),
    Input("kmsKeyId", "The KMS key to encrypt with (key id, alias or ARN); with --encrypted.", query="KmsKeyId",
          metavar="KEY"),
)


def _scalars(*names: str, convert: dict | None = None) -> tuple[Output, ...]:
    return tuple(Output(n, path=n, convert=(convert or {}).get(n)) for n in names)


SNAPSHOT_COLUMNS = (
    Column("snapshotId", "Snapshot ID"),
    Column("volumeId", "Volume ID"),
    Column("volumeSize", "Volume size"),
    Column("status", "Status"),
    Column("startTime", "Start time"),
    Column("progress", "Progress"),
    Column("encrypted", "Encrypted", extra=True),  # beyond the guide (Column.extra)
    TAGS,
)
VOLUME_COLUMNS = (
    Column("volumeId", "Volume ID"),
    Column("size", "Size"),
    Column("snapshotId", "Snapshot ID"),
    Column("availabilityZone", "Availability zone"),
    Column("status", "Status"),
    Column("volumeType", "Volume type", extra=True),  # beyond the guide (Column.extra)
    Column("iops", "IOPS", extra=True),
    Column("encrypted", "Encrypted", extra=True),
    TAGS,
)
ATTACHMENT_COLUMNS = (
    Column("instanceId", "Instance ID"),
    Column("device", "Device"),
    Column("status", "Status"),
    Column("attachTime", "Attach time"),
    Column("volumeId", "Volume ID"),
)
GONE = ("deleting", "deleted", "error")  # volume states from which it never becomes available

OPERATIONS = [
    # -- snapshots ---------------------------------------------------------------------------
    Operation(
        name="create-snapshot",
        action="CreateSnapshot",
        area="ebs",
        help="""Creates a snapshot of an EBS volume, stored in S3.

        returnResult (and returnCode, the guide's name for it) is the new snapshot's ID. The
        snapshot starts as pending: follow it with get-snapshot-details. Its description shows later
        in describe-snapshots, as its description column, and in get-snapshot-details (--get
        description).""",
        inputs=(
            volume_input("The ID of the volume to snapshot."),
            Input("snapshotDescription", "A description of the snapshot.", query="Description"),
        ),
        outputs=(
            Output("returnResult", path="snapshotId", help="The ID of the new snapshot."),
            Output("returnCode", path="snapshotId", help="The ID of the new snapshot (the guide's name)."),
            *_scalars("volumeId", "status", "startTime", "progress", "ownerId", "volumeSize", "description"),
        ),
        change=Change(SNAPSHOT, becomes="completed", dead_ends=("error",), creates=True,
                      settled=(("status", "completed"), ("progress", "100%"))),
        example="ec2ops create-snapshot --volume-id vol-0abc123 --snapshot-description nightly --get returnResult",
    ),
    Operation(
        name="delete-snapshot",
        action="DeleteSnapshot",
        area="ebs",
        help="""Deletes a snapshot of an EBS volume.

        returnResult and returnCode are true on success.""",
        inputs=(_snapshot("The ID of the snapshot to delete."),),
        outputs=(
            RETURNED_TRUE,
            Output("returnCode", path="return", convert=returned_true, help="The same, under the guide's name."),
        ),
        change=Change(SNAPSHOT, ids="snapshotId"),
        example="ec2ops delete-snapshot --snapshot-id snap-0abc123",
    ),
    Operation(
        name="describe-snapshots",
        action="DescribeSnapshots",
        area="ebs",
        help="""Describes EBS snapshots.

        One row each: snapshot ID, volume ID, volume size, status (pending, completed or error),
        start time and progress (and, asked for by name, the description). With snapshotIds only
        those; snapshotOwners (self, amazon or account IDs) and restorableBy (account IDs that may
        create volumes from them) narrow the list. Without any of them EC2 also lists every public snapshot: give --snapshot-owners self
        for yours alone. Every page of the answer is read.""",
        inputs=(
            Input("snapshotIds", "The snapshots to describe (default: all).", query="SnapshotId.N",
                  check=SNAPSHOT_ID),
            delimiter_input(what="the elements of snapshotIds, snapshotOwners and restorableBy"),
            ROW_DELIMITER,
            col_delimiter(),
            Input("snapshotOwners", "Only the snapshots of these owners: self, amazon, account IDs.",
                  query="Owner.N"),
            Input("restorableBy", "Only the snapshots these account IDs may create volumes from.",
                  query="RestorableBy.N"),
        ),
        items=Items("snapshotSet"),
        outputs=(
            Output("returnResult", columns=SNAPSHOT_COLUMNS,
                   # named by the columns option only: JSON rows and `all` keep the fields they had
                   asked=(Column("description", "Description", extra=True),),
                   help="The snapshots: Snapshot ID, Volume ID, Volume size, Status, Start time, Progress."),
        ),
        example="ec2ops describe-snapshots --snapshot-owners self --col-delimiter ' '",
    ),
    Operation(
        name="get-snapshot-details",
        action="DescribeSnapshots",
        area="ebs",
        help="""Describes one EBS snapshot.

        Its status (pending, completed or error), volume, start time and progress; beyond the
        guide, its description (JSON, --get description). Fails (exit status 1) if the snapshot
        does not exist.""",
        inputs=(_snapshot("The ID of the snapshot to describe.", query="SnapshotId.1"),),
        items=Items("snapshotSet"),
        outputs=(
            Output("returnResult", path="snapshotId", help="The snapshot's ID."),
            *_scalars("snapshotId", "status", "volumeId", "startTime", "progress"),
            # beyond the guide (Output.extra): the description given at create-snapshot, read back
            Output("description", path="description", extra=True, help="Its description (JSON, --get)."),
        ),
        empty_error="InvalidSnapshot.NotFound",
        example="ec2ops get-snapshot-details --snapshot-id snap-0abc123 --get status",
    ),
    Operation(
        name="modify-snapshot-attribute",
        action="ModifySnapshotAttribute",
        area="ebs",
        help="""Grants or revokes the permission to create volumes from a snapshot.

        operationType add grants it, remove revokes it: to account IDs (userIds, numeric) or to
        groups (groups; 'all' makes the snapshot public). The only attribute is
        createVolumePermission; operationType and at least one of userIds or groups are required.""",
        inputs=(
            _snapshot("The ID of the snapshot to modify."),
            ATTRIBUTE,
            Input("operationType", "add or remove.", query="OperationType",
                  check=validate.one_of("Invalid operationType.", "add", "remove")),
            USER_IDS,
            GROUPS,
            delimiter_input(what="the elements of userIds and groups"),
        ),
        outputs=(RETURNED_TRUE,),
        change=Change(SNAPSHOT, ids="snapshotId"),
        validate=_check_permission,
        example="ec2ops modify-snapshot-attribute --snapshot-id snap-0abc123 --operation-type add "
                "--user-ids 111122223333",
    ),
    Operation(
        name="reset-snapshot-attribute",
        action="ResetSnapshotAttribute",
        area="ebs",
        help="""Resets an attribute of a snapshot to its default.

        For createVolumePermission, the snapshot becomes private to its owner again.""",
        inputs=(
            _snapshot("The ID of the snapshot to reset."),
            ATTRIBUTE,
        ),
        outputs=(RETURNED_TRUE,),
        change=Change(SNAPSHOT, ids="snapshotId"),
        example="ec2ops reset-snapshot-attribute --snapshot-id snap-0abc123",
    ),
    # -- volumes -----------------------------------------------------------------------------
    Operation(
        name="attach-volume",
        action="AttachVolume",
        area="ebs",
        help=f"""Attaches an EBS volume to a running instance.

        The instance must be in the volume's availability zone; the volume is exposed as the given
        device. returnResult is the attachment's status (e.g. attaching), which does not mean it
        will attach (a wrong device name, for one): check with get-volume-details.

        {DEVICES}""",
        inputs=(
            volume_input("The ID of the volume; it must not be attached to any instance."),
            *_attachment(required=True),
        ),
        outputs=(
            Output("returnResult", path="status", help="The attachment's status, e.g. attaching."),
            Output("attachTime", path="attachTime", help="When the attachment started."),
        ),
        change=Change(VOLUME_ATTACHMENT, ids="volumeId", becomes="attached", dead_ends=("detaching", "detached"),
                      settled=(("returnResult", "attached"),)),
        example="ec2ops attach-volume --volume-id vol-0abc123 --instance-id i-0abc123 --device-name /dev/sdh",
    ),
    Operation(
        name="create-volume",
        action="CreateVolume",
        area="ebs",
        help="""Creates an EBS volume.

        Empty, of size GiB, or from a snapshot (then size, if given, must be at least the
        snapshot's), in the availability zone given. returnResult is the new volume's ID. EC2 sets
        the size limits.

        Beyond the guide: --volume-type (without it, EC2's default type), --iops (io1, io2, gp3),
        --throughput (gp3), --encrypted and --kms-key-id; describe-volumes' columns show them
        (volumeType, iops, encrypted).""",
        inputs=(
            Input("size", "The size in GiB; required unless snapshotId is given.", query="Size",
                  check=validate.size),
            _snapshot("The snapshot to create the volume from; required unless size is given.", required=False),
            Input("availabilityZone", "The availability zone of the new volume.", query="AvailabilityZone"),
            *MODERN_VOLUME,
        ),
        outputs=(
            Output("returnResult", path="volumeId", help="The ID of the new volume."),
            *_scalars("volumeId", "size", "status", "createTime", "availabilityZone", "snapshotId"),
        ),
        validate=_size_or_snapshot,
        change=Change(VOLUME, becomes="available", dead_ends=GONE, creates=True, settled=(("status", "available"),)),
        example="ec2ops create-volume --size 10 --availability-zone us-east-1a --get returnResult",
    ),
    Operation(
        name="delete-volume",
        action="DeleteVolume",
        area="ebs",
        help="""Deletes an EBS volume.

        The volume must not be attached to any instance. returnResult is true when EC2 accepts
        (today's EC2 answers only that, not the 'deleting' status of 2009).""",
        inputs=(volume_input("The ID of the volume to delete; it must not be attached."),),
        outputs=(RETURNED_TRUE,),
        change=Change(VOLUME, ids="volumeId"),
        example="ec2ops delete-volume --volume-id vol-0abc123",
    ),
    Operation(
        name="describe-volumes",
        action="DescribeVolumes",
        area="ebs",
        help="""Describes your EBS volumes.

        One row each: volume ID, size, snapshot ID, availability zone and status (creating,
        available, in-use, deleting or error). With volumeIds only those. For the attachments use
        get-volume-details. Every page of the answer is read.""",
        inputs=(
            Input("volumeIds", "The volumes to describe (default: all yours).", query="VolumeId.N",
                  check=VOLUME_ID),
            delimiter_input(what="the volume IDs of volumeIds"),
            ROW_DELIMITER,
            col_delimiter(),
        ),
        items=Items("volumeSet"),
        outputs=(
            Output("returnResult", columns=VOLUME_COLUMNS,
                   help="The volumes: Volume ID, Size, Snapshot ID, Availability zone, Status."),
        ),
        example="ec2ops describe-volumes | grep ',available$'",
    ),
    Operation(
        name="detach-volume",
        action="DetachVolume",
        area="ebs",
        help=f"""Detaches an EBS volume from an instance.

        returnResult is the status (e.g. detaching). force=true is for a previous detachment that
        did not end cleanly: it can lose data or corrupt the file system.

        {DEVICES}""",
        inputs=(
            volume_input("The ID of the volume to detach."),
            *_attachment(required=False),
            Input("force", "true to force the detachment; --force alone means true [default: false].",
                  query="Force", check=validate.force, bare="true", metavar="[true|false]"),
        ),
        outputs=(
            Output("returnResult", path="status", help="The status, e.g. detaching."),
            Output("attachTime", path="attachTime", help="When the attachment was made."),
        ),
        change=Change(VOLUME, ids="volumeId", becomes="available", dead_ends=GONE,
                      settled=(("returnResult", "detached"),)),  # the attachment's state: gone once available
        example="ec2ops detach-volume --volume-id vol-0abc123 --instance-id i-0abc123",
    ),
    Operation(
        name="get-volume-details",
        action="DescribeVolumes",
        area="ebs",
        help="""Describes one EBS volume.

        Its size, snapshot, availability zone, status, creation time (in this machine's time zone)
        and attachmentSet, a table of its attachments: instance ID, device, status, attach time,
        volume ID. Fails (exit status 1) if the volume does not exist.""",
        inputs=(volume_input("The ID of the volume to describe.", query="VolumeId.1"), ROW_DELIMITER, col_delimiter()),
        items=Items("volumeSet"),
        outputs=(
            Output("returnResult", path="volumeId", help="The volume's ID."),
            *_scalars("volumeId", "size", "snapshotId", "availabilityZone", "status", "createTime",
                      convert={"createTime": local_time}),
            Output("attachmentSet", path="attachmentSet", columns=ATTACHMENT_COLUMNS,
                   help="The attachments: Instance ID, Device, Status, Attach time, Volume ID."),
        ),
        empty_error="InvalidVolume.NotFound",
        example="ec2ops get-volume-details --volume-id vol-0abc123 --get status",
    ),
]

"""Create Shared Snapshot (flow): CreateSnapshot, then ModifySnapshotAttribute adding
createVolumePermission for the given users and/or groups."""

from __future__ import annotations

from ec2ops.errors import Ec2opsError, InputError, OperationFailed
from ec2ops.operations.ebs import GROUPS, USER_IDS, volume_input
from ec2ops.pipeline import Partial
from ec2ops.resources import SNAPSHOT
from ec2ops.spec import Change, Operation, Output, delimiter_input

AT_LEAST_ONE = "At least one of the userIds or groups inputs should not be empty."


def _validate(inputs: dict) -> None:
    if not inputs.get("userIds") and not inputs.get("groups"):
        raise InputError(AT_LEAST_ONE)


def _create_and_share(session, inputs: dict, params: dict) -> dict:
    created = session.call("CreateSnapshot", {"VolumeId": inputs["volumeId"]})
    snapshot_id = created.body.get("snapshotId")
    share = {"SnapshotId": snapshot_id, "Attribute": "createVolumePermission", "OperationType": "add"}
    share.update({f"UserId.{i}": v for i, v in enumerate(inputs.get("userIds") or [], 1)})
    share.update({f"UserGroup.{i}": v for i, v in enumerate(inputs.get("groups") or [], 1)})
    try:
        shared = session.call("ModifySnapshotAttribute", share)
    except Ec2opsError as exc:
        # The snapshot exists: never leave it behind silently.
        raise Partial({"returnResult": snapshot_id, "requestId": created.request_id}, OperationFailed(
            f"The snapshot {snapshot_id} was created but could not be shared: {exc} "
            f"Share it with modify-snapshot-attribute, or delete it with delete-snapshot.")) from None
    return {"returnResult": snapshot_id, "requestId": shared.request_id}


OPERATIONS = [
    Operation(
        name="create-shared-snapshot",
        action="CreateSnapshot, ModifySnapshotAttribute",
        area="ebs",
        help="""Creates a snapshot of an EBS volume and shares it: with --groups all it becomes public,
        otherwise only the accounts in --user-ids may create volumes from it. returnResult is the new
        snapshot's ID, requestId that of the sharing call. At least one of userIds or groups is required.

        If the snapshot is made but sharing fails, the snapshot ID is still printed and the exit status is 1.""",
        inputs=(
            volume_input("The ID of the volume from which the snapshot is generated."),
            USER_IDS,
            GROUPS,
            delimiter_input(what="the elements of userIds and groups"),
        ),
        outputs=(Output("returnResult", help="The ID of the new snapshot."),),
        validate=_validate,
        perform=_create_and_share,
        change=Change(SNAPSHOT, becomes="completed", dead_ends=("error",), creates=True),
        example="ec2ops create-shared-snapshot --volume-id vol-0abc --user-ids 123456789012 --wait",
    )
]

"""Create Shared Snapshot (flow): CreateSnapshot, then ModifySnapshotAttribute adding
createVolumePermission for the given users and/or groups."""

from __future__ import annotations

from ec2ops import waiting
from ec2ops.operations.ebs import GROUPS, USER_IDS, volume_input
from ec2ops.errors import Ec2opsError, InputError, OperationFailed
from ec2ops.spec import command, delimiter_input, delimiters_of, options_of, read_inputs
from ec2ops.session import Session

AT_LEAST_ONE = "At least one of the userIds or groups inputs should not be empty."
INPUTS = (
    volume_input("The ID of the volume from which the snapshot is generated."),
    USER_IDS,
    GROUPS,
    delimiter_input(what="the elements of userIds and groups"),
)
WAIT = waiting.SNAPSHOT.until("completed", waiting.result_ids(), failed=("error",))


def _validate(values: dict) -> None:
    if not values.get("userIds") and not values.get("groups"):
        raise InputError(AT_LEAST_ONE)


def create_shared_snapshot(session: Session, **values):
    wait_options = waiting.pop_options(values)
    values = read_inputs(INPUTS, values, _validate)
    session.check_get(["returnResult", "requestId"])
    created = session.call("CreateSnapshot", {"VolumeId": values["volumeId"]})
    snapshot_id = created.body.get("snapshotId")
    share = {"SnapshotId": snapshot_id, "Attribute": "createVolumePermission", "OperationType": "add"}
    share.update({f"UserId.{i}": v for i, v in enumerate(values.get("userIds") or [], 1)})
    share.update({f"UserGroup.{i}": v for i, v in enumerate(values.get("groups") or [], 1)})
    try:
        shared = session.call("ModifySnapshotAttribute", share)
    except Ec2opsError as exc:
        # The snapshot exists: never leave it behind silently.
        session.emit({"returnResult": snapshot_id, "requestId": created.request_id}, delimiters_of(values))
        raise OperationFailed(
            f"The snapshot {snapshot_id} was created but could not be shared: {exc} "
            f"Share it with modify-snapshot-attribute, or delete it with delete-snapshot."
        ) from None
    result = {"returnResult": snapshot_id, "requestId": shared.request_id}
    session.emit(result, delimiters_of(values))
    waiting.wait_after(session, WAIT, wait_options, result, values)


HELP = """Creates a snapshot of an EBS volume and shares it: with --groups all it becomes public,
otherwise only the accounts in --user-ids may create volumes from it. returnResult is the new
snapshot's ID. At least one of userIds or groups is required.

If the snapshot is made but sharing fails, the snapshot ID is still printed and the exit status is 1.

""" + WAIT.description
create_shared_snapshot.__doc__ = HELP
create_shared_snapshot.__click_params__ = options_of(INPUTS, wait=True)  # type: ignore[attr-defined]

COMMANDS = [
    command("create-shared-snapshot", area="ebs",
            example="ec2ops create-shared-snapshot --volume-id vol-0abc --user-ids 123456789012 --wait")(
        create_shared_snapshot)
]

"""Windows bundle tasks.

BundleInstance carries an S3 upload policy that lets EC2 write the image to the bucket: base64
JSON (expiration, bucket, acl ec2-bundle-read, key prefix), signed with HMAC-SHA1 under the S3
secret key. The secret itself is never sent nor printed; the signature is masked in --debug."""

import datetime as dt

from ec2ops import validate
from ec2ops.errors import InputError
from ec2ops.resources import BUNDLE
from ec2ops.output import warn
from ec2ops.secret import Secret
from ec2ops.spec import Change, Column, Input, Items, Operation, Output, ROW_DELIMITER, col_delimiter

POLICY_LIFETIME = dt.timedelta(hours=24)  # the upload runs while the task bundles: hours, not minutes
S3_KEYS_TOGETHER = (
    "s3AccessKeyId and s3AccessKey work together: give both (the S3 account's key ID and secret key) "
    "or neither (the EC2 credentials are used)."
)


def _bundle_id(query: str) -> Input:
    return Input("bundleId", "The ID of the bundle task (bun-...).", query=query, required=True, metavar="ID")


def upload_policy(bucket: str, prefix: str, now: dt.datetime) -> str:
    """The base64 S3 upload policy EC2 uploads the bundle under."""
    import base64  # here, not at the top: --help and the other commands need none of these (start-up)
    import json

    policy = {
        "expiration": (now + POLICY_LIFETIME).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "conditions": [{"bucket": bucket}, {"acl": "ec2-bundle-read"}, ["starts-with", "$key", prefix]],
    }
    return base64.b64encode(json.dumps(policy, separators=(",", ":")).encode("utf-8")).decode("ascii")


def sign_policy(policy: str, secret_key: str) -> str:
    import base64
    import hashlib
    import hmac

    digest = hmac.new(secret_key.encode("utf-8"), policy.encode("ascii"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def _secret(value: str) -> Secret:
    if value == "-":
        from ec2ops.stdin import secret_line

        value = secret_line("secret key", "--s3-access-key -")
    else:
        warn("the S3 secret key given as --s3-access-key shows in the process list; prefer --s3-access-key -.")
    return Secret(value)


def _both_or_neither(inputs: dict) -> None:
    if bool(inputs.get("s3AccessKeyId")) != bool(inputs.get("s3AccessKey")):
        raise InputError(S3_KEYS_TOGETHER)


def _ec2_keys(lookups, inputs: dict) -> dict:
    """Without an S3 account's keys, the guide signs with the EC2 account's."""
    if inputs.get("s3AccessKeyId"):
        return {}
    keys = lookups.credentials  # the keys signing now: temporary ones may have been renewed
    return {"s3AccessKeyId": keys.access_key_id, "s3AccessKey": Secret(keys.secret_key)}


def _storage(inputs: dict, params: dict) -> dict:
    key_id, secret = inputs["s3AccessKeyId"], inputs["s3AccessKey"]
    policy = upload_policy(inputs["storageBucket"], inputs["storagePrefix"], dt.datetime.now(dt.timezone.utc))
    params.update({
        "Storage.S3.AWSAccessKeyId": key_id,
        "Storage.S3.UploadPolicy": policy,
        "Storage.S3.UploadPolicySignature": sign_policy(policy, secret.reveal()),
    })
    return params


def _task_error(error) -> str | None:
    """EC2's message and code, as the guide prints an error."""
    if not isinstance(error, dict) or not error:
        return None
    return f"{(error.get('message') or error.get('code') or '').rstrip('.')}. Error code: {error.get('code')}."


def _task_outputs(where: str) -> tuple[Output, ...]:
    """cancel-bundle-task and get-bundle-task-details: the same outputs, from one bundle task element."""
    return (
        Output("returnResult", path="instanceId", help="The ID of the instance being bundled."),
        Output("startTime", path="startTime", help="When the task was launched."),
        Output("updateTime", path="updateTime", help="When the task's status last changed."),
        Output("status", path="state", help="The task's state (pending, bundling, storing, cancelling, "
                                                   "complete, failed)."),
        Output("progress", path="progress", help="The task's progress (0% - 100%)."),
        Output("bucket", path="storage/S3/bucket", help=f"The S3 bucket {where}."),
        Output("prefix", path="storage/S3/prefix", help=f"The name under which the image {where}."),
        Output("error", path="error", convert=_task_error, help="Why the task failed, when it did (EC2's message and code)."),
    )


OPERATIONS = [
    Operation(
        name="bundle-windows-instance",
        action="BundleInstance",
        area="bundles",
        help="""Bundles a running Windows instance (instance store-backed): makes an image of it and
        stores it in S3 as <storagePrefix>.manifest.xml in storageBucket. Register the image
        (register-image) before launching it. One bundle task at a time per instance; an image
        already under that name may be overwritten.

        s3AccessKeyId and s3AccessKey, for an S3 account other than the EC2 one, go together:
        both or neither (then the EC2 keys are used). The secret key only signs the upload policy
        (valid 24 hours); '-' reads it from stdin. A wrong S3 key is not refused here: the task
        fails later (SignatureDoesNotMatch), see get-bundle-task-details.""",
        inputs=(
            Input("instanceId", "The ID of the instance to bundle (i-...).", query="InstanceId", required=True,
                  check=validate.instance_id, metavar="ID"),
            Input("storageBucket", "The S3 bucket to store the image in; one you own.", query="Storage.S3.Bucket",
                  required=True, metavar="BUCKET"),
            Input("storagePrefix", "The beginning of the image's file names: <prefix>.manifest.xml.",
                  query="Storage.S3.Prefix", required=True, metavar="PREFIX"),
            Input("s3AccessKeyId", "The access key ID of the S3 account [default: the EC2 one].", metavar="ID"),
            Input("s3AccessKey", "The secret key of the S3 account; '-' reads it from stdin "
                  "[default: the EC2 one].", check=_secret, metavar="SECRET"),
        ),
        outputs=(
            Output("returnResult", path="bundleInstanceTask/bundleId", help="The ID of the bundle task."),
            Output("status", path="bundleInstanceTask/state", help="The task's state (e.g. pending)."),
            Output("startTime", path="bundleInstanceTask/startTime", help="When the task started."),
        ),
        validate=_both_or_neither,
        lookup=_ec2_keys,
        shape=_storage,
        change=Change(BUNDLE, becomes="complete", dead_ends=("failed", "cancelling"), creates=True,
                      settled=(("status", "complete"),)),
        example="ec2ops bundle-windows-instance --instance-id i-0abc1234 --storage-bucket my-images \\\n"
                "    --storage-prefix win2019-web",
    ),
    Operation(
        name="cancel-bundle-task",
        action="CancelBundleTask",
        area="bundles",
        help="""Cancels a bundle task. An unknown task ID fails; cancelling a task that already ended
        may succeed and do nothing.""",
        inputs=(_bundle_id("BundleId"),),
        items=Items("bundleInstanceTask"),
        outputs=_task_outputs("would have held the image"),
        change=Change(BUNDLE, ids="bundleId"),
        example="ec2ops cancel-bundle-task --bundle-id bun-c1a540a8",
    ),
    Operation(
        name="enumerate-bundle-tasks",
        action="DescribeBundleTasks",
        area="bundles",
        help="""Lists your bundle tasks, one row each: bundle ID, instance ID, status, start time and
        progress. Tasks that ended stay listed for a while.""",
        inputs=(ROW_DELIMITER, col_delimiter()),
        items=Items("bundleInstanceTasksSet"),
        outputs=(
            Output(
                "returnResult",
                columns=(Column("bundleId", "Bundle ID"), Column("instanceId", "Instance ID"),
                         Column("state", "Status"), Column("startTime", "Start time"),
                         Column("progress", "Progress")),
                help="The bundle tasks: Bundle ID, Instance ID, Status, Start time, Progress.",
            ),
        ),
        example="ec2ops enumerate-bundle-tasks --col-delimiter '\\t'",
    ),
    Operation(
        name="get-bundle-task-details",
        action="DescribeBundleTasks",
        area="bundles",
        help="""Describes one bundle task: its instance, times, status, progress and the S3 bucket and
        prefix the image goes to; error says why a failed task failed. An unknown task ID fails.
        Tasks that ended can be described for a while.""",
        inputs=(_bundle_id("BundleId.1"),),
        items=Items("bundleInstanceTasksSet"),
        outputs=_task_outputs("will hold the image"),
        empty_error="InvalidBundleID.NotFound",
        example="ec2ops get-bundle-task-details --bundle-id bun-c1a540a8 --get status",
    ),
]

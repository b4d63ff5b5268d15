"""Windows bundle tasks: with respx, EC2's documented XML answers replayed (a failed task, S3 keys, what
was sent); and end to end in the sandbox, which adds the bundle actions moto lacks."""

import base64
import datetime as dt
import hashlib
import hmac
import json
import re
from urllib.parse import parse_qsl

import httpx
import pytest
import respx

from conftest import ACCESS_KEY_ID, SECRET_KEY, debug_params, ec2_error_xml, ec2_xml, refusal, sent_params
from ec2ops.operations.bundles import S3_KEYS_TOGETHER

URL = "https://ec2.us-east-1.amazonaws.com/"
V = {"Version": "2016-11-15"}
S3_KEY_ID, S3_SECRET = "AKIDS3ACCOUNT0000002", "s3/Other+Secret0123456789abcdefghijKLMNOP"


def task(state="bundling", progress="70%", extra=""):
    return (
        "<instanceId>i-12345678</instanceId><bundleId>bun-c1a540a8</bundleId>"
        f"<state>{state}</state><startTime>2008-10-07T11:41:50.000Z</startTime>"
        f"<updateTime>2008-10-07T11:51:50.000Z</updateTime><progress>{progress}</progress>"
        f"<storage><S3><bucket>myawsbucket</bucket><prefix>winami</prefix></S3></storage>{extra}"
    )


BUNDLED = ec2_xml("BundleInstance", f"<bundleInstanceTask>{task('pending', '0%')}</bundleInstanceTask>")
CANCELLED = ec2_xml("CancelBundleTask", f"<bundleInstanceTask>{task('cancelling')}</bundleInstanceTask>")
FAILED = "<error><code>SignatureDoesNotMatch</code><message>The request signature we calculated does not match " \
         "the signature you provided.</message></error>"


def requests(err: str) -> list[dict]:
    """The query of every request in a --debug trace, in order."""
    return [debug_params(">>> POST " + block) for block in err.split(">>> POST ")[1:]]


def described(*tasks):
    items = "".join(f"<item>{t}</item>" for t in tasks)
    return ec2_xml("DescribeBundleTasks", f"<bundleInstanceTasksSet>{items}</bundleInstanceTasksSet>")


def assert_signed_policy(params, key_id, secret, bucket, prefix):
    """The policy and its signature, computed again here, independently of ec2ops."""
    policy, signature = params["Storage.S3.UploadPolicy"], params["Storage.S3.UploadPolicySignature"]
    expected = base64.b64encode(hmac.new(secret.encode(), policy.encode(), hashlib.sha1).digest()).decode()
    assert signature == expected
    assert params["Storage.S3.AWSAccessKeyId"] == key_id
    document = json.loads(base64.b64decode(policy))
    assert document["conditions"] == [{"bucket": bucket}, {"acl": "ec2-bundle-read"}, ["starts-with", "$key", prefix]]
    expiration = dt.datetime.strptime(document["expiration"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)
    now = dt.datetime.now(dt.timezone.utc)
    assert now + dt.timedelta(hours=23) < expiration <= now + dt.timedelta(hours=24)


@respx.mock
def test_bundle_with_the_ec2_keys(offline):
    route = respx.post(URL).mock(return_value=httpx.Response(200, text=BUNDLED))
    run = offline("bundle-windows-instance", "--instance-id", "i-12345678", "--storage-bucket", "myawsbucket",
                  "--storagePrefix", "winami")
    assert run.code == 0, run.err
    params = sent_params(route.calls.last.request)
    assert {k: v for k, v in params.items() if not k.startswith("Storage.S3.Upload")} == {
        "Action": "BundleInstance", **V, "InstanceId": "i-12345678", "Storage.S3.Bucket": "myawsbucket",
        "Storage.S3.Prefix": "winami", "Storage.S3.AWSAccessKeyId": ACCESS_KEY_ID,
    }
    assert_signed_policy(params, ACCESS_KEY_ID, SECRET_KEY, "myawsbucket", "winami")
    assert run.out.splitlines() == ["bun-c1a540a8", "status: pending", "startTime: 2008-10-07T11:41:50.000Z",
                                    "requestId: 59dbff89-35bd-4eac-99ed-be587EXAMPLE"]
    doc = offline("bundle-windows-instance", "--instance-id", "i-12345678", "--storage-bucket", "b",
                  "--storage-prefix", "p", "-o", "json").json()
    assert doc == {"returnResult": "bun-c1a540a8", "status": "pending", "startTime": "2008-10-07T11:41:50.000Z",
                   "requestId": "59dbff89-35bd-4eac-99ed-be587EXAMPLE"}
    assert_signed_policy(sent_params(route.calls.last.request), ACCESS_KEY_ID, SECRET_KEY, "b", "p")


@respx.mock
def test_bundle_with_s3_keys_never_shows_the_secret(offline):
    route = respx.post(URL).mock(return_value=httpx.Response(200, text=BUNDLED))
    run = offline("bundle-windows-instance", "--instance-id", "i-12345678", "--storage-bucket", "images",
                  "--storage-prefix", "web/2019", "--s3-access-key-id", S3_KEY_ID, "--s3-access-key", "-",
                  "--debug", stdin=S3_SECRET + "\n")
    assert run.code == 0, run.err
    params = sent_params(route.calls.last.request)
    assert_signed_policy(params, S3_KEY_ID, S3_SECRET, "images", "web/2019")
    shown = run.out + run.err
    assert S3_SECRET not in shown and SECRET_KEY not in shown
    assert params["Storage.S3.UploadPolicySignature"] not in shown
    assert debug_params(run.err)["Storage.S3.UploadPolicySignature"] == "***"
    assert "warning" not in run.err
    # As a flag it works too, with the process-list warning.
    flag = offline("bundle-windows-instance", "--instance-id", "i-1", "--storage-bucket", "b", "--storage-prefix",
                   "p", "--s3AccessKeyId", S3_KEY_ID, "--s3AccessKey", S3_SECRET)
    assert flag.code == 0 and "--s3-access-key shows in the process list" in flag.err
    assert S3_SECRET not in flag.out + flag.err
    assert_signed_policy(sent_params(route.calls.last.request), S3_KEY_ID, S3_SECRET, "b", "p")


@respx.mock
@pytest.mark.parametrize("args, message", [
    (("--s3-access-key-id", S3_KEY_ID), S3_KEYS_TOGETHER),
    (("--s3-access-key", S3_SECRET), S3_KEYS_TOGETHER),
    (("--instance-id", "ami-12345678"),
     "Invalid id: 'ami-12345678' (expecting \"i-...\"). Error code: InvalidInstanceID.Malformed."),
])
def test_bundle_local_checks_are_exit_2_and_send_nothing(offline, args, message):
    route = respx.post(URL).mock(return_value=httpx.Response(200, text=BUNDLED))
    run = offline("bundle-windows-instance", "--instance-id", "i-12345678", "--storage-bucket", "b",
                  "--storage-prefix", "p", *args)
    assert run.code == 2
    assert run.err.splitlines()[-1] == f"ec2ops: {message}"
    assert S3_SECRET not in run.err and not route.called


@respx.mock
def test_cancel_bundle_task(offline):
    route = respx.post(URL).mock(return_value=httpx.Response(200, text=CANCELLED))
    run = offline("cancel-bundle-task", "--bundle-id", "bun-c1a540a8")
    assert run.code == 0, run.err
    assert sent_params(route.calls.last.request) == {"Action": "CancelBundleTask", **V, "BundleId": "bun-c1a540a8"}
    assert run.out.splitlines() == [
        "i-12345678", "startTime: 2008-10-07T11:41:50.000Z", "updateTime: 2008-10-07T11:51:50.000Z",
        "status: cancelling", "progress: 70%", "bucket: myawsbucket", "prefix: winami", "error: null",
        "requestId: 59dbff89-35bd-4eac-99ed-be587EXAMPLE",
    ]
    doc = offline("cancel-bundle-task", "--bundleId", "bun-c1a540a8", "-o", "json").json()
    assert list(doc) == ["returnResult", "startTime", "updateTime", "status", "progress", "bucket", "prefix",
                         "error", "requestId"]
    assert (doc["returnResult"], doc["status"], doc["error"]) == ("i-12345678", "cancelling", None)


@respx.mock
def test_cancel_an_unknown_task_is_exit_1(offline):
    respx.post(URL).mock(return_value=httpx.Response(400, text=ec2_error_xml(
        "InvalidBundleID.NotFound", "Invalid bundle ids: bun-00000000")))
    run = offline("cancel-bundle-task", "--bundle-id", "bun-00000000")
    assert run.code == 1
    assert refusal(run.err) == "ec2ops: Invalid bundle ids: bun-00000000. Error code: InvalidBundleID.NotFound."


@respx.mock
def test_enumerate_bundle_tasks(offline):
    second = task("failed", "0%").replace("bun-c1a540a8", "bun-4f789d26").replace("i-12345678", "i-d63cd5be")
    route = respx.post(URL).mock(return_value=httpx.Response(200, text=described(task("complete", "100%"), second)))
    run = offline("enumerate-bundle-tasks", "--col-delimiter", " ")
    assert run.code == 0, run.err
    assert sent_params(route.calls.last.request) == {"Action": "DescribeBundleTasks", **V}
    assert run.out.splitlines() == ["bun-c1a540a8 i-12345678 complete 2008-10-07T11:41:50.000Z 100%",
                                    "bun-4f789d26 i-d63cd5be failed 2008-10-07T11:41:50.000Z 0%",
                                    "requestId: 59dbff89-35bd-4eac-99ed-be587EXAMPLE"]
    rows = offline("enumerate-bundle-tasks", "-o", "json").json()["returnResult"]
    assert rows[1] == {"bundleId": "bun-4f789d26", "instanceId": "i-d63cd5be", "state": "failed",
                       "startTime": "2008-10-07T11:41:50.000Z", "progress": 0}
    route.mock(return_value=httpx.Response(200, text=described()))
    empty = offline("enumerate-bundle-tasks")
    assert (empty.code, empty.out.splitlines()[0].startswith("requestId: ")) == (0, True)


@respx.mock
def test_get_bundle_task_details_of_a_failed_task(offline):
    route = respx.post(URL).mock(return_value=httpx.Response(200, text=described(task("failed", "0%", FAILED))))
    run = offline("get-bundle-task-details", "--bundle-id", "bun-c1a540a8", "-o", "json")
    assert run.code == 0, run.err
    assert sent_params(route.calls.last.request) == {"Action": "DescribeBundleTasks", **V, "BundleId.1": "bun-c1a540a8"}
    doc = run.json()
    assert (doc["returnResult"], doc["status"], doc["bucket"], doc["prefix"]) == (
        "i-12345678", "failed", "myawsbucket", "winami")
    assert doc["error"] == ("The request signature we calculated does not match the signature you provided. "
                            "Error code: SignatureDoesNotMatch.")
    assert offline("get-bundle-task-details", "--bundle-id", "bun-c1a540a8", "--get", "progress").out == "0%\n"


@respx.mock
def test_get_details_of_an_unknown_task_is_the_guides_error(offline):
    respx.post(URL).mock(return_value=httpx.Response(200, text=described()))
    run = offline("get-bundle-task-details", "--bundle-id", "bun-00000000")
    assert (run.code, run.out) == (1, "")
    assert run.err == "ec2ops: Invalid bundle ids: bun-00000000. Error code: InvalidBundleID.NotFound.\n"


@respx.mock
def test_bundle_then_cancel_read_back_with_details(offline):
    """A small EC2 stand-in that keeps the one task's state between calls."""
    state = {}

    def ec2(request):
        params = dict(parse_qsl(request.content.decode()))
        action = params["Action"]
        if action == "BundleInstance":
            state.update(bundle=params["Storage.S3.Prefix"], state="pending")
            return httpx.Response(200, text=BUNDLED)
        if action == "CancelBundleTask" and state:
            state["state"] = "cancelling"
            return httpx.Response(200, text=CANCELLED)
        if action == "DescribeBundleTasks":
            return httpx.Response(200, text=described(task(state["state"])) if state else described())
        return httpx.Response(400, text=ec2_error_xml("InvalidBundleID.NotFound", "Invalid bundle ids: x"))

    respx.post(URL).mock(side_effect=ec2)
    bundle_id = offline("bundle-windows-instance", "--instance-id", "i-12345678", "--storage-bucket", "myawsbucket",
                        "--storage-prefix", "winami", "--get", "returnResult").out.strip()
    details = ("get-bundle-task-details", "--bundle-id", bundle_id, "--get", "status")
    assert offline(*details).out == "pending\n"
    assert offline("cancel-bundle-task", "--bundle-id", bundle_id, "--get", "status").out == "cancelling\n"
    assert offline(*details).out == "cancelling\n"


# -- the sandbox (`ec2ops sandbox`): bundle tasks, which moto lacks, end to end --------------------
def sandbox_instance(sandbox):
    image = sandbox("register-image", "--image-location", "/ops/win.manifest.xml", "--get", "returnResult")
    run = sandbox("run-instances", "--ami-id", image.out.strip(), "--get", "returnResult")
    assert run.code == 0, run.err
    return run.out.strip()


def test_a_bundle_task_moves_pending_bundling_storing_complete_over_its_time():
    from ec2ops.sandbox.ec2 import BundleTask

    task = BundleTask("bun-c1a540a8", "i-12345678", "myawsbucket", "winami", started=1000.0)
    seen = [(v["state"], v["progress"], v["updateTime"]) for v in
            (task.view(1000.0 + t, seconds=4.0) for t in (0, 0.5, 0.8, 2.0, 2.8, 3.4, 4.0, 60))]
    assert seen == [
        ("pending", "0%", "1970-01-01T00:16:40.000Z"), ("pending", "0%", "1970-01-01T00:16:40.000Z"),
        ("bundling", "0%", "1970-01-01T00:16:40.800Z"), ("bundling", "42%", "1970-01-01T00:16:40.800Z"),
        ("storing", "70%", "1970-01-01T00:16:42.800Z"), ("storing", "85%", "1970-01-01T00:16:42.800Z"),
        ("complete", "100%", "1970-01-01T00:16:44.000Z"), ("complete", "100%", "1970-01-01T00:16:44.000Z"),
    ]
    task.cancelled = 1002.0  # stopped where it was, whenever it is looked at
    assert task.view(1002.0, 4.0) == task.view(1100.0, 4.0) == {
        "state": "cancelling", "progress": "42%", "updateTime": "1970-01-01T00:16:42.000Z"}


def test_a_bundle_task_in_the_sandbox_runs_to_complete(sandbox):
    instance = sandbox_instance(sandbox)
    run = sandbox("bundle-windows-instance", "--instance-id", instance, "--storage-bucket", "myawsbucket",
                  "--storage-prefix", "winami", "--wait", "--wait-interval", "0.05", "--debug", "-o", "json")
    assert run.code == 0, run.err
    started = run.json()
    bundle = started["returnResult"]
    # printed after the wait: the state waited for (issue 24: it was EC2's answer, pending)
    assert re.fullmatch(r"bun-[0-9a-f]{8}", bundle) and started["status"] == "complete"
    assert {"Action": "DescribeBundleTasks", **V, "BundleId.1": bundle} in requests(run.err)  # --wait polled
    details = sandbox("get-bundle-task-details", "--bundle-id", bundle, "-o", "json").json()
    shown = ("returnResult", "startTime", "status", "progress", "bucket", "prefix", "error")
    assert {k: details[k] for k in shown} == {
        "returnResult": instance, "startTime": started["startTime"], "status": "complete", "progress": 100,
        "bucket": "myawsbucket", "prefix": "winami", "error": None}
    assert details["updateTime"] > details["startTime"]
    listed = sandbox("enumerate-bundle-tasks", "--get", "returnResult").out
    assert listed == f"{bundle},{instance},complete,{started['startTime']},100%\n"
    # Cancelling a task that ended may succeed and does nothing (the guide).
    assert sandbox("cancel-bundle-task", "--bundle-id", bundle, "--get", "status").out == "complete\n"


def test_a_cancelled_bundle_task_stops_where_it_was_in_the_sandbox(sandbox, monkeypatch):
    clock = [1_800_000_000.0]  # the sandbox's time, moved by the test: no race with a slow machine
    monkeypatch.setattr(sandbox.layer, "clock", lambda: clock[0])
    monkeypatch.setattr(sandbox.layer, "bundle_seconds", 10.0)
    instance = sandbox_instance(sandbox)
    bundle_args = ("bundle-windows-instance", "--instance-id", instance, "--storage-bucket", "b",
                   "--storage-prefix", "p")
    bundle = sandbox(*bundle_args, "--get", "returnResult").out.strip()
    busy = sandbox(*bundle_args)
    assert (busy.code, refusal(busy.err)) == (
        1, "ec2ops: The specified instance already has a bundling task in progress. Error code: BundlingInProgress.")
    clock[0] += 4.5  # bundling, 35% (bundling runs from 2 s to 7 s, 0% to 70%)
    cancelled = sandbox("cancel-bundle-task", "--bundle-id", bundle, "-o", "json")
    assert cancelled.code == 0, cancelled.err
    shown = {k: cancelled.json()[k] for k in ("returnResult", "startTime", "updateTime", "status", "progress")}
    assert shown == {"returnResult": instance, "startTime": "2027-01-15T08:00:00.000Z",
                     "updateTime": "2027-01-15T08:00:04.500Z", "status": "cancelling", "progress": 35}
    clock[0] += 60  # long past when it would have completed
    details = sandbox("get-bundle-task-details", "--bundle-id", bundle, "-o", "json").json()
    assert {k: details[k] for k in shown} == shown
    assert sandbox("enumerate-bundle-tasks", "--filter", "state=cancelling", "--get", "returnResult").out == \
        f"{bundle},{instance},cancelling,2027-01-15T08:00:00.000Z,35%\n"
    assert sandbox("enumerate-bundle-tasks", "--filter", "state=complete", "--get", "returnResult").out == "\n"
    assert sandbox(*bundle_args).code == 0  # the instance is free for another task

    for command in ("cancel-bundle-task", "get-bundle-task-details"):
        unknown = sandbox(command, "--bundle-id", "bun-00000000")
        assert (unknown.code, unknown.out) == (1, "")
        assert refusal(unknown.err) == \
            "ec2ops: Invalid bundle ids: bun-00000000. Error code: InvalidBundleID.NotFound."

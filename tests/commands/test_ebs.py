"""Elastic block store: snapshots and volumes, against moto's EC2 server; what moto lacks
(ResetSnapshotAttribute, DetachVolume by volume alone) also in the sandbox; respx where moto
ignores an input or only a scripted answer shows it."""

import datetime as dt
import os
import time

import httpx
import pytest
import respx

from conftest import debug_params, ec2_client, ec2_xml, refusal, sent_params

URL = "https://ec2.us-east-1.amazonaws.com/"
V = {"Version": "2016-11-15"}


def requests(err: str) -> list[dict]:
    """The query of every request in a --debug trace, in order."""
    return [debug_params(">>> POST " + block) for block in err.split(">>> POST ")[1:]]


def new_volume(ec2ops, *args):
    run = ec2ops("create-volume", "--availability-zone", "us-east-1a", *(args or ("--size", "5")),
                 "--get", "returnResult")
    assert run.code == 0, run.err
    return run.out.strip()


def new_snapshot(ec2ops, volume):
    run = ec2ops("create-snapshot", "--volume-id", volume, "--get", "returnResult")
    assert run.code == 0, run.err
    return run.out.strip()


# -- volumes -----------------------------------------------------------------------------------
def test_create_volume_query_outputs_and_state(ec2ops):
    run = ec2ops("create-volume", "--size", "5", "--availabilityZone", "us-east-1a", "--debug", "--wait")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    volume = lines[0]
    assert requests(run.err) == [{"Action": "CreateVolume", **V, "Size": "5", "AvailabilityZone": "us-east-1a"},
                                 {"Action": "DescribeVolumes", **V, "VolumeId.1": volume}]
    assert volume.startswith("vol-")
    assert lines[1:4] == [f"volumeId: {volume}", "size: 5", "status: available"]
    assert lines[5] == "availabilityZone: us-east-1a"
    assert lines[4].startswith("createTime: 20") and lines[6] == "snapshotId: null"
    assert lines[7].startswith("requestId: ") and len(lines) == 8

    doc = ec2ops("create-volume", "--size", "7", "--availability-zone", "us-east-1b", "-o", "json").json()
    assert list(doc) == ["returnResult", "volumeId", "size", "status", "createTime", "availabilityZone",
                         "snapshotId", "requestId"]
    assert doc["returnResult"] == doc["volumeId"] != volume and doc["size"] == 7 and doc["snapshotId"] is None

    listed = ec2ops("describe-volumes")
    assert listed.code == 0
    assert listed.out.splitlines()[:2] == [f"{volume},5,null,us-east-1a,available",
                                           f"{doc['volumeId']},7,null,us-east-1b,available"]
    only = ec2ops("describe-volumes", "--volume-ids", f"{doc['volumeId']}", "-o", "json", "--debug")
    assert debug_params(only.err) == {"Action": "DescribeVolumes", **V, "VolumeId.1": doc["volumeId"]}
    assert only.json()["returnResult"] == [{"volumeId": doc["volumeId"], "size": 7, "snapshotId": None,
                                            "availabilityZone": "us-east-1b", "status": "available",
                                            "volumeType": "gp2", "iops": None, "encrypted": False, "tags": {}}]
    table = ec2ops("describe-volumes", "-o", "table")
    assert "Availability zone" in table.out and volume in table.out


def test_delete_volume_then_it_is_gone(ec2ops):
    volume = new_volume(ec2ops)
    run = ec2ops("delete-volume", "--volume-id", volume, "--debug")
    assert run.code == 0, run.err
    assert debug_params(run.err) == {"Action": "DeleteVolume", **V, "VolumeId": volume}
    assert run.out.splitlines()[0] == "true"
    assert volume not in ec2ops("describe-volumes").out
    again = ec2ops("delete-volume", "--volume-id", volume, "-o", "json")
    assert again.code == 1 and again.out == ""
    assert f"The volume '{volume}' does not exist. Error code: InvalidVolume.NotFound." in again.err


def test_attach_and_detach_read_back_with_get_volume_details(ec2ops, ec2):
    volume = new_volume(ec2ops)
    instance = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1,
                                 Placement={"AvailabilityZone": "us-east-1a"})["Instances"][0]["InstanceId"]

    run = ec2ops("attach-volume", "--volume-id", volume, "--instance-id", instance, "--device-name", "/dev/sdh",
                 "--wait", "--debug")
    assert run.code == 0, run.err
    assert requests(run.err) == [
        {"Action": "AttachVolume", **V, "VolumeId": volume, "InstanceId": instance, "Device": "/dev/sdh"},
        {"Action": "DescribeVolumes", **V, "VolumeId.1": volume},  # --wait: until the attachment is attached
    ]
    lines = run.out.splitlines()
    # printed after the wait: the state waited for (issue 24: it was EC2's answer, attaching)
    assert lines[0] == "attached" and lines[1].startswith("attachTime: 20") and lines[2].startswith("requestId")

    details = ec2ops("get-volume-details", "--volume-id", volume, "--col-delimiter", ";", "--debug")
    assert details.code == 0, details.err
    assert debug_params(details.err) == {"Action": "DescribeVolumes", **V, "VolumeId.1": volume}
    lines = details.out.splitlines()
    assert lines[:5] == [volume, f"volumeId: {volume}", "size: 5", "snapshotId: null", "availabilityZone: us-east-1a"]
    assert lines[5] == "status: in-use" and lines[7] == "attachmentSet:"
    assert lines[8].startswith(f"  {instance};/dev/sdh;attached;20") and lines[8].endswith(f";{volume}")

    doc = ec2ops("get-volume-details", "--volume-id", volume, "-o", "json").json()
    assert list(doc) == ["returnResult", "volumeId", "size", "snapshotId", "availabilityZone", "status",
                         "createTime", "attachmentSet", "requestId"]
    [attachment] = doc["attachmentSet"]
    assert list(attachment) == ["instanceId", "device", "status", "attachTime", "volumeId"]
    assert (attachment["instanceId"], attachment["device"], attachment["volumeId"]) == (instance, "/dev/sdh", volume)

    detached = ec2ops("detach-volume", "--volume-id", volume, "--instance-id", instance, "--device-name",
                      "/dev/sdh", "--force", "FALSE", "--debug", "-o", "json", "--wait")
    assert detached.code == 0, detached.err
    assert requests(detached.err) == [
        {"Action": "DetachVolume", **V, "VolumeId": volume, "InstanceId": instance, "Device": "/dev/sdh",
         "Force": "false"},
        {"Action": "DescribeVolumes", **V, "VolumeId.1": volume},  # --wait: until the volume is available
    ]
    out = detached.json()
    assert list(out) == ["returnResult", "attachTime", "requestId"] and out["returnResult"] == "detached"  # waited

    after = ec2ops("get-volume-details", "--volume-id", volume, "-o", "json").json()
    assert (after["status"], after["attachmentSet"]) == ("available", [])
    assert f"{volume},5,null,us-east-1a,available" in ec2ops("describe-volumes").out.splitlines()


@pytest.fixture
def kolkata():
    """This machine's time zone as +05:30, to see createTime converted."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Kolkata"
    time.tzset()
    yield
    if saved is None:
        os.environ.pop("TZ")
    else:
        os.environ["TZ"] = saved
    time.tzset()


def test_get_volume_details_create_time_in_the_local_time_zone(ec2ops, kolkata):
    created = ec2ops("create-volume", "--size", "1", "--availability-zone", "us-east-1a", "-o", "json").json()
    assert created["createTime"].endswith("Z")  # create-volume gives EC2's UTC time, as the guide does
    local = ec2ops("get-volume-details", "--volume-id", created["volumeId"], "--get", "createTime").out.strip()
    assert local.endswith("+05:30") and "T" in local
    assert dt.datetime.fromisoformat(local) == dt.datetime.strptime(created["createTime"], "%Y-%m-%dT%H:%M:%S.%f%z")


@pytest.mark.parametrize("ec2_time", ["2026-12-01T14:22:47.000Z", "2026-12-01T14:22:47Z", "2026-12-01T14:22:47.5Z",
                                      "2026-12-01T14:22:47.123456789Z", "2026-12-01T14:22:47.000+00:00",
                                      "2026-12-01T16:22:47.000+02:00"])
def test_create_time_in_the_local_time_zone_whatever_form_ec2_gives_it(kolkata, ec2_time):
    from ec2ops.operations.ebs import local_time

    assert local_time(ec2_time) == "2026-12-01T19:52:47+05:30"


@pytest.mark.parametrize("not_a_time", [None, "", "yesterday", "2026-12-01T14:22:47"])  # no zone: no conversion
def test_create_time_that_is_not_a_zoned_timestamp_is_shown_as_it_came(kolkata, not_a_time):
    from ec2ops.operations.ebs import local_time

    assert local_time(not_a_time) == not_a_time


def test_get_volume_details_of_a_missing_volume_is_exit_1(ec2ops):
    run = ec2ops("get-volume-details", "--volume-id", "vol-0123456789abcdef0")
    assert run.code == 1 and run.out == "" and "Error code: InvalidVolume.NotFound." in run.err


# -- snapshots ---------------------------------------------------------------------------------
def test_snapshot_lifecycle(ec2ops):
    volume = new_volume(ec2ops)
    run = ec2ops("create-snapshot", "--volume-id", volume, "--snapshot-description", "nightly", "--debug", "--wait")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    snapshot = lines[0]
    assert requests(run.err) == [{"Action": "CreateSnapshot", **V, "VolumeId": volume, "Description": "nightly"},
                                 {"Action": "DescribeSnapshots", **V, "SnapshotId.1": snapshot}]
    assert snapshot.startswith("snap-") and lines[1] == f"returnCode: {snapshot}"
    assert lines[2] == f"volumeId: {volume}" and lines[3].startswith("status: ")
    assert [line.split(":")[0] for line in lines[4:]] == ["startTime", "progress", "ownerId", "volumeSize",
                                                          "description", "requestId"]
    assert "volumeSize: 5" in lines and "description: nightly" in lines

    doc = ec2ops("create-snapshot", "--volumeId", volume, "-o", "json").json()
    assert list(doc) == ["returnResult", "returnCode", "volumeId", "status", "startTime", "progress", "ownerId",
                         "volumeSize", "description", "requestId"]
    assert doc["returnResult"] == doc["returnCode"] != snapshot and doc["volumeSize"] == 5

    listed = ec2ops("describe-snapshots", "--snapshot-ids", f"{snapshot};{doc['returnResult']}", "--delimiter", ";",
                    "--col-delimiter", " ", "--debug")
    assert listed.code == 0, listed.err
    assert debug_params(listed.err) == {"Action": "DescribeSnapshots", **V, "SnapshotId.1": snapshot,
                                        "SnapshotId.2": doc["returnResult"]}
    rows = [line.split(" ") for line in listed.out.splitlines()[:-1]]
    assert sorted(row[0] for row in rows) == sorted([snapshot, doc["returnResult"]])
    assert all(row[1:3] == [volume, "5"] and row[3] == "completed" and row[5] == "100%" for row in rows)
    assert all(list(row) == ["snapshotId", "volumeId", "volumeSize", "status", "startTime", "progress",
                             "encrypted", "tags"]
               for row in ec2ops("describe-snapshots", "-o", "json").json()["returnResult"])

    details = ec2ops("get-snapshot-details", "--snapshot-id", snapshot, "--debug")
    assert debug_params(details.err) == {"Action": "DescribeSnapshots", **V, "SnapshotId.1": snapshot}
    lines = details.out.splitlines()
    assert lines[:4] == [snapshot, f"snapshotId: {snapshot}", "status: completed", f"volumeId: {volume}"]
    assert lines[4].startswith("startTime: 20") and lines[5] == "progress: 100%"
    assert list(ec2ops("get-snapshot-details", "--snapshot-id", snapshot, "-o", "json").json()) == [
        "returnResult", "snapshotId", "status", "volumeId", "startTime", "progress", "description",
        "requestId"]  # the guide's outputs, then its description: beyond the guide, in JSON and --get

    from_snapshot = ec2ops("create-volume", "--snapshot-id", snapshot, "--availability-zone", "us-east-1a",
                           "--debug", "-o", "json")
    assert debug_params(from_snapshot.err) == {"Action": "CreateVolume", **V, "SnapshotId": snapshot,
                                               "AvailabilityZone": "us-east-1a"}
    made = from_snapshot.json()
    assert (made["snapshotId"], made["size"]) == (snapshot, 5)
    assert f"{made['volumeId']},5,{snapshot},us-east-1a,available" in ec2ops("describe-volumes").out.splitlines()

    deleted = ec2ops("delete-snapshot", "--snapshot-id", snapshot, "--debug")
    assert deleted.code == 0, deleted.err
    assert debug_params(deleted.err) == {"Action": "DeleteSnapshot", **V, "SnapshotId": snapshot}
    assert deleted.out.splitlines()[:2] == ["true", "returnCode: true"]
    assert list(ec2ops("delete-snapshot", "--snapshot-id", doc["returnResult"], "-o", "json").json()) == [
        "returnResult", "returnCode", "requestId"]
    empty = ec2ops("describe-snapshots")
    assert empty.code == 0 and empty.out.startswith("requestId: ")
    gone = ec2ops("get-snapshot-details", "--snapshot-id", snapshot)
    assert gone.code == 1 and gone.out == "" and "Error code: InvalidSnapshot.NotFound." in gone.err


def test_modify_snapshot_attribute_grants_and_revokes(ec2ops, ec2):
    snapshot = new_snapshot(ec2ops, new_volume(ec2ops))
    run = ec2ops("modify-snapshot-attribute", "--snapshot-id", snapshot, "--operation-type", "add",
                 "--user-ids", "111122223333;444455556666", "--groups", "all", "--delimiter", ";", "--debug")
    assert run.code == 0, run.err
    assert debug_params(run.err) == {
        "Action": "ModifySnapshotAttribute", **V, "SnapshotId": snapshot, "Attribute": "createVolumePermission",
        "OperationType": "add", "UserId.1": "111122223333", "UserId.2": "444455556666", "UserGroup.1": "all"}
    assert run.out.splitlines()[0] == "true"

    # ec2ops has no command that reads the attribute (the guide has none, and moto ignores
    # describe-snapshots' RestorableBy.N): read moto's state back with botocore.
    def permissions():
        answer = ec2.describe_snapshot_attribute(SnapshotId=snapshot, Attribute="createVolumePermission")
        return sorted(p.get("UserId") or "group:" + p["Group"] for p in answer["CreateVolumePermissions"])

    assert permissions() == ["111122223333", "444455556666", "group:all"]
    removed = ec2ops("modify-snapshot-attribute", "--snapshot-id", snapshot, "--attribute", "CREATEVOLUMEPERMISSION",
                     "--operationType", "Remove", "--groups", "all", "--user-ids", "111122223333", "-o", "json",
                     "--debug")
    assert removed.code == 0, removed.err
    assert debug_params(removed.err)["OperationType"] == "remove"
    assert debug_params(removed.err)["Attribute"] == "createVolumePermission"
    assert list(removed.json()) == ["returnResult", "requestId"] and removed.json()["returnResult"] is True
    assert permissions() == ["444455556666"]


# -- respx: what moto lacks or ignores -------------------------------------------------------
@respx.mock
def test_reset_snapshot_attribute(offline):
    route = respx.post(URL).mock(return_value=httpx.Response(
        200, text=ec2_xml("ResetSnapshotAttribute", "<return>true</return>")))
    run = offline("reset-snapshot-attribute", "--snapshot-id", "snap-1a2b3c4d")
    assert run.code == 0, run.err
    assert sent_params(route.calls.last.request) == {
        "Action": "ResetSnapshotAttribute", **V, "SnapshotId": "snap-1a2b3c4d", "Attribute": "createVolumePermission"}
    assert run.out == "true\nrequestId: 59dbff89-35bd-4eac-99ed-be587EXAMPLE\n"
    doc = offline("reset-snapshot-attribute", "--snapshot-id", "snap-1a2b3c4d", "--attribute",
                  "createVolumePermission", "-o", "json").json()
    assert doc == {"returnResult": True, "requestId": "59dbff89-35bd-4eac-99ed-be587EXAMPLE"}


@respx.mock
@pytest.mark.parametrize("args", [
    ["reset-snapshot-attribute", "--snapshot-id", "snap-1a2b3c4d"],
    ["delete-snapshot", "--snapshot-id", "snap-1a2b3c4d"],
    ["delete-volume", "--volume-id", "vol-1a2b3c4d"],
    ["modify-snapshot-attribute", "--snapshot-id", "snap-1a2b3c4d", "--operation-type", "add", "--groups", "all"],
])
def test_return_false_is_a_failure(offline, args):
    respx.post(URL).mock(side_effect=lambda request: httpx.Response(
        200, text=ec2_xml(sent_params(request)["Action"], "<return>false</return>")))
    run = offline(*args)
    assert run.code == 1 and run.out == "" and "EC2 answered false" in run.err


def snapshot_answer(action: str, status: str) -> httpx.Response:
    inner = f"<snapshotId>snap-78a54011</snapshotId><volumeId>vol-4d826724</volumeId><status>{status}</status>"
    if action == "DescribeSnapshots":
        inner = f"<snapshotSet><item>{inner}</item></snapshotSet>"
    return httpx.Response(200, text=ec2_xml(action, inner))


@respx.mock
@pytest.mark.parametrize("last,code", [("completed", 0), ("error", 1)])
def test_create_snapshot_wait_polls_until_completed(offline, last, code):
    route = respx.post(URL).mock(side_effect=[
        snapshot_answer("CreateSnapshot", "pending"),
        snapshot_answer("DescribeSnapshots", "pending"),
        snapshot_answer("DescribeSnapshots", last),
    ])
    run = offline("create-snapshot", "--volume-id", "vol-4d826724", "--wait", "--wait-interval", "0.01")
    assert run.code == code, run.err
    assert run.out.splitlines()[:2] == ["snap-78a54011", "returnCode: snap-78a54011"]
    assert [sent_params(call.request)["Action"] for call in route.calls] == [
        "CreateSnapshot", "DescribeSnapshots", "DescribeSnapshots"]
    assert sent_params(route.calls.last.request)["SnapshotId.1"] == "snap-78a54011"
    if code:
        assert "snap-78a54011 (error) cannot become completed" in run.err


SNAPSHOT_ROW = ("<item><snapshotId>{id}</snapshotId><volumeId>vol-4d826724</volumeId><status>completed</status>"
                "<startTime>2008-05-07T12:51:50.000Z</startTime><progress>100%</progress>"
                "<ownerId>111122223333</ownerId><volumeSize>10</volumeSize><description>Daily</description></item>")
VOLUME_ROW = ("<item><volumeId>{id}</volumeId><size>80</size><snapshotId/><availabilityZone>us-east-1a"
              "</availabilityZone><status>in-use</status><createTime>2008-05-07T11:51:50.000Z</createTime>"
              "<attachmentSet/></item>")


@respx.mock
def test_describe_snapshots_owners_and_restorable_by(offline):
    """moto ignores Owner.N and RestorableBy.N: check the query and the table with EC2's own document."""
    route = respx.post(URL).mock(return_value=httpx.Response(200, text=ec2_xml(
        "DescribeSnapshots", f"<snapshotSet>{SNAPSHOT_ROW.format(id='snap-78a54011')}</snapshotSet>")))
    run = offline("describe-snapshots", "--snapshot-owners", "self | amazon | 111122223333", "--restorable-by",
                  "444455556666", "--delimiter", "|", "--row-delimiter", ";", "--col-delimiter", "\\t")
    assert run.code == 0, run.err
    assert sent_params(route.calls.last.request) == {
        "Action": "DescribeSnapshots", **V, "Owner.1": "self", "Owner.2": "amazon", "Owner.3": "111122223333",
        "RestorableBy.1": "444455556666", "MaxResults": "1000"}
    assert run.out.splitlines()[0] == "snap-78a54011\tvol-4d826724\t10\tcompleted\t2008-05-07T12:51:50.000Z\t100%"


@respx.mock
@pytest.mark.parametrize("command,action,key,row", [
    ("describe-snapshots", "DescribeSnapshots", "snapshotSet", SNAPSHOT_ROW),
    ("describe-volumes", "DescribeVolumes", "volumeSet", VOLUME_ROW),
])
def test_describe_follows_next_token(offline, command, action, key, row):
    route = respx.post(URL).mock(side_effect=[
        httpx.Response(200, text=ec2_xml(action, f"<{key}>{row.format(id='first-1')}</{key}>"
                                                 "<nextToken>t2</nextToken>")),
        httpx.Response(200, text=ec2_xml(action, f"<{key}>{row.format(id='second-2')}</{key}>")),
    ])
    run = offline(command, "--row-delimiter", "|", "--get", "returnResult")
    assert run.code == 0, run.err
    assert route.call_count == 2
    assert "NextToken" not in sent_params(route.calls[0].request)
    # pages of EC2's most (1,000; volumes 500) unless --page-size says otherwise
    size = {"DescribeVolumes": "500"}.get(action, "1000")
    assert sent_params(route.calls[1].request) == {"Action": action, **V, "MaxResults": size, "NextToken": "t2"}
    first, second = run.out.strip().split("|")
    assert first.startswith("first-1,") and second.startswith("second-2,")
    if command == "describe-volumes":
        assert first == "first-1,80,null,us-east-1a,in-use"


@respx.mock
@pytest.mark.parametrize("command,option,value,action,message", [
    ("get-snapshot-details", "--snapshot-id", "snap-1a2b3c4d", "DescribeSnapshots",
     "The snapshot 'snap-1a2b3c4d' does not exist. Error code: InvalidSnapshot.NotFound."),
    ("get-volume-details", "--volume-id", "vol-1a2b3c4d", "DescribeVolumes",
     "The volume 'vol-1a2b3c4d' does not exist. Error code: InvalidVolume.NotFound."),
])
def test_details_of_an_empty_answer_fail_clearly(offline, command, option, value, action, message):
    respx.post(URL).mock(return_value=httpx.Response(200, text=ec2_xml(action, "<snapshotSet/><volumeSet/>")))
    run = offline(command, option, value)
    assert (run.code, run.out, run.err.splitlines()[0]) == (1, "", f"ec2ops: {message}")


# -- local validation: the guide's messages, exit 2, nothing sent ------------------------------
VOLUME_MESSAGE = "Value ({}) for parameter volumeId is invalid. Expected: 'vol-...'. Error code: InvalidParameterValue."
SNAPSHOT_MESSAGE = ("Value ({}) for parameter snapshotId is invalid. Expected: 'snap-...'. "
                    "Error code: InvalidParameterValue.")
PERMISSION_MESSAGE = ("If attribute=createVolumePermission, operationType and at least one of userIds or groups "
                      "must be set!")
MODIFY = ["modify-snapshot-attribute", "--snapshot-id", "snap-1a2b3c4d"]


@respx.mock
@pytest.mark.parametrize("args,message", [
    (["create-volume", "--size", "ten", "--availability-zone", "us-east-1a"],
     "The following input must be a valid integer: size."),
    (["create-volume", "--size", "1.5"], "The following input must be a valid integer: size."),
    (["create-volume", "--availability-zone", "us-east-1a"],
     "Either size or snapshotId must be set: size is required unless the volume is created from a snapshot."),
    (["create-volume", "--size", "1", "--snapshot-id", "ami-1"], SNAPSHOT_MESSAGE.format("ami-1")),
    (["delete-volume", "--volume-id", "i-123"], VOLUME_MESSAGE.format("i-123")),
    (["describe-volumes", "--volume-ids", "vol-1a2b3c4d,ami-xyz"], VOLUME_MESSAGE.format("ami-xyz")),
    (["get-volume-details", "--volume-id", "vol-"], VOLUME_MESSAGE.format("vol-")),
    (["attach-volume", "--volume-id", "snap-1", "--instance-id", "i-1", "--device-name", "/dev/sdh"],
     VOLUME_MESSAGE.format("snap-1")),
    (["attach-volume", "--volume-id", "vol-1", "--instance-id", "vol-2", "--device-name", "/dev/sdh"],
     "Value (vol-2) for parameter instance is invalid. Expected: 'i-...'. Error code: InvalidParameterValue."),
    (["detach-volume", "--volume-id", "vol-1a2b3c4d", "--force", "yes"],
     'Possible values for input "force" are true or false.'),
    (["create-snapshot", "--volume-id", "i-volume1"], VOLUME_MESSAGE.format("i-volume1")),
    (["delete-snapshot", "--snapshot-id", "vol-1a2b3c4d"], SNAPSHOT_MESSAGE.format("vol-1a2b3c4d")),
    (["describe-snapshots", "--snapshot-ids", "snap-1 snap_2"], SNAPSHOT_MESSAGE.format("snap_2")),
    (["get-snapshot-details", "--snapshot-id", "1a2b"], SNAPSHOT_MESSAGE.format("1a2b")),
    (["reset-snapshot-attribute", "--snapshot-id", "snap-1a2b3c4d", "--attribute", "launchPermission"],
     "Invalid attribute."),
    ([*MODIFY, "--attribute", "productCodes", "--operation-type", "add", "--groups", "all"], "Invalid attribute."),
    ([*MODIFY, "--operation-type", "grant", "--groups", "all"], "Invalid operationType."),
    ([*MODIFY, "--operation-type", "add", "--user-ids", "111122223333,alice"],
     "Invalid user id: 'alice'. Error code: InvalidUserID.Malformed."),
    ([*MODIFY, "--user-ids", "111122223333"], PERMISSION_MESSAGE),
    ([*MODIFY, "--operation-type", "remove"], PERMISSION_MESSAGE),
])
def test_local_validation_sends_nothing(offline, args, message):
    route = respx.post(URL).mock(return_value=httpx.Response(200, text=ec2_xml("X", "")))
    run = offline(*args)
    assert (run.code, run.out) == (2, ""), run.err
    assert run.err.strip() == f"ec2ops: {message}"
    assert not route.called


@respx.mock
@pytest.mark.parametrize("args,missing", [
    (["attach-volume", "--volume-id", "vol-1a2b3c4d", "--instance-id", "i-1"], "--device-name"),
    (["create-snapshot"], "--volume-id"),
    (["delete-volume"], "--volume-id"),
])
def test_missing_required_inputs_are_exit_2(offline, args, missing):
    route = respx.post(URL)
    run = offline(*args)
    assert run.code == 2 and missing in run.err and not route.called


# -- the sandbox (`ec2ops sandbox`): what moto lacks, end to end ---------------------------------
def sandbox_instance(sandbox):
    image = sandbox("register-image", "--image-location", "/ops/base.manifest.xml", "--get", "returnResult")
    run = sandbox("run-instances", "--ami-id", image.out.strip(), "--placement-zone", "us-east-1a",
                  "--get", "returnResult")
    assert run.code == 0, run.err
    return run.out.strip()


def test_reset_snapshot_attribute_in_the_sandbox_shows_in_describe_snapshots(sandbox):
    snapshot = new_snapshot(sandbox, new_volume(sandbox))

    def restorable_by(account):
        run = sandbox("describe-snapshots", "--restorable-by", account, "--get", "returnResult")
        assert run.code == 0, run.err
        return [row.split(",")[0] for row in run.out.splitlines() if row]  # none: one empty line

    assert restorable_by("111122223333") == [] and restorable_by("self") == [snapshot]
    assert sandbox("modify-snapshot-attribute", "--snapshot-id", snapshot, "--operation-type", "add",
                   "--user-ids", "111122223333", "--groups", "all").code == 0
    assert restorable_by("111122223333") == [snapshot] and restorable_by("all") == [snapshot]

    run = sandbox("reset-snapshot-attribute", "--snapshot-id", snapshot, "--debug")
    assert run.code == 0, run.err
    assert debug_params(run.err) == {"Action": "ResetSnapshotAttribute", **V, "SnapshotId": snapshot,
                                     "Attribute": "createVolumePermission"}
    assert run.out.splitlines()[0] == "true" and run.out.splitlines()[1].startswith("requestId: ")
    assert restorable_by("111122223333") == [] and restorable_by("all") == []
    assert restorable_by("self") == [snapshot]  # its owner always may
    answer = ec2_client(sandbox.url).describe_snapshot_attribute(SnapshotId=snapshot,
                                                                 Attribute="createVolumePermission")
    assert answer["CreateVolumePermissions"] == []

    unknown = sandbox("reset-snapshot-attribute", "--snapshot-id", "snap-00000000")
    assert (unknown.code, unknown.out) == (1, "")
    assert refusal(unknown.err) == \
        "ec2ops: The snapshot 'snap-00000000' does not exist. Error code: InvalidSnapshot.NotFound."


def test_detach_volume_by_the_volume_alone_in_the_sandbox(sandbox):
    instance, volume = sandbox_instance(sandbox), new_volume(sandbox)
    assert sandbox("attach-volume", "--volume-id", volume, "--instance-id", instance, "--device-name", "/dev/sdh",
                   "--wait", "--wait-interval", "0.01").code == 0
    run = sandbox("detach-volume", "--volume-id", volume, "--wait", "--wait-interval", "0.01", "--debug")
    assert run.code == 0, run.err
    assert requests(run.err) == [{"Action": "DetachVolume", **V, "VolumeId": volume},
                                 {"Action": "DescribeVolumes", **V, "VolumeId.1": volume}]
    # printed after the wait: the state waited for (issue 24: it was EC2's answer, detaching)
    assert run.out.splitlines()[0] == "detached" and run.out.splitlines()[1].startswith("attachTime: 20")
    after = sandbox("get-volume-details", "--volume-id", volume, "-o", "json").json()
    assert (after["status"], after["attachmentSet"]) == ("available", [])

    again = sandbox("detach-volume", "--volume-id", volume)
    assert (again.code, again.out) == (1, "")
    assert refusal(again.err) == \
        f"ec2ops: Volume '{volume}' is in the 'available' state. Error code: IncorrectState."


def test_an_unknown_zone_is_refused_in_the_sandbox_with_the_guides_message(sandbox):
    run = sandbox("create-volume", "--size", "1", "--availability-zone", "mars-1a")
    assert (run.code, run.out) == (1, "")
    assert refusal(run.err) == "ec2ops: The zone 'mars-1a' does not exist. Error code: InvalidZone.NotFound."
    assert sandbox("describe-volumes").out.startswith("requestId: ")  # nothing was made

"""The guide's three flows against moto's server (and respx where a fault must be staged)."""

import base64
import threading
import time

import httpx
import pytest
import respx

from conftest import SmtpServer, debug_params, ec2_error_xml, ec2_xml, sent_params

URL = "https://ec2.us-east-1.amazonaws.com/"


def ami(ec2) -> str:
    instance = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)["Instances"][0]
    image = ec2.create_image(InstanceId=instance["InstanceId"], Name="base")["ImageId"]
    ec2.terminate_instances(InstanceIds=[instance["InstanceId"]])
    return image


# -- create-shared-snapshot ----------------------------------------------------------------------
def test_create_shared_snapshot_shares_it(ec2ops, ec2):
    volume = ec2.create_volume(Size=8, AvailabilityZone="us-east-1a")["VolumeId"]
    run = ec2ops("create-shared-snapshot", "--volume-id", volume, "--user-ids", "123456789012;210987654321",
                 "--groups", "all", "--delimiter", ";", "--wait", "--wait-interval", "0.05", "--debug")
    assert run.code == 0, run.err
    snapshot = run.out.splitlines()[0]
    assert snapshot.startswith("snap-")
    assert debug_params(run.err)["Action"] == "DescribeSnapshots"  # --wait polled last
    shared = run.err.split(">>> POST ")[2]
    assert "UserId.2=210987654321" in shared and "UserGroup.1=all" in shared and "OperationType=add" in shared
    perms = ec2.describe_snapshot_attribute(SnapshotId=snapshot, Attribute="createVolumePermission")
    got = {p.get("UserId") or p.get("Group") for p in perms["CreateVolumePermissions"]}
    assert got == {"123456789012", "210987654321", "all"}
    as_json = ec2ops("create-shared-snapshot", "--volumeId", volume, "--groups", "all", "-o", "json").json()
    assert as_json["returnResult"].startswith("snap-") and as_json["returnResult"] != snapshot


def test_create_shared_snapshot_needs_users_or_groups(ec2ops):
    run = ec2ops("create-shared-snapshot", "--volume-id", "vol-1234abcd", "--debug")
    assert run.code == 2 and "At least one of the userIds or groups inputs should not be empty." in run.err
    assert ">>> POST" not in run.err
    bad = ec2ops("create-shared-snapshot", "--volume-id", "vol-1", "--user-ids", "bob")
    assert bad.code == 2 and "Invalid user id: 'bob'. Error code: InvalidUserID.Malformed." in bad.err


@respx.mock
def test_sharing_failure_keeps_the_snapshot_id_and_exits_1(offline):
    route = respx.post(URL).mock(side_effect=[
        httpx.Response(200, text=ec2_xml("CreateSnapshot", "<snapshotId>snap-78a54011</snapshotId>"
                                          "<volumeId>vol-4d826724</volumeId><status>pending</status>")),
        httpx.Response(400, text=ec2_error_xml("InvalidUserID.Malformed", "Invalid user id: '1'")),
    ])
    run = offline("create-shared-snapshot", "--volume-id", "vol-4d826724", "--user-ids", "1")
    assert run.code == 1
    assert run.out.splitlines()[0] == "snap-78a54011"
    assert "snap-78a54011 was created but could not be shared" in run.err
    assert "Invalid user id: '1'. Error code: InvalidUserID.Malformed." in run.err
    assert sent_params(route.calls[1].request)["Attribute"] == "createVolumePermission"


# -- run-instances-from-template -------------------------------------------------------------
def test_run_instances_from_template_copies_the_template(ec2ops, ec2):
    image = ami(ec2)
    ec2.create_key_pair(KeyName="tpl")
    group = ec2.create_security_group(GroupName="web", Description="web")["GroupId"]
    template = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.small", KeyName="tpl",
                                 SecurityGroupIds=[group], Placement={"AvailabilityZone": "us-east-1c"},
                                 Monitoring={"Enabled": True})["Instances"][0]["InstanceId"]
    run = ec2ops("run-instances-from-template", "--instance-identifier", template, "--min-count", "2",
                 "--wait", "--wait-interval", "0.05", "-o", "json")
    assert run.code == 0, run.err
    new = run.json()["returnResult"]
    assert len(new) == 2 and template not in new
    described = ec2.describe_instances(InstanceIds=new)["Reservations"][0]["Instances"]
    for instance in described:
        assert instance["ImageId"] == image and instance["InstanceType"] == "t3.small"
        assert instance["KeyName"] == "tpl" and instance["Placement"]["AvailabilityZone"] == "us-east-1c"
        assert [g["GroupId"] for g in instance["SecurityGroups"]] == [group]
        assert instance["State"]["Name"] == "running"
    plain = ec2ops("run-instances-from-template", "--instanceIdentifier", template, "--get", "returnResult")
    assert plain.code == 0 and plain.out.strip().startswith("i-") and "," not in plain.out


TEMPLATE = ec2_xml("DescribeInstances", """<reservationSet><item><reservationId>r-1</reservationId>
<instancesSet><item><instanceId>i-0template</instanceId><imageId>ami-2bb65342</imageId>
<instanceState><code>16</code><name>running</name></instanceState><keyName>gsg</keyName>
<instanceType>m1.small</instanceType><placement><availabilityZone>us-east-1a</availabilityZone></placement>
<kernelId>aki-94c527fd</kernelId><ramdiskId>ari-96c527ff</ramdiskId><monitoring><state>enabled</state></monitoring>
<groupSet><item><groupId>sg-1</groupId><groupName>web</groupName></item><item><groupId>sg-2</groupId>
<groupName>db</groupName></item></groupSet></item></instancesSet></item></reservationSet>""")
SCRIPT = base64.b64encode(b"#!/bin/sh\necho template\n").decode()
USER_DATA = ec2_xml("DescribeInstanceAttribute", f"<instanceId>i-0template</instanceId><userData><value>{SCRIPT}"
                                                 "</value></userData>")
LAUNCHED = ec2_xml("RunInstances", """<reservationId>r-2</reservationId><instancesSet>
<item><instanceId>i-0new1</instanceId><instanceState><name>pending</name></instanceState></item>
<item><instanceId>i-0new2</instanceId><instanceState><name>pending</name></instanceState></item></instancesSet>""")


def instances_in(state):
    items = "".join(f"<item><instanceId>{i}</instanceId><instanceState><name>{state}</name></instanceState></item>"
                    for i in ("i-0new1", "i-0new2"))
    return httpx.Response(200, text=ec2_xml("DescribeInstances", f"<reservationSet><item><instancesSet>{items}"
                                                                   "</instancesSet></item></reservationSet>"))


@respx.mock
def test_template_query_and_wait_through_pending(offline):
    route = respx.post(URL).mock(side_effect=[
        httpx.Response(200, text=TEMPLATE), httpx.Response(200, text=USER_DATA), httpx.Response(200, text=LAUNCHED),
        instances_in("pending"), instances_in("pending"), instances_in("running"),
    ])
    run = offline("run-instances-from-template", "--instance-identifier", "i-0template", "--min-count", "1",
                  "--max-count", "2", "--wait", "--wait-interval", "0.01")
    assert run.code == 0, run.err
    assert run.out.splitlines()[0] == "i-0new1,i-0new2"
    assert sent_params(route.calls[1].request) == {"Action": "DescribeInstanceAttribute", "Version": "2016-11-15",
                                                   "InstanceId": "i-0template", "Attribute": "userData"}
    launch = sent_params(route.calls[2].request)
    token = launch.pop("ClientToken")
    assert len(token) >= 32
    assert launch == {
        "Action": "RunInstances", "Version": "2016-11-15", "ImageId": "ami-2bb65342", "MinCount": "1",
        "MaxCount": "2", "InstanceType": "m1.small", "Placement.AvailabilityZone": "us-east-1a",
        "KernelId": "aki-94c527fd", "RamdiskId": "ari-96c527ff", "KeyName": "gsg", "Monitoring.Enabled": "true",
        "SecurityGroupId.1": "sg-1", "SecurityGroupId.2": "sg-2", "UserData": SCRIPT,
    }
    assert route.call_count == 6
    poll = sent_params(route.calls[5].request)
    assert poll["InstanceId.1"] == "i-0new1" and poll["InstanceId.2"] == "i-0new2"
    assert run.err == ""  # no progress line when stderr is not a terminal


@respx.mock
def test_wait_that_never_settles_times_out_with_exit_1(offline):
    respx.post(URL).mock(side_effect=[httpx.Response(200, text=TEMPLATE), httpx.Response(200, text=USER_DATA),
                                      httpx.Response(200, text=LAUNCHED)] + [instances_in("pending")] * 200)
    started = time.monotonic()
    run = offline("run-instances-from-template", "--instance-identifier", "i-0template", "--wait",
                  "--wait-timeout", "0.3", "--wait-interval", "0.02")
    assert run.code == 1 and time.monotonic() - started < 3
    assert run.out.splitlines()[0] == "i-0new1,i-0new2"  # the ids are printed before waiting
    assert "Timed out after 0.3s waiting for instance(s) to be running: i-0new1 (pending), i-0new2 (pending)." \
        in run.err


@respx.mock
def test_wait_stops_at_a_dead_end(offline):
    respx.post(URL).mock(side_effect=[httpx.Response(200, text=TEMPLATE), httpx.Response(200, text=USER_DATA),
                                      httpx.Response(200, text=LAUNCHED), instances_in("terminated")])
    run = offline("run-instances-from-template", "--instance-identifier", "i-0template", "--wait")
    assert run.code == 1 and "cannot become running" in run.err and "i-0new1 (terminated)" in run.err


def test_template_that_does_not_exist(ec2ops):
    run = ec2ops("run-instances-from-template", "--instance-identifier", "i-00000000000000000")
    assert run.code == 1 and "i-00000000000000000" in run.err
    bad = ec2ops("run-instances-from-template", "--instance-identifier", "vol-1")
    assert bad.code == 2 and "Invalid id: 'vol-1' (expecting \"i-...\"). Error code: InvalidInstanceID.Malformed." \
        in bad.err
    counts = ec2ops("run-instances-from-template", "--instance-identifier", "i-1", "--min-count", "3",
                    "--max-count", "2")
    assert counts.code == 2 and "minCount" in counts.err


# -- ec2-dashboard -----------------------------------------------------------------------------
@pytest.fixture
def populated(ec2):
    image = ami(ec2)
    running = ec2.run_instances(ImageId=image, MinCount=3, MaxCount=3)["Instances"]
    ec2.stop_instances(InstanceIds=[running[0]["InstanceId"]])
    ec2.allocate_address(Domain="vpc")
    volume = ec2.create_volume(Size=1, AvailabilityZone="us-east-1a")["VolumeId"]
    ec2.create_snapshot(VolumeId=volume)
    ec2.create_key_pair(KeyName="a")
    ec2.create_key_pair(KeyName="b")
    ec2.create_security_group(GroupName="extra", Description="x")
    return ec2


def test_dashboard_counts_equal_the_describe_commands(ec2ops, populated):
    doc = ec2ops("ec2-dashboard", "--notify-method", "None", "-o", "json").json()
    ec2 = populated
    instances = [i for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]]
    expected = {
        "instancesRunning": sum(i["State"]["Name"] == "running" for i in instances),
        "instancesStopped": sum(i["State"]["Name"] == "stopped" for i in instances),
        "elasticIps": len(ec2.describe_addresses()["Addresses"]),
        "ebsVolumes": len(ec2.describe_volumes()["Volumes"]),
        "ebsSnapshots": len(ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]),
        "keyPairs": len(ec2.describe_key_pairs()["KeyPairs"]),
        "securityGroups": len(ec2.describe_security_groups()["SecurityGroups"]),
    }
    assert expected["instancesRunning"] == 2 and expected["instancesStopped"] == 1 and expected["keyPairs"] == 2
    assert {k: doc[k] for k in expected} == expected
    assert doc["returnResult"] == [{"region": "us-east-1", **expected}]
    plain = ec2ops("ec2-dashboard")
    assert plain.code == 0
    assert plain.out.splitlines()[0] == "us-east-1," + ",".join(str(v) for v in expected.values())
    assert "instancesRunning: 2" in plain.out.splitlines()


def test_dashboard_across_regions_has_a_total(ec2ops, populated):
    doc = ec2ops("ec2-dashboard", "--regions", "us-east-1,eu-west-1", "-o", "json").json()
    rows = {row["region"]: row for row in doc["returnResult"]}
    assert list(rows) == ["us-east-1", "eu-west-1", "total"]
    assert rows["eu-west-1"]["keyPairs"] == 0 and rows["total"]["keyPairs"] == 2
    assert rows["total"]["securityGroups"] == rows["us-east-1"]["securityGroups"] + rows["eu-west-1"][
        "securityGroups"]


def test_dashboard_write_to_file_appends(ec2ops, populated, tmp_path):
    path = tmp_path / "dash.log"
    for _ in range(2):
        run = ec2ops("ec2-dashboard", "--notifyMethod", "Write to File", "--file", path)
        assert run.code == 0, run.err
    text = path.read_text()
    assert text.count("EC2 dashboard, ") == 2 and text.count("Instances running: 2") == 2
    assert ec2ops("ec2-dashboard", "--notify-method", "write-to-file").code == 2


@respx.mock
def test_dashboard_calls_run_concurrently(offline):
    answers = {
        "DescribeInstances": ec2_xml("DescribeInstances", "<reservationSet/>"),
        "DescribeAddresses": ec2_xml("DescribeAddresses", "<addressesSet/>"),
        "DescribeVolumes": ec2_xml("DescribeVolumes", "<volumeSet/>"),
        "DescribeSnapshots": ec2_xml("DescribeSnapshots", "<snapshotSet/>"),
        "DescribeKeyPairs": ec2_xml("DescribeKeyPairs", "<keySet/>"),
        "DescribeSecurityGroups": ec2_xml("DescribeSecurityGroups", "<securityGroupInfo/>"),
    }
    seen = []

    def slow(request):
        action = sent_params(request)["Action"]
        seen.append(action)
        time.sleep(0.3)
        return httpx.Response(200, text=answers[action])

    respx.post(URL).mock(side_effect=slow)
    started = time.monotonic()
    run = offline("ec2-dashboard", "--notify-method", "None")
    elapsed = time.monotonic() - started
    assert run.code == 0, run.err
    assert sorted(seen) == sorted(answers)  # six calls, instances described once
    assert elapsed < 0.9, f"{elapsed:.2f}s: the six 0.3 s calls did not overlap"


@respx.mock
def test_a_failed_dashboard_call_leaves_no_call_running_into_the_next_run(offline):
    """One of the six calls is refused at once while the others take 0.3 s: the command fails without
    waiting for them (a real run's exit ends them); in this process, the run ends them before it
    returns, so none retries or prints into a later run (it once reached a later test's server)."""
    done = []

    def answer(request):
        action = sent_params(request)["Action"]
        if action == "DescribeAddresses":
            return httpx.Response(403, text=ec2_error_xml("UnauthorizedOperation", "You are not authorized."))
        time.sleep(0.3)
        done.append(action)
        return httpx.Response(200, text=ec2_xml(action, ""))

    respx.post(URL).mock(side_effect=answer)
    run = offline("ec2-dashboard", "--notify-method", "None")
    assert run.code == 1 and run.out == ""
    assert run.err == ("ec2ops: You are not authorized. Error code: UnauthorizedOperation. "
                       "(requestId: ea966190-f9aa-478e-9ede-example)\n")
    assert sorted(done) == ["DescribeInstances", "DescribeKeyPairs", "DescribeSecurityGroups", "DescribeSnapshots",
                            "DescribeVolumes"]
    assert [t.name for t in threading.enumerate() if t.name.startswith("ec2ops-call")] == []


@pytest.fixture
def smtp_server():
    with SmtpServer("smtp-s3cret-pw") as server:
        yield server


def test_dashboard_email_reaches_a_real_smtp_server(ec2ops, populated, smtp_server):
    inbox = smtp_server
    run = ec2ops("ec2-dashboard", "--notify-method", "Email", "--smtp-host", "127.0.0.1", "--smtp-port",
                 inbox.port, "--smtp-from", "ec2ops@example.com", "--smtp-to", "ops@example.com",
                 "--smtp-user", "ops", env={"EC2OPS_SMTP_PASSWORD": "smtp-s3cret-pw"})
    assert run.code == 0, run.err
    assert len(inbox.messages) == 1
    body = inbox.messages[0]
    assert "Instances running: 2" in body and "Key pairs: 2" in body
    assert inbox.envelopes[0].rcpt_tos == ["ops@example.com"]
    assert "smtp-s3cret-pw" not in run.out + run.err


def test_dashboard_refused_smtp_login_exits_1(ec2ops, smtp_server):
    inbox = smtp_server
    run = ec2ops("ec2-dashboard", "--notify-method", "email", "--smtp-host", "127.0.0.1", "--smtp-port",
                 inbox.port, "--smtp-from", "a@example.com", "--smtp-to", "b@example.com",
                 "--smtp-user", "ops", "--smtp-password-stdin", stdin="wrong-password\n")
    assert (run.code, run.out, run.err) == (1, "", f"ec2ops: The SMTP server 127.0.0.1:{inbox.port} refused the login of "
                                                  "ops (535).\n")
    assert set(inbox.logins) == {False}  # tried (smtplib tries PLAIN, then LOGIN), never accepted
    assert inbox.messages == [] and "wrong-password" not in run.err

"""Instances: launch, describe, details, console log, state changes against moto; monitoring, which
moto lacks, in the sandbox and with respx; what moto ignores (MaxCount, DisableApiTermination, block
devices, retried launches, pages, order) against respx with EC2's documented XML."""

import base64
import re
import uuid

import httpcore
import httpx
import pytest
import respx

from conftest import debug_params, ec2_xml, refusal, sent_params

URL = "https://ec2.us-east-1.amazonaws.com/"
AMI = "ami-12345678"  # moto launches any well-formed AMI id
HEADER = ["Instance Id", "AMI ID", "Machine type", "Status", "Public DNS", "Key pair name", "Ramdisk ID", "Platform",
          "Kernel ID", "Monitoring", "Root Device Name", "Root Device Type", "State Transition Reason",
          "Availability Zone", "Security groups"]
KEYS = ["instanceId", "imageId", "instanceType", "instanceState", "dnsName", "keyName", "ramdiskId", "platform",
        "kernelId", "monitoring", "rootDeviceName", "rootDeviceType", "reason", "availabilityZone", "groupSet"]
# JSON rows carry the fields beyond the guide after its columns (tests/pipeline/test_columns.py)
FIELDS = ["privateIpAddress", "ipAddress", "privateDnsName", "vpcId", "subnetId", "launchTime", "tags"]


def _security_group(moto_url, name):
    from ec2ops.options import Common  # set-up only: create-security-group is another area's command
    from ec2ops.session import Session

    answer = Session(Common(service_endpoint=moto_url)).call("CreateSecurityGroup", {
        "GroupName": name, "GroupDescription": name})
    return answer.body["groupId"]


def _launch(ec2ops, *extra):
    run = ec2ops("run-instances", "--ami-id", AMI, *extra, "-o", "json", "--wait", "--wait-interval", "0.01")
    assert run.code == 0, run.err
    return run.json()["returnResult"]


def _row(ec2ops, instance_id):
    doc = ec2ops("describe-instances", "--instance-ids", instance_id, "-o", "json").json()
    assert len(doc["returnResult"]) == 1
    return doc["returnResult"][0]


# -- against moto ------------------------------------------------------------------------------
def test_run_instances_then_read_back_type_zone_key_groups(ec2ops, moto):
    group_id = _security_group(moto, "web")
    assert ec2ops("allocate-new-key-pair", "--key-name", "ops").code == 0
    run = ec2ops("run-instances", "--ami-id", AMI, "--min-count", "2", "--instance-type", "t2.micro",
                 "--key-name", "ops", "--security-groups", "web;default", "--delimiter", ";",
                 "--placement-zone", "us-east-1b", "--monitoring", "enabled", "--debug")
    assert run.code == 0, run.err
    sent = debug_params(run.err)
    token = sent.pop("ClientToken")
    assert uuid.UUID(token).version == 4
    assert sent == {"Action": "RunInstances", "Version": "2016-11-15", "ImageId": AMI, "MinCount": "2",
                    "MaxCount": "2", "KeyName": "ops", "SecurityGroup.1": "web", "SecurityGroup.2": "default",
                    "InstanceType": "t2.micro", "Placement.AvailabilityZone": "us-east-1b",
                    "Monitoring.Enabled": "true"}
    lines = run.out.splitlines()
    ids = lines[0].split(";")
    assert len(ids) == 2 and all(re.fullmatch(r"i-[0-9a-f]{17}", i) for i in ids)
    assert re.fullmatch(r"reservationID: r-[0-9a-f]+", lines[1])
    assert lines[2] == "requesterId: null" and lines[3].startswith("requestId: ")

    table = ec2ops("describe-instances", "--col-delimiter", "|", "--delimiter", "+")
    assert table.code == 0, table.err
    rows = [line.split("|") for line in table.out.splitlines()[:-1]]
    assert [r[0] for r in rows] == ids
    for row in rows:
        assert len(row) == 15
        assert row[1:4] == [AMI, "t2.micro", "running"]
        assert row[5] == "ops" and row[9] == "enabled" and row[13] == "us-east-1b"
        assert row[14] == "web+default"
    assert table.out.splitlines()[-1].startswith("requestId: ")

    doc = ec2ops("describe-instances", "-o", "json").json()
    assert [list(r) for r in doc["returnResult"]] == [KEYS + FIELDS, KEYS + FIELDS]
    assert doc["returnResult"][0]["groupSet"] == ["web", "default"]
    assert doc["returnResult"][0]["ramdiskId"] is None

    details = ec2ops("get-instance-details", "--instance-identifier", ids[1], "-o", "json")
    assert details.code == 0, details.err
    got = details.json()
    assert list(got) == ["returnResult", "imageId", "kernelId", "platform", "publicDns", "privateDns", "launchTime",
                         "status", "transitionReason", "availabilityZone", "machineType", "ownerId", "ramdiskId",
                         "keyPairName", "launchIndex", "monitoring", "reservationId", "productCodes", "groupSet",
                         "privateIpAddress", "ipAddress", "vpcId", "subnetId", "tags", "requestId"]
    assert (got["returnResult"], got["imageId"], got["status"], got["machineType"], got["keyPairName"]) == (
        ids[1], AMI, "running", "t2.micro", "ops")
    assert (got["availabilityZone"], got["launchIndex"], got["monitoring"]) == ("us-east-1b", 1, "enabled")
    assert got["reservationId"] == lines[1].split(": ")[1] and got["ownerId"] == "123456789012"
    assert got["groupSet"] == ["web", "default"] and got["productCodes"] == []
    assert got["publicDns"].endswith(".amazonaws.com") and got["privateDns"].endswith(".internal")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d.*", got["launchTime"])

    plain = ec2ops("get-instance-details", "--instanceIdentifier", ids[1], "--delimiter", " ")
    out = plain.out.splitlines()
    assert out[0] == ids[1] and "groupSet: web default" in out and "machineType: t2.micro" in out
    assert "transitionReason: null" in out and "productCodes: null" in out  # an empty list is null too
    # sg- ids go as SecurityGroupId.N (VPC launches want ids), names as SecurityGroup.N.
    by_id = ec2ops("run-instances", "--ami-id", AMI, "--security-groups", group_id, "--debug", "--get", "returnResult")
    assert by_id.code == 0, by_id.err
    assert debug_params(by_id.err)["SecurityGroupId.1"] == group_id
    assert "SecurityGroup.1" not in debug_params(by_id.err)
    assert _row(ec2ops, by_id.out.strip())["groupSet"] == ["web"]


def test_stop_start_restart_terminate_with_state_read_back(ec2ops):
    (instance,) = _launch(ec2ops)
    stop = ec2ops("stop-instance", "--instance-identifier", instance, "--debug")
    assert stop.code == 0, stop.err
    assert debug_params(stop.err) == {"Action": "StopInstances", "Version": "2016-11-15", "InstanceId.1": instance}
    assert stop.out.splitlines()[:2] == ["stopping", "previousState: running"]
    assert _row(ec2ops, instance)["instanceState"] == "stopped"

    start = ec2ops("start-instance", "--instance-id", instance, "-o", "json", "--debug")
    assert start.code == 0, start.err
    assert debug_params(start.err) == {"Action": "StartInstances", "Version": "2016-11-15", "InstanceId.1": instance}
    assert {k: v for k, v in start.json().items() if k != "requestId"} == {"returnResult": "pending",
                                                                              "name": "pending"}
    assert _row(ec2ops, instance)["instanceState"] == "running"
    assert ec2ops("stop-instance", "--instanceIdentifier", instance).code == 0
    assert ec2ops("start-instance", "--instanceId", instance).out.splitlines()[:2] == ["pending", "name: pending"]

    reboot = ec2ops("restart-instance", "--instance-identifier", instance, "--debug")
    assert (reboot.code, reboot.out.splitlines()[0]) == (0, "true")
    assert debug_params(reboot.err) == {"Action": "RebootInstances", "Version": "2016-11-15",
                                        "InstanceId.1": instance}
    assert _row(ec2ops, instance)["instanceState"] == "running"

    end = ec2ops("terminate-instance", "--instance-identifier", instance, "-o", "json", "--debug",
                 "--wait", "--wait-interval", "0.01")
    assert end.code == 0, end.err
    assert "  Action=TerminateInstances\n" in end.err
    assert debug_params(end.err) == {"Action": "DescribeInstances", "Version": "2016-11-15", "InstanceId.1": instance}
    # printed after the wait: the state waited for (issue 24: it was EC2's answer, shutting-down)
    assert (end.json()["returnResult"], end.json()["previousState"]) == ("terminated", "running")
    details = ec2ops("get-instance-details", "--instance-identifier", instance, "--get", "status")
    assert details.out == "terminated\n"


def test_describe_and_details_of_nothing(ec2ops):
    empty = ec2ops("describe-instances")
    assert empty.code == 0 and empty.out.startswith("requestId: ") and empty.out.count("\n") == 1
    assert ec2ops("describe-instances", "-o", "json").json()["returnResult"] == []
    missing = ec2ops("get-instance-details", "--instance-identifier", "i-0123456789abcdef0")
    assert missing.code == 1 and missing.out == ""
    assert ("The instance ID 'i-0123456789abcdef0' does not exist. Error code: InvalidInstanceId.NotFound."
            in missing.err)
    stop = ec2ops("stop-instance", "--instance-identifier", "i-0123456789abcdef0")
    assert stop.code == 1 and refusal(stop.err) == (
        "ec2ops: The instance ID 'i-0123456789abcdef0' does not exist. Error code: InvalidInstanceId.NotFound.")


def test_get_system_log_is_decoded(ec2ops):
    (instance,) = _launch(ec2ops)
    run = ec2ops("get-system-log", "--instance-id", instance, "--debug")
    assert run.code == 0, run.err
    assert debug_params(run.err) == {"Action": "GetConsoleOutput", "Version": "2016-11-15", "InstanceId": instance}
    assert run.out.startswith("Linux version ")  # moto's canned log, base64 on the wire
    assert re.search(r"^updateTime: \d{4}-\d\d-\d\dT", run.out, re.M)
    doc = ec2ops("get-system-log", "--instance-id", instance, "-o", "json").json()
    assert "Kernel command line: root=/dev/sda1" in doc["returnResult"] and doc["updateTime"]


@pytest.mark.parametrize("args,message", [
    (["describe-instances", "--instance-ids", "i-0123456789abcdef0,vol-1"],
     "Invalid id: 'vol-1' (expecting \"i-...\"). Error code: InvalidInstanceID.Malformed."),
    (["get-instance-details", "--instance-identifier", "0123"],
     "Invalid id: '0123' (expecting \"i-...\"). Error code: InvalidInstanceID.Malformed."),
    (["terminate-instance", "--instance-identifier", "i-"],
     "Invalid id: 'i-' (expecting \"i-...\"). Error code: InvalidInstanceID.Malformed."),
    (["get-system-log", "--instance-id", "ami-1"],
     "Invalid id: 'ami-1' (expecting \"i-...\"). Error code: InvalidInstanceID.Malformed."),
    (["run-instances", "--ami-id", "i-1234"],
     "Invalid id: 'i-1234' (expecting \"ami-...\"). Error code: InvalidAMIID.Malformed."),
    (["run-instances", "--ami-id", AMI, "--min-count", "0"], "minCount must be a positive integer."),
    (["run-instances", "--ami-id", AMI, "--max-count", "two"], "maxCount must be a positive integer."),
    (["run-instances", "--ami-id", AMI, "--min-count", "3", "--max-count", "2"],
     "minCount (3) cannot be greater than maxCount (2)."),
    (["run-instances", "--ami-id", AMI, "--monitoring", "yes"],
     'Possible values for input "monitoring" are true, enabled, false or disabled.'),
    (["run-instances", "--ami-id", AMI, "--disable-api-termination", "1"],
     'Possible values for input "disableApiTermination" are true or false.'),
    (["run-instances", "--ami-id", AMI, "--instance-initiated-shutdown-behavior", "halt"],
     'Possible values for input "instanceInitiatedShutdownBehavior" are stop, terminate, true or false.'),
    (["run-instances", "--ami-id", AMI, "--device-name", "/dev/sdh", "--volume-size", "8GB"],
     "The following input must be a valid integer: volumeSize."),
    (["run-instances", "--ami-id", AMI, "--device-name", "/dev/sdh", "--delete-on-termination", "yes"],
     'Possible values for input "deleteOnTermination" are true or false.'),
    (["run-instances", "--ami-id", AMI, "--volume-size", "8"],
     "deviceName is required for a block device mapping (given: volumeSize)."),
])
@respx.mock
def test_local_checks_are_exit_2_and_send_nothing(offline, args, message):
    route = respx.post(URL).mock(return_value=httpx.Response(500))
    run = offline(*args)
    assert (run.code, run.err.strip()) == (2, f"ec2ops: {message}")
    assert route.call_count == 0


# -- against respx: what moto lacks or ignores ---------------------------------------------
def _monitoring_xml(action, state):
    return ec2_xml(action, "<instancesSet><item><instanceId>i-1234567890abcdef0</instanceId>"
                           f"<monitoring><state>{state}</state></monitoring></item></instancesSet>")


@respx.mock
@pytest.mark.parametrize("command,action,state", [
    ("monitor-instance", "MonitorInstances", "pending"),
    ("unmonitor-instance", "UnmonitorInstances", "disabling"),
])
def test_monitor_and_unmonitor(offline, command, action, state):
    route = respx.post(URL).mock(return_value=httpx.Response(200, text=_monitoring_xml(action, state)))
    run = offline(command, "--instance-identifier", "i-1234567890abcdef0")
    assert run.code == 0, run.err
    assert sent_params(route.calls.last.request) == {"Action": action, "Version": "2016-11-15",
                                                     "InstanceId.1": "i-1234567890abcdef0"}
    assert run.out == f"{state}\nrequestId: 59dbff89-35bd-4eac-99ed-be587EXAMPLE\n"
    doc = offline(command, "--instanceIdentifier", "i-1234567890abcdef0", "-o", "json").json()
    assert doc == {"returnResult": state, "requestId": "59dbff89-35bd-4eac-99ed-be587EXAMPLE"}


RUN_XML = ec2_xml("RunInstances", """
  <reservationId>r-1234567890abcdef0</reservationId><ownerId>123456789012</ownerId>
  <requesterId>058890971305</requesterId>
  <groupSet/>
  <instancesSet>
    <item><instanceId>i-1234567890abcdef0</instanceId><imageId>ami-bff32ccc</imageId>
      <instanceState><code>0</code><name>pending</name></instanceState><amiLaunchIndex>0</amiLaunchIndex></item>
    <item><instanceId>i-0598c7d356eba48d7</instanceId><imageId>ami-bff32ccc</imageId>
      <instanceState><code>0</code><name>pending</name></instanceState><amiLaunchIndex>1</amiLaunchIndex></item>
  </instancesSet>""")
ALL_INPUTS = ["--ami-id", "ami-bff32ccc", "--min-count", "1", "--max-count", "3", "--kernel-id", "aki-88aa75e1",
              "--ramdisk-id", "ari-1a2b3c4d", "--key-name", "deploy", "--security-groups", "web | sg-1a2b3c4d | ssh",
              "--delimiter", "|", "--instance-type", "m5.large", "--placement-zone", "us-east-1a",
              "--monitoring", "False", "--virtual-name", "ephemeral0", "--device-name", "/dev/sdh",
              "--snapshot-id", "snap-1234567890abcdef0", "--volume-size", "20", "--delete-on-termination", "TRUE",
              "--subnet-id", "subnet-6e7f829e", "--disable-api-termination", "true",
              "--instance-initiated-shutdown-behavior", "true"]
ALL_PARAMS = {"Action": "RunInstances", "Version": "2016-11-15", "ImageId": "ami-bff32ccc", "MinCount": "1",
              "MaxCount": "3", "KernelId": "aki-88aa75e1", "RamdiskId": "ari-1a2b3c4d", "KeyName": "deploy",
              "SecurityGroup.1": "web", "SecurityGroup.2": "ssh", "SecurityGroupId.1": "sg-1a2b3c4d",
              "InstanceType": "m5.large", "Placement.AvailabilityZone": "us-east-1a", "Monitoring.Enabled": "false",
              "BlockDeviceMapping.1.VirtualName": "ephemeral0", "BlockDeviceMapping.1.DeviceName": "/dev/sdh",
              "BlockDeviceMapping.1.Ebs.SnapshotId": "snap-1234567890abcdef0",
              "BlockDeviceMapping.1.Ebs.VolumeSize": "20", "BlockDeviceMapping.1.Ebs.DeleteOnTermination": "true",
              "SubnetId": "subnet-6e7f829e", "DisableApiTermination": "true",
              "InstanceInitiatedShutdownBehavior": "terminate"}


@respx.mock
def test_run_instances_sends_every_input_and_one_client_token_across_retries(offline):
    from conftest import ec2_error_xml

    route = respx.post(URL).mock(side_effect=[
        httpx.Response(503, text=ec2_error_xml("Unavailable", "The service is unavailable.")),
        httpcore.ReadError("[Errno 104] Connection reset by peer"),  # the answer is lost: the token makes a repeat safe
        httpx.Response(200, text=RUN_XML),
    ])
    run = offline("run-instances", *ALL_INPUTS)
    assert run.code == 0, run.err
    assert route.call_count == 3
    sent = [sent_params(call.request) for call in route.calls]
    token = sent[0].pop("ClientToken")
    assert uuid.UUID(token).version == 4
    assert sent[0] == ALL_PARAMS
    assert all(params == {**ALL_PARAMS, "ClientToken": token} for params in sent[1:])
    assert run.out == ("i-1234567890abcdef0|i-0598c7d356eba48d7\nreservationID: r-1234567890abcdef0\n"
                       "requesterId: 058890971305\nrequestId: 59dbff89-35bd-4eac-99ed-be587EXAMPLE\n")
    route.side_effect = None
    route.return_value = httpx.Response(200, text=RUN_XML)
    again = offline("run-instances", *ALL_INPUTS, "-o", "json")
    assert sent_params(route.calls.last.request)["ClientToken"] != token  # a new run, a new launch
    assert again.json() == {"returnResult": ["i-1234567890abcdef0", "i-0598c7d356eba48d7"],
                            "reservationID": "r-1234567890abcdef0", "requesterId": "058890971305",
                            "requestId": "59dbff89-35bd-4eac-99ed-be587EXAMPLE"}


@respx.mock
@pytest.mark.parametrize("args,expected", [
    ([], {"MinCount": "1", "MaxCount": "1"}),
    (["--min-count", "4"], {"MinCount": "4", "MaxCount": "4"}),
    (["--max-count", "5"], {"MinCount": "1", "MaxCount": "5"}),
    (["--instance-initiated-shutdown-behavior", "false", "--client-token", "deploy-42", "--monitoring", "enabled"],
     {"MinCount": "1", "MaxCount": "1", "InstanceInitiatedShutdownBehavior": "stop", "ClientToken": "deploy-42",
      "Monitoring.Enabled": "true"}),
    (["--instance-initiated-shutdown-behavior", "Terminate"],
     {"MinCount": "1", "MaxCount": "1", "InstanceInitiatedShutdownBehavior": "terminate"}),
])
def test_run_instances_counts_and_mapped_inputs(offline, args, expected):
    route = respx.post(URL).mock(return_value=httpx.Response(200, text=RUN_XML))
    assert offline("run-instances", "--ami-id", "ami-bff32ccc", *args).code == 0
    sent = sent_params(route.calls.last.request)
    if "ClientToken" not in expected:
        sent.pop("ClientToken")
    assert sent == {"Action": "RunInstances", "Version": "2016-11-15", "ImageId": "ami-bff32ccc", **expected}


def _reservation(number, *instances, groups=""):
    items = "".join(
        f"<item><instanceId>{i}</instanceId><imageId>ami-1a2b3c4d</imageId><instanceState><code>16</code>"
        f"<name>running</name></instanceState><dnsName>{i}.example</dnsName><reason/><instanceType>m1.small"
        f"</instanceType><placement><availabilityZone>us-east-1c</availabilityZone></placement>"
        f"<kernelId>aki-ba3adfd3</kernelId><ramdiskId>ari-badbad00</ramdiskId><platform>windows</platform>"
        f"<monitoring><state>disabled</state></monitoring><rootDeviceType>instance-store</rootDeviceType>"
        f"{'<groupSet><item><groupId>sg-1</groupId><groupName>web</groupName></item></groupSet>' if not groups else ''}"
        f"</item>" for i in instances)
    return (f"<item><reservationId>r-{number}</reservationId><ownerId>123456789012</ownerId>"
            f"<groupSet>{groups}</groupSet><instancesSet>{items}</instancesSet></item>")


@respx.mock
def test_describe_instances_follows_next_token_and_reads_2009_groups(offline):
    groups_2009 = "<item><groupId>default</groupId></item><item><groupId>db</groupId></item>"
    page1 = ec2_xml("DescribeInstances", f"<reservationSet>{_reservation(1, 'i-aaaaaaaa', groups=groups_2009)}"
                    "</reservationSet><nextToken>page-2</nextToken>")
    page2 = ec2_xml("DescribeInstances", f"<reservationSet>{_reservation(2, 'i-bbbbbbbb', 'i-cccccccc')}"
                    "</reservationSet>")
    route = respx.post(URL).mock(side_effect=[httpx.Response(200, text=page1), httpx.Response(200, text=page2)])
    run = offline("describe-instances", "--row-delimiter", "\\n--\\n")
    assert run.code == 0, run.err
    first, second = (sent_params(call.request) for call in route.calls)
    assert first == {"Action": "DescribeInstances", "Version": "2016-11-15", "MaxResults": "1000"}
    assert second == {**first, "NextToken": "page-2"}
    assert run.out.split("\nrequestId: ")[0].split("\n--\n") == [
        "i-aaaaaaaa;ami-1a2b3c4d;m1.small;running;i-aaaaaaaa.example;null;ari-badbad00;windows;aki-ba3adfd3;"
        "disabled;null;instance-store;null;us-east-1c;default,db",
        "i-bbbbbbbb;ami-1a2b3c4d;m1.small;running;i-bbbbbbbb.example;null;ari-badbad00;windows;aki-ba3adfd3;"
        "disabled;null;instance-store;null;us-east-1c;web",
        "i-cccccccc;ami-1a2b3c4d;m1.small;running;i-cccccccc.example;null;ari-badbad00;windows;aki-ba3adfd3;"
        "disabled;null;instance-store;null;us-east-1c;web",
    ]


@respx.mock
def test_describe_instances_rows_in_the_order_of_the_ids_given(offline):
    answer = ec2_xml("DescribeInstances", f"<reservationSet>{_reservation(1, 'i-aaaaaaaa', 'i-cccccccc')}"
                     f"{_reservation(2, 'i-bbbbbbbb')}</reservationSet>")
    route = respx.post(URL).mock(return_value=httpx.Response(200, text=answer))
    run = offline("describe-instances", "--instance-ids", "i-cccccccc, i-aaaaaaaa ,i-bbbbbbbb", "-o", "table",
                  "--no-color", env={"COLUMNS": "400"})
    assert run.code == 0, run.err
    assert sent_params(route.calls.last.request) == {
        "Action": "DescribeInstances", "Version": "2016-11-15",
        "InstanceId.1": "i-cccccccc", "InstanceId.2": "i-aaaaaaaa", "InstanceId.3": "i-bbbbbbbb"}
    assert all(title in run.out for title in HEADER)
    assert run.out.index("i-cccccccc") < run.out.index("i-aaaaaaaa") < run.out.index("i-bbbbbbbb")
    doc = offline("describe-instances", "--instanceIds", "i-bbbbbbbb;i-cccccccc;i-aaaaaaaa", "--delimiter", ";",
                  "-o", "json").json()
    assert [row["instanceId"] for row in doc["returnResult"]] == ["i-bbbbbbbb", "i-cccccccc", "i-aaaaaaaa"]
    assert list(doc["returnResult"][0]) == KEYS + FIELDS


@respx.mock
def test_get_instance_details_empty_answer_is_a_failure(offline):
    respx.post(URL).mock(return_value=httpx.Response(200, text=ec2_xml("DescribeInstances", "<reservationSet/>")))
    run = offline("get-instance-details", "--instance-identifier", "i-1234567890abcdef0")
    assert (run.code, run.out) == (1, "")
    assert run.err.strip() == (
        "ec2ops: The instance ID 'i-1234567890abcdef0' does not exist. Error code: InvalidInstanceId.NotFound.")


@respx.mock
@pytest.mark.parametrize("output,expected", [
    (base64.b64encode("boot ok\r\nlogin: é\n".encode()).decode(), "boot ok\r\nlogin: é\n"),
    (base64.b64encode(b"\xff\xfebinary\x00tail").decode(), "\ufffd\ufffdbinary\x00tail"),
    ("not base64 at all!", "not base64 at all!"),
    ("YWJj\nZGVm\n", "abcdef"),  # EC2 wraps long base64 lines
])
def test_get_system_log_decodes_whatever_comes(offline, output, expected):
    respx.post(URL).mock(return_value=httpx.Response(200, text=ec2_xml("GetConsoleOutput", (
        f"<instanceId>i-1234567890abcdef0</instanceId><timestamp>2010-10-14T01:12:41.000Z</timestamp>"
        f"<output>{output}</output>"))))
    run = offline("get-system-log", "--instance-id", "i-1234567890abcdef0", "-o", "json")
    assert run.code == 0, run.err
    assert run.json() == {"returnResult": expected, "updateTime": "2010-10-14T01:12:41.000Z",
                          "requestId": "59dbff89-35bd-4eac-99ed-be587EXAMPLE"}


def _states(*names):
    return [httpx.Response(200, text=ec2_xml("DescribeInstances", f"<reservationSet>{_reservation(1, 'i-aaaaaaaa')}"
                                              "</reservationSet>").replace("running", name)) for name in names]


@respx.mock
def test_start_instance_waits_until_running_or_a_dead_end(offline):
    started = ec2_xml("StartInstances", "<instancesSet><item><instanceId>i-aaaaaaaa</instanceId><currentState><code>0"
                      "</code><name>pending</name></currentState><previousState><code>80</code><name>stopped</name>"
                      "</previousState></item></instancesSet>")
    route = respx.post(URL).mock(side_effect=[httpx.Response(200, text=started), *_states("pending", "running")])
    run = offline("start-instance", "--instance-id", "i-aaaaaaaa", "--wait", "--wait-interval", "0.01")
    # printed after the wait: the state waited for (issue 24: it was EC2's answer, pending)
    assert (run.code, run.out.splitlines()[:2]) == (0, ["running", "name: running"])
    assert [sent_params(c.request)["Action"] for c in route.calls] == ["StartInstances", "DescribeInstances",
                                                                        "DescribeInstances"]
    assert sent_params(route.calls.last.request)["InstanceId.1"] == "i-aaaaaaaa"
    route.side_effect = [httpx.Response(200, text=started), *_states("pending", "terminated")]
    dead = offline("start-instance", "--instance-id", "i-aaaaaaaa", "--wait", "--wait-interval", "0.01")
    assert dead.code == 1 and "i-aaaaaaaa (terminated) cannot become running" in dead.err
    assert dead.out.splitlines()[:2] == ["pending", "name: pending"]  # a failed wait: EC2's answer, printed all the same


# -- the sandbox (`ec2ops sandbox`): monitoring, which moto lacks, and EC2's refusal of an unknown AMI --
def test_monitor_and_unmonitor_in_the_sandbox_show_in_describe_instances(sandbox):
    image = sandbox("register-image", "--image-location", "/ops/base.manifest.xml", "--get", "returnResult")
    instance = sandbox("run-instances", "--ami-id", image.out.strip(), "--get", "returnResult").out.strip()

    def monitoring() -> tuple[str, str]:
        row = sandbox("describe-instances", "--instance-ids", instance, "--get", "returnResult").out.split(";")
        details = sandbox("get-instance-details", "--instance-identifier", instance, "--get", "monitoring")
        return row[9], details.out.strip()

    assert monitoring() == ("disabled", "disabled")
    run = sandbox("monitor-instance", "--instance-identifier", instance, "--debug")
    assert run.code == 0, run.err
    assert debug_params(run.err) == {"Action": "MonitorInstances", "Version": "2016-11-15", "InstanceId.1": instance}
    assert run.out.splitlines()[0] == "pending"  # EC2's word at once; enabled when read back
    assert monitoring() == ("enabled", "enabled")
    doc = sandbox("unmonitor-instance", "--instanceIdentifier", instance, "-o", "json").json()
    assert doc["returnResult"] == "disabling" and len(doc["requestId"]) == 36
    assert monitoring() == ("disabled", "disabled")

    unknown = sandbox("monitor-instance", "--instance-identifier", "i-0123456789abcdef0")
    assert (unknown.code, unknown.out) == (1, "")
    assert refusal(unknown.err) == \
        "ec2ops: The instance ID 'i-0123456789abcdef0' does not exist. Error code: InvalidInstanceId.NotFound."


def test_an_unknown_ami_is_refused_in_the_sandbox_with_the_guides_message(sandbox):
    run = sandbox("run-instances", "--ami-id", AMI)
    assert (run.code, run.out) == (1, "")
    assert refusal(run.err) == f"ec2ops: The AMI ID '{AMI}' does not exist. Error code: InvalidAMIID.NotFound."
    assert sandbox("describe-instances").out.startswith("requestId: ")  # nothing was launched

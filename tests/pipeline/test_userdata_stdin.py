"""User data on run-instances and the template flow (read back with DescribeInstanceAttribute),
ids from stdin with '-' on every id input, and several instances in one state-change call: against
moto, through the installed console script for the pipe, and with respx and EC2's documented XML
for MonitorInstances/UnmonitorInstances, which moto lacks."""

from __future__ import annotations

import base64
import re
import subprocess

import httpx
import pytest
import respx

from conftest import EC2OPS, debug_params, ec2_xml, env_for, sent_params
from ec2ops.cli import GUIDE_ORDER, cli

AMI = "ami-12345678"
URL = "https://ec2.us-east-1.amazonaws.com/"
TOO_BIG = "the user data is larger than 16 KB (16384 bytes), EC2's limit before base64 encoding."


def user_data(ec2, instance: str) -> bytes:
    answer = ec2.describe_instance_attribute(InstanceId=instance, Attribute="userData")
    return base64.b64decode(answer["UserData"]["Value"])


def launched(ec2) -> list[str]:
    return [i["InstanceId"] for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]]


def states(ec2, *ids: str) -> list[str]:
    found = {i["InstanceId"]: i["State"]["Name"]
             for r in ec2.describe_instances(InstanceIds=list(ids))["Reservations"] for i in r["Instances"]}
    return [found[i] for i in ids]


def actions(err: str) -> list[str]:
    return re.findall(r"^  Action=(\w+)$", err, re.M)


# -- user data -----------------------------------------------------------------------------------
def test_user_data_text_is_sent_base64_and_read_back(ec2ops, ec2):
    script = "#!/bin/sh\necho héllo > /tmp/hi\n"
    run = ec2ops("run-instances", "--ami-id", AMI, "--user-data", script, "--debug", "--get", "returnResult")
    assert run.code == 0, run.err
    # --debug masks it, showing its size (issue 24); what was sent is read back from EC2
    assert debug_params(run.err)["UserData"] == f"*** ({len(script.encode())} bytes)"
    assert base64.b64encode(script.encode()).decode() not in run.err
    assert user_data(ec2, run.out.strip()) == script.encode()


def test_user_data_file_keeps_its_bytes_and_stdin_works_too(ec2ops, ec2, tmp_path):
    raw = bytes(range(256)) * 4  # not text: a gzipped cloud-config goes as it is
    path = tmp_path / "cloud-init.gz"
    path.write_bytes(raw)
    run = ec2ops("run-instances", "--ami-id", AMI, "--user-data-file", path, "--get", "returnResult")
    assert run.code == 0, run.err
    assert user_data(ec2, run.out.strip()) == raw
    piped = ec2ops("run-instances", "--ami-id", AMI, "--user-data-file", "-", "--get", "returnResult",
                   stdin="#cloud-config\npackages: [nginx]\n")
    assert piped.code == 0, piped.err
    assert user_data(ec2, piped.out.strip()) == b"#cloud-config\npackages: [nginx]\n"


def test_user_data_up_to_16_kb_goes_and_more_is_exit_2_before_anything_is_sent(ec2ops, ec2, tmp_path):
    exact = ec2ops("run-instances", "--ami-id", AMI, "--user-data", "x" * 16384, "--get", "returnResult")
    assert exact.code == 0, exact.err
    assert user_data(ec2, exact.out.strip()) == b"x" * 16384
    big = tmp_path / "big.sh"
    big.write_bytes(b"y" * 16385)
    for args, given_as in ((["--user-data", "é" * 8193], "--user-data"),  # 16,386 bytes in UTF-8
                           (["--user-data-file", big], f"--user-data-file {big}"),
                           (["--user-data-file", "/dev/zero"], "--user-data-file /dev/zero")):
        run = ec2ops("run-instances", "--ami-id", AMI, *args)
        assert (run.code, run.out, run.err) == (2, "", f"ec2ops: {given_as}: {TOO_BIG}\n")
    piped = ec2ops("run-instances", "--ami-id", AMI, "--user-data-file", "-", stdin="z" * 16385)
    assert (piped.code, piped.err) == (2, f"ec2ops: --user-data-file -: {TOO_BIG}\n")
    assert launched(ec2) == [exact.out.strip()]


def test_user_data_twice_or_from_a_missing_file_is_exit_2(ec2ops, ec2, tmp_path):
    both = ec2ops("run-instances", "--ami-id", AMI, "--user-data", "a", "--user-data-file", "-", stdin="b")
    assert (both.code, both.out, both.err) == (
        2, "", "ec2ops: Give the user data as --user-data or --user-data-file, not both.\n")
    missing = ec2ops("run-instances", "--ami-id", AMI, "--user-data-file", tmp_path / "nope.sh")
    assert (missing.code, missing.err) == (
        2, f"ec2ops: --user-data-file {tmp_path / 'nope.sh'}: No such file or directory.\n")
    empty = ec2ops("run-instances", "--ami-id", AMI, "--user-data", "")
    assert (empty.code, empty.err) == (
        2, "ec2ops: The input userData cannot be empty; leave --user-data out not to give it.\n")
    assert launched(ec2) == []


def test_the_template_flow_copies_the_templates_user_data_unless_one_is_given(ec2ops, ec2):
    template = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1,
                                 UserData="#!/bin/sh\necho template\n")["Instances"][0]["InstanceId"]
    copied = ec2ops("run-instances-from-template", "--instance-identifier", template, "--min-count", "2",
                    "--debug", "-o", "json")
    assert copied.code == 0, copied.err
    assert actions(copied.err) == ["DescribeInstances", "DescribeInstanceAttribute", "RunInstances"]
    new = copied.json()["returnResult"]
    assert len(new) == 2 and [user_data(ec2, i) for i in new] == [b"#!/bin/sh\necho template\n"] * 2
    given = ec2ops("run-instances-from-template", "--instance-identifier", template, "--user-data-file", "-",
                   "--debug", "--get", "returnResult", stdin="#!/bin/sh\necho mine\n")
    assert given.code == 0, given.err
    assert actions(given.err) == ["DescribeInstances", "RunInstances"]  # nothing to copy: not read
    assert user_data(ec2, given.out.strip()) == b"#!/bin/sh\necho mine\n"
    plain = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    none = ec2ops("run-instances-from-template", "--instance-identifier", plain, "--debug", "--get", "returnResult")
    assert none.code == 0, none.err
    assert "UserData" not in debug_params(none.err)  # a template without user data: none is sent


# -- ids from stdin ------------------------------------------------------------------------------
def test_the_issues_pipe_starts_every_stopped_instance_in_one_call(ec2, moto):
    stopped = [i["InstanceId"] for i in ec2.run_instances(ImageId=AMI, MinCount=2, MaxCount=2)["Instances"]]
    running = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    ec2.stop_instances(InstanceIds=stopped)
    assert states(ec2, *stopped, running) == ["stopped", "stopped", "running"]
    pipe = (f"set -o pipefail; '{EC2OPS}' describe-instances --filter instance-state-name=stopped --get returnResult"
            f" | cut -d';' -f1 | '{EC2OPS}' start-instance --instance-id - --debug")
    done = subprocess.run(["bash", "-c", pipe], capture_output=True, text=True, env=env_for(moto), timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:2] == ["pending,pending", "name: pending,pending"]
    assert actions(done.stderr) == ["StartInstances"]
    sent = debug_params(done.stderr)
    assert sorted([sent.pop("InstanceId.1"), sent.pop("InstanceId.2")]) == sorted(stopped)
    assert sent == {"Action": "StartInstances", "Version": "2016-11-15"}
    assert states(ec2, *stopped, running) == ["running", "running", "running"]


NOTHING = "ec2ops: --instance-id -: no instance ids on standard input; nothing was done.\n"


def test_no_ids_on_stdin_does_nothing_exit_0_with_a_note(ec2ops, moto):
    for given in ("", " \n\n\t"):
        run = ec2ops("start-instance", "--instance-id", "-", stdin=given)
        assert (run.code, run.out, run.err) == (0, "", NOTHING)
        assert ">>> POST" not in ec2ops("start-instance", "--instance-id", "-", "--debug", stdin=given).err
    done = subprocess.run(["bash", "-c", f"set -o pipefail; true | '{EC2OPS}' start-instance --instance-id - -o json"],
                          capture_output=True, text=True, env=env_for(moto), timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", NOTHING)
    described = ec2ops("describe-instances", "--instance-ids", "-", stdin="")
    assert (described.code, described.out, described.err) == (
        0, "", "ec2ops: --instance-ids -: no instance ids on standard input; nothing was done.\n")


def test_every_id_input_takes_stdin_through_the_shared_layer(ec2ops, ec2):
    instance = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    volume = ec2.create_volume(Size=1, AvailabilityZone="us-east-1a")["VolumeId"]
    one = ec2ops("get-instance-details", "--instance-identifier", "-", "--get", "status", stdin=f"  {instance}\n")
    assert (one.code, one.out) == (0, "running\n")
    listed = ec2ops("describe-instances", "--instance-ids", "-", "--get", "returnResult", stdin=instance)
    assert listed.out.split(";")[0] == instance
    gone = ec2ops("delete-volume", "--volume-id", "-", stdin=volume + "\n")
    assert gone.code == 0, gone.err
    assert volume not in [v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]]
    two = ec2ops("delete-volume", "--volume-id", "-", stdin="vol-1 vol-2\n")
    assert (two.code, two.err) == (2, "ec2ops: --volume-id - takes one volume id; standard input held 2.\n")
    bad = ec2ops("stop-instance", "--instance-identifier", "-", stdin=f"{instance}\nstopped\n")
    assert (bad.code, bad.err) == (
        2, "ec2ops: Invalid id: 'stopped' (expecting \"i-...\"). Error code: InvalidInstanceID.Malformed.\n")
    assert states(ec2, instance) == ["running"]  # nothing was sent



def test_security_group_ids_come_from_stdin_too(ec2, moto):
    """Groups are the guide's by name, and also by id (sg-...): the ids one command prints, another
    reads from a pipe, as instance and volume ids are."""
    made = [ec2.create_security_group(GroupName=n, Description="piped")["GroupId"] for n in ("pipe-a", "pipe-b")]
    pipe = (f"set -o pipefail; printf '%s\\n' {made[1]} {made[0]} | '{EC2OPS}' describe-security-groups --group-ids - "
            "--columns groupName --get returnResult --debug")
    done = subprocess.run(["bash", "-c", pipe], capture_output=True, text=True, env=env_for(moto), timeout=60)
    assert done.returncode == 0, done.stderr
    assert sorted(done.stdout.splitlines()) == ["pipe-a", "pipe-b"]  # in EC2's order
    sent = debug_params(done.stderr)
    assert [sent["GroupId.1"], sent["GroupId.2"]] == [made[1], made[0]]
    gone = subprocess.run(["bash", "-c", f"set -o pipefail; echo {made[0]} | '{EC2OPS}' delete-security-group --group-id -"],
                          capture_output=True, text=True, env=env_for(moto), timeout=60)
    assert (gone.returncode, gone.stderr) == (0, "")
    assert [g["GroupName"] for g in ec2.describe_security_groups(GroupIds=[made[1]])["SecurityGroups"]] == ["pipe-b"]
    assert made[0] not in [g["GroupId"] for g in ec2.describe_security_groups()["SecurityGroups"]]
    bad = subprocess.run(["bash", "-c", f"echo pipe-b | '{EC2OPS}' delete-security-group --group-id -"],
                         capture_output=True, text=True, env=env_for(moto), timeout=60)
    assert (bad.returncode, bad.stdout, bad.stderr) == (
        2, "", "ec2ops: Invalid id: 'pipe-b' (expecting \"sg-...\"). Error code: InvalidGroupId.Malformed.\n")

@pytest.mark.parametrize("args, stdin, message", [
    (["start-instance", "--instance-id", "-", "--access-key", "-"], "SECRETKEY\ni-1\n",
     "--access-key - and --instance-id - both read standard input; give one of them another way."),
    (["attach-volume", "--volume-id", "-", "--instance-id", "-", "--device-name", "/dev/sdh"], "vol-1 i-1",
     "--volume-id - and --instance-id - both read standard input; give one of them another way."),
    (["bundle-windows-instance", "--instance-id", "-", "--storage-bucket", "b", "--storage-prefix", "p",
      "--s3-access-key-id", "AKID", "--s3-access-key", "-"], "S3SECRET\n",
     "--instance-id - and --s3-access-key - both read standard input; give one of them another way."),
    (["run-instances-from-template", "--instance-identifier", "-", "--user-data-file", "-"], "i-1\n",
     "--instance-identifier - and --user-data-file - both read standard input; give one of them another way."),
])
def test_one_reader_of_stdin_per_command_else_exit_2_before_anything_is_read_or_sent(ec2ops, args, stdin,
                                                                                      message):
    run = ec2ops(*args, stdin=stdin)
    assert (run.code, run.out, run.err) == (2, "", f"ec2ops: {message}\n")
    assert ">>> POST" not in ec2ops(*args, "--debug", stdin=stdin).err


def test_the_help_of_every_id_input_says_dash_reads_stdin():
    seen = 0
    for name in GUIDE_ORDER:
        command = cli.commands[name]
        for spec in command.operation.inputs:
            if spec.id_resource:
                help = next(p.help for p in command.params if p.name == spec.name)
                assert help.endswith(("'-' reads it from stdin.", "'-' reads them from stdin.")), (name, spec.name)
                seen += 1
    assert seen >= 30


# -- several instances, one call -----------------------------------------------------------------
def test_several_ids_in_one_call_outputs_in_the_order_given(ec2ops, ec2):
    a, b = (i["InstanceId"] for i in ec2.run_instances(ImageId=AMI, MinCount=2, MaxCount=2)["Instances"])
    stop = ec2ops("stop-instance", "--instance-identifier", f"{a};{b}", "--delimiter", ";", "--debug",
                  "--wait", "--wait-interval", "0.01")
    assert stop.code == 0, stop.err
    assert actions(stop.err) == ["StopInstances", "DescribeInstances"]  # one change, then the wait for both
    assert debug_params(stop.err) == {"Action": "DescribeInstances", "Version": "2016-11-15", "InstanceId.1": a,
                                      "InstanceId.2": b}
    # printed after the wait, the state waited for (issue 24: it was EC2's answer, stopping;stopping)
    assert stop.out.splitlines()[:2] == ["stopped;stopped", "previousState: running;running"]
    assert states(ec2, a, b) == ["stopped", "stopped"]
    assert ec2ops("start-instance", "--instance-id", a).code == 0  # a running, b stopped
    run = ec2ops("terminate-instance", "--instance-identifier", f"{b},{a}", "-o", "json", "--debug")
    assert run.code == 0, run.err
    assert (debug_params(run.err)["InstanceId.1"], debug_params(run.err)["InstanceId.2"]) == (b, a)
    doc = run.json()
    assert doc["previousState"] == ["stopped", "running"] and len(doc["returnResult"]) == 2
    again = ec2ops("terminate-instance", "--instance-identifier", f"{a},{b}", "--get", "previousState")
    assert again.out == "terminated,terminated\n"


def test_restart_of_several_is_one_call_and_true_for_each(ec2ops, ec2):
    ids = [i["InstanceId"] for i in ec2.run_instances(ImageId=AMI, MinCount=3, MaxCount=3)["Instances"]]
    run = ec2ops("restart-instance", "--instance-identifier", "-", "--debug", stdin="\n".join(ids) + "\n")
    assert run.code == 0, run.err
    assert run.out.splitlines()[0] == "true,true,true"
    assert debug_params(run.err) == {"Action": "RebootInstances", "Version": "2016-11-15",
                                     **{f"InstanceId.{n}": i for n, i in enumerate(ids, 1)}}
    one = ec2ops("restart-instance", "--instance-identifier", ids[0], "-o", "json")
    assert one.json()["returnResult"] is True  # one id: the guide's output, as before


def monitoring_xml(action: str, pairs: list[tuple[str, str]]) -> str:
    """EC2's documented MonitorInstances/UnmonitorInstances answer."""
    items = "".join(f"<item><instanceId>{i}</instanceId><monitoring><state>{s}</state></monitoring></item>"
                    for i, s in pairs)
    return ec2_xml(action, f"<instancesSet>{items}</instancesSet>")


@respx.mock
def test_monitor_and_unmonitor_several_in_the_order_given(offline):
    given = ["i-1234567890abcdef0", "i-0598c7d356eba48d7"]
    route = respx.post(URL).mock(side_effect=[
        httpx.Response(200, text=monitoring_xml("MonitorInstances", [(given[1], "enabled"), (given[0], "pending")])),
        httpx.Response(200, text=monitoring_xml("UnmonitorInstances", [(given[1], "disabled"),
                                                                       (given[0], "disabling")])),
        httpx.Response(200, text=monitoring_xml("MonitorInstances", [(given[0], "pending")])),
    ])
    on = offline("monitor-instance", "--instance-identifier", "-", stdin=" ".join(given))
    assert (on.code, on.out.splitlines()[0]) == (0, "pending,enabled")
    assert sent_params(route.calls[0].request) == {"Action": "MonitorInstances", "Version": "2016-11-15",
                                                   "InstanceId.1": given[0], "InstanceId.2": given[1]}
    off = offline("unmonitor-instance", "--instance-identifier", ",".join(given), "-o", "json")
    assert off.code == 0, off.err
    assert off.json() == {"returnResult": ["disabling", "disabled"],
                          "requestId": "59dbff89-35bd-4eac-99ed-be587EXAMPLE"}
    one = offline("monitor-instance", "--instance-identifier", given[0], "-o", "json")
    assert one.json()["returnResult"] == "pending"  # one id: a value, not a list

"""The AWS CLI's words (ec2ops/awscli.py): its command names run the ec2ops command that does the
same (hidden from the listing, named in the man page), or are answered with the nearest command
where it differs; its --filter Name=x,Values=a,b form; ids separated by spaces. Against moto, read
back with boto3."""

from __future__ import annotations

import re
import subprocess

import pytest

from conftest import EC2OPS
from ec2ops import awscli
from ec2ops.cli import cli

AMI = "ami-12345678"


def actions(err: str) -> list[str]:
    return re.findall(r"^  Action=(\w+)$", err, re.M)


def params(err: str) -> dict[str, str]:
    block = err.split(">>> POST ")[-1].split("<<<")[0]
    return dict(line.strip().partition("=")[::2] for line in block.splitlines()[1:] if line.startswith("  "))


@pytest.mark.parametrize("alias, command", sorted(awscli.ALIASES.items()))
def test_each_alias_is_its_command_hidden_from_the_listing_and_named_in_its_man_page(alias, command):
    assert command in cli.commands and alias not in cli.commands
    shown = subprocess.run([str(EC2OPS), alias, "--help"], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0 and shown.stdout.startswith(f"Usage: ec2ops {command} [OPTIONS]\n")
    from ec2ops.docs.man import man_pages

    assert f"\\fBec2ops {alias.replace('-', chr(92) + '-')}\\fR" in man_pages()[f"ec2ops-{command}.1"]


def test_aliases_are_not_listed():
    listed = subprocess.run([str(EC2OPS), "--help"], capture_output=True, text=True, timeout=60).stdout
    assert not [alias for alias in awscli.ALIASES if re.search(rf"^\s+{alias}\s", listed, re.M)]
    assert re.search(r"^\s+allocate-new-elastic-ip\s", listed, re.M)


def test_the_aws_cli_names_do_what_their_commands_do(ec2ops, ec2):
    instance = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    stopped = ec2ops("stop-instances", "--instance-id", instance)
    assert stopped.code == 0, stopped.err
    assert ec2.describe_instances(InstanceIds=[instance])["Reservations"][0]["Instances"][0]["State"]["Name"] \
        == "stopped"
    address = ec2ops("allocate-address", "--get", "returnResult")
    assert address.code == 0 and address.out.strip() in [a["PublicIp"] for a in ec2.describe_addresses()["Addresses"]]
    ec2.create_security_group(GroupName="web", Description="web")
    allowed = ec2ops("authorize-security-group-ingress", "--group-name", "web", "--ip-protocol", "tcp",
                     "--from-port", "22", "--to-port", "22", "--cidr-ip", "203.0.113.0/24")
    assert allowed.code == 0, allowed.err
    rules = ec2.describe_security_groups(GroupNames=["web"])["SecurityGroups"][0]["IpPermissions"]
    assert [(r["FromPort"], r["IpRanges"][0]["CidrIp"]) for r in rules] == [(22, "203.0.113.0/24")]
    log = ec2ops("get-console-output", "--instance-id", instance, "--debug")
    assert log.code == 0 and actions(log.err) == ["GetConsoleOutput"]


def test_an_aws_cli_name_that_differs_is_answered_with_the_nearest_command(ec2ops):
    run = ec2ops("create-image", "--instance-id", "i-1")
    assert (run.code, run.out, run.err) == (2, "", "ec2ops: No such command 'create-image': the AWS CLI's create-image "
                                                   "has no equal here; the nearest is register-image, which does "
                                                   "something else: see 'ec2ops register-image --help'.\n")
    other = ec2ops("create-imag")
    assert other.code == 2 and "nearest" not in other.err


@pytest.mark.parametrize("flag", ["--filter", "--filters"])
def test_the_aws_cli_filter_form(ec2ops, ec2, flag):
    ids = [i["InstanceId"] for i in ec2.run_instances(ImageId=AMI, MinCount=3, MaxCount=3)["Instances"]]
    ec2.stop_instances(InstanceIds=ids[:1])
    ec2.terminate_instances(InstanceIds=ids[1:2])
    run = ec2ops("describe-instances", flag, "Name=instance-state-name,Values=stopped,running",
                 "--columns", "instanceId", "--get", "returnResult", "--debug")
    assert run.code == 0, run.err
    sent = params(run.err)
    assert (sent["Filter.1.Name"], sent["Filter.1.Value.1"], sent["Filter.1.Value.2"]) == (
        "instance-state-name", "stopped", "running")
    assert "Filter.1.Value.3" not in sent
    assert sorted(run.out.split()) == sorted([ids[0], ids[2]])
    bad = ec2ops("describe-instances", flag, "Name=instance-state-name,Values=")
    assert (bad.code, bad.err) == (2, "ec2ops: --filter 'Name=instance-state-name,Values=': give NAME=VALUE[,VALUE...], "
                                      "e.g. instance-state-name=running.\n")


def test_ids_separated_by_spaces_as_well_as_the_delimiter(ec2ops, ec2):
    ids = [i["InstanceId"] for i in ec2.run_instances(ImageId=AMI, MinCount=3, MaxCount=3)["Instances"]]
    run = ec2ops("stop-instance", "--instance-id", f"{ids[0]} {ids[1]},{ids[2]}", "--debug")
    assert run.code == 0, run.err
    assert [params(run.err)[f"InstanceId.{n}"] for n in (1, 2, 3)] == ids
    states = {i["InstanceId"]: i["State"]["Name"] for r in ec2.describe_instances()["Reservations"]
              for i in r["Instances"]}
    assert [states[i] for i in ids] == ["stopped"] * 3


def test_several_instances_take_the_aws_clis_instance_ids(ec2ops, ec2):
    ids = [i["InstanceId"] for i in ec2.run_instances(ImageId=AMI, MinCount=2, MaxCount=2)["Instances"]]
    run = ec2ops("terminate-instances", "--instance-ids", " ".join(ids))
    assert run.code == 0, run.err
    states = {i["InstanceId"]: i["State"]["Name"] for r in ec2.describe_instances()["Reservations"]
              for i in r["Instances"]}
    assert [states[i] for i in ids] == ["terminated"] * 2

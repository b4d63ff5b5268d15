"""Every command's --help lists what it prints: returnResult's columns (the names --columns takes)
and its outputs (the names --get takes), from its declaration."""

import re

import click
import pytest

from conftest import run_cli
from ec2ops.cli import cli


def section(text: str, title: str) -> list[str]:
    """The names a --help section lists (the first word of each entry), in order."""
    body = text.split(f"\n{title}:\n", 1)[1].split("\n\n", 1)[0]
    return [m.group(1) for m in re.finditer(r"^  ([^\s,]+(?:, [^\s,]+)?)", body, re.M)]


def operations():
    return [name for name, command in cli.commands.items() if getattr(command, "operation", None) is not None]


@pytest.mark.parametrize("name", operations())
def test_help_lists_the_outputs_and_the_columns(name):
    op = cli.commands[name].operation
    run = run_cli([name, "--help"])
    assert run.code == 0, run.err
    outputs = section(run.out, "Outputs (--get NAME)")
    assert outputs[:len(op.outputs)] == [o.name for o in op.outputs]
    assert ("requestId" in outputs) == op.request_id
    columns = op.outputs[0].columns
    if columns:
        listed = section(run.out, "Columns of returnResult (--columns)")
        assert listed[:len(columns)] == [c.key for c in columns]
    else:
        assert "Columns of returnResult" not in run.out


def test_a_table_names_its_extra_columns_tag_key_and_region():
    text = run_cli(["describe-instances", "--help"]).out
    listed = section(text, "Columns of returnResult (--columns)")
    assert listed[0] == "instanceId" and listed[-2:] == ["tag:KEY", "region, profile"]
    assert re.search(r"^  privateIpAddress +.*\(beyond the guide: --columns, JSON\)$", text, re.M)
    regions = section(run_cli(["enumerate-regions", "--help"]).out, "Columns of returnResult (--columns)")
    assert regions == ["regionName", "regionEndpoint", "region, profile"]  # no tags there
    changes = run_cli(["create-tags", "--help"]).out
    assert section(changes, "Outputs (--get NAME)") == ["returnResult", "requestId"]
    details = section(run_cli(["get-instance-details", "--help"]).out, "Outputs (--get NAME)")
    assert details[-1] == "region, profile" and "tags" in details and "vpcId" in details


def test_the_man_page_names_the_columns_as_help_does():
    from pathlib import Path

    man = Path(__file__).resolve().parents[2] / "man"
    page = (man / "ec2ops-describe-vpcs.1").read_text()
    assert ("\\-\\-columns takes: vpcId, cidrBlock, state, isDefault, dhcpOptionsId, instanceTenancy, name, ownerId, "
            "cidrBlocks, ipv6CidrBlocks, tags, tag:KEY (a tag\\(aqs value).") in page
    assert "\\-\\-columns takes: regionName, regionEndpoint.\n" in (man / "ec2ops-enumerate-regions.1").read_text()

"""One pipeline for every command: traits applied by kind (walked over the command tree), --dry-run
and --filter against moto. The one sink's exit statuses, through the installed console script, are
in tests/process/test_sink.py."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
import respx

from conftest import debug_params, ec2_error_xml, refusal
from ec2ops import traits
from ec2ops.cli import GUIDE_ORDER, cli

OPERATIONS = Path(__file__).resolve().parents[2] / "ec2ops" / "operations"
AMI = "ami-12345678"


# The traits every command of a kind has: what only reads, what lists a Describe answer, what changes.
READER_TRAITS = (traits.REGIONS,)
LISTER_TRAITS = (traits.FILTER,)
CHANGER_TRAITS = (traits.ONE_REGION, traits.DRY_RUN)


def flags(name: str) -> set[str]:
    """The options --help shows."""
    return {flag for param in cli.commands[name].params if not getattr(param, "hidden", False) for flag in param.opts}


# -- kinds and traits ----------------------------------------------------------------------------
def test_every_command_of_the_guide_is_a_declaration_run_by_the_pipeline():
    assert all(cli.commands[name].operation is not None for name in GUIDE_ORDER)
    kinds = {name: cli.commands[name].operation for name in GUIDE_ORDER}
    assert sorted(n for n, op in kinds.items() if op.reads) == sorted([
        "enumerate-availability-zones", "enumerate-regions", "describe-snapshots", "get-snapshot-details",
        "describe-volumes", "get-volume-details", "enumerate-elastic-ips", "enumerate-images", "get-image-details",
        "describe-instances", "get-instance-details", "get-system-log", "enumerate-key-pairs",
        "describe-security-groups", "get-security-group-details", "enumerate-bundle-tasks",
        "get-bundle-task-details", "ec2-dashboard"])
    assert sorted(n for n, op in kinds.items() if op.page_list) == [
        "describe-instances", "describe-security-groups", "describe-snapshots", "describe-volumes",
        "enumerate-images"]


@pytest.mark.parametrize("name", GUIDE_ORDER)
def test_readers_have_the_reader_traits_and_changers_the_changer_traits(name):
    command = cli.commands[name]
    op, has = command.operation, set(command.traits)
    assert has == set(traits.of(op))
    if op.changes:
        assert set(CHANGER_TRAITS) <= has and "--dry-run" in flags(name)
        assert not has & set(READER_TRAITS + LISTER_TRAITS)
        assert not {"--filter", "--regions", "--profiles"} & flags(name)
    else:
        assert set(READER_TRAITS) <= has and {"--regions", "--profiles", "--max-concurrency"} <= flags(name)
        assert not has & set(CHANGER_TRAITS) and "--dry-run" not in flags(name)
    assert (set(LISTER_TRAITS) <= has) == op.lists == ("--filter" in flags(name))
    assert (traits.WAIT in has) == bool(op.change and op.change.becomes) == ("--wait" in flags(name))


CROSS_CUTTING = re.compile(r"--wait|wait=|waiting|Filter\.|--filter|filters=|TagSpecification|DryRun|dry_run|"
                           r"--dry-run|MaxResults|NextToken|paginate|--regions|fans_out|--columns|--page-size|"
                           r"--max-items|call_all")


@pytest.mark.parametrize("module", sorted(p.name for p in OPERATIONS.glob("*.py")))
def test_no_operation_module_names_a_cross_cutting_option(module):
    text = (OPERATIONS / module).read_text()
    assert not CROSS_CUTTING.findall(text), module


def test_no_module_of_the_package_is_over_500_lines():
    package = OPERATIONS.parent
    sizes = {str(p.relative_to(package)): len(p.read_text().splitlines()) for p in package.rglob("*.py")}
    assert max(sizes.values()) <= 500, {k: v for k, v in sizes.items() if v > 500}


# -- --dry-run -----------------------------------------------------------------------------------
def test_dry_run_asks_ec2_and_changes_nothing(ec2ops, ec2):
    run = ec2ops("create-volume", "--size", "8", "--availability-zone", "us-east-1a", "--dry-run", "--wait",
                 "--debug")
    assert (run.code, run.out) == (0, "")
    assert run.err.splitlines()[-1] == "ec2ops: dry run: EC2 would have done it."
    assert debug_params(run.err) == {"Action": "CreateVolume", "Version": "2016-11-15", "Size": "8",
                                     "AvailabilityZone": "us-east-1a", "DryRun": "true"}
    assert run.err.count(">>> POST") == 1  # nothing was waited for
    assert ec2.describe_volumes()["Volumes"] == []


def test_dry_run_of_a_flow_reads_for_real_and_launches_nothing(ec2ops, moto):
    template = ec2ops("run-instances", "--ami-id", AMI, "--get", "returnResult").out.strip()
    run = ec2ops("run-instances-from-template", "--instance-identifier", template, "--dry-run", "--debug")
    assert (run.code, run.out) == (0, "")
    assert run.err.splitlines()[-1] == "ec2ops: dry run: EC2 would have done it."
    actions = re.findall(r"^  Action=(\w+)$", run.err, re.M)
    assert actions == ["DescribeInstances", "DescribeInstanceAttribute", "RunInstances"]
    assert debug_params(run.err)["DryRun"] == "true"
    listed = ec2ops("describe-instances", "--get", "returnResult").out.splitlines()
    assert [row.split(";")[0] for row in listed] == [template]


def test_dry_run_refused_is_exit_1_with_ec2s_message(offline):
    message = "You are not authorized to perform this operation."
    with respx.mock() as mock_ec2:
        mock_ec2.post("https://ec2.us-east-1.amazonaws.com/").mock(
            return_value=httpx.Response(403, text=ec2_error_xml("UnauthorizedOperation", message)))
        run = offline("delete-key-pair", "--key-name", "deploy", "--dry-run")
    assert (run.code, run.out) == (1, "")
    assert refusal(run.err) == f"ec2ops: {message} Error code: UnauthorizedOperation."


# -- --filter ------------------------------------------------------------------------------------
def test_filter_narrows_a_listing_and_is_sent_as_ec2_filters(ec2ops):
    small = ec2ops("create-volume", "--size", "2", "--availability-zone", "us-east-1a", "--get", "returnResult")
    ec2ops("create-volume", "--size", "9", "--availability-zone", "us-east-1b")
    run = ec2ops("describe-volumes", "--filter", "size=2,3", "--filter", "availability-zone=us-east-1a", "--debug")
    assert run.code == 0, run.err
    assert [row.split(",")[0] for row in run.out.splitlines()[:-1]] == [small.out.strip()]
    assert debug_params(run.err) == {
        "Action": "DescribeVolumes", "Version": "2016-11-15", "Filter.1.Name": "size", "Filter.1.Value.1": "2",
        "Filter.1.Value.2": "3", "Filter.2.Name": "availability-zone", "Filter.2.Value.1": "us-east-1a",
        "MaxResults": "500"}


@pytest.mark.parametrize("given", ["size", "size=", "=2", "size=2,"])
def test_a_malformed_filter_is_exit_2_before_anything_is_sent(ec2ops, given):
    run = ec2ops("describe-volumes", "--filter", given, "--debug")
    assert (run.code, run.out, ">>> POST" in run.err) == (2, "", False)
    assert run.err.splitlines()[-1] == (f"ec2ops: --filter {given!r}: give NAME=VALUE[,VALUE...], "
                                        f"e.g. instance-state-name=running.")
    assert ec2ops("describe-volumes", "--filter", given).err.count("\n") == 1


def test_a_comma_inside_a_filter_value_is_escaped(ec2ops):
    run = ec2ops("describe-security-groups", "--filter", r"description=a\,b", "--debug")
    assert run.code == 0, run.err
    assert debug_params(run.err)["Filter.1.Value.1"] == "a,b"

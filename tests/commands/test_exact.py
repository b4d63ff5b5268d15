"""Issue 24's audit, case by case: what EC2 sends is printed exactly as sent (spaces at both ends
too), and acting on a printed value acts on the thing it names."""

from __future__ import annotations

import csv

import httpx
import pytest
import respx
from conftest import ec2_xml

from ec2ops.output import quoted


def test_a_key_pair_named_with_spaces_is_deleted_by_its_printed_name(ec2ops, ec2):
    ec2.create_key_pair(KeyName=" spaced key ")
    listed = ec2ops("enumerate-key-pairs", "-o", "json")
    assert listed.code == 0, listed.err
    name = listed.json()["returnResult"][0]["keyName"]
    assert name == " spaced key "
    deleted = ec2ops("delete-key-pair", "--key-name", name)
    assert (deleted.code, deleted.out.splitlines()[0]) == (0, "true")
    assert ec2.describe_key_pairs()["KeyPairs"] == []


def test_values_with_spaces_at_both_ends_are_printed_as_sent(ec2ops, ec2):
    """A list input (--group-names) is split and trimmed as the guide splits it: the name is typed plainly."""
    ec2.create_security_group(GroupName="web", Description="  two spaces  ")
    shown = ec2ops("describe-security-groups", "--group-names", "web", "-o", "json")
    assert shown.code == 0, shown.err
    assert shown.json()["returnResult"][0]["groupDescription"] == "  two spaces  "
    got = ec2ops("get-security-group-details", "--group-name", "web", "--get", "groupDescription")
    assert (got.code, got.out) == (0, "  two spaces  \n")


def test_run_instances_from_template_sends_the_key_name_as_ec2_gave_it(ec2ops, ec2):
    ec2.create_key_pair(KeyName=" spaced key ")
    template = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1,
                                 KeyName=" spaced key ")["Instances"][0]["InstanceId"]
    run = ec2ops("run-instances-from-template", "--instance-identifier", template, "-o", "json")
    assert run.code == 0, run.err
    new = run.json()["returnResult"]
    described = ec2.describe_instances(InstanceIds=new)["Reservations"][0]["Instances"]
    assert [i["KeyName"] for i in described] == [" spaced key "]


def test_a_tag_cannot_forge_a_field_of_a_plain_row(ec2ops, ec2):
    """The audit's `--columns tags,instanceId | cut -d';' -f2` gave i-0deadbeef, an id written into a tag."""
    instance = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    ec2.create_tags(Resources=[instance], Tags=[{"Key": "role", "Value": "web;i-0deadbeef"}])
    run = ec2ops("describe-instances", "--columns", "tags,instanceId")
    assert run.code == 0, run.err
    assert run.out.splitlines()[0] == f'"role=web;i-0deadbeef";{instance}'
    assert list(csv.reader(run.out.splitlines()[:1], delimiter=";")) == [["role=web;i-0deadbeef", instance]]


@pytest.mark.parametrize("text,separators,written", [
    ("i-0abc1234", (";", "\n"), "i-0abc1234"),
    ("web;i-0deadbeef", (";", "\n"), '"web;i-0deadbeef"'),
    ("a,b", (",",), '"a,b"'),
    ("a,b", (";",), "a,b"),
    ('say "hi"', (",",), '"say ""hi"""'),
    (" spaced key ", (",",), '" spaced key "'),
    ("tab\t", (",",), '"tab\t"'),
    ("a|b", (",", "|"), '"a|b"'),
    ("line\nbreak", (",",), '"line\nbreak"'),
    ("[/x] :ab:", (",",), "[/x] :ab:"),
])
def test_a_field_is_quoted_as_csv_quotes_it_only_when_it_would_not_split_as_one(text, separators, written):
    assert quoted(text, *separators) == written
    assert list(csv.reader([written], delimiter=separators[0])) == [[text]] or "\n" in text


# -- -o table: values as text, whole ----------------------------------------------------------------
HOSTILE = "[/x] [bold]b[/bold] :ab: [link=https://evil.example/]l[/link] [/]"


def test_a_description_that_looks_like_markup_is_shown_literally_in_a_table(ec2ops, ec2):
    """The audit: `[/x]` was `internal error: MarkupError`, exit 1, for the whole listing."""
    ec2.create_security_group(GroupName="audit", Description=HOSTILE)
    run = ec2ops("describe-security-groups", "--group-names", "audit", "-o", "table")
    assert (run.code, run.err) == (0, "")
    assert HOSTILE in run.out and "\x1b" not in run.out
    colored = ec2ops("describe-security-groups", "--group-names", "audit", "-o", "table",
                     env={"FORCE_COLOR": "1", "TERM": "xterm-256color"})
    assert colored.code == 0 and HOSTILE in colored.out and "\x1b]8;" not in colored.out  # no terminal link


def test_a_fingerprint_is_shown_as_typed_not_as_an_emoji(offline):
    with respx.mock:
        respx.post("https://ec2.us-east-1.amazonaws.com/").mock(return_value=httpx.Response(200, text=ec2_xml(
            "DescribeKeyPairs", "<keySet><item><keyName>deploy</keyName><keyFingerprint>6b:ab:01</keyFingerprint>"
                                "</item></keySet>")))
        run = offline("enumerate-key-pairs", "-o", "table")
    assert run.code == 0, run.err
    assert "│ deploy   │ 6b:ab:01    │" in run.out.splitlines() and "\U0001f18e" not in run.out


def test_a_table_off_a_terminal_has_its_natural_width_and_whole_ids(ec2ops, ec2):
    """Piped, it was laid out in 80 columns: headers a column of letters, ids folded."""
    made = ec2.run_instances(ImageId="ami-12345678", MinCount=2, MaxCount=2)["Instances"]
    run = ec2ops("describe-instances", "--columns", "all", "-o", "table")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    grid = [line for line in lines[:next(i for i, line in enumerate(lines) if line.startswith("└")) + 1]
            if line[:1] in "┏┃┡│└"]  # returnResult's table (requestId's follows)
    assert len({len(line) for line in grid}) == 1 and len(grid[0]) > 200
    assert sum(line.startswith("│") for line in grid) == 2  # one line a row: nothing wrapped
    for instance in made:
        assert instance["InstanceId"] in run.out and instance["PrivateDnsName"] in run.out
    assert grid[1].startswith("┃ Instance Id ")  # a header on one line

"""Issue 24's audit, case by case: what EC2 sends is printed exactly as sent (spaces at both ends
too), and acting on a printed value acts on the thing it names."""

from __future__ import annotations

import base64
import csv
import json
import re
import subprocess
import sys

import httpx
import pytest
import respx
from conftest import EC2OPS, ec2_xml, env_for

URL = "https://ec2.us-east-1.amazonaws.com/"

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


# -- -o json: JSON only ------------------------------------------------------------------------------
def _strict(text: str):
    """JSON as RFC 8259 has it: NaN, Infinity and -Infinity are not JSON (Python's json reads them)."""
    def refused(constant):
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refused)


SNAPSHOT = ("<snapshotSet><item><snapshotId>snap-1</snapshotId><volumeId>vol-1</volumeId><status>pending</status>"
            "<startTime>2026-01-01T00:00:00.000Z</startTime><progress>{progress}</progress><ownerId>1</ownerId>"
            "<volumeSize>8</volumeSize><description>d</description></item></snapshotSet>")


@pytest.mark.parametrize("progress", ["nan%", "inf%", "-Infinity%", "NaN"])
def test_a_progress_that_is_not_a_number_is_null_in_json(offline, progress):
    """The audit: a progress of `nan%` printed `"progress": NaN`, which is not JSON, with exit 0."""
    with respx.mock:
        respx.post("https://ec2.us-east-1.amazonaws.com/").mock(return_value=httpx.Response(200, text=ec2_xml(
            "DescribeSnapshots", SNAPSHOT.format(progress=progress))))
        listed = offline("describe-snapshots", "-o", "json")
        details = offline("get-snapshot-details", "--snapshot-id", "snap-1", "-o", "json")
        plain = offline("describe-snapshots", "--get", "returnResult")
    assert listed.code == 0, listed.err
    assert _strict(listed.out)["returnResult"][0]["progress"] is None
    assert '"progress": null' in listed.out
    assert details.code == 0, details.err
    assert _strict(details.out)["progress"] is None
    assert plain.out == f"snap-1,vol-1,8,pending,2026-01-01T00:00:00.000Z,{progress}\n"  # plain: EC2's text
    checked = subprocess.run([sys.executable, "-m", "json.tool"], input=listed.out, capture_output=True, text=True)
    assert checked.returncode == 0 and _strict(checked.stdout) == _strict(listed.out)


def test_json_writes_no_nan_nor_infinity_whatever_the_path():
    from ec2ops.jsonout import for_json, json_cell, json_text
    from ec2ops.values import TypedText

    for number in (float("nan"), float("inf"), float("-inf")):
        assert for_json(TypedText("x%", number)) is None and for_json(number) is None
        assert json_text(number) == "null" and json_cell(TypedText("x%", number)) == "null"
        assert json_text([number, 1.5]) == "[\n  null,\n  1.5\n]"


# -- --debug: no private key, no user data, no terminal escape from the endpoint ----------------------
PRIVATE = "-----BEGIN RSA PRIVATE KEY-----\nMIIEsecretsecretsecret\n-----END RSA PRIVATE KEY-----"


@pytest.mark.parametrize("element", [
    "<keyMaterial>{key}</keyMaterial>",
    '<keyMaterial xml:space="preserve">{key}</keyMaterial>',
    '<ec2:keyMaterial xmlns:ec2="http://ec2.amazonaws.com/doc/2016-11-15/">{key}</ec2:keyMaterial >',
    "<keyMaterial><![CDATA[{key}]]></keyMaterial>",
])
def test_debug_never_shows_the_private_key_whatever_the_tags_form(offline, element):
    with respx.mock:
        respx.post("https://ec2.us-east-1.amazonaws.com/").mock(return_value=httpx.Response(200, text=ec2_xml(
            "CreateKeyPair", "<keyName>k</keyName><keyFingerprint>1f:51</keyFingerprint>"
                             + element.format(key=PRIVATE))))
        run = offline("allocate-new-key-pair", "--key-name", "k", "--debug")
    assert run.code == 0, run.err
    assert "MIIEsecret" not in run.err and "PRIVATE KEY" not in run.err and "keyMaterial" in run.err
    assert "***" in run.err.split("<<< HTTP 200")[1]
    if "ec2:" not in element:  # a name is read as written: the prefixed one is not EC2's keyMaterial
        assert "MIIEsecret" in run.out  # the key itself was read, and printed on stdout


def test_a_cut_answer_never_shows_the_private_key(offline):
    with respx.mock:
        respx.post("https://ec2.us-east-1.amazonaws.com/").mock(return_value=httpx.Response(200, text=(
            f'<CreateKeyPairResponse xmlns="x"><keyName>k</keyName><keyMaterial>{PRIVATE}')))
        run = offline("allocate-new-key-pair", "--key-name", "k", "--debug")
    assert run.code == 3 and "MIIEsecret" not in run.err and "<keyMaterial>***" in run.err


def test_debug_masks_user_data_and_shows_its_length(ec2ops):
    script = "#!/bin/sh\necho password=hunter2\n"
    run = ec2ops("run-instances", "--ami-id", "ami-12345678", "--user-data", script, "--debug")
    assert run.code == 0, run.err
    assert "hunter2" not in run.err and base64.b64encode(script.encode()).decode()[:12] not in run.err
    assert f"  UserData=*** ({len(script.encode())} bytes)" in run.err.splitlines()


def test_debug_masks_the_template_instances_user_data_in_the_answer(ec2ops, ec2):
    script = "#cloud-config\npassword: hunter2\n"
    template = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1,
                                 UserData=script)["Instances"][0]["InstanceId"]
    run = ec2ops("run-instances-from-template", "--instance-identifier", template, "--debug")
    assert run.code == 0, run.err
    encoded = base64.b64encode(script.encode()).decode()
    assert "hunter2" not in run.err and encoded[:12] not in run.err
    assert f"*** ({len(script.encode())} bytes)</userData>" in run.err  # the answer read, masked
    assert f"  UserData=*** ({len(script.encode())} bytes)" in run.err.splitlines()  # and the launch sent


def test_debug_escapes_the_control_characters_an_endpoint_sends(offline):
    with respx.mock:
        respx.post("https://ec2.us-east-1.amazonaws.com/").mock(return_value=httpx.Response(200, text=ec2_xml(
            "DescribeKeyPairs", "<keySet><item><keyName>a\x1b[2J\x1b]8;;https://evil.example/\x07b\rc</keyName>"
                                "<keyFingerprint>1f</keyFingerprint></item></keySet>")))
        run = offline("enumerate-key-pairs", "--debug")
    assert run.code == 3  # expat refuses the controls XML 1.0 has no place for, after the trace shows them
    assert not any(c in run.err for c in "\x1b\x07\r")
    assert "<keyName>a\\x1b[2J\\x1b]8;;https://evil.example/\\x07b\\rc</keyName>" in run.err


# -- --wait prints the state waited for ----------------------------------------------------------------
@respx.mock
def test_after_wait_the_status_is_the_state_waited_for(offline):
    """The audit: --wait printed `bundling` (the answer to the change) while it waited for `complete`."""
    from test_waiting import BUNDLED, bundle_state

    respx.post(URL).mock(side_effect=[httpx.Response(200, text=BUNDLED), bundle_state("storing"),
                                      bundle_state("complete")])
    run = offline("bundle-windows-instance", "--instance-id", "i-12345678", "--storage-bucket", "b",
                  "--storage-prefix", "p", "--wait", "--wait-interval", "0.01")
    assert run.code == 0, run.err
    assert run.out.splitlines()[:3] == ["bun-c1a540a8", "status: complete", "startTime: 2008-10-07T11:41:50.000Z"]


@respx.mock
def test_a_wait_that_fails_prints_what_ec2_answered_then_exits_1(offline):
    """The new ids are printed whatever happens to the wait: a script can find what was made."""
    from test_waiting import BUNDLED, bundle_state

    respx.post(URL).mock(side_effect=[httpx.Response(200, text=BUNDLED), bundle_state("failed")])
    run = offline("bundle-windows-instance", "--instance-id", "i-12345678", "--storage-bucket", "b",
                  "--storage-prefix", "p", "--wait", "--wait-interval", "0.01")
    assert run.code == 1 and "bun-c1a540a8 (failed) cannot become complete" in run.err
    assert run.out.splitlines()[:2] == ["bun-c1a540a8", "status: bundling"]


def test_wait_prints_the_states_waited_for_on_moto(ec2ops, ec2):
    instance = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1,
                                 Placement={"AvailabilityZone": "us-east-1a"})["Instances"][0]["InstanceId"]
    fast = ("--wait", "--wait-interval", "0.05")
    without = ec2ops("stop-instance", "--instance-identifier", instance)
    assert without.out.splitlines()[:2] == ["stopping", "previousState: running"]  # EC2's answer, as before
    ec2.start_instances(InstanceIds=[instance])
    stopped = ec2ops("stop-instance", "--instance-identifier", instance, *fast)
    assert stopped.code == 0, stopped.err
    assert stopped.out.splitlines()[:2] == ["stopped", "previousState: running"]
    started = ec2ops("start-instance", "--instance-id", instance, *fast, "-o", "json")
    assert started.code == 0 and started.json()["returnResult"] == "running"
    volume = ec2ops("create-volume", "--size", "1", "--availability-zone", "us-east-1a", *fast, "-o", "json").json()
    assert volume["status"] == "available"
    attached = ec2ops("attach-volume", "--volume-id", volume["volumeId"], "--instance-id", instance,
                      "--device", "/dev/sdh", *fast)
    assert attached.code == 0 and attached.out.splitlines()[0] == "attached"
    detached = ec2ops("detach-volume", "--volume-id", volume["volumeId"], "--instance-id", instance,
                      "--device", "/dev/sdh", *fast)
    assert detached.code == 0 and detached.out.splitlines()[0] == "detached"
    snapshot = ec2ops("create-snapshot", "--volume-id", volume["volumeId"], *fast, "-o", "json")
    assert snapshot.code == 0 and (snapshot.json()["status"], snapshot.json()["progress"]) == ("completed", 100)


def test_outputs_held_for_the_wait_that_cannot_be_written_say_what_was_done(moto):
    with open("/dev/full", "w") as full:
        done = subprocess.run([str(EC2OPS), "create-volume", "--size", "1", "--availability-zone", "us-east-1a",
                               "--wait", "--wait-interval", "0.05"], stdout=full, stderr=subprocess.PIPE,
                              text=True, env=env_for(moto), timeout=60)
    assert done.returncode == 4
    assert re.fullmatch(r"ec2ops: CreateVolume was done, but its result could not be written \(No space left on "
                        r"device\): volume vol-[0-9a-f]+\.\n", done.stderr), done.stderr

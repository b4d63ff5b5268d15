"""Issue 24's property: random values (delimiters, quotes, line breaks, spaces at both ends, rich
markup, emoji codes, unicode) put into moto as tags, a group's description and a key pair's name
come back exactly: each plain row, read with Python's csv reader given the column delimiter,
splits into exactly its columns, and each field is the JSON value (escaped as plain escapes a
control character); -o table shows each value whole, literally, and exits 0."""

from __future__ import annotations

import base64
import csv
import itertools

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from ec2ops.output import Delimiters, cell, escape

SOME = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
TRICKY = st.sampled_from([",", ";", '"', "'", "|", "\n", " ", "  a  ", "a,b", 'say "hi"', "[bold]x[/bold]", "[/x]",
                          "[/]", ":ab:", "6b:ab:01", "[link=https://evil.example/]l[/link]", "web;i-0deadbeef",
                          "null", "=", "é ü 東京 🙂", "\t", "a\\nb", "\u2028"])
# What XML 1.0 carries (moto writes the text as it is): no C0 control but tab and line feed, no
# carriage return (XML reads it as a line feed), no surrogate.
CHARS = st.characters(codec="utf-8", exclude_characters="\r",
                      exclude_categories=("Cs",)).filter(lambda c: c in "\t\n" or ord(c) >= 0x20)
VALUE = st.one_of(TRICKY, st.text(CHARS, min_size=1, max_size=20),
                  st.lists(TRICKY, min_size=1, max_size=4).map("".join))
# Whitespace holding a line break, and nothing else, is how EC2 indents an empty element: not a value.
def _a_value(text: str) -> bool:
    return bool(text.strip()) or "\n" not in text


DELIMITERS = st.sampled_from([",", ";", "|", "\t"])
counter = itertools.count()


def _field(value) -> str:
    return "null" if value in (None, "") else escape(value)


@given(description=VALUE, tag_key=VALUE, tag_value=VALUE, col=DELIMITERS, delimiter=DELIMITERS)
@example(description="[/x]", tag_key="role", tag_value="web;i-0deadbeef", col=";", delimiter=",")
@example(description=" two  spaces ", tag_key="a,b", tag_value='"', col=",", delimiter=",")
@SOME
def test_a_groups_row_splits_into_its_columns_and_each_field_is_the_json_value(ec2ops, ec2, description, tag_key,
                                                                               tag_value, col, delimiter):
    assume(_a_value(description) and _a_value(tag_key) and _a_value(tag_value) and tag_key.strip())
    assume(not tag_key.lower().startswith("aws:"))
    name = f"g{next(counter)}"
    group = ec2.create_security_group(GroupName=name, Description=description)["GroupId"]
    ec2.create_tags(Resources=[group], Tags=[{"Key": tag_key, "Value": tag_value}])
    columns = "groupName,groupDescription,tags,groupId"
    as_json = ec2ops("describe-security-groups", "--group-names", name, "--columns", columns, "-o", "json")
    assert as_json.code == 0, as_json.err
    row = as_json.json()["returnResult"][0]
    assert (row["groupDescription"], row["tags"]) == (description, {tag_key: tag_value})
    plain = ec2ops("describe-security-groups", "--group-names", name, "--columns", columns.replace(",", delimiter),
                   "--col-delimiter", col,
                   "--delimiter", delimiter, "--get", "returnResult")
    assert plain.code == 0, plain.err
    [fields] = list(csv.reader(plain.out.splitlines(), delimiter=col))
    assert fields[0] == name and fields[1] == _field(description) and fields[3] == group
    [pairs] = list(csv.reader([fields[2]], delimiter=delimiter))  # the tags, one field: its pairs
    assert pairs == [escape(f"{tag_key}={tag_value}")]
    table = ec2ops("describe-security-groups", "--group-names", name, "--columns", columns.replace(",", delimiter),
                   "--delimiter", delimiter, "-o", "table")
    assert (table.code, table.err) == (0, "")
    shown = Delimiters(delimiter=delimiter)
    for value in (description, {tag_key: tag_value}, group):  # each on one line, whole, as plain writes it
        assert cell(value, shown) in table.out


@given(name=VALUE)
@example(name=" spaced key ")
@SOME
def test_a_key_pairs_name_comes_back_as_given_and_deletes_it(ec2ops, ec2, name):
    assume(_a_value(name) and name.strip() and len(name) <= 255)
    ec2.create_key_pair(KeyName=name)
    try:
        listed = ec2ops("enumerate-key-pairs")
        assert listed.code == 0, listed.err
        rows = list(csv.reader(listed.out.splitlines()[:-1], delimiter=","))  # the last line: requestId
        assert [row[0] for row in rows] == [_field(name)] and all(len(row) == 2 for row in rows)
        printed = ec2ops("enumerate-key-pairs", "-o", "json").json()["returnResult"][0]["keyName"]
        assert printed == name
        assert ec2ops("delete-key-pair", "--key-name", printed).code == 0
        assert ec2.describe_key_pairs()["KeyPairs"] == []
    finally:
        for pair in ec2.describe_key_pairs()["KeyPairs"]:
            ec2.delete_key_pair(KeyName=pair["KeyName"])


@given(user_data=st.text(CHARS, min_size=1, max_size=60), key_name=VALUE)
@example(user_data="#!/bin/sh\necho password=hunter2\n", key_name=" spaced key ")
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_debug_never_holds_the_key_material_or_the_user_data(ec2ops, ec2, user_data, key_name):
    assume(_a_value(key_name) and key_name.strip() and len(key_name) <= 255)
    secret = f"Zq8{user_data}"  # a prefix no trace holds by chance
    launched = ec2ops("run-instances", "--ami-id", "ami-12345678", "--user-data", secret, "--debug")
    assert launched.code == 0, launched.err
    encoded = base64.b64encode(secret.encode()).decode()
    assert secret not in launched.err and escape(secret) not in launched.err and encoded not in launched.err
    assert f"  UserData=*** ({len(secret.encode())} bytes)" in launched.err.splitlines()
    try:
        made = ec2ops("allocate-new-key-pair", "--key-name", key_name, "--debug")
        assert made.code == 0, made.err
        body = "".join(made.out.splitlines()[1:-3])  # the PEM's lines between BEGIN and END
        assert len(body) > 100 and body[:40] not in made.err.replace("\n", "") and "BEGIN" not in made.err
    finally:
        for pair in ec2.describe_key_pairs()["KeyPairs"]:
            ec2.delete_key_pair(KeyName=pair["KeyName"])

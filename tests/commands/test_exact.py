"""Issue 24's audit, case by case: what EC2 sends is printed exactly as sent (spaces at both ends
too), and acting on a printed value acts on the thing it names."""

from __future__ import annotations


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

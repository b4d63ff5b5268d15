"""Security groups against moto's EC2 server; a source group of another account with respx (real EC2's XML)."""

import httpx
import pytest
import respx

from conftest import debug_params, ec2_xml, refusal, sent_params
from ec2ops.operations.groups import EITHER_OR
from ec2ops.validate import CIDR_MESSAGE, PROTOCOL_MESSAGE

URL = "https://ec2.us-east-1.amazonaws.com/"
OWNER = "123456789012"  # moto's account
CIDR_80 = ("--ip-protocol", "tcp", "--from-port", "80", "--to-port", "80", "--cidr-ip", "0.0.0.0/0")


def _create(ec2ops, name, description):
    run = ec2ops("create-security-group", "--group-name", name, "--group-description", description)
    assert run.code == 0, run.err
    return run


def _permissions(ec2ops, group):
    run = ec2ops("get-security-group-details", "--group-name", group, "-o", "json")
    assert run.code == 0, run.err
    return run.json()["ipPermissions"]


def test_create_describe_delete(ec2ops):
    created = ec2ops("create-security-group", "--group-name", "web", "--groupDescription", "Web servers",
                     "--debug", "-o", "json")
    assert created.code == 0, created.err
    assert debug_params(created.err) == {"Action": "CreateSecurityGroup", "Version": "2016-11-15",
                                         "GroupName": "web", "GroupDescription": "Web servers"}
    doc = created.json()
    assert list(doc) == ["returnResult", "groupId", "requestId"]
    assert doc["returnResult"] is True and doc["groupId"].startswith("sg-")
    plain = _create(ec2ops, "app", "App servers").out.splitlines()
    assert plain[0] == "true" and plain[1].startswith("groupId: sg-") and plain[2].startswith("requestId: ")

    duplicate = ec2ops("create-security-group", "--group-name", "web", "--group-description", "again")
    assert duplicate.code == 1
    assert "The security group 'web' already exists. Error code: InvalidGroup.Duplicate." in duplicate.err

    # Rows follow the order of the names given.
    listed = ec2ops("describe-security-groups", "--group-names", "web;app", "--delimiter", ";", "--debug")
    assert listed.code == 0, listed.err
    assert debug_params(listed.err) == {"Action": "DescribeSecurityGroups", "Version": "2016-11-15",
                                        "GroupName.1": "web", "GroupName.2": "app"}
    lines = listed.out.splitlines()
    assert lines[:3] == [f"web,{OWNER},Web servers", f"app,{OWNER},App servers", "groupNames: web;app"]
    everything = ec2ops("describe-security-groups", "-o", "json", "--col-delimiter", "|").json()
    guide = [{k: row[k] for k in ("groupName", "ownerId", "groupDescription")} for row in everything["returnResult"]]
    assert {"groupName": "web", "ownerId": OWNER, "groupDescription": "Web servers"} in guide
    assert set(everything["groupNames"]) == {"default", "web", "app"}
    assert [row["groupName"] for row in everything["returnResult"]] == everything["groupNames"]

    deleted = ec2ops("delete-security-group", "--group-name", "app", "--debug")
    assert (deleted.code, deleted.out.splitlines()[0]) == (0, "true")
    assert debug_params(deleted.err) == {"Action": "DeleteSecurityGroup", "Version": "2016-11-15", "GroupName": "app"}
    assert ec2ops("describe-security-groups", "--get", "groupNames").out.strip().split(",") == ["default", "web"]
    gone = ec2ops("get-security-group-details", "--group-name", "app")
    assert gone.code == 1 and "Error code: InvalidGroup.NotFound." in gone.err


def test_allow_and_revoke_a_cidr_permission(ec2ops):
    _create(ec2ops, "web", "Web")
    allowed = ec2ops("allow-access-to-security-group", "--group-name", "web", *CIDR_80, "--debug")
    assert (allowed.code, allowed.out.splitlines()[0]) == (0, "true"), allowed.err
    assert debug_params(allowed.err) == {
        "Action": "AuthorizeSecurityGroupIngress", "Version": "2016-11-15", "GroupName": "web",
        "IpPermissions.1.IpProtocol": "tcp", "IpPermissions.1.FromPort": "80", "IpPermissions.1.ToPort": "80",
        "IpPermissions.1.IpRanges.1.CidrIp": "0.0.0.0/0",
    }
    icmp = ec2ops("allow-access-to-security-group", "--groupName", "web", "--ipProtocol", "ICMP", "--fromPort", "-1",
                  "--toPort", "-1", "--cidrIp", "10.1.0.0/16")
    assert icmp.code == 0, icmp.err

    details = ec2ops("get-security-group-details", "--group-name", "web", "--col-delimiter", ";")
    assert details.code == 0, details.err
    *lines, last = details.out.splitlines()
    assert lines == [
        "web", "groupName: web", f"ownerId: {OWNER}", "groupDescription: Web", "ipPermissions:",
        "  tcp;80;80;null;null;0.0.0.0/0", "  icmp;-1;-1;null;null;10.1.0.0/16",
    ]
    assert last.startswith("requestId: ")

    again = ec2ops("allow-access-to-security-group", "--group-name", "web", *CIDR_80)
    assert again.code == 1 and "Error code: InvalidPermission.Duplicate." in again.err

    revoked = ec2ops("revoke-access-to-security-group", "--group-name", "web", *CIDR_80, "--debug")
    assert (revoked.code, revoked.out.splitlines()[0]) == (0, "true"), revoked.err
    assert debug_params(revoked.err)["Action"] == "RevokeSecurityGroupIngress"
    assert {k: v for k, v in debug_params(revoked.err).items() if k != "Action"} == {
        k: v for k, v in debug_params(allowed.err).items() if k != "Action"}
    assert _permissions(ec2ops, "web") == [{"ipProtocol": "icmp", "fromPort": -1, "toPort": -1,
                                            "groupName": None, "userId": None, "cidrIp": "10.1.0.0/16"}]


def test_a_source_group_gets_tcp_udp_and_icmp_and_shows_by_name(ec2ops):
    _create(ec2ops, "web", "Web")
    _create(ec2ops, "lb", "Load balancers")
    allowed = ec2ops("allow-access-to-security-group", "--group-name", "web", "--source-security-group-name", "lb",
                     "--debug")
    assert allowed.code == 0, allowed.err
    expected = {"Action": "AuthorizeSecurityGroupIngress", "Version": "2016-11-15", "GroupName": "web"}
    for n, (protocol, low, high) in enumerate([("tcp", "0", "65535"), ("udp", "0", "65535"), ("icmp", "-1", "-1")], 1):
        expected.update({f"IpPermissions.{n}.IpProtocol": protocol, f"IpPermissions.{n}.FromPort": low,
                         f"IpPermissions.{n}.ToPort": high, f"IpPermissions.{n}.Groups.1.GroupName": "lb"})
    assert debug_params(allowed.err) == expected

    # moto, like EC2 today, names the source group by id only: the name is looked up.
    details = ec2ops("get-security-group-details", "--group-name", "web", "-o", "json", "--debug")
    assert debug_params(details.err)["Filter.1.Name"] == "group-id"
    rows = details.json()["ipPermissions"]
    assert rows == [
        {"ipProtocol": p, "fromPort": f, "toPort": t, "groupName": "lb", "userId": OWNER, "cidrIp": None}
        for p, f, t in [("tcp", 0, 65535), ("udp", 0, 65535), ("icmp", -1, -1)]
    ]
    plain = ec2ops("get-security-group-details", "--group-name", "web", "--get", "ipPermissions",
                   "--row-delimiter", "|")
    assert plain.out == f"tcp,0,65535,lb,{OWNER},null|udp,0,65535,lb,{OWNER},null|icmp,-1,-1,lb,{OWNER},null\n"

    revoked = ec2ops("revoke-access-to-security-group", "--group-name", "web", "--source-security-group-name", "lb",
                     "--source-security-group-owner-id", OWNER, "--debug")
    assert revoked.code == 0, revoked.err
    assert debug_params(revoked.err)["IpPermissions.3.Groups.1.UserId"] == OWNER
    assert _permissions(ec2ops, "web") == []


@pytest.mark.parametrize("command", ["allow-access-to-security-group", "revoke-access-to-security-group"])
@pytest.mark.parametrize("args, message", [
    (("--source-security-group-name", "lb", "--cidr-ip", "0.0.0.0/0"), EITHER_OR),
    ((), EITHER_OR),
    (("--source-security-group-owner-id", OWNER), EITHER_OR),
    (("--ip-protocol", "tcp", "--cidr-ip", "0.0.0.0/0"), EITHER_OR),
    (("--ip-protocol", "tcp", "--from-port", "70000", "--to-port", "80", "--cidr-ip", "0.0.0.0/0"),
     "fromPort was invalid. Must be numerical and between 0 and 65535."),
    (("--ip-protocol", "udp", "--from-port", "1", "--to-port", "-1", "--cidr-ip", "0.0.0.0/0"),
     "toPort was invalid. Must be numerical and between 0 and 65535."),
    (("--ip-protocol", "tcp", "--from-port", "http", "--to-port", "80", "--cidr-ip", "0.0.0.0/0"),
     "fromPort was invalid. Must be numerical and between 0 and 65535."),
    (("--ip-protocol", "gre", "--from-port", "1", "--to-port", "2", "--cidr-ip", "0.0.0.0/0"), PROTOCOL_MESSAGE),
    (("--ip-protocol", "tcp", "--from-port", "1", "--to-port", "2", "--cidr-ip", "10.0.0.0/33"), CIDR_MESSAGE),
])
@respx.mock
def test_local_checks_are_exit_2_and_send_nothing(offline, command, args, message):
    route = respx.post(URL).mock(return_value=httpx.Response(200, text=ec2_xml("X", "<return>true</return>")))
    run = offline(command, "--group-name", "web", *args)
    assert (run.code, run.err) == (2, f"ec2ops: {message}\n")
    assert not route.called


WEB = """<securityGroupInfo><item><ownerId>111122223333</ownerId><groupId>sg-1a2b3c4d</groupId>
<groupName>web</groupName><groupDescription>Web</groupDescription><vpcId>vpc-1a2b3c4d</vpcId>
<ipPermissions><item><ipProtocol>tcp</ipProtocol><fromPort>22</fromPort><toPort>22</toPort>
<groups><item><userId>444455556666</userId><groupId>sg-9f8e7d6c</groupId></item>
<item><userId>111122223333</userId><groupId>sg-1a2b3c4d</groupId></item></groups>
<ipRanges/><ipv6Ranges><item><cidrIpv6>2001:db8::/32</cidrIpv6></item></ipv6Ranges><prefixListIds/></item>
<item><ipProtocol>-1</ipProtocol><groups/><ipRanges/><ipv6Ranges/><prefixListIds><item>
<prefixListId>pl-12345678</prefixListId></item></prefixListIds></item></ipPermissions>
<ipPermissionsEgress/></item></securityGroupInfo>"""


@respx.mock
def test_source_groups_ec2_cannot_name_show_their_id(offline):
    route = respx.post(URL).mock(side_effect=[
        httpx.Response(200, text=ec2_xml("DescribeSecurityGroups", WEB)),
        httpx.Response(200, text=ec2_xml("DescribeSecurityGroups", "<securityGroupInfo/>")),
    ])
    run = offline("get-security-group-details", "--group-name", "web", "-o", "json")
    assert run.code == 0, run.err
    first, lookup = (sent_params(call.request) for call in route.calls)
    assert first == {"Action": "DescribeSecurityGroups", "Version": "2016-11-15", "GroupName.1": "web"}
    # The group itself is known from the first answer: only the other account's group is looked up.
    assert lookup == {"Action": "DescribeSecurityGroups", "Version": "2016-11-15", "Filter.1.Name": "group-id",
                      "Filter.1.Value.1": "sg-9f8e7d6c"}
    doc = run.json()
    assert (doc["returnResult"], doc["ownerId"], doc["groupDescription"]) == ("web", "111122223333", "Web")
    assert doc["ipPermissions"] == [
        {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "groupName": "sg-9f8e7d6c", "userId": "444455556666",
         "cidrIp": None},
        {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "groupName": "web", "userId": "111122223333",
         "cidrIp": None},
        {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "groupName": None, "userId": None,
         "cidrIp": "2001:db8::/32"},
        {"ipProtocol": "-1", "fromPort": None, "toPort": None, "groupName": None, "userId": None, "cidrIp": None},
    ]


def test_group_names_follow_the_order_of_the_rows_given(ec2ops):
    for name in ("lb", "web"):
        assert ec2ops("create-security-group", "--group-name", name, "--group-description", name).code == 0
    run = ec2ops("describe-security-groups", "--group-names", "web,lb")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert [line.split(",")[0] for line in lines[:2]] == ["web", "lb"] and lines[2] == "groupNames: web,lb"


def test_deleting_default_is_refused_in_the_sandbox_with_the_guides_message(sandbox):
    """moto deletes it; EC2 refuses, and so does `ec2ops sandbox`."""
    run = sandbox("delete-security-group", "--group-name", "default")
    assert (run.code, run.out) == (1, "")
    assert refusal(run.err) == \
        "ec2ops: The security group 'default' is reserved. Error code: InvalidGroup.Reserved."
    assert sandbox("describe-security-groups", "--get", "groupNames").out.strip() == "default"

"""Beyond the guide: create-volume's volume type, IOPS, throughput and encryption; security group
rules with IPv6 ranges, several ranges in one call, a description and ICMPv6. Against moto, read back
with boto3; the guide's inputs work as before (tests/commands/test_ebs.py, test_groups.py)."""

import pytest


def test_a_gp3_volume_with_iops_and_throughput_encrypted_with_a_kms_key(ec2ops, ec2):
    run = ec2ops("create-volume", "--size", "10", "--availability-zone", "us-east-1a", "--volume-type", "gp3",
                 "--iops", "4000", "--throughput", "250", "--encrypted", "--kms-key-id", "alias/ops", "-o", "json")
    assert run.code == 0, run.err
    made = run.json()
    volume = ec2.describe_volumes(VolumeIds=[made["returnResult"]])["Volumes"][0]
    assert (volume["VolumeType"], volume["Iops"], volume["Throughput"], volume["Encrypted"], volume["KmsKeyId"]) == \
        ("gp3", 4000, 250, True, "alias/ops")
    assert list(made) == ["returnResult", "volumeId", "size", "status", "createTime", "availabilityZone",
                          "snapshotId", "requestId"]  # the guide's outputs
    got = ec2ops("create-volume", "--size", "4", "--availability-zone", "us-east-1a", "--volume-type", "IO2",
                 "--iops", "300", "--get", "returnResult")
    assert got.code == 0, got.err
    shown = ec2ops("describe-volumes", "--volume-ids", got.out.strip(), "--columns", "volumeType,iops,encrypted")
    assert shown.out.splitlines()[0] == "io2,300,false"


def test_without_the_new_inputs_ec2_chooses_and_plain_is_the_guides(ec2ops, ec2):
    run = ec2ops("create-volume", "--size", "10", "--availability-zone", "us-east-1a", "--debug")
    assert run.code == 0, run.err
    sent = [line.strip() for line in run.err.splitlines() if line.startswith("  ")]
    assert not [p for p in sent if p.startswith(("VolumeType=", "Iops=", "Throughput=", "Encrypted=", "KmsKeyId="))]
    lines = run.out.splitlines()
    assert [line.split(":")[0] for line in lines[1:]] == ["volumeId", "size", "status", "createTime",
                                                          "availabilityZone", "snapshotId", "requestId"]
    volume = ec2.describe_volumes(VolumeIds=[lines[0]])["Volumes"][0]
    assert (volume["VolumeType"], volume["Encrypted"]) == ("gp2", False)  # moto's EC2 default


@pytest.mark.parametrize("extra,message", [
    (["--iops", "3000"], "--iops is for io1, io2 and gp3 volumes: give --volume-type too."),
    (["--volume-type", "gp2", "--iops", "3000"], "--iops is for io1, io2 and gp3 volumes: give --volume-type too."),
    (["--volume-type", "io2", "--throughput", "200"], "--throughput is for gp3 volumes: give --volume-type gp3 too."),
    (["--kms-key-id", "alias/ops"], "--kms-key-id names the key of an encrypted volume: give --encrypted too."),
    (["--volume-type", "gp3", "--iops", "0"], "--iops must be a positive integer."),
    (["--volume-type", "gp3", "--throughput", "fast"], "--throughput must be a positive integer."),
])
def test_what_ec2_would_refuse_is_refused_first(ec2ops, ec2, extra, message):
    run = ec2ops("create-volume", "--size", "10", "--availability-zone", "us-east-1a", *extra)
    assert (run.code, run.out, run.err) == (2, "", f"ec2ops: {message}\n")
    assert ec2.describe_volumes()["Volumes"] == []


@pytest.fixture
def group(ec2):
    return ec2.create_security_group(GroupName="web", Description="Web")["GroupId"]


def rules(ec2, group_id):
    return ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]["IpPermissions"]


def test_ipv6_and_several_ranges_with_a_description_in_one_rule(ec2ops, ec2, group):
    run = ec2ops("allow-access-to-security-group", "--group-id", group, "--ip-protocol", "tcp", "--from-port", "443",
                 "--to-port", "443", "--cidr-ip", "203.0.113.0/24,198.51.100.0/24", "--cidr-ipv6",
                 "2001:db8::/32,2001:db8:1::/48", "--description", "HTTPS from the offices")
    assert run.code == 0 and run.out.startswith("true\nrequestId: "), run.err
    [rule] = rules(ec2, group)
    assert (rule["IpProtocol"], rule["FromPort"], rule["ToPort"]) == ("tcp", 443, 443)
    assert rule["IpRanges"] == [{"CidrIp": "203.0.113.0/24", "Description": "HTTPS from the offices"},
                                {"CidrIp": "198.51.100.0/24", "Description": "HTTPS from the offices"}]
    assert rule["Ipv6Ranges"] == [{"CidrIpv6": "2001:db8::/32", "Description": "HTTPS from the offices"},
                                  {"CidrIpv6": "2001:db8:1::/48", "Description": "HTTPS from the offices"}]
    shown = ec2ops("get-security-group-details", "--group-id", group, "--get", "ipPermissions")
    assert shown.out.splitlines() == [f"tcp,443,443,null,null,{cidr}" for cidr in
                                      ("203.0.113.0/24", "198.51.100.0/24", "2001:db8::/32", "2001:db8:1::/48")]
    gone = ec2ops("revoke-access-to-security-group", "--group-id", group, "--ip-protocol", "tcp", "--from-port",
                  "443", "--to-port", "443", "--cidr-ip", "198.51.100.0/24", "--cidr-ipv6", "2001:db8::/32")
    assert gone.code == 0, gone.err
    [rule] = rules(ec2, group)
    assert [r["CidrIp"] for r in rule["IpRanges"]] == ["203.0.113.0/24"]
    assert [r["CidrIpv6"] for r in rule["Ipv6Ranges"]] == ["2001:db8:1::/48"]


def test_an_ipv6_range_alone_and_a_source_group_with_a_description(ec2ops, ec2, group):
    run = ec2ops("allow-access-to-security-group", "--group-id", group, "--ip-protocol", "tcp", "--from-port", "22",
                 "--to-port", "22", "--cidr-ipv6", "2001:db8::/32")
    assert run.code == 0, run.err
    assert [(r["FromPort"], r["IpRanges"], r["Ipv6Ranges"]) for r in rules(ec2, group)] == \
        [(22, [], [{"CidrIpv6": "2001:db8::/32"}])]
    lb = ec2.create_security_group(GroupName="lb", Description="LB")["GroupId"]
    pair = ec2ops("allow-access-to-security-group", "--group-id", lb, "--source-security-group-id", group,
                  "--description", "from web", "--debug")
    assert pair.code == 0, pair.err
    assert "  IpPermissions.1.Groups.1.Description=from web" in pair.err.splitlines()


@pytest.mark.parametrize("extra,message", [
    (["--cidr-ipv6", "2001:db8::/129"],
     "The given IPv6 CIDR is invalid. It must be an IPv6 address and a prefix length, e.g. 2001:db8::/32."),
    (["--cidr-ipv6", "203.0.113.0/24"],
     "The given IPv6 CIDR is invalid. It must be an IPv6 address and a prefix length, e.g. 2001:db8::/32."),
    (["--cidr-ip", "203.0.113.0/24,10.0.0.0/33"],
     "The given CIDR IP address is invalid. It must have the following format: [0-255].[0-255].[0-255].[0-255]/[0-32]."),
])
def test_a_bad_range_is_refused_before_anything_is_sent(ec2ops, ec2, group, extra, message):
    run = ec2ops("allow-access-to-security-group", "--group-id", group, "--ip-protocol", "tcp", "--from-port", "22",
                 "--to-port", "22", *extra)
    assert (run.code, run.out, run.err) == (2, "", f"ec2ops: {message}\n")
    assert rules(ec2, group) == []


def test_ports_without_any_range_is_the_guides_either_or(ec2ops, group):
    run = ec2ops("allow-access-to-security-group", "--group-id", group, "--ip-protocol", "tcp", "--from-port", "22",
                 "--to-port", "22", "--description", "no range")
    assert run.code == 2 and run.err.startswith("ec2ops: Must supply either only user/group pair permission inputs")


def test_icmpv6_rules_with_ipv6_ranges_are_added_listed_and_revoked(ec2ops, ec2, group):
    """icmpv6 (EC2's name for ICMP over IPv6, protocol 58): its type and code in the ports as for ICMP,
    -1 for any; added, listed by get-security-group-details and revoked, read back with boto3."""
    anything = ec2ops("allow-access-to-security-group", "--group-id", group, "--ip-protocol", "icmpv6",
                      "--from-port", "-1", "--to-port", "-1", "--cidr-ipv6", "::/0")
    assert anything.code == 0 and anything.out.startswith("true\nrequestId: "), anything.err
    echo = ec2ops("allow-access-to-security-group", "--group-id", group, "--ip-protocol", "ICMPv6", "--from-port",
                  "128", "--to-port", "0", "--cidr-ipv6", "2001:db8::/32", "--description", "ping", "--debug")
    assert echo.code == 0, echo.err
    sent = [line.strip() for line in echo.err.splitlines() if line.startswith("  IpPermissions.")]
    assert sorted(sent) == sorted(["IpPermissions.1.IpProtocol=icmpv6", "IpPermissions.1.FromPort=128", "IpPermissions.1.ToPort=0",
                    "IpPermissions.1.Ipv6Ranges.1.CidrIpv6=2001:db8::/32",
                    "IpPermissions.1.Ipv6Ranges.1.Description=ping"])
    assert sorted((r["IpProtocol"], r["FromPort"], r["ToPort"], r["IpRanges"], r["Ipv6Ranges"])
                  for r in rules(ec2, group)) == [
        ("icmpv6", -1, -1, [], [{"CidrIpv6": "::/0"}]),
        ("icmpv6", 128, 0, [], [{"CidrIpv6": "2001:db8::/32", "Description": "ping"}])]

    shown = ec2ops("get-security-group-details", "--group-id", group, "--get", "ipPermissions")
    assert sorted(shown.out.splitlines()) == ["icmpv6,-1,-1,null,null,::/0", "icmpv6,128,0,null,null,2001:db8::/32"]
    table = ec2ops("get-security-group-details", "--group-id", group, "-o", "json").json()["ipPermissions"]
    assert {"ipProtocol": "icmpv6", "fromPort": 128, "toPort": 0, "groupName": None, "userId": None,
            "cidrIp": "2001:db8::/32"} in table

    gone = ec2ops("revoke-access-to-security-group", "--group-id", group, "--ip-protocol", "icmpv6", "--from-port",
                  "128", "--to-port", "0", "--cidr-ipv6", "2001:db8::/32")
    assert (gone.code, gone.out.split("\n")[0]) == (0, "true"), gone.err
    assert [(r["IpProtocol"], r["FromPort"], r["Ipv6Ranges"]) for r in rules(ec2, group)] == [
        ("icmpv6", -1, [{"CidrIpv6": "::/0"}])]
    wildcard = ec2ops("revoke-access-to-security-group", "--group-id", group, "--ip-protocol", "icmpv6",
                      "--from-port", "-1", "--to-port", "-1", "--cidr-ipv6", "::/0")
    assert wildcard.code == 0, wildcard.err
    assert rules(ec2, group) == []


PROTOCOL = ("The given IpProtocol is invalid. Must be one of 'tcp', 'udp' or 'icmp'. "
            "Beyond these, 'icmpv6' (ICMP for IPv6).")


@pytest.mark.parametrize("command", ["allow-access-to-security-group", "revoke-access-to-security-group"])
@pytest.mark.parametrize("protocol,ports,message", [
    ("gre", ("1", "2"), PROTOCOL),
    ("icmp6", ("-1", "-1"), PROTOCOL),
    ("58", ("-1", "-1"), PROTOCOL),
    ("icmpv6", ("-2", "-1"), "fromPort was invalid. Must be numerical and between 0 and 65535."),
    ("tcp", ("-1", "-1"), "fromPort was invalid. Must be numerical and between 0 and 65535."),  # -1: ICMP's alone
])
def test_a_bad_protocol_keeps_the_guides_words_with_icmpv6(ec2ops, ec2, group, command, protocol, ports, message):
    run = ec2ops(command, "--group-id", group, "--ip-protocol", protocol, "--from-port", ports[0], "--to-port",
                 ports[1], "--cidr-ipv6", "::/0")
    assert (run.code, run.out, run.err) == (2, "", f"ec2ops: {message}\n")
    assert rules(ec2, group) == []

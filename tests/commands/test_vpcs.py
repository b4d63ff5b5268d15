"""describe-vpcs and describe-subnets (beyond the guide): their rows hold the values the AWS CLI
shows (boto3 against moto is the oracle), and they read like every table."""

import pytest

# (ec2ops column, boto3's field) for each table's columns that are a field of EC2's
VPC_FIELDS = [("vpcId", "VpcId"), ("cidrBlock", "CidrBlock"), ("state", "State"), ("isDefault", "IsDefault"),
              ("dhcpOptionsId", "DhcpOptionsId"), ("instanceTenancy", "InstanceTenancy"), ("ownerId", "OwnerId")]
SUBNET_FIELDS = [("subnetId", "SubnetId"), ("vpcId", "VpcId"), ("cidrBlock", "CidrBlock"),
                 ("availabilityZone", "AvailabilityZone"), ("availableIpAddressCount", "AvailableIpAddressCount"),
                 ("defaultForAz", "DefaultForAz"), ("mapPublicIpOnLaunch", "MapPublicIpOnLaunch"),
                 ("state", "State"), ("availabilityZoneId", "AvailabilityZoneId"), ("ownerId", "OwnerId"),
                 ("assignIpv6AddressOnCreation", "AssignIpv6AddressOnCreation"), ("subnetArn", "SubnetArn")]


def name_of(thing: dict):
    return next((t["Value"] for t in thing.get("Tags", []) if t["Key"] == "Name"), None)


@pytest.fixture
def network(ec2):
    """A VPC named main with an IPv6 block and a subnet in us-east-1b that maps public IPs, beside the
    default VPC and its subnets."""
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": "main"}, {"Key": "team", "Value": "ops"}])
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24", AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    ec2.modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": True})
    ec2.create_tags(Resources=[subnet], Tags=[{"Key": "Name", "Value": "web-b"}])
    return vpc, subnet


def test_vpc_rows_are_the_aws_clis_values(ec2ops, ec2, network):
    run = ec2ops("describe-vpcs", "-o", "json")
    assert run.code == 0, run.err
    rows = {row["vpcId"]: row for row in run.json()["returnResult"]}
    oracle = ec2.describe_vpcs()["Vpcs"]
    assert len(rows) == len(oracle) == 2
    for vpc in oracle:
        row = rows[vpc["VpcId"]]
        assert {key: row[key] for key, _ in VPC_FIELDS} == {key: vpc[field] for key, field in VPC_FIELDS}
        assert row["name"] == name_of(vpc)
        assert row["tags"] == {t["Key"]: t["Value"] for t in vpc.get("Tags", [])}
        assert row["cidrBlocks"] == [a["CidrBlock"] for a in vpc["CidrBlockAssociationSet"]]
        assert row["ipv6CidrBlocks"] == [a["Ipv6CidrBlock"] for a in vpc.get("Ipv6CidrBlockAssociationSet", [])]
    assert rows[network[0]]["name"] == "main" and rows[network[0]]["ipv6CidrBlocks"]
    assert list(rows[network[0]])[:7] == ["vpcId", "cidrBlock", "state", "isDefault", "dhcpOptionsId",
                                          "instanceTenancy", "name"]  # the default columns first


def test_subnet_rows_are_the_aws_clis_values(ec2ops, ec2, network):
    run = ec2ops("describe-subnets", "-o", "json")
    assert run.code == 0, run.err
    rows = {row["subnetId"]: row for row in run.json()["returnResult"]}
    oracle = ec2.describe_subnets()["Subnets"]
    assert len(rows) == len(oracle) > 1
    for subnet in oracle:
        row = rows[subnet["SubnetId"]]
        assert {key: row[key] for key, _ in SUBNET_FIELDS} == {key: subnet[field] for key, field in SUBNET_FIELDS}
        assert row["name"] == name_of(subnet)
    mine = rows[network[1]]
    assert (mine["mapPublicIpOnLaunch"], mine["defaultForAz"], mine["name"]) == (True, False, "web-b")


def test_plain_rows_are_the_default_columns(ec2ops, ec2, network):
    vpc, subnet = network
    run = ec2ops("describe-vpcs", "--vpc-ids", vpc)
    assert run.code == 0, run.err
    assert run.out.splitlines()[0] == f"{vpc},10.9.0.0/16,available,false,default,default,main"
    assert run.out.splitlines()[1].startswith("requestId: ") and len(run.out.splitlines()) == 2
    count = ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["AvailableIpAddressCount"]
    sub = ec2ops("describe-subnets", "--subnet-ids", subnet, "--get", "returnResult")
    assert (sub.code, sub.out) == (0, f"{subnet},{vpc},10.9.1.0/24,us-east-1b,{count},false,true,available,web-b\n")
    default = ec2ops("describe-vpcs", "--filter", "is-default=true", "--get", "returnResult")
    assert default.code == 0 and default.out.endswith(",available,true,default,default,null\n")


def test_they_read_like_every_table(ec2ops, ec2, network):
    vpc, subnet = network
    tagged = ec2ops("describe-vpcs", "--tag", "team=ops", "--columns", "vpcId,tag:team", "--get", "returnResult")
    assert (tagged.code, tagged.out) == (0, f"{vpc},ops\n")
    by_vpc = ec2ops("describe-subnets", "--filter", f"vpc-id={vpc}", "--columns", "subnetId,name,region",
                    "--regions", "us-east-1", "--get", "returnResult")
    assert (by_vpc.code, by_vpc.out) == (0, f"{subnet},web-b,us-east-1\n"), by_vpc.err
    piped = ec2ops("describe-subnets", "--subnet-ids", "-", "--columns", "subnetId", "--get", "returnResult",
                   stdin=f"{subnet}\n")
    assert (piped.code, piped.out) == (0, f"{subnet}\n")
    paged = ec2ops("describe-vpcs", "--page-size", "5", "--max-items", "1", "--debug", "--get", "returnResult")
    assert paged.code == 0 and len(paged.out.splitlines()) == 1 and "  MaxResults=5" in paged.err


@pytest.mark.parametrize("args,message", [
    (["describe-vpcs", "--vpc-ids", "subnet-12345678"],
     "Value (subnet-12345678) for parameter vpcId is invalid. Expected: 'vpc-...'. Error code: InvalidParameterValue."),
    (["describe-subnets", "--subnet-ids", "vpc-12345678"],
     "Value (vpc-12345678) for parameter subnetId is invalid. Expected: 'subnet-...'. "
     "Error code: InvalidParameterValue."),
    (["describe-vpcs", "--columns", "vpcId,nope"],
     "--columns: describe-vpcs has no column nope; its columns are vpcId, cidrBlock, state, isDefault, dhcpOptionsId, "
     "instanceTenancy, name, ownerId, cidrBlocks, ipv6CidrBlocks, tags (and region, profile with --regions, "
     "--profiles), or all."),
    (["describe-subnets", "--page-size", "2"], "--page-size must be from 5 to 1000 for DescribeSubnets, not 2."),
])
def test_bad_input_is_refused_before_anything_is_sent(ec2ops, args, message):
    run = ec2ops(*args)
    assert (run.code, run.out, run.err) == (2, "", f"ec2ops: {message}\n")


def test_a_vpc_that_does_not_exist_is_ec2s_refusal(ec2ops):
    run = ec2ops("describe-vpcs", "--vpc-ids", "vpc-0123456789abcdef0")
    assert run.code == 1 and run.out == "" and "Error code: InvalidVpcID.NotFound." in run.err

"""VPCs and subnets, beyond the guide (its EC2 had neither): tables of the fields an operator looks
for, read like every other table (filters, tags, columns, regions, paging: traits), their values EC2's
as the AWS CLI shows them."""

from __future__ import annotations

from ec2ops import validate
from ec2ops.resources import SUBNET, VPC
from ec2ops.rows import TAGS, Column, Items, tag_column
from ec2ops.spec import ROW_DELIMITER, Input, Operation, Output, col_delimiter, delimiter_input

NAME = tag_column("Name", key="name", title="Name")  # the Name tag: how people tell them apart

VPC_COLUMNS = (
    Column("vpcId", "VPC ID"),
    Column("cidrBlock", "CIDR"),
    Column("state", "State"),
    Column("isDefault", "Default"),
    Column("dhcpOptionsId", "DHCP options ID"),
    Column("instanceTenancy", "Tenancy"),
    NAME,
    Column("ownerId", "Owner ID", extra=True),
    Column("cidrBlocks", "CIDR blocks", path="cidrBlockAssociationSet/cidrBlock", many=True, extra=True),
    Column("ipv6CidrBlocks", "IPv6 CIDR blocks", path="ipv6CidrBlockAssociationSet/ipv6CidrBlock", many=True,
           extra=True),
    TAGS,
)
SUBNET_COLUMNS = (
    Column("subnetId", "Subnet ID"),
    Column("vpcId", "VPC ID"),
    Column("cidrBlock", "CIDR"),
    Column("availabilityZone", "Availability zone"),
    Column("availableIpAddressCount", "Available IPs"),
    Column("defaultForAz", "Default for AZ"),
    Column("mapPublicIpOnLaunch", "Public IP on launch"),
    Column("state", "State"),
    NAME,
    Column("availabilityZoneId", "Zone ID", extra=True),
    Column("ownerId", "Owner ID", extra=True),
    Column("ipv6CidrBlocks", "IPv6 CIDR blocks", path="ipv6CidrBlockAssociationSet/ipv6CidrBlock", many=True,
           extra=True),
    Column("assignIpv6AddressOnCreation", "IPv6 on creation", extra=True),
    Column("subnetArn", "ARN", extra=True),
    TAGS,
)


def _ids(resource, kind: str):
    return validate.prefixed(resource.prefix, f"Value (###) for parameter {kind}Id is invalid. "
                                              f"Expected: '{resource.prefix}...'. Error code: InvalidParameterValue.")


OPERATIONS = [
    Operation(
        name="describe-vpcs",
        action="DescribeVpcs",
        area="beyond",
        help="""Lists your VPCs, one row each: VPC ID, CIDR, state, default (true for the region's
        default VPC), DHCP options ID, tenancy and Name (its Name tag, null without one).

        With vpcIds only those. Beyond these columns, the columns option (and JSON) gives ownerId, cidrBlocks
        (every IPv4 block), ipv6CidrBlocks and tags.""",
        inputs=(
            Input("vpcIds", "The VPCs to describe (vpc-...) [default: all].", query="VpcId.N",
                  check=_ids(VPC, "vpc")),
            delimiter_input(what="the VPC IDs of vpcIds and the elements of a list cell"),
            ROW_DELIMITER,
            col_delimiter(),
        ),
        items=Items("vpcSet"),
        outputs=(
            Output("returnResult", columns=VPC_COLUMNS,
                   help="The VPCs: VPC ID, CIDR, State, Default, DHCP options ID, Tenancy, Name."),
        ),
        example="ec2ops describe-vpcs --vpc-ids vpc-0abc1234 -o json",
    ),
    Operation(
        name="describe-subnets",
        action="DescribeSubnets",
        area="beyond",
        help="""Lists your subnets, one row each: subnet ID, VPC ID, CIDR, availability zone,
        available IPs, default for AZ, public IP on launch (mapPublicIpOnLaunch), state and Name (its
        Name tag, null without one).

        With subnetIds only those; EC2's filter vpc-id those of one VPC. Beyond these columns, the
        columns option (and JSON) gives availabilityZoneId, ownerId, ipv6CidrBlocks,
        assignIpv6AddressOnCreation, subnetArn and tags.""",
        inputs=(
            Input("subnetIds", "The subnets to describe (subnet-...) [default: all].", query="SubnetId.N",
                  check=_ids(SUBNET, "subnet")),
            delimiter_input(what="the subnet IDs of subnetIds and the elements of a list cell"),
            ROW_DELIMITER,
            col_delimiter(),
        ),
        items=Items("subnetSet"),
        outputs=(
            Output("returnResult", columns=SUBNET_COLUMNS,
                   help="The subnets: Subnet ID, VPC ID, CIDR, Availability zone, Available IPs, Default for AZ, "
                        "Public IP on launch, State, Name."),
        ),
        example="ec2ops describe-subnets --get returnResult | cut -d, -f1,3,4",
    ),
]

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


def _listing(resource, kind: str, word: str, help: str, columns: tuple, shown: str, example: str) -> Operation:
    """describe-vpcs, describe-subnets: `kind`'s table (vpc, subnet; `word` its name in the help), all
    of them or those of kindIds, read like every other table."""
    name = kind[0].upper() + kind[1:]  # EC2's spelling: DescribeVpcs, VpcId.N
    return Operation(
        name=f"describe-{kind}s",
        action=f"Describe{name}s",
        area="beyond",
        help=help,
        inputs=(
            Input(f"{kind}Ids", f"The {word}s to describe ({resource.prefix}...) [default: all].",
                  query=f"{name}Id.N", check=validate.prefixed(
                      resource.prefix, f"Value (###) for parameter {kind}Id is invalid. Expected: "
                                       f"'{resource.prefix}...'. Error code: InvalidParameterValue.")),
            delimiter_input(what=f"the {word} IDs of {kind}Ids and the elements of a list cell"),
            ROW_DELIMITER,
            col_delimiter(),
        ),
        items=Items(f"{kind}Set"),
        outputs=(Output("returnResult", columns=columns, help=f"The {word}s: {shown}."),),
        example=example,
    )


OPERATIONS = [
    _listing(
        VPC, "vpc", "VPC", columns=VPC_COLUMNS,
        help="""Lists your VPCs, one row each: VPC ID, CIDR, state, default (true for the region's
        default VPC), DHCP options ID, tenancy and Name (its Name tag, null without one).

        With vpcIds only those. Beyond these columns, the columns option (and JSON) gives ownerId, cidrBlocks
        (every IPv4 block), ipv6CidrBlocks and tags.""",
        shown="VPC ID, CIDR, State, Default, DHCP options ID, Tenancy, Name",
        example="ec2ops describe-vpcs --vpc-ids vpc-0abc1234 -o json",
    ),
    _listing(
        SUBNET, "subnet", "subnet", columns=SUBNET_COLUMNS,
        help="""Lists your subnets, one row each: subnet ID, VPC ID, CIDR, availability zone,
        available IPs, default for AZ, public IP on launch (mapPublicIpOnLaunch), state and Name (its
        Name tag, null without one).

        With subnetIds only those; EC2's filter vpc-id those of one VPC. Beyond these columns, the
        columns option (and JSON) gives availabilityZoneId, ownerId, ipv6CidrBlocks,
        assignIpv6AddressOnCreation, subnetArn and tags.""",
        shown="Subnet ID, VPC ID, CIDR, Availability zone, Available IPs, Default for AZ, Public IP on launch, "
              "State, Name",
        example="ec2ops describe-subnets --get returnResult | cut -d, -f1,3,4",
    ),
]

"""Availability zones and regions."""

from ec2ops.spec import Column, Items, Operation, Output, ROW_DELIMITER, col_delimiter, delimiter_input


def _available(zone: dict) -> bool:
    return zone.get("zoneState") == "available"


OPERATIONS = [
    Operation(
        name="enumerate-availability-zones",
        action="DescribeAvailabilityZones",
        area="zones",
        help="""Lists your EC2 availability zones: returnResult holds the available ones,
        notAvailableZones those you can see but not use (usually none).

        Zones are not the same across accounts: us-east-1a for account A is not necessarily
        us-east-1a for account B.""",
        inputs=(delimiter_input(what="the zones in the results lists"),),
        items=Items("availabilityZoneInfo"),
        outputs=(
            Output("returnResult", path="zoneName", many=True, where=_available,
                   help="The available zones, delimiter-separated."),
            Output("notAvailableZones", path="zoneName", many=True, where=lambda zone: not _available(zone),
                   help="The zones that are visible but not available."),
        ),
        example="ec2ops enumerate-availability-zones --region eu-west-1 --delimiter ' '",
    ),
    Operation(
        name="enumerate-regions",
        action="DescribeRegions",
        area="zones",
        help="""Lists the regions that are currently available to you, one row each:
        region name and region endpoint.""",
        inputs=(ROW_DELIMITER, col_delimiter()),
        items=Items("regionInfo"),
        outputs=(
            Output(
                "returnResult",
                columns=(Column("regionName", "Region name"), Column("regionEndpoint", "Region endpoint")),
                help="The regions: Region name, Region endpoint.",
            ),
        ),
        example="ec2ops enumerate-regions --get returnResult | cut -d, -f1",
    ),
]

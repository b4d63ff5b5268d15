"""Elastic IPs.

The guide names an address by its public IP alone. Today's addresses are VPC ones, which EC2
handles by allocation and association ids: the commands look those up (DescribeAddresses) and
send them, so the public IP is still all a user gives."""

from ec2ops import validate
from ec2ops.client import document
from ec2ops.resources import ADDRESS
from ec2ops.spec import Change, Column, Input, Items, Operation, Output, ROW_DELIMITER, col_delimiter, RETURNED_TRUE

IP_ADDRESS = Input("ipAddress", "The elastic IP address.", query="PublicIp", required=True,
                   check=validate.ip_address)
VPC_NOTE = """A VPC address (all of today's) is looked up first with DescribeAddresses, and its
        allocation or association id is sent in place of the public IP."""
CHANGES_ADDRESS = Change(ADDRESS, ids="ipAddress")


def _lookup(lookups, inputs: dict) -> dict:
    """The address, when it is a VPC one (domain vpc: the one with an allocation id); an EC2-Classic
    one (domain standard) has none, and is named by its public IP as in 2009."""
    response = lookups.read("DescribeAddresses", {"PublicIp.1": inputs["ipAddress"]})
    address = next(iter(document.elements(response.body, "addressesSet")), {})
    return {"vpcAddress": address if address.get("allocationId") else None}


def _associate(inputs: dict, params: dict) -> dict:
    vpc = inputs["vpcAddress"]
    if not vpc:
        return params
    # The guide moves an address that is in use to the new instance: VPC wants that said.
    return {"AllocationId": vpc["allocationId"], "InstanceId": params["InstanceId"], "AllowReassociation": "true"}


def _disassociate(inputs: dict, params: dict) -> dict | None:
    vpc = inputs["vpcAddress"]
    if not vpc:
        return params
    if not vpc.get("associationId"):
        return None  # not associated: the guide's "succeeds but does nothing"
    return {"AssociationId": vpc["associationId"]}


def _release(session, inputs: dict, params: dict):
    """Two changes: outside the default VPC, EC2 refuses to release an address in use, so it is
    disassociated first."""
    vpc = inputs["vpcAddress"]
    if not vpc:
        return session.call("ReleaseAddress", params)
    if vpc.get("associationId"):
        session.call("DisassociateAddress", {"AssociationId": vpc["associationId"]})
    return session.call("ReleaseAddress", {"AllocationId": vpc["allocationId"]})


OPERATIONS = [
    Operation(
        name="allocate-new-elastic-ip",
        action="AllocateAddress",
        area="eip",
        help="""Acquires an elastic IP address for your account. Its returnResult is the address;
        allocationId and domain (vpc or standard) are those EC2 gives for it.""",
        change=Change(ADDRESS, creates=True),
        outputs=(
            Output("returnResult", path="publicIp", help="The new elastic IP address."),
            Output("allocationId", path="allocationId", help="Its allocation id (VPC addresses)."),
            Output("domain", path="domain", help="vpc, or standard for an EC2-Classic address."),
        ),
        example="ec2ops allocate-new-elastic-ip --get returnResult   # the address alone",
    ),
    Operation(
        name="associate-elastic-ip",
        action="AssociateAddress",
        area="eip",
        help=f"""Associates an elastic IP address with an instance. An address already associated with
        another instance moves to this one; the old instance has no public DNS name for a few
        minutes. Repeating the call with the same inputs is not an error.

        {VPC_NOTE}""",
        inputs=(IP_ADDRESS, Input("instanceId", "The ID of the instance.", query="InstanceId", required=True,
                                   check=validate.instance_id)),
        outputs=(RETURNED_TRUE, Output("associationId", path="associationId", help="The association id (VPC addresses).")),
        lookup=_lookup,
        shape=_associate,
        change=CHANGES_ADDRESS,
        example="ec2ops associate-elastic-ip --ip-address 203.0.113.10 --instance-id i-0abc1234",
    ),
    Operation(
        name="disassociate-elastic-ip",
        action="DisassociateAddress",
        area="eip",
        help=f"""Disassociates an elastic IP address from its instance. It succeeds and does nothing
        when the address is not assigned. The instance has no public DNS name for a few minutes.

        {VPC_NOTE}""",
        inputs=(IP_ADDRESS,),
        outputs=(RETURNED_TRUE,),
        lookup=_lookup,
        shape=_disassociate,
        change=CHANGES_ADDRESS,
        example="ec2ops disassociate-elastic-ip --ip-address 203.0.113.10",
    ),
    Operation(
        name="enumerate-elastic-ips",
        action="DescribeAddresses",
        area="eip",
        help="""Lists the elastic IP addresses of your account. One row each: the address and the
        instance it is associated with (null when none).""",
        inputs=(ROW_DELIMITER, col_delimiter()),
        items=Items("addressesSet"),
        outputs=(
            Output(
                "returnResult",
                columns=(Column("publicIp", "IP Address"), Column("instanceId", "Instance ID"),
                         Column("allocationId", "Allocation ID", extra=True),
                         Column("associationId", "Association ID", extra=True), Column("domain", "Domain", extra=True)),
                help="The addresses: IP Address, Instance ID.",
            ),
        ),
        example="ec2ops enumerate-elastic-ips | grep ',null$'   # the unassociated ones",
    ),
    Operation(
        name="release-elastic-ip",
        action="DescribeAddresses, DisassociateAddress, ReleaseAddress",
        area="eip",
        help=f"""Releases an elastic IP address of your account. It is disassociated first from any
        instance, which has no public DNS name for a few minutes. Fails for an address that is
        not yours (or was released already). To disassociate it only, use
        disassociate-elastic-ip.

        {VPC_NOTE}""",
        inputs=(IP_ADDRESS,),
        outputs=(RETURNED_TRUE,),
        lookup=_lookup,
        perform=_release,
        change=CHANGES_ADDRESS,
        example="ec2ops release-elastic-ip --ip-address 203.0.113.10",
    ),
]

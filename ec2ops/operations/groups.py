"""Security groups.

Permissions go out in the IpPermissions.1.* form of today's API (the flat 2009 source-group form
is ignored by some servers). Today's EC2 names a source group by its id only in
DescribeSecurityGroups: get-security-group-details looks the names up so its table still shows them.

Beyond the guide, a group (and a source group) can be named by its id (sg-...), as a group in a VPC
other than the default one must be: every command takes exactly one of the name and the id."""

from dataclasses import dataclass

from ec2ops import validate
from ec2ops.client import document
from ec2ops.errors import Ec2Error, InputError
from ec2ops.resources import SECURITY_GROUP
from ec2ops.traits import filter_query
from ec2ops.spec import (
    Change, Column, Input, Items, Operation, Output, ROW_DELIMITER, col_delimiter, delimiter_input, RETURNED_TRUE,
)
from ec2ops.rows import TAGS
from ec2ops.spec import TAGS_OUTPUT

EITHER_OR = (
    "Must supply either only user/group pair permission inputs (SourceSecurityGroupName and "
    "SourceSecurityGroupOwnerId) or only CIDR IP permission inputs (IpProtocol, FromPort, ToPort, CidrIp)."
)
PAIR = ("sourceSecurityGroupName", "sourceSecurityGroupId", "sourceSecurityGroupOwnerId")
ONE_GROUP = "Name the security group with exactly one of --group-name and --group-id."
ONE_SOURCE = ("Name the source security group with only one of --source-security-group-name and "
              "--source-security-group-id.")
GROUP_LISTS = "Give the groups to describe by --group-names or by --group-ids, not both."
CIDR = ("ipProtocol", "fromPort", "toPort", "cidrIp")
# The guide's source-group permission: any machine of the source group, over TCP, UDP or ICMP.
ANY_TCP_UDP_ICMP = (("tcp", "0", "65535"), ("udp", "0", "65535"), ("icmp", "-1", "-1"))


def group_inputs(help: str, query: str = "GroupName") -> tuple[Input, Input]:
    """The guide's groupName and, beyond it, groupId: sent as GroupName or GroupId (`query` says
    which form, GroupName or GroupName.1); exactly one of them (_one_group)."""
    return (
        Input("groupName", f"The name of {help}.", query=query, metavar="NAME"),
        Input("groupId", f"The id of {help} (sg-...), instead of its name: a group in a VPC other than the "
              "default one is known by its id only.", query=query.replace("Name", "Id"), check=validate.group_id,
              metavar="ID"),
    )


def _one_group(inputs: dict) -> None:
    validate.one_of_inputs(inputs, ("groupName", "groupId"), ONE_GROUP)


PERMISSION_INPUTS = (
    *group_inputs("the group to modify"),
    Input("sourceSecurityGroupName", "The name of the source security group.", metavar="NAME"),
    Input("sourceSecurityGroupId", "The id of the source security group (sg-...), instead of its name.",
          check=validate.group_id, metavar="ID"),
    Input("sourceSecurityGroupOwnerId", "The account (user) ID of the owner of the source security group "
          "[default: your own account].", metavar="ID"),
    Input("ipProtocol", "The IP protocol: tcp, udp or icmp; beyond the guide, icmpv6 (ICMP for IPv6, with "
          "--cidr-ipv6).", check=validate.protocol),
    Input("fromPort", "Start of the port range (tcp, udp), or the ICMP (ICMPv6) type number; -1: any type.",
          check=validate.port("fromPort", allow_wildcard=True), metavar="PORT"),
    Input("toPort", "End of the port range (tcp, udp), or the ICMP (ICMPv6) code; -1: any code.",
          check=validate.port("toPort", allow_wildcard=True), metavar="PORT"),
    Input("cidrIp", "The source IP range in CIDR notation (e.g. 203.0.113.0/24); beyond the guide, several, "
          "comma-separated.", check=validate.each(validate.cidr), metavar="CIDR"),
    Input("cidrIpv6", "Beyond the guide: source IPv6 ranges in CIDR notation (e.g. 2001:db8::/32), "
          "comma-separated; with cidrIp or instead of it.", check=validate.each(validate.cidr_ipv6), metavar="CIDR"),
)
DESCRIPTION = Input("description", "Beyond the guide: the rule's description, on each range or source group it "
                    "adds.", metavar="TEXT")
PERMISSION_HELP = """Name the group by --group-name or by --group-id. Give either a source group
        (sourceSecurityGroupName or, beyond the guide, its id, --source-security-group-id; with
        sourceSecurityGroupOwnerId when it belongs to another account), or all of ipProtocol,
        fromPort, toPort and cidrIp; never inputs of both kinds.

        A source group gets any TCP port, any UDP port and any ICMP type from its machines: three
        permissions (tcp 0-65535, udp 0-65535, icmp -1), as EC2 made them in 2009."""


def _one_kind(inputs: dict) -> None:
    _one_group(inputs)
    pair = [name for name in PAIR if inputs.get(name)]
    ranges = [name for name in ("cidrIp", "cidrIpv6") if inputs.get(name)]  # IPv6 beyond the guide
    cidr = [name for name in CIDR[:3] if inputs.get(name)] + ranges
    source = [name for name in PAIR[:2] if inputs.get(name)]
    if (pair and cidr) or not (pair or cidr) or (pair and not source) or (cidr and (len(cidr) - len(ranges) < 3
                                                                                    or not ranges)):
        raise InputError(EITHER_OR)
    validate.one_of_inputs(inputs, PAIR[:2], ONE_SOURCE, needed=False)
    if cidr and inputs["ipProtocol"] not in validate.ICMP:  # -1 is the wildcard of ICMP and ICMPv6 only
        for name in ("fromPort", "toPort"):
            validate.port(name)(inputs[name])


def _permissions(inputs: dict, params: dict) -> dict:
    if inputs.get("sourceSecurityGroupName") or inputs.get("sourceSecurityGroupId"):
        source = {"Groups.1.GroupName": inputs.get("sourceSecurityGroupName"),
                  "Groups.1.GroupId": inputs.get("sourceSecurityGroupId"),
                  "Groups.1.UserId": inputs.get("sourceSecurityGroupOwnerId"),
                  "Groups.1.Description": inputs.get("description")}
        permissions = [{"IpProtocol": p, "FromPort": f, "ToPort": t, **source} for p, f, t in ANY_TCP_UDP_ICMP]
    else:  # one permission, every range in it (IPv4 and IPv6), each with the description
        permission = {"IpProtocol": inputs["ipProtocol"], "FromPort": inputs["fromPort"], "ToPort": inputs["toPort"]}
        for kind, key, given in (("IpRanges", "CidrIp", "cidrIp"), ("Ipv6Ranges", "CidrIpv6", "cidrIpv6")):
            for n, cidr in enumerate((inputs.get(given) or "").split(",") if inputs.get(given) else (), 1):
                permission.update({f"{kind}.{n}.{key}": cidr, f"{kind}.{n}.Description": inputs.get("description")})
        permissions = [permission]
    for number, permission in enumerate(permissions, 1):
        params.update({f"IpPermissions.{number}.{key}": value for key, value in permission.items() if value})
    return params


REVOKE = "RevokeSecurityGroupIngress"


def _revoke(session, inputs: dict, params: dict):
    """The guide's revoke "goes to success even when the permission does not exist". EC2 refuses the
    whole call when one permission is missing (InvalidPermission.NotFound): then each is revoked
    alone, so that a source group's tcp rule still goes when its udp and icmp ones never existed."""
    try:
        return session.call(REVOKE, params)
    except Ec2Error as exc:
        if exc.code != "InvalidPermission.NotFound":
            raise
        absent = exc
    common = {k: v for k, v in params.items() if not k.startswith("IpPermissions.")}
    numbers = sorted({k.split(".")[1] for k in params if k.startswith("IpPermissions.")}, key=int)
    done = None
    for number in numbers if len(numbers) > 1 else ():
        prefix = f"IpPermissions.{number}."
        one = {**common, **{"IpPermissions.1." + k[len(prefix):]: v for k, v in params.items() if k.startswith(prefix)}}
        try:
            done = session.call(REVOKE, one)
        except Ec2Error as exc:
            if exc.code != "InvalidPermission.NotFound":
                raise
    if done is not None:
        return done
    from ec2ops.client.query import Response  # nothing was there to revoke: success, EC2's request id

    return Response(REVOKE, {}, absent.request_id)


def _source_names(lookups, groups: list) -> None:
    """EC2 gives a source group's id, not its name: the names are looked up (those visible to you)."""
    sources = [pair for group in groups for pair in document.walk(group, "ipPermissions/groups")
               if isinstance(pair, dict)]
    names = {g.get("groupId"): g.get("groupName") for g in groups}
    missing = sorted({p.get("groupId") for p in sources if not p.get("groupName")} - set(names) - {None})
    if missing:
        query = filter_query([("group-id", missing)])
        found = document.items(lookups.read("DescribeSecurityGroups", query).body, "securityGroupInfo")
        names.update({g.get("groupId"): g.get("groupName") for g in found if isinstance(g, dict)})
    for pair in sources:
        if not pair.get("groupName"):
            pair["groupName"] = names.get(pair.get("groupId")) or pair.get("groupId")


def _sources(permission: dict) -> list[dict]:
    """One row per protocol/ports and source: a group pair, an IPv4 range or an IPv6 range."""
    ports = {key: permission.get(key) for key in ("ipProtocol", "fromPort", "toPort")}
    sources = [{"groupName": p.get("groupName"), "userId": p.get("userId")}
               for p in document.elements(permission, "groups")]
    sources += [{"cidrIp": cidr} for cidr in document.walk(permission, "ipRanges/cidrIp")]
    sources += [{"cidrIp": cidr} for cidr in document.walk(permission, "ipv6Ranges/cidrIpv6")]
    return [{**ports, **source} for source in sources or [{}]]


PERMISSION_COLUMNS = (
    Column("ipProtocol", "ip protocol"), Column("fromPort", "from port"), Column("toPort", "to port"),
    Column("groupName", "source security group"), Column("userId", "user id"),
    Column("cidrIp", "source IP in CIDR notation"),
)


@dataclass(frozen=True)
class _GroupChange(Change):
    """What a change was made to: the group, by the id or the name it was given by."""

    def ids_of(self, result: dict, inputs: dict) -> list[str]:
        return [v for v in (inputs.get("groupId"), inputs.get("groupName")) if v]


CHANGES_GROUP = _GroupChange(SECURITY_GROUP)


OPERATIONS = [
    Operation(
        name="allow-access-to-security-group",
        action="AuthorizeSecurityGroupIngress",
        area="groups",
        help=f"""Adds permissions to a security group: lets a source security group, or a source IP
        range on a protocol and port range, reach the group's machines. Adding a permission that
        already exists fails.

        {PERMISSION_HELP}

        Beyond the guide, --cidr-ip takes several ranges (comma-separated), --cidr-ipv6 IPv6 ranges,
        --ip-protocol icmpv6 ICMP for IPv6 (its type and code as the ports, -1 for any), and
        --description describes the rule (each range, or the source group).""",
        inputs=(*PERMISSION_INPUTS, DESCRIPTION),
        outputs=(RETURNED_TRUE,),
        validate=_one_kind,
        shape=_permissions,
        change=CHANGES_GROUP,
        example="ec2ops allow-access-to-security-group --group-name web --ip-protocol tcp \\\n"
                "    --from-port 443 --to-port 443 --cidr-ip 0.0.0.0/0",
    ),
    Operation(
        name="create-security-group",
        action="CreateSecurityGroup",
        area="groups",
        help="""Creates a security group. Its name must be unique in your account (in its VPC); the
        description is informational. groupId is the id EC2 gives the new group: the one the other
        security group commands take as --group-id (`--get groupId`).

        Beyond the guide, --vpc-id creates the group in that VPC instead of the default one (there
        is no --group-id: the id is what this command gives).""",
        inputs=(
            Input("groupName", "The name of the new group (unique per account).", query="GroupName", required=True),
            Input("groupDescription", "The description of the group.", query="GroupDescription", required=True),
            Input("vpcId", "The VPC to create the group in (vpc-...) [default: your default VPC].", query="VpcId",
                  metavar="ID"),
        ),
        outputs=(RETURNED_TRUE, Output("groupId", path="groupId", help="The new group's id (sg-...).")),
        change=Change(SECURITY_GROUP, ids="groupId", creates=True),
        example="ec2ops create-security-group --group-name web --group-description 'Web servers'",
    ),
    Operation(
        name="delete-security-group",
        action="DeleteSecurityGroup",
        area="groups",
        help="""Deletes a security group. EC2 refuses while instances are in it or another group's
        permission names it as source (remove that permission first). A group deleted a moment ago
        may still be deleted "successfully" again.""",
        inputs=group_inputs("the security group to delete"),
        outputs=(RETURNED_TRUE,),
        validate=_one_group,
        change=CHANGES_GROUP,
        example="ec2ops delete-security-group --group-name web",
    ),
    Operation(
        name="describe-security-groups",
        action="DescribeSecurityGroups",
        area="groups",
        help="""Describes your security groups, one row each: group name, group owner id and group
        description; groupNames lists the names. Without groupNames, all your groups are
        described; with them, the rows follow their order. Beyond the guide, --group-ids describes
        groups by their ids (sg-...) instead of their names, in EC2's order.""",
        inputs=(
            Input("groupNames", "The names of the groups to describe [default: all].", query="GroupName.N"),
            Input("groupIds", "The ids of the groups to describe (sg-...), instead of their names.",
                  query="GroupId.N", check=validate.group_id),
            delimiter_input(what="the group names or ids (inputs) and the groupNames output"),
            ROW_DELIMITER,
            col_delimiter(),
        ),
        validate=lambda inputs: validate.one_of_inputs(inputs, ("groupNames", "groupIds"), GROUP_LISTS, needed=False),
        items=Items("securityGroupInfo"),
        outputs=(
            Output(
                "returnResult",
                columns=(Column("groupName", "group name"), Column("ownerId", "group owner id"),
                         Column("groupDescription", "group description"),
                         Column("groupId", "group id", extra=True), Column("vpcId", "vpc id", extra=True), TAGS),
                order_by=("groupNames", "groupName"),
                help="The groups: group name, group owner id, group description.",
            ),
            Output("groupNames", path="groupName", many=True, help="The names of the groups."),
        ),
        example="ec2ops describe-security-groups --get groupNames --delimiter ' '",
    ),
    Operation(
        name="get-security-group-details",
        action="DescribeSecurityGroups",
        area="groups",
        help="""Describes one of your security groups: its name, owner, description, and its
        permissions in the ipPermissions table, one row per protocol/ports and source (a
        source security group with its owner's user id, or a source IP range in CIDR notation).

        EC2 reports a source group by id: its name is looked up; a group you cannot see (another
        account's) shows as its id.""",
        inputs=(
            *group_inputs("the security group to describe", query="GroupName.1"),
            ROW_DELIMITER,
            col_delimiter(),
        ),
        validate=_one_group,
        items=Items("securityGroupInfo"),
        outputs=(
            Output("returnResult", path="groupName", help="The name of the group."),
            Output("groupName", path="groupName", help="The name of the group."),
            Output("ownerId", path="ownerId", help="The ID of the owner of the group."),
            Output("groupDescription", path="groupDescription", help="The description of the group."),
            Output("ipPermissions", path="ipPermissions", columns=PERMISSION_COLUMNS, explode=_sources,
                   help="The permissions: ip protocol, from port, to port, source security group, user id, "
                        "source IP in CIDR notation."),
            Output("groupId", path="groupId", extra=True, help="The ID of the group (JSON, --get)."),
            Output("vpcId", path="vpcId", extra=True, help="Its VPC (JSON, --get)."),
            TAGS_OUTPUT,
        ),
        complete=_source_names,
        example="ec2ops get-security-group-details --group-name web --get ipPermissions --col-delimiter '\\t'",
    ),
    Operation(
        name="revoke-access-to-security-group",
        action="RevokeSecurityGroupIngress",
        area="groups",
        help=f"""Removes permissions from a security group. Only a permission given exactly as it was
        added (e.g. the same inputs as allow-access-to-security-group) is removed. As in the guide, it
        succeeds even when the permission does not exist: returnResult true, exit status 0.

        {PERMISSION_HELP}

        Beyond the guide, --cidr-ip takes several ranges (comma-separated), --cidr-ipv6 IPv6 ranges
        and --ip-protocol icmpv6 ICMP for IPv6.""",
        inputs=PERMISSION_INPUTS,
        outputs=(RETURNED_TRUE,),
        validate=_one_kind,
        shape=_permissions,
        perform=_revoke,
        change=CHANGES_GROUP,
        example="ec2ops revoke-access-to-security-group --group-name web --source-security-group-name lb",
    ),
]

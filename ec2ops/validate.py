"""Local checks made before any request, each failing with the guide's own message
(its "Error messages" section) and exit status 2."""

from __future__ import annotations

import re
from typing import Callable

from ec2ops import resources
from ec2ops.errors import InputError

IP_MESSAGE = (
    "The given IP address is invalid. It must have the following format: [0-255].[0-255].[0-255].[0-255]."
)
CIDR_MESSAGE = (
    "The given CIDR IP address is invalid. It must have the following format: "
    "[0-255].[0-255].[0-255].[0-255]/[0-32]."
)
# The guide's words, then icmpv6 (beyond the guide: ICMP for IPv6, IP protocol 58).
PROTOCOL_MESSAGE = ("The given IpProtocol is invalid. Must be one of 'tcp', 'udp' or 'icmp'. "
                    "Beyond these, 'icmpv6' (ICMP for IPv6).")
ICMP = ("icmp", "icmpv6")  # their fromPort and toPort are a type and a code, -1 for any
FORCE_MESSAGE = 'Possible values for input "force" are true or false.'
SIZE_MESSAGE = "The following input must be a valid integer: size."
VOLUME_SIZE_MESSAGE = "The volume size must be an integer between 1 and 1024 inclusive."

_OCTET = r"(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
# re.ASCII: \d would also take other scripts' digits ("١.١.١.١"), which EC2 does not read as an address.
_IP = re.compile(rf"^{_OCTET}(\.{_OCTET}){{3}}$", re.ASCII)
_CIDR = re.compile(rf"^{_OCTET}(\.{_OCTET}){{3}}/(3[0-2]|[12]?\d)$", re.ASCII)


def ip_address(value: str) -> str:
    if not _IP.match(value.strip()):
        raise InputError(IP_MESSAGE)
    return value.strip()


def cidr(value: str) -> str:
    if not _CIDR.match(value.strip()):
        raise InputError(CIDR_MESSAGE)
    return value.strip()


def protocol(value: str) -> str:
    if value.strip().lower() not in ("tcp", "udp", *ICMP):
        raise InputError(PROTOCOL_MESSAGE)
    return value.strip().lower()


def port(name: str, allow_wildcard: bool = False) -> Callable[[str], str]:
    """fromPort / toPort: numerical and between 0 and 65535 (-1, ICMP's wildcard, where allowed)."""

    def check(value: str) -> str:
        text = value.strip()
        if not re.fullmatch(r"-?\d{1,6}", text) or not (
            0 <= int(text) <= 65535 or (allow_wildcard and int(text) == -1)
        ):
            raise InputError(f"{name} was invalid. Must be numerical and between 0 and 65535.")
        return str(int(text))

    return check


def true_false(name: str) -> Callable[[str], str]:
    """An input that is true or false, refused with the guide's words for its "force" input."""
    message = FORCE_MESSAGE.replace('"force"', f'"{name}"')

    def check(value: str) -> str:
        text = value.strip().lower()
        if text not in ("true", "false"):
            raise InputError(message)
        return text

    return check


force = true_false("force")


def integer(message: str, minimum: int | None = None) -> Callable[[str], str]:
    def check(value: str) -> str:
        text = value.strip()
        if not re.fullmatch(r"[+-]?\d{1,18}", text) or (minimum is not None and int(text) < minimum):
            raise InputError(message)
        return str(int(text))

    return check


def size(value: str) -> str:
    """A volume's size: an integer (the guide's first message), at least 1 (its second). The guide's
    upper bound, 1024 GiB, is long gone: EC2 judges sizes above it by the volume type."""
    number = integer(SIZE_MESSAGE)(value)
    if int(number) < 1:
        raise InputError(VOLUME_SIZE_MESSAGE)
    return number


def one_of(message: str, *allowed: str) -> Callable[[str], str]:
    """A value out of a fixed set (attribute, operationType), matched without regard to case."""
    lowered = {a.lower(): a for a in allowed}

    def check(value: str) -> str:
        text = value.strip()
        if text.lower() not in lowered:
            raise InputError(message)
        return lowered[text.lower()]

    return check


def prefixed(prefix: str, message: str) -> Callable[[str], str]:
    """An EC2 id must start with its prefix (i-, ami-, vol-, snap-); `message` may hold ### for the value."""

    def check(value: str) -> str:
        text = value.strip()
        if not text.startswith(prefix) or len(text) == len(prefix) or not re.fullmatch(r"[\w-]+", text):
            raise InputError(message.replace("###", text))
        return text

    return check


AMI_MESSAGE = "Invalid id: '###' (expecting \"ami-...\"). Error code: InvalidAMIID.Malformed."
ami_id = prefixed(resources.IMAGE.prefix, AMI_MESSAGE)
GROUP_ID_MESSAGE = "Invalid id: '###' (expecting \"sg-...\"). Error code: InvalidGroupId.Malformed."
group_id = prefixed("sg-", GROUP_ID_MESSAGE)
INSTANCE_MESSAGE = "Invalid id: '###' (expecting \"i-...\"). Error code: InvalidInstanceID.Malformed."
instance_id = prefixed(resources.INSTANCE.prefix, INSTANCE_MESSAGE)


def item(message: str, allowed: Callable[[str], bool]) -> Callable[[str], str]:
    """One element of a list input (a user id, a group); `message` may hold ### for the value."""

    def check(value: str) -> str:
        text = value.strip()
        if not allowed(text):
            raise InputError(message.replace("###", text))
        return text

    return check


numeric_user_id = item("Invalid user id: '###'. Error code: InvalidUserID.Malformed.", str.isdigit)


def one_of_inputs(inputs: dict, names: tuple[str, ...], message: str, needed: bool = True) -> None:
    """Inputs that name one thing in different ways (a group by name or by id): exactly one of them
    (at most one when not `needed`), else `message`."""
    given = [name for name in names if inputs.get(name) not in (None, "", [])]
    if len(given) > 1 or (needed and not given):
        raise InputError(message)


def required(value, message: str):
    if value in (None, "", []):
        raise InputError(message)
    return value


RESOURCE_ID_MESSAGE = ("Invalid id: '###' (expecting a resource id such as i-..., vol-..., snap-..., ami-..., sg-..., "
                       "vpc-..., subnet-...). Error code: InvalidID.")


def resource_id(value: str) -> str:
    """Any EC2 resource id: its prefix (one or more words), a dash, then 8 or more hex digits."""
    text = value.strip()
    if not re.fullmatch(r"[a-z]+(-[a-z]+)*-[0-9a-f]{8,}", text, re.ASCII):
        raise InputError(RESOURCE_ID_MESSAGE.replace("###", text))
    return text


CIDR_IPV6_MESSAGE = "The given IPv6 CIDR is invalid. It must be an IPv6 address and a prefix length, e.g. 2001:db8::/32."


def cidr_ipv6(value: str) -> str:
    import ipaddress  # only for an IPv6 rule

    text = value.strip()
    try:
        ipaddress.IPv6Network(text, strict=False)
    except ValueError:
        raise InputError(CIDR_IPV6_MESSAGE) from None
    if "/" not in text:
        raise InputError(CIDR_IPV6_MESSAGE)
    return text


def each(check: Callable[[str], str]) -> Callable[[str], str]:
    """Several comma-separated values (IP ranges), each checked; sent joined by commas."""
    return lambda value: ",".join(check(part) for part in value.split(","))

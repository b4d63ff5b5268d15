"""The AWS CLI's words for ec2ops's commands (`aws ec2 COMMAND`), for operators who think in them:
each alias runs the command it names (hidden from `ec2ops --help`, named in the command's man page);
a name whose command here does something else is only suggested, in the usage error. Plain data:
`ec2ops` loads it at start-up."""

from __future__ import annotations

# The AWS CLI's name -> the ec2ops command that does what it does.
ALIASES = {
    "describe-availability-zones": "enumerate-availability-zones",
    "describe-regions": "enumerate-regions",
    "allocate-address": "allocate-new-elastic-ip",
    "associate-address": "associate-elastic-ip",
    "disassociate-address": "disassociate-elastic-ip",
    "describe-addresses": "enumerate-elastic-ips",
    "release-address": "release-elastic-ip",
    "describe-images": "enumerate-images",
    "deregister-image": "remove-image",
    "get-console-output": "get-system-log",
    "monitor-instances": "monitor-instance",
    "reboot-instances": "restart-instance",
    "start-instances": "start-instance",
    "stop-instances": "stop-instance",
    "terminate-instances": "terminate-instance",
    "unmonitor-instances": "unmonitor-instance",
    "create-key-pair": "allocate-new-key-pair",
    "describe-key-pairs": "enumerate-key-pairs",
    "authorize-security-group-ingress": "allow-access-to-security-group",
    "revoke-security-group-ingress": "revoke-access-to-security-group",
    "bundle-instance": "bundle-windows-instance",
    "describe-bundle-tasks": "enumerate-bundle-tasks",
}

# The AWS CLI's name -> the nearest command here, which does something else (its help says what).
NEAREST = {
    "create-image": "register-image",
    "copy-image": "register-image",
    "describe-instance-status": "get-instance-details",
    "describe-instance-attribute": "get-instance-details",
    "describe-image-attribute": "get-image-details",
    "describe-snapshot-attribute": "get-snapshot-details",
    "describe-volume-status": "get-volume-details",
    "import-key-pair": "allocate-new-key-pair",
    "authorize-security-group-egress": "allow-access-to-security-group",
    "revoke-security-group-egress": "revoke-access-to-security-group",
    "get-console-screenshot": "get-system-log",
    "copy-snapshot": "create-snapshot",
}


def aliases_of(command: str) -> list[str]:
    return [alias for alias, name in ALIASES.items() if name == command]


def suggestion(name: str) -> str | None:
    """The usage error for an AWS CLI name that is no command here, when one is near."""
    nearest = NEAREST.get(name)
    if nearest is None:
        return None
    return (f"No such command '{name}': the AWS CLI's {name} has no equal here; the nearest is {nearest}, "
            f"which does something else: see 'ec2ops {nearest} --help'.")

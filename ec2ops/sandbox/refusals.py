"""EC2's refusals that come before any action is done, where moto answers otherwise: an action
neither moto nor the sandbox implements, or one moto declares but does not do (EC2's InvalidAction,
not moto's HTML 500), and a dry run naming what does not exist (EC2's NotFound, not DryRunOperation).
Each is (code, message)."""

from __future__ import annotations

import re

Refused = tuple[str, str]


def unknown_action(action: str) -> Refused | None:
    from moto.core.utils import camelcase_to_underscores, method_names_from_class
    from moto.ec2.responses import EC2Response

    if action and camelcase_to_underscores(action) in method_names_from_class(EC2Response):
        return None
    return invalid_action(action)


def invalid_action(action: str) -> Refused:
    """EC2's words for an action it does not know; the sandbox's for one it does not do (moto has no
    method for it, or its method or backend raises NotImplementedError)."""
    return "InvalidAction", f"The action {action} is not valid for this web service."


def not_done(action: str, params: dict[str, str], exc: NotImplementedError) -> Refused:
    """A request moto has a method for but does not do: a filter of the request that moto's words
    quote is named, with the code EC2 refuses a filter with (EC2's words would say it is invalid,
    which EC2 may not find); anything else is InvalidAction."""
    said = str(exc)
    for name, value in params.items():
        if re.fullmatch(r"Filter\.\d+\.Name", name) and f"'{value}'" in said:
            return "InvalidParameterValue", (f"The sandbox cannot apply the filter '{value}' to {action} "
                                             "(moto lacks it).")
    return invalid_action(action)


ID_PARAMS = re.compile(r"(InstanceId|VolumeId|SnapshotId|ImageId|GroupId)(?:\.\d+)?")


def unknown_ids(ec2, params: dict[str, str]) -> Refused | None:
    """The first kind of id in `params` that moto's EC2 backend `ec2` does not have, in EC2's words."""
    given: dict[str, list[str]] = {}
    for key, value in params.items():
        match = ID_PARAMS.fullmatch(key)
        if match and value:
            given.setdefault(match.group(1), []).append(value)
    known = {
        "InstanceId": lambda i: any(x.id == i for x in ec2.all_instances()),
        "VolumeId": lambda i: i in ec2.volumes, "SnapshotId": lambda i: i in ec2.snapshots,
        "ImageId": lambda i: i in ec2.amis, "GroupId": lambda i: ec2.get_security_group_from_id(i) is not None,
    }
    for param, ids in given.items():
        missing = [i for i in ids if not known[param](i)]
        if not missing:
            continue
        quoted = ", ".join(missing)
        if param == "InstanceId":
            return "InvalidInstanceID.NotFound", (f"The instance ID '{quoted}' does not exist" if len(missing) == 1
                                                  else f"The instance IDs '{quoted}' do not exist")
        return {"VolumeId": ("InvalidVolume.NotFound", f"The volume '{quoted}' does not exist."),
                "SnapshotId": ("InvalidSnapshot.NotFound", f"The snapshot '{quoted}' does not exist."),
                "ImageId": ("InvalidAMIID.NotFound", f"The image id '[{quoted}]' does not exist"),
                "GroupId": ("InvalidGroup.NotFound", f"The security group '{quoted}' does not exist")}[param]
    return None

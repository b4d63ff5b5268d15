"""Tags on any resource, beyond the guide (its EC2 had none): create-tags and delete-tags take the
ids of anything EC2 tags (instances, volumes, snapshots, images, security groups, VPCs, subnets, ...),
from stdin too, in one call (EC2 tags all of them or none)."""

from __future__ import annotations

from ec2ops import validate
from ec2ops.errors import InputError
from ec2ops.spec import RETURNED_TRUE, Input, Operation, delimiter_input
from ec2ops.traits import parse_tag

RESOURCE_IDS = Input("resourceIds", "The ids of the resources (i-..., vol-..., sg-..., vpc-..., ...), "
                     "delimiter-separated.", query="ResourceId.N", required=True, check=validate.resource_id)


def _tags(inputs, params: dict, values: bool) -> dict:
    """EC2's Tag.N.Key and Tag.N.Value: every value when creating (KEY alone: an empty value); when
    deleting, a value only where one is given (KEY=VALUE removes the tag only if it has that value)."""
    seen: dict[str, str | None] = {}
    for key, value in (parse_tag(text) for text in inputs["tags"]):
        if key in seen:
            raise InputError(f"--tag {key} is given twice.")
        seen[key] = value
    for n, (key, value) in enumerate(seen.items(), 1):
        params[f"Tag.{n}.Key"] = key
        if values or value is not None:
            params[f"Tag.{n}.Value"] = value or ""
    return params


def _one_tag(text: str) -> str:
    parse_tag(text)  # KEY[=VALUE], or bad input before anything is read from stdin
    return text


def _check_tags(inputs) -> None:
    _tags(inputs, {}, True)  # a key given twice


OPERATIONS = [
    Operation(
        name="create-tags",
        action="CreateTags",
        area="beyond",
        help="""Adds or overwrites tags on resources: each --tag KEY=VALUE on each resource id given.

        Any resource EC2 tags, named by its id: instances, volumes, snapshots, images, security groups,
        VPCs, subnets, ... One call: EC2 tags them all or none. A tag that exists gets the new value.
        KEY alone is an empty value. returnResult is true on success.""",
        inputs=(
            RESOURCE_IDS,
            Input("tags", "A tag, KEY=VALUE (KEY alone: an empty value). Repeatable.", required=True,
                  aliases=("--tag",), repeat=True, metavar="KEY=VALUE",
                  check=_one_tag),
            delimiter_input(what="the resource ids"),
        ),
        outputs=(RETURNED_TRUE,),
        validate=_check_tags,
        shape=lambda inputs, params: _tags(inputs, params, values=True),
        example="ec2ops create-tags --resource-ids i-0abc1234,vol-0abc1234 --tag Name=web-1 --tag team=web",
    ),
    Operation(
        name="delete-tags",
        action="DeleteTags",
        area="beyond",
        help="""Removes tags from resources: each --tag on each resource id given.

        --tag KEY removes the tag whatever its value; --tag KEY=VALUE only where it has that value
        (KEY= only where it is empty). Removing a tag a resource does not have is no error.
        returnResult is true on success.""",
        inputs=(
            RESOURCE_IDS,
            Input("tags", "A tag to remove: KEY (any value), or KEY=VALUE (only with that value). Repeatable.",
                  required=True, aliases=("--tag",), repeat=True, metavar="KEY[=VALUE]",
                  check=_one_tag),
            delimiter_input(what="the resource ids"),
        ),
        outputs=(RETURNED_TRUE,),
        validate=_check_tags,
        shape=lambda inputs, params: _tags(inputs, params, values=False),
        example="ec2ops delete-tags --resource-ids i-0abc1234 --tag team --tag env=dev",
    ),
]

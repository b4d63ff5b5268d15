"""Images: AMIs, and the kernel (AKI) and RAM disk (ARI) images listed with them."""

import re

from ec2ops import validate
from ec2ops.errors import InputError, guide_says
from ec2ops.resources import IMAGE
from ec2ops.spec import (
    Change, Column, Input, Items, Operation, Output, ROW_DELIMITER, col_delimiter, delimiter_input, RETURNED_TRUE,
)
from ec2ops.rows import TAGS

AMI_ID = Input("amiId", "The ID of the AMI.", query="ImageId", required=True, check=validate.ami_id)
_LAUNCH_ONLY = ("OperationType", "UserId.", "UserGroup.")


def _attribute(*allowed: str):
    return validate.one_of("Invalid attribute.", *allowed)


def _modify_attribute(value: str) -> str:
    """The guide's productCode is EC2's productCodes attribute."""
    name = _attribute("launchPermission", "productCode", "productCodes")(value)
    return "launchPermission" if name == "launchPermission" else "productCodes"


def _reset_attribute(value: str) -> str:
    name = _attribute("launchPermission", "productCodes")(value)
    if name == "productCodes":
        raise InputError("Attribute productCodes can not be reset currently.")
    return name


def _check_modify(inputs: dict) -> None:
    if inputs["attribute"] == "productCodes":
        validate.required(inputs.get("productCode"), "If attribute=productCodes, productCode must be set!")
    else:
        validate.required(inputs.get("operationType"), "Invalid operationType.")
        if not (inputs.get("userIds") or inputs.get("groups")):
            raise InputError("If attribute=launchPermission, userIds or groups must be set!")


def _modify_params(inputs: dict, params: dict) -> dict:
    """Each attribute's own inputs only: the guide ignores the others."""
    unwanted = "ProductCode." if inputs["attribute"] == "launchPermission" else _LAUNCH_ONLY
    return {k: v for k, v in params.items() if not k.startswith(unwanted)}


def name_from_manifest(location: str) -> str:
    """/mybucket/myimage.manifest.xml -> myimage."""
    base = location.rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"\.manifest\.xml$", "", base, flags=re.IGNORECASE) or base


def _register_params(inputs: dict, params: dict) -> dict:
    return {"Name": name_from_manifest(inputs["imageLocation"]), **params}


IMAGE_COLUMNS = (
    Column("imageId", "AMI ID"),
    Column("name", "AMI name"),
    Column("imageLocation", "Manifest Location"),
    Column("description", "Description"),
    Column("isPublic", "Visibility"),
    Column("architecture", "Architecture"),
    Column("imageOwnerId", "OwnerID"),
    Column("imageOwnerAlias", "Owner Alias Name"),
    Column("imageState", "Image State"),
    Column("imageType", "Image Type"),
    Column("kernelId", "Kernel ID"),
    Column("ramdiskId", "Ramdisk ID"),
    Column("platform", "Platform"),
    Column("stateReason", "State Reason Name", path="stateReason/code"),
    Column("rootDeviceName", "Root Device Name"),
    Column("rootDeviceType", "Root Device Type"),
    Column("creationDate", "Creation date", extra=True),  # beyond the guide (Column.extra)
    TAGS,
)

OPERATIONS = [
    Operation(
        name="enumerate-images",
        action="DescribeImages",
        area="images",
        help="""Lists the images you can use: AMIs, AKIs and ARIs. One row each, optionally only
        those of some owners or those executable by some accounts. With neither, every image
        you can see is listed: on AWS, many thousands of public images.

        Columns: AMI ID, AMI name, Manifest Location, Description, Visibility (true when
        public), Architecture, OwnerID, Owner Alias Name, Image State, Image Type, Kernel ID,
        Ramdisk ID, Platform, State Reason Name, Root Device Name, Root Device Type. The guide's
        column list puts Image Type before Image State, but its example (what the operation
        printed) has the state first: this follows the example.""",
        inputs=(
            Input("imageOwners", "Owners whose images to list: account ids, or self, amazon, aws-marketplace.",
                  query="Owner.N"),
            Input("executableBy", "Only images these accounts can launch: account ids, self or all.",
                  query="ExecutableBy.N"),
            ROW_DELIMITER,
            col_delimiter(),
            delimiter_input(what="the elements of the list inputs"),
        ),
        items=Items("imagesSet"),
        outputs=(
            Output("returnResult", columns=IMAGE_COLUMNS, help="The images, in the 16 columns above."),
        ),
        example="ec2ops enumerate-images --image-owners self --col-delimiter '\\t' | cut -f1,2",
    ),
    Operation(
        name="get-image-details",
        action="DescribeImages",
        area="images",
        help="""Shows the details of one image (AMI, AKI or ARI). Fails for an image that does
        not exist. status is available once an image is registered and ready to launch,
        deregistered after remove-image.""",
        inputs=(
            Input("imageId", "The ID of the image.", query="ImageId.1", required=True),
            delimiter_input(what="the product codes"),
        ),
        items=Items("imagesSet"),
        outputs=(
            Output("returnResult", path="imageId", help="The image's ID."),
            Output("name", path="name"),
            Output("description", path="description"),
            Output("imageLocation", path="imageLocation"),
            Output("kernelId", path="kernelId"),
            Output("ramdiskId", path="ramdiskId"),
            Output("platform", path="platform"),
            Output("architecture", path="architecture"),
            Output("ownerId", path="imageOwnerId"),
            Output("status", path="imageState"),
            Output("imageType", path="imageType"),
            Output("isPublic", path="isPublic"),
            Output("productCodes", path="productCodes/productCode", many=True),
            Output("rootDeviceType", path="rootDeviceType"),
            Output("rootDeviceName", path="rootDeviceName"),
            Output("stateReason", path="stateReason/message"),
        ),
        empty_error="InvalidAMIID.NotFound",
        example="ec2ops get-image-details --image-id ami-0abc1234 --get status",
    ),
    Operation(
        name="modify-image-attribute",
        action="ModifyImageAttribute",
        area="images",
        help="""Changes an attribute of an AMI: its launch permission or product code. Grants or
        revokes launch permission (make it public with --groups all, or share it with accounts
        by --user-ids), or associates a product code with it.

        attribute=launchPermission needs operationType (add or remove) and userIds or groups;
        attribute=productCode needs productCode, and the other inputs are not sent. A product
        code needs a DevPay account, and once set cannot be changed or removed.""",
        inputs=(
            AMI_ID,
            Input("attribute", "launchPermission or productCode (EC2's productCodes).", query="Attribute", required=True,
                  check=_modify_attribute),
            Input("operationType", "add or remove (launchPermission).", query="OperationType",
                  check=validate.one_of("Invalid operationType.", "add", "remove")),
            Input("userIds", "Numeric account ids to grant or revoke (launchPermission).", query="UserId.N",
                  check=validate.item(guide_says("InvalidAMIAttributeItemValue", "UserId"), str.isdigit)),
            Input("groups", "Groups to grant or revoke; EC2 knows only 'all' (launchPermission).",
                  query="UserGroup.N"),  # EC2 refuses others in the guide's words (InvalidAMIAttributeItemValue)
            Input("productCode", "The product code to associate (productCode).", query="ProductCode.1"),
            delimiter_input(what="the elements of userIds and groups"),
        ),
        outputs=(RETURNED_TRUE,),
        validate=_check_modify,
        shape=_modify_params,
        change=Change(IMAGE, ids="amiId"),
        example="ec2ops modify-image-attribute --ami-id ami-0abc1234 --attribute launchPermission \\\n"
                "    --operation-type add --user-ids 111122223333,444455556666",
    ),
    Operation(
        name="register-image",
        action="RegisterImage",
        area="images",
        help="""Registers an AMI from its manifest in Amazon S3. Its returnResult is the new AMI ID. An
        image must be registered before it can be launched, and may be registered more than once
        (each time with a new AMI ID).

        Today's EC2 requires a name: --name, by default the manifest's file name without
        .manifest.xml (/mybucket/myimage.manifest.xml gives myimage).""",
        inputs=(
            Input("imageLocation", "Path of the AMI manifest in Amazon S3, e.g. /mybucket/myimage.manifest.xml.",
                  query="ImageLocation", required=True),
            Input("name", "The AMI's name [default: from the manifest's file name].", query="Name"),
        ),
        outputs=(Output("returnResult", path="imageId", help="The new AMI ID."),),
        change=Change(IMAGE, becomes="available", dead_ends=("failed", "invalid", "deregistered"), creates=True),
        shape=_register_params,
        example="ec2ops register-image --image-location /mybucket/myimage.manifest.xml --get returnResult",
    ),
    Operation(
        name="remove-image",
        action="DeregisterImage",
        area="images",
        help="""Deregisters an AMI: it can no longer be launched. Its files in Amazon S3 are kept.""",
        inputs=(AMI_ID,),
        outputs=(RETURNED_TRUE,),
        change=Change(IMAGE, ids="amiId"),
        example="ec2ops remove-image --ami-id ami-0abc1234",
    ),
    Operation(
        name="reset-image-attribute",
        action="ResetImageAttribute",
        area="images",
        help="""Resets an attribute of an AMI to its default. For launchPermission the AMI becomes
        private to its owner again; productCodes cannot be reset.""",
        inputs=(
            AMI_ID,
            Input("attribute", "launchPermission (productCodes cannot be reset).", query="Attribute",
                  required=True, check=_reset_attribute),
        ),
        outputs=(RETURNED_TRUE,),
        example="ec2ops reset-image-attribute --ami-id ami-0abc1234 --attribute launchPermission",
    ),
]

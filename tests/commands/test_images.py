"""Images: against moto; ResetImageAttribute, which moto lacks, in the sandbox and with respx; respx
where moto ignores an input (ProductCode) or leaves fields out (manifest location, kernel, product codes)."""

import httpx
import pytest
import respx

from conftest import debug_params, ec2_client, ec2_xml, refusal, sent_params

URL = "https://ec2.us-east-1.amazonaws.com/"
OWNER = "123456789012"  # moto's account
AMI_MESSAGE = "Invalid id: '{}' (expecting \"ami-...\"). Error code: InvalidAMIID.Malformed."
DETAILS = ["returnResult", "name", "description", "imageLocation", "kernelId", "ramdiskId", "platform",
           "architecture", "ownerId", "status", "imageType", "isPublic", "productCodes", "rootDeviceType",
           "rootDeviceName", "stateReason", "requestId"]
COLUMNS = ["imageId", "name", "imageLocation", "description", "isPublic", "architecture", "imageOwnerId",
           "imageOwnerAlias", "imageState", "imageType", "kernelId", "ramdiskId", "platform", "stateReason",
           "rootDeviceName", "rootDeviceType"]


def register(ec2ops, location="/mybucket/myimage.manifest.xml", *extra):
    run = ec2ops("register-image", "--image-location", location, *extra, "--get", "returnResult")
    assert run.code == 0, run.err
    return run.out.strip()


def launch_permissions(ec2, ami):
    return ec2.describe_image_attribute(ImageId=ami, Attribute="launchPermission")["LaunchPermissions"]


def test_register_names_the_image_after_its_manifest(ec2ops):
    run = ec2ops("register-image", "--image-location", "/mybucket/myimage.manifest.xml", "--debug")
    assert run.code == 0, run.err
    ami, request = run.out.splitlines()
    assert ami.startswith("ami-") and request.startswith("requestId: ")
    assert debug_params(run.err) == {"Action": "RegisterImage", "Version": "2016-11-15",
                                     "ImageLocation": "/mybucket/myimage.manifest.xml", "Name": "myimage"}
    named = ec2ops("register-image", "--imageLocation", "b/x.manifest.xml", "--name", "web-2009", "-o", "json")
    assert list(named.json()) == ["returnResult", "requestId"]
    assert "Name=web-2009" in ec2ops("register-image", "--image-location", "b/x.manifest.xml", "--name",
                                     "web-2009", "--debug").err

    details = ec2ops("get-image-details", "--image-id", ami)
    assert details.code == 0, details.err
    lines = details.out.splitlines()
    assert lines[0] == ami
    for line in ("name: myimage", f"ownerId: {OWNER}", "status: available", "imageType: machine",
                 "isPublic: false", "kernelId: null", "stateReason: null"):
        assert line in lines
    doc = ec2ops("get-image-details", "--imageId", named.json()["returnResult"], "-o", "json").json()
    assert list(doc) == DETAILS
    assert (doc["name"], doc["productCodes"], doc["platform"]) == ("web-2009", [], None)


def test_enumerate_images_by_owner_and_executable_by(ec2ops, moto):
    private = register(ec2ops, "/b/private.manifest.xml")
    public = register(ec2ops, "/b/public.manifest.xml")
    assert ec2ops("modify-image-attribute", "--ami-id", public, "--attribute", "launchPermission",
                  "--operation-type", "add", "--groups", "all").code == 0

    run = ec2ops("enumerate-images", "--image-owners", "self", "--debug")
    assert run.code == 0, run.err
    assert debug_params(run.err) == {"Action": "DescribeImages", "Version": "2016-11-15", "Owner.1": "self",
                                     "MaxResults": "1000"}
    rows = sorted(run.out.splitlines()[:-1])
    assert rows == sorted([
        f"{private},private,null,null,false,null,{OWNER},null,available,machine,null,null,null,null,/dev/sda1,standard",
        f"{public},public,null,null,true,null,{OWNER},null,available,machine,null,null,null,null,/dev/sda1,standard",
    ])
    doc = ec2ops("enumerate-images", "--executable-by", "all", "-o", "json").json()
    assert [row["imageId"] for row in doc["returnResult"]] == [public]
    assert list(doc["returnResult"][0]) == COLUMNS + ["creationDate", "tags"]

    both = ec2ops("enumerate-images", "--imageOwners", f"self;{OWNER}", "--executableBy", "all",
                  "--delimiter", ";", "--col-delimiter", "\\t", "--row-delimiter", "|", "--debug")
    assert debug_params(both.err) == {"Action": "DescribeImages", "Version": "2016-11-15", "Owner.1": "self",
                                      "Owner.2": OWNER, "ExecutableBy.1": "all", "MaxResults": "1000"}
    assert both.out.splitlines()[0].split("\t")[:2] == [public, "public"]
    nobody = ec2ops("enumerate-images", "--image-owners", "999988887777")
    assert (nobody.code, nobody.out.splitlines()[0][:11]) == (0, "requestId: ")


def test_modify_launch_permission(ec2ops, ec2):
    ami = register(ec2ops)
    run = ec2ops("modify-image-attribute", "--ami-id", ami, "--attribute", "launchPermission", "--operation-type",
                 "add", "--user-ids", "111122223333 ,444455556666", "--groups", "all", "--debug")
    assert (run.code, run.out.splitlines()[0]) == (0, "true"), run.err
    assert debug_params(run.err) == {
        "Action": "ModifyImageAttribute", "Version": "2016-11-15", "ImageId": ami, "Attribute": "launchPermission",
        "OperationType": "add", "UserId.1": "111122223333", "UserId.2": "444455556666", "UserGroup.1": "all"}
    assert sorted(map(str, launch_permissions(ec2, ami))) == sorted(map(str, [
        {"Group": "all"}, {"UserId": "111122223333"}, {"UserId": "444455556666"}]))
    assert ec2ops("get-image-details", "--image-id", ami, "--get", "isPublic").out == "true\n"

    removed = ec2ops("modify-image-attribute", "--amiId", ami, "--attribute", "LAUNCHPERMISSION",
                     "--operationType", "Remove", "--userIds", "111122223333;444455556666", "--groups", "all",
                     "--delimiter", ";", "--product-code", "ignored", "-o", "json", "--debug")
    assert removed.code == 0, removed.err
    assert debug_params(removed.err) == {  # productCode is not launchPermission's: not sent
        "Action": "ModifyImageAttribute", "Version": "2016-11-15", "ImageId": ami, "Attribute": "launchPermission",
        "OperationType": "remove", "UserId.1": "111122223333", "UserId.2": "444455556666", "UserGroup.1": "all"}
    assert list(removed.json()) == ["returnResult", "requestId"] and removed.json()["returnResult"] is True
    assert launch_permissions(ec2, ami) == []
    assert ec2ops("get-image-details", "--image-id", ami, "--get", "isPublic").out == "false\n"

    refused = ec2ops("modify-image-attribute", "--ami-id", ami, "--attribute", "launchPermission",
                     "--operation-type", "add", "--groups", "everyone")
    assert (refused.code, refusal(refused.err)) == (1, "ec2ops: Invalid attribute item value 'everyone' for "
                                                              "UserGroup item type. Error code: InvalidAMIAttributeItemValue.")


@pytest.mark.parametrize("args,message", [
    (["--attribute", "kernel"], "Invalid attribute."),
    (["--attribute", "launchPermission", "--groups", "all"], "Invalid operationType."),
    (["--attribute", "launchPermission", "--operation-type", "grant", "--groups", "all"], "Invalid operationType."),
    (["--attribute", "launchPermission", "--operation-type", "add"],
     "If attribute=launchPermission, userIds or groups must be set!"),
    (["--attribute", "launchPermission", "--operation-type", "add", "--user-ids", "1111-2222-3333"],
     "Invalid attribute item value '1111-2222-3333' for userId item type. Error code: InvalidAMIAttributeItemValue."),
    (["--attribute", "productCode"], "If attribute=productCodes, productCode must be set!"),
    (["--attribute", "productCodes", "--operation-type", "add", "--groups", "all"],
     "If attribute=productCodes, productCode must be set!"),
])
@respx.mock
def test_modify_checks_inputs_before_sending(offline, args, message):
    route = respx.post(URL).mock(return_value=httpx.Response(200, text=ec2_xml("ModifyImageAttribute", "")))
    run = offline("modify-image-attribute", "--ami-id", "ami-61a54008", *args)
    assert (run.code, run.err) == (2, f"ec2ops: {message}\n")
    assert not route.called


@respx.mock
def test_modify_product_code(offline):
    route = respx.post(URL).mock(return_value=httpx.Response(200, text=ec2_xml(
        "ModifyImageAttribute", "<return>true</return>")))
    run = offline("modify-image-attribute", "--ami-id", "ami-61a54008", "--attribute", "productCode",
                  "--product-code", "774F4FF8", "--operation-type", "add", "--user-ids", "111122223333")
    assert run.code == 0, run.err
    assert run.out == "true\nrequestId: 59dbff89-35bd-4eac-99ed-be587EXAMPLE\n"
    # EC2's attribute is productCodes; the launchPermission inputs are not sent.
    assert sent_params(route.calls.last.request) == {
        "Action": "ModifyImageAttribute", "Version": "2016-11-15", "ImageId": "ami-61a54008",
        "Attribute": "productCodes", "ProductCode.1": "774F4FF8"}


@pytest.mark.parametrize("command,extra", [
    ("remove-image", []),
    ("modify-image-attribute", ["--attribute", "launchPermission", "--operation-type", "add", "--groups", "all"]),
    ("reset-image-attribute", ["--attribute", "launchPermission"]),
])
@pytest.mark.parametrize("ami", ["i-61a54008", "ami-", "61a54008", "ami-6;1"])
@respx.mock
def test_ami_id_must_be_an_ami(offline, command, extra, ami):
    route = respx.post(URL).mock(return_value=httpx.Response(200, text=ec2_xml("X", "")))
    run = offline(command, "--ami-id", ami, *extra)
    assert (run.code, run.err) == (2, f"ec2ops: {AMI_MESSAGE.format(ami)}\n")
    assert not route.called


def test_remove_image(ec2ops):
    ami = register(ec2ops)
    run = ec2ops("remove-image", "--ami-id", ami, "--debug")
    assert (run.code, run.out.splitlines()[0]) == (0, "true"), run.err
    assert debug_params(run.err) == {"Action": "DeregisterImage", "Version": "2016-11-15", "ImageId": ami}
    gone = ec2ops("get-image-details", "--image-id", ami)
    assert (gone.code, gone.err) == (1, f"ec2ops: The AMI ID '{ami}' does not exist. Error code: InvalidAMIID.NotFound.\n")
    again = ec2ops("remove-image", "--amiId", ami, "-o", "json")
    assert again.code == 1 and "Error code: InvalidAMIID." in again.err and again.out == ""
    never = ec2ops("get-image-details", "--image-id", "ami-00000000")
    assert never.code == 1 and "Error code: InvalidAMIID.NotFound." in never.err


@respx.mock
def test_reset_image_attribute(offline):
    route = respx.post(URL).mock(return_value=httpx.Response(200, text=ec2_xml(
        "ResetImageAttribute", "<return>true</return>")))
    run = offline("reset-image-attribute", "--ami-id", "ami-61a54008", "--attribute", "launchpermission")
    assert run.code == 0, run.err
    assert run.out == "true\nrequestId: 59dbff89-35bd-4eac-99ed-be587EXAMPLE\n"
    assert sent_params(route.calls.last.request) == {"Action": "ResetImageAttribute", "Version": "2016-11-15",
                                                     "ImageId": "ami-61a54008", "Attribute": "launchPermission"}
    assert offline("reset-image-attribute", "--amiId", "ami-61a54008", "--attribute", "launchPermission",
                   "-o", "json").json() == {"returnResult": True,
                                            "requestId": "59dbff89-35bd-4eac-99ed-be587EXAMPLE"}
    for attribute, message in [("productCodes", "Attribute productCodes can not be reset currently."),
                               ("kernel", "Invalid attribute.")]:
        refused = offline("reset-image-attribute", "--ami-id", "ami-61a54008", "--attribute", attribute)
        assert (refused.code, refused.err) == (2, f"ec2ops: {message}\n")
    assert route.call_count == 2


# -- EC2's full image documents: the fields moto leaves out -----------------------------------
GUIDE_ROW = ("aki-00806369,null,karmic-kernel-zul/ubuntu-kernel-2.6.31-300-ec2-i386-20091001-test-04.manifest.xml,"
             "null,true,i386,099720109477,null,available,kernel,null,null,null,null,null,instance-store")
IMAGES = ec2_xml("DescribeImages", """<imagesSet>
  <item><imageId>aki-00806369</imageId>
    <imageLocation>karmic-kernel-zul/ubuntu-kernel-2.6.31-300-ec2-i386-20091001-test-04.manifest.xml</imageLocation>
    <imageState>available</imageState><imageOwnerId>099720109477</imageOwnerId><isPublic>true</isPublic>
    <architecture>i386</architecture><imageType>kernel</imageType><rootDeviceType>instance-store</rootDeviceType>
    <blockDeviceMapping/></item>
  <item><imageId>ami-1a2b3c4d</imageId><imageLocation>amazon/getting-started</imageLocation>
    <imageState>failed</imageState><imageOwnerId>123456789012</imageOwnerId><isPublic>false</isPublic>
    <productCodes><item><productCode>774F4FF8</productCode><type>devpay</type></item>
      <item><productCode>a1b2c3d4</productCode><type>marketplace</type></item></productCodes>
    <architecture>x86_64</architecture><imageType>machine</imageType><kernelId>aki-1a2b3c4d</kernelId>
    <ramdiskId>ari-1a2b3c4d</ramdiskId><platform>windows</platform>
    <stateReason><code>Server.InternalError</code><message>Internal error while registering</message></stateReason>
    <imageOwnerAlias>amazon</imageOwnerAlias><name>getting-started</name><description>Image Description</description>
    <rootDeviceType>ebs</rootDeviceType><rootDeviceName>/dev/sda1</rootDeviceName></item>
</imagesSet>""")


@respx.mock
def test_enumerate_images_prints_the_guides_example(offline):
    route = respx.post(URL).mock(return_value=httpx.Response(200, text=IMAGES))
    run = offline("enumerate-images", "--image-owners", "099720109477,3272169288991")
    assert run.code == 0, run.err
    assert run.out.splitlines() == [
        GUIDE_ROW,
        "ami-1a2b3c4d,getting-started,amazon/getting-started,Image Description,false,x86_64,123456789012,amazon,"
        "failed,machine,aki-1a2b3c4d,ari-1a2b3c4d,windows,Server.InternalError,/dev/sda1,ebs",
        "requestId: 59dbff89-35bd-4eac-99ed-be587EXAMPLE"]
    assert sent_params(route.calls.last.request) == {"Action": "DescribeImages", "Version": "2016-11-15",
                                                     "Owner.1": "099720109477", "Owner.2": "3272169288991",
                                                     "MaxResults": "1000"}
    table = offline("enumerate-images", "-o", "table", env={"COLUMNS": "400"}).out
    assert table.index("Image State") < table.index("Image Type") and "State Reason Name" in table


@respx.mock
def test_get_image_details_gives_every_output(offline):
    one = IMAGES.split("<item><imageId>aki")[0] + "<item><imageId>ami" + IMAGES.split("<item><imageId>ami")[1]
    route = respx.post(URL).mock(return_value=httpx.Response(200, text=one))
    run = offline("get-image-details", "--image-id", "ami-1a2b3c4d", "--delimiter", " ")
    assert run.code == 0, run.err
    assert sent_params(route.calls.last.request) == {"Action": "DescribeImages", "Version": "2016-11-15",
                                                     "ImageId.1": "ami-1a2b3c4d"}
    assert run.out.splitlines() == [
        "ami-1a2b3c4d", "name: getting-started", "description: Image Description",
        "imageLocation: amazon/getting-started", "kernelId: aki-1a2b3c4d", "ramdiskId: ari-1a2b3c4d",
        "platform: windows", "architecture: x86_64", "ownerId: 123456789012", "status: failed",
        "imageType: machine", "isPublic: false", "productCodes: 774F4FF8 a1b2c3d4", "rootDeviceType: ebs",
        "rootDeviceName: /dev/sda1", "stateReason: Internal error while registering",
        "requestId: 59dbff89-35bd-4eac-99ed-be587EXAMPLE"]
    doc = offline("get-image-details", "--image-id", "ami-1a2b3c4d", "-o", "json").json()
    assert list(doc) == DETAILS and doc["productCodes"] == ["774F4FF8", "a1b2c3d4"]


@respx.mock
def test_get_image_details_of_an_image_ec2_does_not_list_fails(offline):
    respx.post(URL).mock(return_value=httpx.Response(200, text=ec2_xml("DescribeImages", "<imagesSet/>")))
    run = offline("get-image-details", "--image-id", "aki-00806369")
    assert (run.code, run.out) == (1, "")
    assert run.err == "ec2ops: The AMI ID 'aki-00806369' does not exist. Error code: InvalidAMIID.NotFound.\n"


# -- the sandbox (`ec2ops sandbox`): ResetImageAttribute, which moto lacks, end to end ------------
def test_reset_image_attribute_in_the_sandbox_makes_the_image_private_again(sandbox):
    ami = register(sandbox)

    def public() -> str:
        run = sandbox("get-image-details", "--image-id", ami, "--get", "isPublic")
        assert run.code == 0, run.err
        return run.out.strip()

    assert sandbox("modify-image-attribute", "--ami-id", ami, "--attribute", "launchPermission", "--operation-type",
                   "add", "--groups", "all", "--user-ids", "111122223333").code == 0
    assert public() == "true" and len(launch_permissions(ec2_client(sandbox.url), ami)) == 2
    run = sandbox("reset-image-attribute", "--ami-id", ami, "--attribute", "launchPermission", "--debug")
    assert run.code == 0, run.err
    assert debug_params(run.err) == {"Action": "ResetImageAttribute", "Version": "2016-11-15", "ImageId": ami,
                                     "Attribute": "launchPermission"}
    assert run.out.splitlines()[0] == "true"
    assert public() == "false" and launch_permissions(ec2_client(sandbox.url), ami) == []

    unknown = sandbox("reset-image-attribute", "--ami-id", "ami-00000000", "--attribute", "launchPermission")
    assert (unknown.code, unknown.out) == (1, "")
    assert refusal(unknown.err) == \
        "ec2ops: The AMI ID 'ami-00000000' does not exist. Error code: InvalidAMIID.NotFound."

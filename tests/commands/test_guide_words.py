"""Issue 11, the guide word for word: its error messages (one period before `Error code:`) with the
ids the user gave, whatever EC2's own text, and the exit status by number; against moto where it
can show it, with respx and EC2's XML where it cannot."""

import httpx
import pytest
import respx

from conftest import ec2_error_xml, ec2_xml, refusal

URL = "https://ec2.us-east-1.amazonaws.com/"


def first_line(run) -> str:
    """The refusal's one line, without its requestId."""
    return refusal(run.err) if run.err else ""


# -- not found: the guide's message naming the id given --------------------------------------------
# moto's own texts: "The image id '[ami-12345678]' does not exist", "The volume '{'vol-1'}' does not
# exist.", an empty message for snapshots; the instance's code is EC2's InvalidInstanceID.NotFound.
@pytest.mark.parametrize("args,message", [
    (["get-image-details", "--image-id", "ami-12345678"],
     "The AMI ID 'ami-12345678' does not exist. Error code: InvalidAMIID.NotFound."),
    (["get-volume-details", "--volume-id", "vol-0123456789abcdef0"],
     "The volume 'vol-0123456789abcdef0' does not exist. Error code: InvalidVolume.NotFound."),
    (["delete-volume", "--volume-id", "vol-0123456789abcdef0"],
     "The volume 'vol-0123456789abcdef0' does not exist. Error code: InvalidVolume.NotFound."),
    (["get-security-group-details", "--group-name", "nope"],
     "The security group 'nope' does not exist. Error code: InvalidGroup.NotFound."),
    (["delete-security-group", "--group-name", "nope"],
     "The security group 'nope' does not exist. Error code: InvalidGroup.NotFound."),
    (["get-snapshot-details", "--snapshot-id", "snap-0123456789abcdef0"],
     "The snapshot 'snap-0123456789abcdef0' does not exist. Error code: InvalidSnapshot.NotFound."),
    (["delete-snapshot", "--snapshot-id", "snap-0123456789abcdef0"],
     "The snapshot 'snap-0123456789abcdef0' does not exist. Error code: InvalidSnapshot.NotFound."),
    (["get-instance-details", "--instance-identifier", "i-0123456789abcdef0"],
     "The instance ID 'i-0123456789abcdef0' does not exist. Error code: InvalidInstanceId.NotFound."),
    (["terminate-instance", "--instance-identifier", "i-0123456789abcdef0"],
     "The instance ID 'i-0123456789abcdef0' does not exist. Error code: InvalidInstanceId.NotFound."),
    (["run-instances-from-template", "--instance-identifier", "i-0123456789abcdef0"],
     "The instance ID 'i-0123456789abcdef0' does not exist. Error code: InvalidInstanceId.NotFound."),
])
def test_not_found_is_the_guides_message_with_the_id_given(ec2ops, args, message):
    run = ec2ops(*args)
    assert (run.code, run.out, first_line(run)) == (1, "", "ec2ops: " + message)


def test_ec2s_own_text_stays_in_debug(ec2ops):
    run = ec2ops("get-image-details", "--image-id", "ami-12345678", "--debug")
    assert run.code == 1
    assert "The image id '[ami-12345678]' does not exist" in run.err  # moto's answer, in the trace
    assert "ec2ops: The AMI ID 'ami-12345678' does not exist. Error code: InvalidAMIID.NotFound." in run.err


def test_several_ids_not_found_are_the_guides_plural(offline):
    """EC2 names the ids it did not find; the guide's plural names them, and only them (i-1a2b3c4d is
    not i-1a2b3c4d0)."""
    with respx.mock:
        respx.post(URL).mock(return_value=httpx.Response(400, text=ec2_error_xml(
            "InvalidInstanceID.NotFound", "The instance IDs 'i-1a2b3c4d0, i-5e6f7a8b' do not exist")))
        run = offline("describe-instances", "--instance-ids", "i-1a2b3c4d,i-1a2b3c4d0,i-5e6f7a8b")
    assert (run.code, run.out, first_line(run)) == (1, "", "ec2ops: The instance IDs 'i-1a2b3c4d0, i-5e6f7a8b' do "
                                                         "not exist. Error code: InvalidInstanceId.NotFound.")


def test_not_found_in_an_empty_answer_is_the_same_message(offline):
    """Real EC2 may answer an empty set rather than an error: the same words."""
    with respx.mock:
        respx.post(URL).mock(return_value=httpx.Response(200, text=ec2_xml("DescribeVolumes", "<volumeSet/>")))
        run = offline("get-volume-details", "--volume-id", "vol-1a2b3c4d")
    assert (run.code, run.out, run.err) == (
        1, "", "ec2ops: The volume 'vol-1a2b3c4d' does not exist. Error code: InvalidVolume.NotFound.\n")


def test_duplicates_are_the_guides_messages(ec2ops):
    assert ec2ops("allocate-new-key-pair", "--key-name", "deploy").code == 0
    key = ec2ops("allocate-new-key-pair", "--key-name", "deploy")
    assert (key.code, key.out, first_line(key)) == (
        1, "", "ec2ops: The keypair 'deploy' already exists. Error code: InvalidKeyPair.Duplicate.")
    group = ec2ops("create-security-group", "--group-name", "default", "--group-description", "again")
    assert (group.code, first_line(group)) == (
        1, "ec2ops: The security group 'default' already exists. Error code: InvalidGroup.Duplicate.")


@pytest.mark.parametrize("args,code,text,message", [
    (["run-instances", "--ami-id", "ami-1a2b3c4d"], "AuthFailure", "Not authorized for images: [ami-1a2b3c4d]",
     "Not authorized for image: ami-1a2b3c4d. Error code: AuthFailure."),
    (["create-volume", "--size", "1", "--availability-zone", "mars-1a"], "InvalidZone.NotFound",
     "Zone mars-1a not found", "The zone 'mars-1a' does not exist. Error code: InvalidZone.NotFound."),
    (["register-image", "--image-location", "bucket/none.manifest.xml"], "InvalidManifest",
     "HTTP 404 (Not Found) response for URL bucket/none.manifest.xml",
     "Invalid manifest path: 'bucket/none.manifest.xml'. Error code: InvalidManifest."),
    (["delete-security-group", "--group-name", "default"], "InvalidGroup.Reserved",
     "The security group 'default' is reserved", "The security group 'default' is reserved. Error code: "
                                                 "InvalidGroup.Reserved."),
    (["get-bundle-task-details", "--bundle-id", "bun-1a2b3c4d"], "InvalidBundleID.NotFound",
     "Invalid bundle ids: [bun-1a2b3c4d]", "Invalid bundle ids: bun-1a2b3c4d. Error code: InvalidBundleID.NotFound."),
])
def test_the_guides_other_messages_name_what_was_given(offline, args, code, text, message):
    """Codes moto never answers, as EC2 writes them."""
    with respx.mock:
        respx.post(URL).mock(return_value=httpx.Response(400, text=ec2_error_xml(code, text)))
        run = offline(*args)
    assert (run.code, run.out, first_line(run)) == (1, "", "ec2ops: " + message)


def test_a_duplicate_permission_keeps_ec2s_words(ec2ops):
    """The guide's "The permission '###' has already been authorized" named a permission in EC2's 2009
    spelling, which today's EC2 no longer gives: its own text stays (README, deviations)."""
    rule = ("--group-name", "default", "--ip-protocol", "tcp", "--from-port", "22", "--to-port", "22",
            "--cidr-ip", "203.0.113.0/24")
    assert ec2ops("allow-access-to-security-group", *rule).code == 0
    again = ec2ops("allow-access-to-security-group", *rule)
    assert (again.code, first_line(again)) == (
        1, "ec2ops: The specified rule already exists. Error code: InvalidPermission.Duplicate.")


# -- an empty message from EC2: the guide's words for the code, else the code alone ---------------
@pytest.mark.parametrize("code,message", [
    ("AuthFailure", "AWS was not able to validate the provided access credentials. Error code: AuthFailure."),
    ("InvalidSnapshot.NotFound",
     "The snapshot 'snap-1a2b3c4d' does not exist. Error code: InvalidSnapshot.NotFound."),
    ("IncorrectState", "Error code: IncorrectState."),
])
def test_an_empty_message_is_never_the_code_twice(offline, code, message):
    with respx.mock:
        respx.post(URL).mock(return_value=httpx.Response(400, text=ec2_error_xml(code, "")))
        run = offline("delete-snapshot", "--snapshot-id", "snap-1a2b3c4d")
    assert (run.code, run.out, first_line(run)) == (1, "", "ec2ops: " + message)
    assert f"{code}. Error code: {code}." not in run.err


def test_auth_failure_about_something_else_keeps_ec2s_words(offline):
    """AuthFailure is also a bad key: only a message naming the address given is the guide's 'not yours'."""
    with respx.mock:
        respx.post(URL).mock(return_value=httpx.Response(401, text=ec2_error_xml(
            "AuthFailure", "AWS was not able to validate the provided access credentials")))
        run = offline("release-elastic-ip", "--ip-address", "203.0.113.7")
    assert (run.code, first_line(run)) == (
        1, "ec2ops: AWS was not able to validate the provided access credentials. Error code: AuthFailure.")


# -- local checks in the guide's words (exit 2, nothing sent) -------------------------------------
@respx.mock
@pytest.mark.parametrize("args,message", [
    (["allocate-new-key-pair", "--key-name", ""],
     "The request must contain the parameter KeyName. Error code: MissingParameter."),
    (["delete-key-pair", "--key-name", ""],
     "The request must contain the parameter KeyName. Error code: MissingParameter."),
    (["create-volume", "--size", "ten"], "The following input must be a valid integer: size."),
    (["create-volume", "--size", "0"], "The volume size must be an integer between 1 and 1024 inclusive."),
    (["create-volume", "--size", "-5"], "The volume size must be an integer between 1 and 1024 inclusive."),
    (["modify-image-attribute", "--ami-id", "ami-1a2b3c4d", "--attribute", "launchPermission",
      "--operation-type", "add", "--user-ids", "111122223333,abc"],
     "Invalid attribute item value 'abc' for userId item type. Error code: InvalidAMIAttributeItemValue."),
    (["attach-volume", "--volume-id", "vol-1a2b3c4d", "--instance-id", "ami-foo", "--device-name", "/dev/sdh"],
     "Value (ami-foo) for parameter instance is invalid. Expected: 'i-...'. Error code: InvalidParameterValue."),
    (["detach-volume", "--volume-id", "vol-1a2b3c4d", "--instance-id", "vol-1a2b3c4d"],
     "Value (vol-1a2b3c4d) for parameter instance is invalid. Expected: 'i-...'. Error code: InvalidParameterValue."),
])
def test_local_checks_use_the_guides_words(offline, args, message):
    route = respx.post(URL)
    run = offline(*args)
    assert (run.code, run.out, run.err) == (2, "", f"ec2ops: {message}\n")
    assert not route.called


def test_a_size_above_the_guides_1024_is_ec2s_to_judge(ec2ops):
    run = ec2ops("create-volume", "--size", "2048", "--availability-zone", "us-east-1a", "-o", "json")
    assert run.code == 0, run.err
    assert run.json()["size"] == 2048


# -- revoke: success even when the permission does not exist --------------------------------------
CIDR_22 = ("--ip-protocol", "tcp", "--from-port", "22", "--to-port", "22", "--cidr-ip", "203.0.113.0/24")


def test_revoking_a_permission_that_does_not_exist_succeeds(ec2ops):
    run = ec2ops("revoke-access-to-security-group", "--group-name", "default", *CIDR_22)
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert (lines[0], len(lines), run.err) == ("true", 2, "")
    assert lines[1].startswith("requestId: ") and lines[1] != "requestId: null"


def test_revoking_a_source_group_removes_what_exists(ec2ops, ec2):
    """The guide's source-group permission is three (tcp, udp, icmp); one that exists goes, the
    missing ones are no failure."""
    for name in ("web", "lb"):
        assert ec2ops("create-security-group", "--group-name", name, "--group-description", name).code == 0
    ec2.authorize_security_group_ingress(GroupName="web", IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535, "UserIdGroupPairs": [{"GroupName": "lb"}]}])
    assert len(ec2ops("get-security-group-details", "--group-name", "web", "-o", "json").json()["ipPermissions"]) == 1
    run = ec2ops("revoke-access-to-security-group", "--group-name", "web", "--source-security-group-name", "lb")
    assert (run.code, run.out.splitlines()[0]) == (0, "true"), run.err
    assert ec2ops("get-security-group-details", "--group-name", "web", "-o", "json").json()["ipPermissions"] == []
    again = ec2ops("revoke-access-to-security-group", "--group-name", "web", "--source-security-group-name", "lb")
    assert (again.code, again.out.splitlines()[0]) == (0, "true"), again.err


def test_revoke_from_a_group_that_does_not_exist_still_fails(ec2ops):
    run = ec2ops("revoke-access-to-security-group", "--group-name", "nope", *CIDR_22)
    assert (run.code, first_line(run)) == (
        1, "ec2ops: The security group 'nope' does not exist. Error code: InvalidGroup.NotFound.")


# -- plain: an empty table is null, JSON [] ---------------------------------------------------------
def test_an_empty_table_is_null_in_plain_and_empty_in_json(ec2ops):
    volume = ec2ops("create-volume", "--size", "1", "--availability-zone", "us-east-1a", "--get", "returnResult")
    volume_id = volume.out.strip()
    plain = ec2ops("get-volume-details", "--volume-id", volume_id).out.splitlines()
    assert plain[-2:-1] == ["attachmentSet: null"]
    assert ec2ops("get-volume-details", "--volume-id", volume_id, "-o", "json").json()["attachmentSet"] == []
    assert ec2ops("create-security-group", "--group-name", "bare", "--group-description", "Bare").code == 0
    group = ec2ops("get-security-group-details", "--group-name", "bare").out.splitlines()
    assert group[-2:-1] == ["ipPermissions: null"]
    assert ec2ops("get-security-group-details", "--group-name", "bare", "-o", "json").json()["ipPermissions"] == []

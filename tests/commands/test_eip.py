"""Elastic IPs: against moto (VPC addresses, looked up by public IP), and with respx for the
guide's EC2-Classic addresses, which moto no longer hands out."""

from urllib.parse import parse_qsl

import httpx
import pytest
import respx

from conftest import debug_params, ec2_xml, refusal, sent_params

URL = "https://ec2.us-east-1.amazonaws.com/"
IP_MESSAGE = "The given IP address is invalid. It must have the following format: [0-255].[0-255].[0-255].[0-255]."


def launch(ec2, count: int) -> list[str]:
    return [i["InstanceId"] for i in ec2.run_instances(ImageId="ami-12345678", MinCount=count,
                                                        MaxCount=count)["Instances"]]


def actions(err: str) -> list[str]:
    """The actions sent, in order, read from a --debug trace."""
    return [line.strip().split("=", 1)[1] for line in err.splitlines() if line.startswith("  Action=")]


def test_allocate_enumerate_release(ec2ops):
    run = ec2ops("allocate-new-elastic-ip")
    assert run.code == 0, run.err
    ip, allocation, domain, request = run.out.splitlines()
    assert allocation.startswith("allocationId: eipalloc-") and domain == "domain: vpc"
    assert request.startswith("requestId: ")
    doc = ec2ops("allocate-new-elastic-ip", "-o", "json").json()
    assert list(doc) == ["returnResult", "allocationId", "domain", "requestId"]
    assert doc["returnResult"].count(".") == 3 and doc["domain"] == "vpc"

    listed = ec2ops("enumerate-elastic-ips", "--col-delimiter", ";", "--rowDelimiter", "|", "--get", "returnResult")
    assert sorted(listed.out.strip().split("|")) == sorted([f"{ip};null", f"{doc['returnResult']};null"])
    rows = ec2ops("enumerate-elastic-ips", "-o", "json").json()["returnResult"]
    assert {"publicIp": ip, "instanceId": None} in [{k: row[k] for k in ("publicIp", "instanceId")} for row in rows]

    released = ec2ops("release-elastic-ip", "--ip-address", ip, "--debug")
    assert (released.code, released.out.splitlines()[0]) == (0, "true"), released.err
    assert actions(released.err) == ["DescribeAddresses", "ReleaseAddress"]
    assert f"  PublicIp.1={ip}" in released.err  # the lookup
    assert debug_params(released.err) == {"Action": "ReleaseAddress", "Version": "2016-11-15",
                                          "AllocationId": allocation.split(": ")[1]}
    left = ec2ops("enumerate-elastic-ips", "-o", "json").json()["returnResult"]
    assert left == [{"publicIp": doc["returnResult"], "instanceId": None, "allocationId": doc["allocationId"],
                     "associationId": None, "domain": "vpc"}]


def test_associate_moves_the_address_and_disassociate(ec2ops, ec2):
    first, second = launch(ec2, 2)
    allocated = ec2ops("allocate-new-elastic-ip", "-o", "json").json()
    ip, allocation = allocated["returnResult"], allocated["allocationId"]

    run = ec2ops("associate-elastic-ip", "--ip-address", ip, "--instance-id", first, "--debug")
    assert run.code == 0, run.err
    assert debug_params(run.err) == {"Action": "AssociateAddress", "Version": "2016-11-15",
                                     "AllocationId": allocation, "InstanceId": first, "AllowReassociation": "true"}
    assert run.out.splitlines()[0] == "true" and run.out.splitlines()[1].startswith("associationId: eipassoc-")
    assert ec2ops("enumerate-elastic-ips").out.splitlines()[0] == f"{ip},{first}"

    # The guide: an address in use moves to the new instance.
    moved = ec2ops("associate-elastic-ip", "--ipAddress", ip, "--instanceId", second, "-o", "json")
    assert moved.code == 0, moved.err
    association = moved.json()["associationId"]
    assert moved.json()["returnResult"] is True and association.startswith("eipassoc-")
    assert ec2ops("enumerate-elastic-ips").out.splitlines()[0] == f"{ip},{second}"

    gone = ec2ops("disassociate-elastic-ip", "--ip-address", ip, "--debug")
    assert (gone.code, gone.out.splitlines()[0]) == (0, "true")
    assert debug_params(gone.err) == {"Action": "DisassociateAddress", "Version": "2016-11-15",
                                      "AssociationId": association}
    assert ec2ops("enumerate-elastic-ips").out.splitlines()[0] == f"{ip},null"

    # Not associated: the guide's "succeeds but does nothing"; nothing but the lookup is sent.
    again = ec2ops("disassociate-elastic-ip", "--ip-address", ip, "--debug", "-o", "json")
    assert again.code == 0 and again.json()["returnResult"] is True
    assert actions(again.err) == ["DescribeAddresses"]


def test_release_disassociates_first(ec2ops, ec2):
    (instance,) = launch(ec2, 1)
    ip = ec2ops("allocate-new-elastic-ip", "--get", "returnResult").out.strip()
    association = ec2ops("associate-elastic-ip", "--ip-address", ip, "--instance-id", instance,
                         "--get", "associationId").out.strip()
    run = ec2ops("release-elastic-ip", "--ip-address", ip, "--debug")
    assert run.code == 0, run.err
    assert actions(run.err) == ["DescribeAddresses", "DisassociateAddress", "ReleaseAddress"]
    assert f"  AssociationId={association}" in run.err
    assert ec2ops("enumerate-elastic-ips").out.startswith("requestId: ")  # no rows left


@pytest.mark.parametrize("command", [["release-elastic-ip"], ["disassociate-elastic-ip"],
                                     ["associate-elastic-ip", "--instance-id", "i-0123456789abcdef0"]])
def test_an_address_that_is_not_yours_is_the_guides_auth_failure(ec2ops, command):
    """moto (and today's EC2) answer InvalidAddress.NotFound, with `Address '{'198.51.100.7'}' not found.`;
    the guide's words name the address as given. EC2's own text stays in --debug."""
    run = ec2ops(*command, "--ip-address", "198.51.100.7")
    assert (run.code, run.out) == (1, "")
    assert refusal(run.err) == ("ec2ops: The address '198.51.100.7' does not belong to you. "
                                       "Error code: AuthFailure.")
    debug = ec2ops(*command, "--ip-address", "198.51.100.7", "--debug")
    assert "InvalidAddress.NotFound" in debug.err and "198.51.100.7" in debug.err


# -- EC2-Classic addresses (domain standard): the guide's own form, by public IP --------------
CLASSIC = ec2_xml("DescribeAddresses", "<addressesSet><item><publicIp>203.0.113.41</publicIp>"
                                       "<domain>standard</domain><instanceId>i-f15ebb98</instanceId></item>"
                                       "</addressesSet>")


def answer(request):
    action = dict(parse_qsl(request.content.decode()))["Action"]
    if action == "DescribeAddresses":
        return httpx.Response(200, text=CLASSIC)
    if action == "AllocateAddress":
        return httpx.Response(200, text=ec2_xml(action, "<publicIp>203.0.113.41</publicIp><domain>standard</domain>"))
    return httpx.Response(200, text=ec2_xml(action, "<return>true</return>"))


@respx.mock
@pytest.mark.parametrize("command,extra,sent", [
    ("associate-elastic-ip", ["--instance-id", "i-2ea64347"], {"InstanceId": "i-2ea64347"}),
    ("disassociate-elastic-ip", [], {}),
    ("release-elastic-ip", [], {}),
])
def test_classic_addresses_go_by_public_ip(offline, command, extra, sent):
    route = respx.post(URL).mock(side_effect=answer)
    run = offline(command, "--ip-address", "203.0.113.41", *extra)
    assert run.code == 0, run.err
    assert run.out.splitlines()[0] == "true"
    assert route.call_count == 2
    assert sent_params(route.calls[0].request) == {"Action": "DescribeAddresses", "Version": "2016-11-15",
                                                    "PublicIp.1": "203.0.113.41"}
    action = {"associate-elastic-ip": "AssociateAddress", "disassociate-elastic-ip": "DisassociateAddress",
              "release-elastic-ip": "ReleaseAddress"}[command]
    assert sent_params(route.calls.last.request) == {"Action": action, "Version": "2016-11-15",
                                                     "PublicIp": "203.0.113.41", **sent}


@respx.mock
def test_classic_allocation_has_no_allocation_id(offline):
    route = respx.post(URL).mock(side_effect=answer)
    run = offline("allocate-new-elastic-ip")
    assert run.code == 0, run.err
    assert run.out == ("203.0.113.41\nallocationId: null\ndomain: standard\n"
                       "requestId: 59dbff89-35bd-4eac-99ed-be587EXAMPLE\n")
    assert sent_params(route.calls.last.request) == {"Action": "AllocateAddress", "Version": "2016-11-15"}
    listed = offline("enumerate-elastic-ips", "-o", "json").json()
    assert listed["returnResult"] == [{"publicIp": "203.0.113.41", "instanceId": "i-f15ebb98", "allocationId": None,
                                       "associationId": None, "domain": "standard"}]


@respx.mock
@pytest.mark.parametrize("command,extra", [
    ("associate-elastic-ip", ["--instance-id", "i-12345678"]),
    ("disassociate-elastic-ip", []),
    ("release-elastic-ip", []),
])
@pytest.mark.parametrize("ip", ["10.0.0.256", "10.0.0", "ten.0.0.1"])
def test_bad_ip_address_is_the_guides_error_and_nothing_is_sent(offline, command, extra, ip):
    route = respx.post(URL).mock(side_effect=answer)
    run = offline(command, "--ip-address", ip, *extra)
    assert (run.code, run.err) == (2, f"ec2ops: {IP_MESSAGE}\n")
    assert not route.called


@respx.mock
def test_associate_wants_an_instance_id(offline):
    route = respx.post(URL).mock(side_effect=answer)
    run = offline("associate-elastic-ip", "--ip-address", "203.0.113.41", "--instance-id", "ami-2ea64347")
    assert (run.code, run.err) == (
        2, "ec2ops: Invalid id: 'ami-2ea64347' (expecting \"i-...\"). Error code: InvalidInstanceID.Malformed.\n")
    assert not route.called

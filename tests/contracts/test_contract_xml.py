"""What document.py relies on, checked so that a change fails here, loudly, and not as a subtly
different dict or message somewhere else:

- the standard library's expat, as document.py drives it: the text of its errors (passed on word for
  word), text handed in pieces, names read as written, entity declarations reported, exceptions of
  a handler leaving Parse as they are;
- the dicts themselves: document.parse and document.stream read EC2's documents (moto's answers,
  as moto writes them and indented as EC2 writes them) exactly as xmltodict's public parse
  (force_list=("item",), xml_attribs=False) reads them, which is what ec2ops read them with before,
  key order included, except that values are kept as sent, spaces at both ends too (as_sent)."""

from __future__ import annotations

import json
import re
import xml.parsers.expat

import boto3
import httpx
import pytest
import xmltodict
from conftest import ACCESS_KEY_ID, SECRET_KEY, describe_instances_xml, ec2_error_xml

from ec2ops.client import document
from ec2ops.errors import EndpointError

AMI = "ami-12345678"  # moto launches any well-formed AMI id


def expat_reads(*pieces: bytes) -> list:
    """What expat hands to handlers set as document.py sets them, piece by piece."""
    parser = xml.parsers.expat.ParserCreate()
    parser.buffer_text = True
    seen: list = []
    parser.StartElementHandler = lambda name, attrs: seen.append(("start", name, attrs))
    parser.EndElementHandler = lambda name: seen.append(("end", name))
    parser.CharacterDataHandler = seen.append
    for piece in pieces:
        parser.Parse(piece, False)
    parser.Parse(b"", True)
    return seen


# -- expat, as document.py uses it -----------------------------------------------------------------
@pytest.mark.parametrize("content,said", [
    (b"<R><a></R>", "mismatched tag: line 1, column 8"),
    (b"<R>&undefined;</R>", "undefined entity: line 1, column 3"),
    (b"<R>\xff</R>", "not well-formed (invalid token): line 1, column 3"),
    (b"<R/><S/>", "junk after document element: line 1, column 4"),
    (b"<R><a>1</a>", "no element found: line 1, column 11"),
])
def test_expat_says_what_is_wrong_and_where_and_document_passes_it_on_word_for_word(content, said):
    with pytest.raises(xml.parsers.expat.ExpatError) as expat:
        xml.parsers.expat.ParserCreate().Parse(content, True)
    assert str(expat.value) == said
    with pytest.raises(EndpointError) as refused:
        document.parse(content, "ec2.example")
    assert str(refused.value) == f"ec2.example answered XML that could not be read ({said})."
    with pytest.raises(EndpointError) as refused:  # fed in pieces, expat counts the same line and column
        document.stream([content[:3], content[3:]], "ec2.example", "x", lambda item: None)
    assert str(refused.value) == f"ec2.example answered XML that could not be read ({said})."


def test_an_unknown_encoding_is_pythons_lookup_error_passed_on():
    content = b'<?xml version="1.0" encoding="x-klingon"?><R/>'
    with pytest.raises(LookupError, match=r"^unknown encoding: x-klingon$"):
        xml.parsers.expat.ParserCreate().Parse(content, True)
    with pytest.raises(EndpointError, match=r"^h answered XML that could not be read \(unknown encoding: x-klingon\)\.$"):
        document.parse(content, "h")


def test_expat_may_hand_one_text_in_several_pieces():
    """buffer_text joins what expat reads at once (entities, CDATA, the text around a comment), but
    not across the pieces fed, where a text comes in two or more (how many depends on expat's
    version: 2.6 may hold a piece back): document.py joins an element's pieces itself."""
    assert expat_reads(b"<a>x &amp; y<![CDATA[ <z> ]]><!--c--><?pi x?>w</a>") == [
        ("start", "a", {}), "x & y <z> w", ("end", "a")]
    read = expat_reads(b"<a>hel", b"lo &amp; b<![CDATA[ <c> ]]><!--x--><?pi y?>", b"ye</a>")
    assert read[0] == ("start", "a", {}) and read[-1] == ("end", "a")
    assert len(read) > 3 and "".join(read[1:-1]) == "hello & b <c> ye"
    content = b"<R><a>  one &amp; two  </a><b>caf\xc3\xa9</b></R>"
    assert document.stream([content[i:i + 1] for i in range(len(content))], "h", "x", lambda item: None) == (
        "R", {"a": "one & two", "b": "café"})


def test_expat_reads_names_as_written_and_xmlns_as_attributes():
    """No namespace processing: a prefix stays part of the name, so EC2's answer reads the same
    whatever namespace it declares (document.py takes the root's name after its last ':')."""
    assert expat_reads(b"<ec2:R xmlns:ec2='urn:e' xmlns='urn:d'><p:x>1</p:x></ec2:R>") == [
        ("start", "ec2:R", {"xmlns:ec2": "urn:e", "xmlns": "urn:d"}), ("start", "p:x", {}), "1", ("end", "p:x"),
        ("end", "ec2:R")]
    assert document.parse(b"<ec2:R xmlns:ec2='urn:e'><p:x>1</p:x></ec2:R>", "h") == ("R", {"p:x": "1"})


def test_expat_reports_an_entity_declaration_and_document_refuses_it():
    """The DTD check stops a DTD before expat sees it; this is the second line (test_faults)."""
    parser = xml.parsers.expat.ParserCreate()
    declared: list = []
    parser.EntityDeclHandler = lambda *declaration: declared.append(declaration[:3])
    parser.Parse(b'<!DOCTYPE r [<!ENTITY x "y">]><r>&x;</r>', True)
    assert declared == [("x", 0, "y")]


def test_an_exception_raised_by_a_handler_leaves_parse_as_it_is():
    """document.py stops expat from its handlers (too deep, `each` done, another action's answer)."""
    class Mine(Exception):
        pass

    raised = Mine()
    parser = xml.parsers.expat.ParserCreate()

    def start(name, attrs):
        raise raised

    parser.StartElementHandler = start
    with pytest.raises(Mine) as caught:
        parser.Parse(b"<R/>", True)
    assert caught.value is raised


# -- the dicts, against xmltodict's own reading --------------------------------------------------
def as_sent(node):
    """xmltodict's reading without strip_whitespace, made what ec2ops reads: a value as EC2 sent it
    (spaces at both ends too), whitespace with a line break in an element without children none
    (indentation: an empty list laid out on two lines), text beside children stripped."""
    if isinstance(node, dict):
        return {k: (v.strip() if k == "#text" else as_sent(v)) for k, v in node.items()
                if not (k == "#text" and not v.strip())}
    if isinstance(node, list):
        return [as_sent(v) for v in node]
    if isinstance(node, str) and node.isspace() and ("\n" in node or "\r" in node):
        return None
    return node


def xmltodict_reads(content: bytes) -> tuple[str, dict]:
    """What ec2ops reads an answer as: xmltodict's public parse (values not stripped, as_sent), the
    root's name after its ':'."""
    doc = as_sent(xmltodict.parse(content, force_list=("item",), xml_attribs=False, strip_whitespace=False))
    root, body = next(iter(doc.items()))
    return root.split(":")[-1], body if isinstance(body, dict) else {}


def xmltodict_streams(content: bytes, list_key: str) -> list:
    """The items of the root's list `list_key`, as xmltodict's public streaming (item_depth) hands them on."""
    items: list = []

    def one(path, item):
        if path[1][0] == list_key and path[2][0] == "item":
            items.append(item)
        return True

    xmltodict.parse(content, force_list=("item",), xml_attribs=False, item_depth=3, item_callback=one,
                    strip_whitespace=False)
    return as_sent(items)


def indented(content: bytes) -> bytes:
    """The document indented as EC2 writes its answers: four spaces a level, text beside its tags."""
    head, _, body = content.decode().partition("?>") if content.startswith(b"<?xml") else ("", "", content.decode())
    out, depth = [], 0
    for token in re.findall(r"<[^>]+>|[^<]+", body.strip()):
        closing, empty = token.startswith("</"), token.endswith("/>")
        if not token.startswith("<"):
            out[-1] += token  # text stays beside its opening tag
            continue
        depth -= closing
        if closing and not out[-1].endswith(">"):  # after text
            out[-1] += token
        elif closing and re.fullmatch(r"<[^/>]+>[^<]*", out[-1].strip()):  # an element without children
            out[-1] += token
        else:
            out.append("    " * depth + token)
        depth += not (closing or empty or token.startswith("<?") or token.startswith("<!"))
    return ((head + "?>\n" if head else "") + "\n".join(out) + "\n").encode()


def moto_answers(moto_url: str) -> dict[str, bytes]:
    """moto's answers, as it writes them, to the calls ec2ops makes most, over a few resources."""
    ec2 = boto3.client("ec2", endpoint_url=moto_url, region_name="us-east-1", aws_access_key_id=ACCESS_KEY_ID,
                       aws_secret_access_key=SECRET_KEY)
    group = ec2.create_security_group(GroupName="web", Description=" web  servers ")["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
         "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "UserIdGroupPairs": [{"GroupId": group}]}])
    made = ec2.run_instances(ImageId=AMI, MinCount=3, MaxCount=3, InstanceType="t3.micro", SecurityGroupIds=[group],
                      TagSpecifications=[{"ResourceType": "instance", "Tags": [
                          {"Key": "Name", "Value": "web & <api>"}, {"Key": "team", "Value": "ops"}]}])
    ec2.create_image(InstanceId=made["Instances"][0]["InstanceId"], Name="golden")
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8)["VolumeId"]
    ec2.create_snapshot(VolumeId=volume, Description="nightly")
    ec2.create_key_pair(KeyName="deploy")
    ec2.create_key_pair(KeyName=" spaced key ")
    ec2.allocate_address(Domain="vpc")
    calls = {"DescribeInstances": "reservationSet", "DescribeVolumes": "volumeSet",
             "DescribeSecurityGroups": "securityGroupInfo", "DescribeSnapshots": "snapshotSet",
             "DescribeKeyPairs": "keySet", "DescribeAddresses": "addressesSet", "DescribeRegions": "regionInfo",
             "DescribeAvailabilityZones": "availabilityZoneInfo", "DescribeSubnets": "subnetSet",
             "DescribeVpcs": "vpcSet", "DescribeImages&Owner.1=self": "imagesSet",
             "CreateKeyPair&KeyName=k2": "", "DescribeInstances&InstanceId.1=i-0123456789abcdef0": ""}
    answers = {}
    for call, list_key in calls.items():
        answer = httpx.post(moto_url, content=f"Action={call}&Version=2016-11-15", headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Authorization": f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY_ID}/20260101/us-east-1/ec2/aws4_request, "
                             "SignedHeaders=host, Signature=0"})
        answers[f"{call}|{list_key}"] = answer.content
    return answers


@pytest.fixture(scope="module")
def ec2_documents(moto_url) -> dict[str, bytes]:
    httpx.post(f"{moto_url}/moto-api/reset")
    try:
        answers = moto_answers(moto_url)
    finally:
        httpx.post(f"{moto_url}/moto-api/reset")
    answers.update({
        "instances, synthesized|reservationSet": describe_instances_xml(3, 2, "tok-2").encode(),
        "an EC2 error|": ec2_error_xml("InvalidInstanceID.NotFound", "The instance ID 'i-1' does not exist").encode(),
        "text beside children, prefixes, CDATA, comments|reservationSet": (
            b"<?xml version='1.0'?><ec2:R xmlns:ec2='urn:e' a='1'> root <ec2:x>1</ec2:x><z> <w>3</w> tail </z>"
            b"<reservationSet><item> <k> v </k> beside </item><item/><item>t</item></reservationSet>"
            b"<c><![CDATA[ <x> ]]><!-- c --><?p i?> &amp; &#65; </c><n>1</n><n><m/></n><n>2</n></ec2:R>"),
    })
    return {**answers, **{f"{name}, indented|{key}": indented(content)
                          for name, (key, content) in ((n.split("|")[0], (n.split("|")[1], c))
                                                       for n, c in answers.items())}}


def test_the_documents_are_ec2s(ec2_documents):
    """The comparison below compares something: real answers, full of instances and lists."""
    instances = ec2_documents["DescribeInstances|reservationSet"]
    assert instances.count(b"<instanceId>") == 3 and instances.count(b"<item>") == 25
    assert b"&amp; &lt;api&gt;" in instances
    assert b"<keyName> spaced key </keyName>" in ec2_documents["DescribeKeyPairs|keySet"]
    assert b"<Code>InvalidInstanceID.NotFound</Code>" in ec2_documents["DescribeInstances&InstanceId.1=i-0123456789abcdef0|"]
    assert b"\n        <item>\n            <reservationId>" in ec2_documents["DescribeInstances, indented|reservationSet"]
    assert len(ec2_documents) == 32


def test_a_value_is_kept_as_sent_and_indentation_is_not_a_value():
    content = b"<R>\n  <a> x  y </a>\n  <b>\n  </b>\n  <c/><d>  </d><e></e>\n  <f> <g>1</g> t </f>\n</R>"
    assert document.parse(content, "h") == ("R", {"a": " x  y ", "b": None, "c": None, "d": "  ", "e": None,
                                                  "f": {"g": "1", "#text": "t"}})
    items: list = []
    assert document.stream(b"<R><s><item><k> v </k></item><item> w </item></s></R>", "h", "s", items.append) == (
        "R", {})
    assert items == [{"k": " v "}, " w "]


def test_parse_reads_every_document_as_xmltodict_did(ec2_documents):
    for name, content in ec2_documents.items():
        ours, theirs = document.parse(content, "h"), xmltodict_reads(content)
        assert ours == theirs, name
        assert json.dumps(ours) == json.dumps(theirs), name  # the order of the keys too


def test_stream_hands_on_the_items_xmltodict_streamed_and_keeps_the_rest_as_parse_does(ec2_documents):
    for name, content in ec2_documents.items():
        list_key = name.split("|")[1]
        if not list_key:
            continue
        for pieces in ([content], [content[i:i + 97] for i in range(0, len(content), 97)]):
            items: list = []
            root, rest = document.stream(pieces, "h", list_key, items.append)
            assert json.dumps(items) == json.dumps(xmltodict_streams(content, list_key)), name
            parsed_root, body = document.parse(content, "h")
            if "text beside" not in name:  # streaming reads grandchildren as xmltodict's streaming did
                assert json.dumps(rest) == json.dumps({k: v for k, v in body.items() if k != list_key}), name
            assert root == parsed_root and pieces == [], name

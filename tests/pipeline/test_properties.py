"""Property-based tests (hypothesis): any input string ends in exit 0 or 2 with a message, never a
crash; validators agree with the standard library; a query of arbitrary values signs exactly as
botocore signs it; any answer body is parsed or refused cleanly."""

import datetime as dt
import ipaddress
import re
import subprocess
import types
from unittest import mock
from urllib.parse import parse_qsl

import click
import httpx
import pytest
import respx
from botocore.auth import SigV2Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from conftest import ACCESS_KEY_ID, EC2OPS, EXTRA, SECRET_KEY, env_for, required_args, run_cli
from ec2ops import validate
from ec2ops.cli import cli
from ec2ops.client import document
from ec2ops.client.query import Client, Settings
from ec2ops.client.signing import Credentials, sign_v2, sign_v4
from ec2ops.errors import Ec2Error, EndpointError, InputError
from ec2ops.options import COMMON_NAMES

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# Any text, including what argv bytes that are not UTF-8 become in Python (lone surrogates), and
# the strings most likely to break a parser.
ANY_CHAR = st.characters(codec=None, exclude_categories=())
TRICKY = st.sampled_from(["", " ", "-1", "65536", "0", "00022", "1e3", "0x16", "٢٢", "²", "\x00", "\n", "\udcff",
                          "255.255.255.255", "256.1.1.1", "1.2.3.4/33", "01.2.3.4", "1.2.3.4/08", "١.١.١.١",
                          "1.2.3.4\n", "i-", "ami-", "i-é", "--help", "-", "%s", "{}", "\\n", "<x/>", "&amp;"])
ANY_TEXT = st.one_of(TRICKY, st.text(ANY_CHAR, max_size=40))
VALID_TEXT = st.text(st.characters(codec="utf-8"), max_size=40)
NOW = dt.datetime(2026, 11, 26, 12, 34, 56, tzinfo=dt.timezone.utc)
URL = "https://ec2.us-east-1.amazonaws.com/"


# -- the validators --------------------------------------------------------------------------------
def _accepts(check, value):
    try:
        return check(value)
    except InputError as exc:
        return exc


def _ipv4(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


@FAST
@given(ANY_TEXT)
@example("١.١.١.١")
@example("1.2.3.٤/8")
def test_ip_and_cidr_agree_with_the_standard_library(value):
    text = value.strip()
    ip = _accepts(validate.ip_address, value)
    assert (ip == text) if _ipv4(text) else (str(ip) == validate.IP_MESSAGE)
    address, slash, prefix = text.partition("/")
    ok = bool(slash) and _ipv4(address) and re.fullmatch(r"[0-9]|[12][0-9]|3[0-2]", prefix) is not None
    cidr = _accepts(validate.cidr, value)
    assert (cidr == text) if ok else (str(cidr) == validate.CIDR_MESSAGE)


@FAST
@given(ANY_TEXT, st.booleans())
def test_a_port_is_a_number_in_range_or_the_guides_message(value, wildcard):
    result = _accepts(validate.port("fromPort", allow_wildcard=wildcard), value)
    if isinstance(result, InputError):
        assert str(result) == "fromPort was invalid. Must be numerical and between 0 and 65535."
    else:
        assert result.lstrip("-").isascii() and result.lstrip("-").isdigit()
        assert 0 <= int(result) <= 65535 or (wildcard and result == "-1")


@FAST
@given(ANY_TEXT)
def test_every_other_validator_answers_a_value_or_its_message(value):
    checks = [
        (validate.size, None),
        (validate.integer("minCount must be a positive integer.", minimum=1), "minCount must be a positive integer."),
        (validate.protocol, validate.PROTOCOL_MESSAGE),
        (validate.force, validate.FORCE_MESSAGE),
        (validate.one_of("Invalid attribute.", "createVolumePermission"), "Invalid attribute."),
        (validate.instance_id, None),
        (validate.ami_id, None),
        (validate.numeric_user_id, None),
    ]
    for check, message in checks:
        result = _accepts(check, value)
        if isinstance(result, InputError):
            assert message is None or str(result) == message
            assert check is not validate.size or str(result) in (validate.SIZE_MESSAGE, validate.VOLUME_SIZE_MESSAGE)
            assert str(result) and "\n" not in str(result).replace(value.strip(), "")
        else:
            assert isinstance(result, str) and result
    if not isinstance(_accepts(validate.size, value), InputError):
        assert re.fullmatch(r"[0-9]+", validate.size(value)) and int(validate.size(value)) >= 1


# -- every command, any string for each of its inputs ---------------------------------------------
NOT_FUZZED = {"keyFile", "file", "smtpHost"}  # paths written and hosts dialled: not for random text


def command_inputs():
    """(command, input name, its option) for every string input of every command, flows included."""
    found = []
    for name, command in sorted(cli.commands.items()):
        if isinstance(command, click.Group):
            continue
        for param in command.params:
            if (isinstance(param, click.Option) and not param.is_flag and param.name not in NOT_FUZZED
                    and param.name not in COMMON_NAMES and param.type is click.STRING):
                found.append((name, param.name, param.opts[0]))
    return found


INPUTS = command_inputs()


def answer(request: httpx.Request) -> httpx.Response:
    action = dict(parse_qsl(request.content.decode())).get("Action", "Unknown")
    # DescribeRegions lists one region: an empty list is not EC2's answer (exit 3), and --regions is fuzzed
    regions = "<regionInfo><item><regionName>us-east-1</regionName></item></regionInfo>" \
        if action == "DescribeRegions" else ""
    return httpx.Response(200, text=f"<{action}Response><requestId>r-1</requestId><return>true</return>"
                                    f"{regions}</{action}Response>")


def test_every_command_has_string_inputs_to_fuzz():
    commands = {c for c, _, _ in INPUTS}
    assert len(commands) >= 40 and {"allow-access-to-security-group", "create-volume", "run-instances"} <= commands
    assert {"fromPort", "toPort", "cidrIp", "size", "delimiter"} <= {i for _, i, _ in INPUTS}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(INPUTS), ANY_TEXT)
@example(("ec2-dashboard", "regions", "--regions"), " ")
@example(("get-image-details", "imageId", "--image-id"), "")
@example(("allow-access-to-security-group", "fromPort", "--from-port"), "٢٢")
def test_any_string_for_any_input_ends_in_exit_0_or_2(offline, target, value):
    name, input_name, flag = target
    command = cli.commands[name]
    with respx.mock(assert_all_called=False) as mock_ec2:
        mock_ec2.route().mock(side_effect=answer)
        run = run_cli([name, *required_args(command, input_name), *EXTRA.get(name, []), flag, value,
                       "--max-attempts", "1"])
    assert "Traceback" not in run.err and "internal error" not in run.err, (name, input_name, value, run.err)
    # exit 1 only for the guide's failure on the canned empty answer ("No items found!" and the like)
    assert run.code in (0, 1, 2), (name, input_name, value, run.code, run.err)
    if run.code:
        assert run.err.strip(), (name, input_name, value)
    if run.code == 2:
        assert not mock_ec2.calls or name == "ec2-dashboard", "bad input must be refused before any request"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["--endpoint", "--region", "--proxy-host", "--proxy-port", "--api-version", "--profile",
                        "--signature-method", "--read-timeout", "--max-attempts", "--ca-bundle", "--access-key-id"]),
       ANY_TEXT)
@example("--endpoint", "http://[::1")
@example("--endpoint", "http://127.0.0.1:99999/")
@example("--endpoint", "http://exa mple.com/")
@example("--endpoint", "https://\u00e4\u0000.com/")
@example("--region", "[")
def test_any_string_for_a_common_input_ends_cleanly(offline, tmp_path, monkeypatch, flag, value):
    # argv holds no NUL, and no surrogate but the U+DC80-U+DCFF that undecodable bytes become; click.Path's
    # stat raises on either, which no command line can give it
    assume(not (flag == "--ca-bundle" and ("\x00" in value or not _from_the_os(value))))
    monkeypatch.setenv("HOME", str(tmp_path))  # --profile reads ~/.aws: an empty one
    args = ["enumerate-key-pairs", flag, value, "--max-attempts", "1", "--connect-timeout", "0.5"]
    if flag == "--proxy-host":
        args += ["--proxy-port", "3128"]
    with respx.mock(assert_all_called=False) as mock_ec2:
        mock_ec2.route().mock(side_effect=answer)
        run = run_cli(args)
    assert "Traceback" not in run.err and "internal error" not in run.err, (flag, value, run.err)
    assert run.code in (0, 1, 2, 3), (flag, value, run.code, run.err)


def _from_the_os(value: str) -> bool:
    """What an environment variable can hold: bytes, decoded as Python does (lone surrogates U+DC80-U+DCFF)."""
    try:
        value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return False
    return True


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["EC2OPS_MAX_RESPONSE_BYTES", "EC2OPS_RETRY_BASE_DELAY", "EC2OPS_MAX_ATTEMPTS",
                        "EC2OPS_READ_TIMEOUT", "EC2OPS_CONNECT_TIMEOUT", "EC2OPS_OUTPUT", "EC2OPS_SIGNATURE_VERSION",
                        "EC2OPS_API_VERSION", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SESSION_TOKEN"]),
       ANY_TEXT.filter(lambda v: "\x00" not in v and _from_the_os(v)))
@example("EC2OPS_RETRY_BASE_DELAY", "-1")
@example("EC2OPS_MAX_RESPONSE_BYTES", "abc")
@example("EC2OPS_RETRY_BASE_DELAY", "nan")
def test_any_environment_value_ends_cleanly(offline, monkeypatch, name, value):
    """The knobs a cron job sets: a bad one is exit 2 with a message naming it, never a traceback."""
    monkeypatch.setenv(name, value)
    with respx.mock(assert_all_called=False) as mock_ec2:
        mock_ec2.route().mock(return_value=httpx.Response(503))
        run = run_cli(["enumerate-regions", "--max-attempts", "2"])
    assert "Traceback" not in run.err and "internal error" not in run.err, (name, value, run.err)
    assert run.code in (0, 1, 2, 3) and run.err.strip()


def test_bytes_that_are_not_utf8_on_the_real_command_line(tmp_path, fault_server):
    """argv as the OS gives it: not UTF-8 in an id is refused (exit 2); as a delimiter it is printed back."""
    env = env_for(fault_server.url)
    refused = subprocess.run([EC2OPS, "delete-key-pair", "--key-name", b"k\xff", "--endpoint", fault_server.url],
                             env=env, capture_output=True, timeout=60)
    printed = subprocess.run([EC2OPS, "enumerate-regions", "--col-delimiter", b"\xff", "--endpoint", fault_server.url],
                             env=env, capture_output=True, timeout=60)
    assert fault_server.actions() == ["DescribeRegions"]
    assert (refused.returncode, refused.stderr) == (
        2, b"ec2ops: The value given for KeyName is not valid UTF-8 text; nothing was sent.\n")
    assert printed.returncode == 0 and printed.stdout.startswith(b"eu-west-1\xffec2.eu-west-1.amazonaws.com\n")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["enumerate-regions", "enumerate-key-pairs", "describe-instances"]),
       st.sampled_from(["--row-delimiter", "--col-delimiter", "--delimiter"]), ANY_TEXT)
def test_any_delimiter_prints_or_is_refused(offline, name, flag, value):
    assume(flag != "--delimiter" or name == "describe-instances")
    with respx.mock(assert_all_called=False) as mock_ec2:
        mock_ec2.route().mock(side_effect=answer)
        run = run_cli([name, flag, value])
    assert "Traceback" not in run.err and "internal error" not in run.err, (name, flag, value, run.err)
    assert run.code in (0, 1, 2)


# -- the query builder and the signers ------------------------------------------------------------
PARAM_NAMES = st.one_of(st.from_regex(r"[A-Z][A-Za-z0-9]{0,15}(\.[0-9]{1,2}(\.[A-Za-z]{1,8})?)?", fullmatch=True),
                        st.text(st.characters(codec="utf-8"), min_size=1, max_size=10))
# The parameters Signature Version 2 sets itself (no EC2 action has one of these names): hypothesis,
# which draws names from the strings in ec2ops's code, would otherwise give one and see it replaced.
V2_OWN_NAMES = {"AWSAccessKeyId", "SignatureVersion", "SignatureMethod", "Timestamp", "SecurityToken", "Signature"}
PARAMS = st.dictionaries(PARAM_NAMES.filter(lambda name: name not in V2_OWN_NAMES), VALID_TEXT, max_size=8)


@FAST
@given(PARAMS, st.sampled_from([None, "FQoGZXIvYXdzEJr//////////token"]))
def test_a_query_of_any_values_signs_as_botocore_signs_it(params, token):
    creds = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token)
    headers, body = sign_v4(URL, params, creds, "us-east-1", NOW)
    assert dict(parse_qsl(body.decode(), keep_blank_values=True)) == params  # the body round-trips
    request = AWSRequest(method="POST", url=URL, data=body, headers={"Content-Type": headers["Content-Type"]})
    with mock.patch("botocore.auth.get_current_datetime", return_value=NOW.replace(tzinfo=None)):
        SigV4Auth(BotoCredentials(creds.access_key_id, creds.secret_key, token), "ec2", "us-east-1").add_auth(request)
    assert headers["Authorization"] == request.headers["Authorization"]

    _, body2 = sign_v2(URL, params, creds, NOW)
    sent = dict(parse_qsl(body2.decode(), keep_blank_values=True))
    unsigned = {k: v for k, v in sent.items() if k != "Signature"}
    assert {k: v for k, v in unsigned.items() if k in params} == params
    _, expected = SigV2Auth(BotoCredentials(creds.access_key_id, creds.secret_key)).calc_signature(
        AWSRequest(method="POST", url=URL, data=unsigned), unsigned)
    assert sent["Signature"] == expected


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.from_regex(r"[A-Z][A-Za-z]{0,12}(\.[1-9])?", fullmatch=True), VALID_TEXT, max_size=6))
def test_the_client_sends_exactly_the_query_it_signed(client, params):
    """Client.call: Action and Version first, the values as given, signed as botocore signs that body."""
    assume("Action" not in params and "Version" not in params)
    frozen = types.SimpleNamespace(datetime=mock.Mock(now=lambda tz=None: NOW), timezone=dt.timezone)
    with respx.mock() as mock_ec2, mock.patch("ec2ops.client.query.dt", frozen):
        route = mock_ec2.post(URL).mock(side_effect=answer)
        client.call("DescribeThings", params)
    request = route.calls.last.request
    assert dict(parse_qsl(request.content.decode(), keep_blank_values=True)) == {
        "Action": "DescribeThings", "Version": "2016-11-15", **params}
    signed = AWSRequest(method="POST", url=URL, data=request.content,
                        headers={"Content-Type": request.headers["Content-Type"]})
    with mock.patch("botocore.auth.get_current_datetime", return_value=NOW.replace(tzinfo=None)):
        SigV4Auth(BotoCredentials(ACCESS_KEY_ID, SECRET_KEY), "ec2", "us-east-1").add_auth(signed)
    assert request.headers["Authorization"] == signed.headers["Authorization"]


@pytest.fixture(scope="module")
def client():
    client = Client(Settings(Credentials(ACCESS_KEY_ID, SECRET_KEY), URL, "us-east-1", max_attempts=1))
    yield client
    client.close()


@settings(max_examples=50, deadline=None)
@given(st.tuples(VALID_TEXT, st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), VALID_TEXT).map("".join))
def test_a_value_that_is_not_utf8_is_refused_before_sending(client, value):
    with respx.mock(assert_all_called=False) as mock_ec2, pytest.raises(InputError, match="not valid UTF-8 text"):
        mock_ec2.post(URL).mock(side_effect=answer)
        client.call("DeleteKeyPair", {"KeyName": value})
    assert not mock_ec2.calls


# -- any answer ---------------------------------------------------------------------------------------
XML_BITS = st.sampled_from(["<", ">", "</", "/>", "<item>", "</item>", "<Errors>", "<Error>", "<Code>", "</Code>",
                            "<Response>", "</Response>", "<ErrorResponse>", "<?xml version='1.0'?>",
                            "<!DOCTYPE x>", "<!ENTITY a 'b'>", "&a;", "&amp;", "&#0;", "<![CDATA[", "]]>", "x",
                            "<a xmlns:p='u'>", "<p:b>", "\x00", "\xff", " ", "<html>", "encoding='x-nope'"])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=200),
                 st.lists(XML_BITS, max_size=30).map(lambda parts: "".join(parts).encode("utf-8", "surrogatepass"))))
def test_any_answer_is_parsed_or_refused_cleanly(content):
    try:
        root, body = document.parse(content, "ec2.example")
    except EndpointError as exc:
        assert "ec2.example" in str(exc) and "\n" not in str(exc)
        return
    assert isinstance(root, str) and isinstance(body, dict)
    try:
        document.raise_for_error(root, body, None, 400, "ec2.example")
    except Ec2Error as exc:
        assert str(exc).endswith(".")
    except EndpointError as exc:  # an error document whose parts are not text
        assert str(exc) == "ec2.example answered HTTP 400 with a malformed error document, not EC2 XML."


# -- any well-formed answer, whatever its shape, to any command --------------------------------------
def _field_names() -> list[str]:
    names = {"item", "requestId", "return", "nextToken", "instancesSet", "reservationSet", "instanceState", "name"}
    for command in cli.commands.values():
        for out in getattr(getattr(command, "operation", None), "outputs", ()):
            names.update(p for p in (out.path or "").split("/") if p)
            for column in out.columns:
                names.update(p for p in (column.path or column.key).split("/") if p)
    return sorted(names)


FIELDS = _field_names()
LEAF = st.one_of(st.none(), st.sampled_from(["", "true", "false", "running", "stopped", "available", "-1", "12", "x",
                                             "2009-11-30T00:00:00.000Z", "i-1", "vol-1", "<&>", "é"]))
TREE = st.recursive(LEAF, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                  st.dictionaries(st.sampled_from(FIELDS), inner, max_size=4)),
                    max_leaves=20)


def _xml(node) -> str:
    from xml.sax.saxutils import escape

    if isinstance(node, dict):
        return "".join(f"<{k}/>" if v is None else f"<{k}>{_xml(v)}</{k}>" for k, v in node.items())
    if isinstance(node, list):
        return "".join(f"<item>{_xml(v)}</item>" for v in node)
    return escape(node or "")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(sorted(n for n, c in cli.commands.items() if not isinstance(c, click.Group))),
       st.dictionaries(st.sampled_from(FIELDS), TREE, max_size=5))
def test_any_shape_of_answer_ends_cleanly(offline, tmp_path, name, body):
    """EC2 XML of any shape (lists where values were expected, empty elements, text for sets) to every
    command, flows included: it prints, or fails in one line; never a traceback, never an internal error."""
    def shaped(request):
        action = dict(parse_qsl(request.content.decode())).get("Action", "X")
        return httpx.Response(200, text=f"<{action}Response>{_xml(body)}</{action}Response>")

    extra = {"allocate-new-key-pair": ["--key-file", tmp_path / "k.pem", "--force"]}.get(name, [])
    with respx.mock(assert_all_called=False) as mock_ec2:
        mock_ec2.route().mock(side_effect=shaped)
        args = [name, *required_args(cli.commands[name], ""), *EXTRA.get(name, []), *extra, "--max-attempts", "1"]
        run = run_cli([*args, "-o", "json"])
    assert "Traceback" not in run.err and "internal error" not in run.err, (name, body, run.err)
    # 4: the key pair was made, but an answer without key text leaves nothing to write to --key-file
    assert run.code in ((0, 1, 3, 4) if extra else (0, 1, 3)), (name, body, run.code, run.err)
    if run.code:
        assert len(run.err.strip().splitlines()) == 1, run.err

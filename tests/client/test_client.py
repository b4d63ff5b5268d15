"""The client against respx: EC2 error documents, moto's and HTML answers, retries, clock skew."""

import httpcore
import httpx
import pytest
import respx

from conftest import ec2_error_xml, ec2_xml, sent_params

URL = "https://ec2.us-east-1.amazonaws.com/"
REGIONS = ec2_xml("DescribeRegions", "<regionInfo><item><regionName>eu-west-1</regionName>"
                  "<regionEndpoint>ec2.eu-west-1.amazonaws.com</regionEndpoint></item></regionInfo>")


@respx.mock
def test_query_sent_and_body_request_id(offline):
    route = respx.post(URL).mock(return_value=httpx.Response(200, text=REGIONS))
    run = offline("enumerate-regions", "--api-version", "2009-11-30")
    assert run.code == 0
    assert run.out == "eu-west-1,ec2.eu-west-1.amazonaws.com\nrequestId: 59dbff89-35bd-4eac-99ed-be587EXAMPLE\n"
    params = sent_params(route.calls.last.request)
    assert params == {"Action": "DescribeRegions", "Version": "2009-11-30"}
    assert route.calls.last.request.headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=")


@respx.mock
def test_ec2_error_document_is_exit_1_with_the_guides_form(offline):
    respx.post(URL).mock(return_value=httpx.Response(400, text=ec2_error_xml(
        "InvalidKeyPair.Duplicate", "The keypair 'k1' already exists.")))
    run = offline("allocate-new-key-pair", "--key-name", "k1")
    assert run.code == 1
    assert run.err == ("ec2ops: The keypair 'k1' already exists. Error code: InvalidKeyPair.Duplicate. "
                       "(requestId: ea966190-f9aa-478e-9ede-example)\n")


@respx.mock
def test_moto_style_error_response_and_empty_message(offline):
    respx.post(URL).mock(return_value=httpx.Response(401, headers={"Content-Type": "text/html"}, text=(
        "<ErrorResponse><Error><Code>AuthFailure</Code><Message>AWS was not able to validate the provided "
        "access credentials</Message></Error><RequestId>r-1</RequestId></ErrorResponse>")))
    run = offline("enumerate-regions")
    assert run.code == 1
    assert "AWS was not able to validate the provided access credentials. Error code: AuthFailure." in run.err


@respx.mock
@pytest.mark.parametrize("body,status", [
    ("<html><body>Proxy says no</body></html>", 200),
    ("<!DOCTYPE html><html><body>Bad gateway</body></html>", 403),
    ("<DescribeRegionsResponse><regionInfo><item>", 200),
    ("not xml at all", 200),
    ("", 200),
])
def test_answers_that_are_not_ec2_xml_exit_3(offline, body, status):
    respx.post(URL).mock(return_value=httpx.Response(status, text=body))
    run = offline("enumerate-regions")
    assert run.code == 3, run.err
    assert "ec2.us-east-1.amazonaws.com" in run.err and "Traceback" not in run.err
    assert len(run.err.strip().splitlines()) == 1


@respx.mock
def test_clock_skew_names_the_local_clock(offline):
    respx.post(URL).mock(return_value=httpx.Response(400, text=ec2_error_xml(
        "RequestExpired", "Request has expired. Timestamp date is 2009-11-30T00:00:00Z")))
    run = offline("enumerate-regions")
    assert run.code == 1 and "local clock" in run.err


@respx.mock
def test_throttling_is_retried_and_resigned(offline):
    route = respx.post(URL).mock(side_effect=[
        httpx.Response(503, text=ec2_error_xml("RequestLimitExceeded", "Request limit exceeded.")),
        httpx.Response(503, text="Service Unavailable"),
        httpx.Response(200, text=REGIONS),
    ])
    run = offline("enumerate-regions")
    assert run.code == 0, run.err
    assert route.call_count == 3


@respx.mock
def test_throttling_past_the_budget_is_exit_3(offline):
    route = respx.post(URL).mock(return_value=httpx.Response(
        503, text=ec2_error_xml("RequestLimitExceeded", "Request limit exceeded.")))
    run = offline("enumerate-regions", "--max-attempts", "3")
    assert run.code == 3 and route.call_count == 3 and "RequestLimitExceeded" in run.err


@respx.mock
def test_connection_refused_is_exit_3_after_retries(offline):
    route = respx.post(URL).mock(side_effect=httpcore.ConnectError("[Errno 111] Connection refused"))
    run = offline("enumerate-regions", "--max-attempts", "2")
    assert run.code == 3 and route.call_count == 2
    assert "Failed to open HTTP connection" in run.err


@respx.mock
def test_lost_answer_of_a_mutating_call_is_not_repeated(offline):
    route = respx.post(URL).mock(side_effect=httpcore.RemoteProtocolError("Server disconnected without sending a response."))
    run = offline("delete-key-pair", "--key-name", "k1")
    assert run.code == 3 and route.call_count == 1
    assert "outcome is unknown" in run.err


@respx.mock
def test_lost_answer_of_a_read_is_repeated(offline):
    route = respx.post(URL).mock(side_effect=[httpcore.ReadError("[Errno 104] Connection reset by peer"), httpx.Response(200, text=REGIONS)])
    run = offline("enumerate-regions")
    assert run.code == 0 and route.call_count == 2


@respx.mock
def test_bare_host_means_https_and_region_maps_to_endpoint(offline, monkeypatch):
    monkeypatch.delenv("EC2OPS_ENDPOINT")
    route = respx.post("https://ec2.eu-west-1.amazonaws.com/").mock(return_value=httpx.Response(200, text=REGIONS))
    assert offline("enumerate-regions", "--region", "eu-west-1").code == 0
    assert "/eu-west-1/ec2/aws4_request" in route.calls.last.request.headers["Authorization"]
    default = respx.post("https://us-east-1.ec2.amazonaws.com/").mock(return_value=httpx.Response(200, text=REGIONS))
    assert offline("enumerate-regions").code == 0 and default.called


@respx.mock
@pytest.mark.parametrize("endpoint", ["256.1.1.1", "http://10.0.0.999:8080/", "http://[::g]:5/", "https://[1:2]/"])
def test_an_address_that_is_no_address_is_bad_input(offline, endpoint):
    """Checked by ec2ops before anything is sent, as httpx's URL parser did when ec2ops used it."""
    route = respx.route().mock(return_value=httpx.Response(200, text=REGIONS))
    run = offline("enumerate-regions", "--endpoint", endpoint)
    assert (run.code, run.out) == (2, "")
    assert run.err == f"ec2ops: serviceEndpoint '{endpoint}' is not a host or an http(s) URL.\n"
    assert not route.called

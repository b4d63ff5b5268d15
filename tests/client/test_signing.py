"""Both signatures agree byte for byte with botocore's signers for the same request."""

import base64
import datetime as dt
import hashlib
import hmac
from unittest import mock
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from botocore.auth import SigV2Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials

from conftest import ACCESS_KEY_ID, SECRET_KEY, run_cli
from ec2ops.client.signing import Credentials, encode_form, sign_v2, sign_v4, wire_path, wire_url
from faultserver import FaultServer

NOW = dt.datetime(2026, 11, 26, 12, 34, 56, tzinfo=dt.timezone.utc)
PARAMS = {
    "Action": "DescribeInstances",
    "Version": "2016-11-15",
    "InstanceId.1": "i-0123456789abcdef0",
    "Filter.1.Value.1": "a b/c+d*é~",
}


@pytest.mark.parametrize("token", [None, "FQoGZXIvYXdzEJr//////////token"])
@pytest.mark.parametrize("url,region", [
    ("https://ec2.eu-west-1.amazonaws.com/", "eu-west-1"),
    ("http://127.0.0.1:5000/", "us-east-1"),
])
def test_v4_matches_botocore(url, region, token):
    creds = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token)
    headers, body = sign_v4(url, PARAMS, creds, region, NOW)
    request = AWSRequest(method="POST", url=url, data=body, headers={"Content-Type": headers["Content-Type"]})
    with mock.patch("botocore.auth.get_current_datetime", return_value=NOW.replace(tzinfo=None)):
        SigV4Auth(BotoCredentials(creds.access_key_id, creds.secret_key, token), "ec2", region).add_auth(request)
    assert headers["Authorization"] == request.headers["Authorization"]
    assert headers["X-Amz-Date"] == "20261126T123456Z"
    assert dict(parse_qsl(body.decode())) == PARAMS


@pytest.mark.parametrize("service,url,params", [
    ("sts", "https://sts.eu-west-1.amazonaws.com/", {"Action": "GetCallerIdentity", "Version": "2011-06-15"}),
    ("sts", "http://127.0.0.1:5000/", {"Action": "AssumeRole", "Version": "2011-06-15", "RoleSessionName": "a b",
                                       "RoleArn": "arn:aws:iam::123456789012:role/ops"}),
    ("iam", "https://iam.amazonaws.com/", {"Action": "ListUsers", "Version": "2010-05-08"}),
])
@pytest.mark.parametrize("token", [None, "FQoGZXIvYXdzEJr//////////token"])
def test_v4_signs_another_service_as_botocore_does(service, url, params, token):
    """The service's signing name goes into the scope and the key: STS (the next issue's roles) is a
    POST form as EC2 is, and botocore signs it the same way."""
    creds = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token)
    headers, body = sign_v4(url, params, creds, "eu-west-1", NOW, service=service)
    request = AWSRequest(method="POST", url=url, data=body, headers={"Content-Type": headers["Content-Type"]})
    with mock.patch("botocore.auth.get_current_datetime", return_value=NOW.replace(tzinfo=None)):
        SigV4Auth(BotoCredentials(creds.access_key_id, creds.secret_key, token), service, "eu-west-1").add_auth(
            request)
    assert headers["Authorization"] == request.headers["Authorization"]
    assert f"/20261126/eu-west-1/{service}/aws4_request," in headers["Authorization"]
    assert headers["Authorization"] != sign_v4(url, params, creds, "eu-west-1", NOW)[0]["Authorization"]


@pytest.mark.parametrize("url", ["https://us-east-1.ec2.amazonaws.com/", "http://127.0.0.1:8080/"])
def test_v2_hmacsha256_matches_botocore(url):
    creds = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    _, body = sign_v2(url, PARAMS, creds, NOW)
    sent = dict(parse_qsl(body.decode()))
    unsigned = {k: v for k, v in sent.items() if k != "Signature"}
    _, expected = SigV2Auth(BotoCredentials(creds.access_key_id, creds.secret_key)).calc_signature(
        AWSRequest(method="POST", url=url, data=unsigned), unsigned
    )
    assert sent["Signature"] == expected
    assert sent["SignatureMethod"] == "HmacSHA256" and sent["Timestamp"] == "2026-11-26T12:34:56Z"


def test_v2_hmacsha1_is_the_guides_rfc2104_hmac():
    creds = Credentials("AKIDEXAMPLE", "secret")
    _, body = sign_v2("https://us-east-1.ec2.amazonaws.com/", PARAMS, creds, NOW, "HmacSHA1")
    sent = dict(parse_qsl(body.decode()))
    unsigned = {k: v for k, v in sent.items() if k != "Signature"}
    to_sign = "POST\nus-east-1.ec2.amazonaws.com\n/\n" + encode_form(unsigned)
    expected = base64.b64encode(hmac.new(b"secret", to_sign.encode(), hashlib.sha1).digest()).decode()
    assert sent["Signature"] == expected and sent["SignatureMethod"] == "HmacSHA1"


def test_credentials_repr_hides_the_secret():
    assert "wJalr" not in repr(Credentials("AKID", "wJalrXUtnFEMI"))


# -- the request as it is sent: paths, IPv6 hosts, default ports (issue 10) -------------------------
# botocore, the oracle, is given the URL as httpx (an encoder of its own, not ours) sends it.
ORACLE_CREDS = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
PATHS = ["/", "/a b/", "/a/../", "//x//", "/é/ü/", "/%41%2f/", "/services/Eucalyptus", "/a/./b/../c",
         "/a+b;c=d,e'($)!*@:/"]
BASES = ["http://127.0.0.1:5000", "http://[::1]:5000", "https://[2001:db8::1]", "http://EC2.Example.COM:8773",
         "http://ec2.example:80", "https://ec2.example:443"]


def _botocore_v4(sent_url: str, body: bytes, content_type: str, region: str) -> str:
    request = AWSRequest(method="POST", url=sent_url, data=body, headers={"Content-Type": content_type})
    with mock.patch("botocore.auth.get_current_datetime", return_value=NOW.replace(tzinfo=None)):
        SigV4Auth(BotoCredentials(ORACLE_CREDS.access_key_id, ORACLE_CREDS.secret_key), "ec2",
                  region).add_auth(request)
    return request.headers["Authorization"]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("base", BASES)
def test_v4_matches_botocore_for_the_path_and_host_sent(base, path):
    url = base + path
    sent = httpx.Request("POST", url)
    headers, body = sign_v4(url, PARAMS, ORACLE_CREDS, "us-east-1", NOW)
    assert urlsplit(wire_url(url)).path == sent.url.raw_path.decode()  # what is signed is what is sent
    assert headers["Host"] == sent.headers["Host"]  # brackets round IPv6, no default port
    assert headers["Authorization"] == _botocore_v4(str(sent.url), body, headers["Content-Type"], "us-east-1")


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("base", BASES)
def test_v2_signs_the_host_and_path_sent_as_botocore_does(base, path):
    """Signature Version 2 signs the Host header and the path as sent: http://host:80/ is sent as Host: host."""
    url = base + path
    sent = httpx.Request("POST", url)
    headers, body = sign_v2(url, PARAMS, ORACLE_CREDS, NOW)
    params = dict(parse_qsl(body.decode()))
    signature = params.pop("Signature")
    _, expected = SigV2Auth(BotoCredentials(ORACLE_CREDS.access_key_id, ORACLE_CREDS.secret_key)).calc_signature(
        AWSRequest(method="POST", url=str(sent.url), data=params), params)
    assert (headers["Host"], signature) == (sent.headers["Host"], expected)


def test_wire_path_removes_dot_segments_as_rfc_3986_does():
    assert [wire_path(p) for p in ("/a/b/c/./../../g", "mid/content=5/../6", "/a/b/..", "/../..", "", "/100%/")] == [
        "/a/g", "/mid/6", "/a/", "/", "/", "/100%25/"]


def _received(request) -> tuple[str, dict[str, str]]:
    headers = {k.lower(): v for k, v in request.headers.items()}
    return f"http://{headers['host']}{request.path}", headers


@pytest.mark.parametrize("version", ["4", "2"])
@pytest.mark.parametrize("path", ["a b/", "a/../", "/x//", "é/", "services/Eucalyptus"])
@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
def test_what_a_server_receives_verifies_with_botocore(monkeypatch, host, path, version):
    """End to end: the request line and headers a server got, checked by botocore as a server would."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    with FaultServer(host=host) as server:
        run = run_cli(["enumerate-regions", "--endpoint", server.url + path, "--signature-version", version])
    assert run.code == 0, run.err
    url, headers = _received(server.requests[0])
    assert headers["host"] == server.url.split("/")[2]
    boto = BotoCredentials(ACCESS_KEY_ID, SECRET_KEY)
    if version == "2":
        params = dict(parse_qsl(server.requests[0].body.decode()))
        signature = params.pop("Signature")
        assert signature == SigV2Auth(boto).calc_signature(AWSRequest(method="POST", url=url, data=params), params)[1]
        return
    signed = headers["authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")
    request = AWSRequest(method="POST", url=url, data=server.requests[0].body,
                         headers={k: v for k, v in headers.items() if k in signed})
    request.context["timestamp"] = headers["x-amz-date"]
    auth = SigV4Auth(boto, "ec2", "us-east-1")
    signature = auth.signature(auth.string_to_sign(request, auth.canonical_request(request)), request)
    assert headers["authorization"].endswith(f"Signature={signature}")

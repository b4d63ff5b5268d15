"""Both signatures agree byte for byte with botocore's signers for the same request."""

import base64
import datetime as dt
import hashlib
import hmac
from unittest import mock
from urllib.parse import parse_qsl

import pytest
from botocore.auth import SigV2Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials

from ec2ops.client.signing import Credentials, encode_form, sign_v2, sign_v4

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

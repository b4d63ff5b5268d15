"""~/.aws/cli/cache shared with the AWS CLI: what ec2ops writes botocore reads (with the cache the AWS
CLI gives its assume-role provider) and the other way round; 0600; expired entries asked again; a
cached role asks no MFA code."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat

import pytest

from ec2ops import credentials

ARN = "arn:aws:iam::123456789012:role/ops"
BASE = "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = sbase\n"


@pytest.fixture
def home(monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".aws").mkdir()
    (tmp_path / ".aws" / "credentials").write_text(BASE)
    return tmp_path


@pytest.fixture
def sts(monkeypatch):
    from stsfake import FakeSts

    fake = FakeSts()
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", fake.url)
    yield fake
    fake.close()


def aws_cli_keys(profile: str):
    """The keys botocore resolves with the file cache the AWS CLI sets on its assume-role provider."""
    import botocore.session
    from botocore.utils import JSONFileCache

    session = botocore.session.Session(profile=profile)
    session.get_component("credential_provider").get_provider("assume-role").cache = JSONFileCache(
        os.path.expanduser(os.path.join("~", ".aws", "cli", "cache")))
    return session.get_credentials().get_frozen_credentials()


ROLE = f"[profile r]\nrole_arn = {ARN}\nsource_profile = base\nexternal_id = ext\nduration_seconds = 3600\n"


def test_what_ec2ops_caches_the_aws_cli_uses_without_asking_sts(home, sts):
    (home / ".aws" / "config").write_text(ROLE)
    keys = credentials.resolve(None, None, None, "r", explicit=True).current()
    [entry] = list((home / ".aws" / "cli" / "cache").iterdir())
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600 and entry.suffix == ".json"
    frozen = aws_cli_keys("r")
    assert (frozen.access_key, frozen.secret_key, frozen.token) == (keys.access_key_id, keys.secret_key,
                                                                      keys.session_token)
    assert len(sts.requests) == 1
    credentials.resolve(None, None, None, "r", explicit=True)  # a second run within the keys' life
    assert len(sts.requests) == 1


def test_what_the_aws_cli_caches_ec2ops_uses_without_asking_sts(home, sts):
    (home / ".aws" / "config").write_text(ROLE)
    frozen = aws_cli_keys("r")
    assert len(sts.requests) == 1
    keys = credentials.resolve(None, None, None, "r", explicit=True).current()
    assert (keys.access_key_id, keys.session_token) == (frozen.access_key, frozen.token) and len(sts.requests) == 1


def test_an_entry_about_to_expire_is_asked_again_and_replaced(home, sts):
    (home / ".aws" / "config").write_text(ROLE)
    credentials.resolve(None, None, None, "r", explicit=True)
    [entry] = list((home / ".aws" / "cli" / "cache").iterdir())
    cached = json.loads(entry.read_text())
    soon = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=14)
    cached["Credentials"].update(AccessKeyId="ASIAOLD", Expiration=soon.isoformat())
    entry.write_text(json.dumps(cached))
    assert credentials.resolve(None, None, None, "r", explicit=True).current().access_key_id == "ASIAOPS"
    assert len(sts.requests) == 2 and json.loads(entry.read_text())["Credentials"]["AccessKeyId"] == "ASIAOPS"


def test_a_broken_entry_is_passed_over(home, sts):
    (home / ".aws" / "config").write_text(ROLE)
    credentials.resolve(None, None, None, "r", explicit=True)
    [entry] = list((home / ".aws" / "cli" / "cache").iterdir())
    entry.write_text("{not json")
    assert credentials.resolve(None, None, None, "r", explicit=True).current().access_key_id == "ASIAOPS"
    assert len(sts.requests) == 2


def test_a_cached_role_asks_no_mfa_code(home, sts, monkeypatch):
    from ec2ops.credentials import role

    (home / ".aws" / "config").write_text(ROLE + "mfa_serial = arn:aws:iam::123456789012:mfa/me\n")
    role._codes["arn:aws:iam::123456789012:mfa/me"] = "123456"  # given once, in the run that cached the role
    try:
        credentials.resolve(None, None, None, "r", explicit=True)
    finally:
        role._codes.clear()
    assert credentials.resolve(None, None, None, "r", explicit=True).current().access_key_id == "ASIAOPS"
    assert len(sts.requests) == 1  # and no terminal was needed: there is none here

"""~/.aws/cli/cache shared with the AWS CLI: what ec2ops writes botocore reads (with the cache the AWS
CLI gives its assume-role and web identity providers) and the other way round; 0600; expired entries
asked again; a cached role asks no MFA code; a cached web identity reads no token."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
import time

import pytest

from ec2ops import credentials
from ec2ops.errors import InputError

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


def aws_cli_keys(profile: str, provider: str = "assume-role"):
    """The keys botocore resolves with the file cache the AWS CLI sets on its assume-role and
    assume-role-with-web-identity providers (awscli/customizations/assumerole.py)."""
    import botocore.session
    from botocore.utils import JSONFileCache

    session = botocore.session.Session(profile=profile)
    session.get_component("credential_provider").get_provider(provider).cache = JSONFileCache(
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
    role._codes["arn:aws:iam::123456789012:mfa/me"] = "123456", time.monotonic()  # given in the run that cached it
    try:
        credentials.resolve(None, None, None, "r", explicit=True)
    finally:
        role._codes.clear()
    assert credentials.resolve(None, None, None, "r", explicit=True).current().access_key_id == "ASIAOPS"
    assert len(sts.requests) == 1  # and no terminal was needed: there is none here


WEB_ARN = "arn:aws:iam::123456789012:role/ci"


@pytest.fixture
def web(home):
    """A profile whose keys come from a web identity (an OIDC token in a file)."""
    (home / "oidc-token").write_text("eyJ.oidc.token\n")
    (home / ".aws" / "config").write_text(f"[profile ci]\nweb_identity_token_file = {home}/oidc-token\n"
                                          f"role_arn = {WEB_ARN}\nrole_session_name = pipeline\n")
    return home


def test_a_web_identitys_keys_are_cached_for_the_aws_cli_and_the_next_run(web, sts):
    keys = credentials.resolve(None, None, None, "ci", explicit=True).current()
    assert [(r["params"]["Action"], r["params"]["RoleSessionName"], r["signer"]) for r in sts.requests] == [
        ("AssumeRoleWithWebIdentity", "pipeline", None)]
    [entry] = list((web / ".aws" / "cli" / "cache").iterdir())
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600 and "oidc" not in entry.read_text()  # never the token
    # botocore's key: RoleArn and RoleSessionName as the profile gives them
    assert entry.name == hashlib.sha1(json.dumps({"RoleArn": WEB_ARN, "RoleSessionName": "pipeline"},
                                                 sort_keys=True).encode()).hexdigest() + ".json"
    frozen = aws_cli_keys("ci", "assume-role-with-web-identity")
    assert (frozen.access_key, frozen.token) == (keys.access_key_id, keys.session_token) == ("ASIACI", "token-CI")
    (web / "oidc-token").unlink()  # the next run reads no token while the keys live, as the AWS CLI
    again = credentials.resolve(None, None, None, "ci", explicit=True).current()
    assert again.access_key_id == "ASIACI" and len(sts.requests) == 1


def test_what_the_aws_cli_cached_for_a_web_identity_ec2ops_uses(web, sts):
    aws_cli_keys("ci", "assume-role-with-web-identity")
    assert len(sts.requests) == 1
    assert credentials.resolve(None, None, None, "ci", explicit=True).current().access_key_id == "ASIACI"
    assert len(sts.requests) == 1


def test_an_expired_web_identity_entry_reads_the_token_again(web, sts):
    credentials.resolve(None, None, None, "ci", explicit=True)
    [entry] = list((web / ".aws" / "cli" / "cache").iterdir())
    cached = json.loads(entry.read_text())
    cached["Credentials"]["Expiration"] = "2020-01-01T00:00:00UTC"  # as botocore writes a time
    entry.write_text(json.dumps(cached))
    (web / "oidc-token").write_text("")
    with pytest.raises(InputError) as refused:
        credentials.resolve(None, None, None, "ci", explicit=True).current()
    assert str(refused.value) == (f"The web identity token file {web}/oidc-token (web_identity_token_file of the "
                                  "profile 'ci') is missing or empty.")
    assert len(sts.requests) == 1


@pytest.mark.parametrize("text", ["2026-12-03T09:28:52Z", "2026-12-03T09:28:52+00:00", "2026-12-03T09:28:52UTC",
                                  " 2026-12-03T09:28:52Z\n", "2026-12-03T09:28:52", "2026-12-03T11:28:52+02:00"])
def test_every_form_of_an_expiry_is_one_instant(text):
    """One reader for STS's answers, the services' JSON and the caches' files (botocore's ...UTC;
    no zone is UTC)."""
    from ec2ops.client.keys import expiry

    when = expiry(text)
    assert when == dt.datetime(2026, 12, 3, 9, 28, 52, tzinfo=dt.timezone.utc) and when.utcoffset() is not None


def test_a_text_that_is_no_time_is_no_expiry():
    from ec2ops.client.keys import expiry

    with pytest.raises(ValueError):
        expiry("tomorrow")


SSO = ("[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\n"
       "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n")


@pytest.fixture
def sso(home, monkeypatch):
    """An SSO profile, the token `aws sso login` left, and the portal (credfakes) on 127.0.0.1."""
    import credfakes

    (home / ".aws" / "config").write_text(SSO)
    token = home / ".aws" / "sso" / "cache" / (hashlib.sha1(b"corp").hexdigest() + ".json")
    token.parent.mkdir(parents=True)
    token.write_text(json.dumps({"startUrl": "https://corp.awsapps.com/start", "region": "us-east-1",
                                 "accessToken": "sso-access-token", "expiresAt": "2099-01-01T00:00:00Z"}))
    portal = credfakes.sso_portal()
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", portal.url)
    yield home, portal, token
    portal.close()


def test_an_sso_roles_keys_are_cached_under_botocores_key_for_the_next_run(sso):
    home, portal, token = sso
    keys = credentials.resolve(None, None, None, "dev", explicit=True).current()
    assert keys.access_key_id == "ASIASSOADMIN" and len(portal.requests) == 1
    [entry] = list((home / ".aws" / "cli" / "cache").iterdir())
    key = json.dumps({"accountId": "111122223333", "roleName": "Admin", "sessionName": "corp"}, sort_keys=True,
                     separators=(",", ":"))
    assert entry.name == hashlib.sha1(key.encode()).hexdigest() + ".json"
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600 and "sso-access-token" not in entry.read_text()
    token.unlink()  # logged out since: the role's keys still serve while they live, as in the AWS CLI
    assert credentials.resolve(None, None, None, "dev", explicit=True).current() == keys
    assert len(portal.requests) == 1


def test_botocore_reads_the_sso_keys_ec2ops_cached(sso, monkeypatch):
    """botocore, given the file cache (as AWS CLI v2 gives its SSO provider), takes ec2ops's entry
    and asks the portal nothing."""
    import subprocess
    import sys

    home, portal, _ = sso
    credentials.resolve(None, None, None, "dev", explicit=True)
    oracle = ("import os, botocore.session\nfrom botocore.utils import JSONFileCache\n"
              "s = botocore.session.Session(profile='dev')\n"
              "s.get_component('credential_provider').get_provider('sso').cache = JSONFileCache("
              "os.path.expanduser('~/.aws/cli/cache'))\n"
              "print(s.get_credentials().get_frozen_credentials().access_key)\n")
    done = subprocess.run([sys.executable, "-c", oracle], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, len(portal.requests)) == (0, "ASIASSOADMIN\n", 1), done.stderr

"""--profiles over role profiles of several accounts sharing one source (the AWS Organizations
setup): each profile resolved once per run and all at once, the shared source once, a second run
served by ~/.aws/cli/cache; a profile whose role is refused is its one line, exit 1, the others go on."""

from __future__ import annotations

import os

import httpx
import pytest

from conftest import run_cli

ROOT = "[root]\naws_access_key_id = AKIDROOT\naws_secret_access_key = sroot\n"
ROLE = "[profile {0}]\nrole_arn = arn:aws:iam::{1}:role/{2}\nsource_profile = {3}\n"


@pytest.fixture
def home(monkeypatch, tmp_path, moto_url):
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    httpx.post(f"{moto_url}/moto-api/reset")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("EC2OPS_ENDPOINT", moto_url)
    (tmp_path / ".aws").mkdir()
    (tmp_path / ".aws" / "credentials").write_text(ROOT)
    return tmp_path / ".aws"


@pytest.fixture
def sts(monkeypatch):
    from stsfake import FakeSts

    fake = FakeSts()
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", fake.url)
    yield fake
    fake.close()


def config(*roles: tuple[str, str, str, str]) -> str:
    return "".join(ROLE.format(*role) for role in roles)


ORG = config(("hub", "111111111111", "hub", "root"), ("a", "222222222222", "ops-a", "hub"),
             ("b", "333333333333", "ops-b", "hub"), ("c", "444444444444", "ops-c", "hub"))


def key_pair(moto_url, region):
    import boto3

    boto3.client("ec2", endpoint_url=moto_url, region_name=region, aws_access_key_id="AKIDX",
                 aws_secret_access_key="s").create_key_pair(KeyName=f"kp-{region}")


def test_each_profile_and_the_shared_source_are_assumed_once_and_a_second_run_assumes_none(home, sts, moto_url):
    (home / "config").write_text(ORG)
    key_pair(moto_url, "us-east-1")
    run = run_cli(["enumerate-key-pairs", "--profiles", "a,b,c", "--regions", "all", "-o", "json"])
    assert run.code == 0, run.err
    assert sorted(sts.assumed()) == [("hub", "AKIDROOT"), ("ops-a", "ASIAHUB"), ("ops-b", "ASIAHUB"),
                                     ("ops-c", "ASIAHUB")]
    assert len(list((home / "cli" / "cache").iterdir())) == 4
    again = run_cli(["enumerate-key-pairs", "--profiles", "a,b,c", "--regions", "all", "-o", "json"])
    assert again.code == 0 and len(sts.requests) == 4


def test_a_profile_whose_role_is_refused_is_one_line_and_the_others_go_on(home, sts, moto_url):
    (home / "config").write_text(config(("hub", "111111111111", "hub", "root"), ("a", "222222222222", "ops-a", "hub"),
                                        ("b", "333333333333", "denied-b", "hub"),
                                        ("c", "444444444444", "ops-c", "hub")))
    for region in ("us-east-1", "eu-west-1"):
        key_pair(moto_url, region)
    run = run_cli(["enumerate-key-pairs", "--profiles", "a,b,c", "--regions", "us-east-1,eu-west-1", "--columns",
                   "profile,region,keyName"])
    assert run.code == 1
    assert run.err == ("ec2ops: b: The profile 'b' could not assume the role arn:aws:iam::333333333333:role/denied-b: "
                       "User is not authorized to perform: sts:AssumeRole on arn:aws:iam::333333333333:role/denied-b. "
                       "Error code: AccessDenied.\n")
    rows = [line.split(",") for line in run.out.splitlines() if not line.startswith("requestId")]
    assert rows == [["a", "us-east-1", "kp-us-east-1"], ["a", "eu-west-1", "kp-eu-west-1"],
                    ["c", "us-east-1", "kp-us-east-1"], ["c", "eu-west-1", "kp-eu-west-1"]]
    assert sorted(role for role, _ in sts.assumed()) == ["denied-b", "hub", "ops-a", "ops-c"]

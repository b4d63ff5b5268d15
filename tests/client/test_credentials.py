"""Credentials: flags, then environment, then profile; stdin; clear errors; a checked signature."""

import httpx
import pytest

from conftest import run_cli


@pytest.fixture
def no_env_keys(monkeypatch, tmp_path):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    return tmp_path


def test_missing_credentials_name_what_is_missing(moto, no_env_keys):
    run = run_cli(["enumerate-regions"])
    assert run.code == 2
    assert "accessKeyId" in run.err and "accessKey " in run.err and "Traceback" not in run.err


def test_profile_and_its_region(moto, no_env_keys, monkeypatch):
    (no_env_keys / "credentials").write_text("[ops]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s\n")
    (no_env_keys / "config").write_text("[profile ops]\nregion = eu-west-1\n")
    run = run_cli(["enumerate-availability-zones", "--profile", "ops", "--get", "returnResult"])
    assert run.code == 0, run.err
    assert run.out.startswith("eu-west-1a")  # moto takes the region from the signature's scope
    missing = run_cli(["enumerate-regions", "--profile", "nope"])
    assert missing.code == 2 and "nope" in missing.err


def test_secret_from_stdin_and_flag_warning(moto, no_env_keys):
    run = run_cli(["enumerate-regions", "--access-key-id", "AKIDX", "--access-key", "-"], stdin="s3cret\n")
    assert run.code == 0, run.err
    flagged = run_cli(["enumerate-regions", "--access-key-id", "AKIDX", "--access-key", "s3cret"])
    assert flagged.code == 0 and "process list" in flagged.err and "s3cret" not in flagged.err


def test_proxy_host_without_port_is_the_guides_error(moto):
    run = run_cli(["enumerate-regions", "--proxy-host", "proxy.example"])
    assert run.code == 2
    assert "Either both proxy port and proxy host must be null or none of them." in run.err


def test_moto_checks_the_signature(moto_url, monkeypatch, no_env_keys):
    """With moto's auth on, the right secret is accepted and a wrong one refused with exit 1."""
    import boto3  # moto[server] brings boto3

    monkeypatch.setenv("EC2OPS_ENDPOINT", moto_url)
    httpx.post(f"{moto_url}/moto-api/reset")
    httpx.post(f"{moto_url}/moto-api/reset-auth", content=b"4", headers={"Content-Type": "text/plain"})
    try:
        iam = boto3.client("iam", region_name="us-east-1", endpoint_url=moto_url,
                           aws_access_key_id="AKIDBOOTSTRAP0000000", aws_secret_access_key="bootstrap")
        iam.create_user(UserName="ops")
        policy = iam.create_policy(PolicyName="ec2all", PolicyDocument=(
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}'))
        iam.attach_user_policy(UserName="ops", PolicyArn=policy["Policy"]["Arn"])
        key = iam.create_access_key(UserName="ops")["AccessKey"]
        env = {"AWS_ACCESS_KEY_ID": key["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}
        good = run_cli(["enumerate-regions", "--get", "returnResult"], env=env)
        assert good.code == 0, good.err
        env["AWS_SECRET_ACCESS_KEY"] = "wrong" + key["SecretAccessKey"][5:]
        bad = run_cli(["enumerate-regions"], env=env)
        assert bad.code == 1
        assert "Error code: " in bad.err and key["SecretAccessKey"][5:] not in bad.err
    finally:
        httpx.post(f"{moto_url}/moto-api/reset-auth", content=b"100000000", headers={"Content-Type": "text/plain"})

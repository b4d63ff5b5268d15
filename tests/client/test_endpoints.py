"""Where requests go and which region they are signed for, with botocore's endpoint resolution as the
oracle: every partition, FIPS and dual-stack, the AWS CLI's configured endpoints in their order; and
--regions going to each region's endpoint as DescribeRegions lists it, asked in each profile's
account. Nothing is sent beyond this process (respx) or 127.0.0.1."""

from __future__ import annotations

import botocore.session
import httpx
import pytest
import respx
from botocore.config import Config

from conftest import ACCESS_KEY_ID, SECRET_KEY, debug_params, ec2_error_xml, ec2_xml, run_cli
from ec2ops import endpoint
from ec2ops.client.ratelimit import Adaptive
from ec2ops.options import Common

REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "ca-west-1", "il-central-1", "mx-central-1", "cn-north-1",
           "cn-northwest-1", "us-gov-west-1", "us-gov-east-1", "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1",
           "us-isof-south-1", "eusc-de-east-1"]
# botocore's bundled data gives the ISO partitions' dual-stack hosts under api.aws, or none at all;
# AWS's partition table (partitions.json), which ec2ops follows, gives each its own suffix.
ISO = ("us-iso-", "us-isob-", "eu-isoe-", "us-isof-")


@pytest.fixture
def aws_home(tmp_path, monkeypatch):
    """An empty ~/.aws and an environment without endpoint settings, for ec2ops and botocore alike."""
    for name in ("EC2OPS_ENDPOINT", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
                 "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_EC2", "AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT",
                 "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "AWS_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    config = tmp_path / ".aws" / "config"
    config.parent.mkdir()
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / ".aws" / "credentials"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    return config


def botocore_endpoint(region: str | None, **config) -> str:
    client = botocore.session.Session().create_client("ec2", region_name=region, config=Config(**config))
    return client.meta.endpoint_url.rstrip("/") + "/"


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("fips,dual_stack", [(False, False), (True, False), (False, True), (True, True)])
def test_each_partition_fips_and_dual_stack_as_botocore_resolves_them(aws_home, monkeypatch, region, fips,
                                                                      dual_stack):
    monkeypatch.setenv("AWS_USE_FIPS_ENDPOINT", str(fips).lower())
    monkeypatch.setenv("AWS_USE_DUALSTACK_ENDPOINT", str(dual_stack).lower())
    url, signed_for = endpoint.resolve(Common(region=region))
    assert signed_for == region
    if dual_stack and region.startswith(ISO):
        suffix = {"us-iso-": "api.aws.ic.gov", "us-isob-": "api.aws.scloud", "eu-isoe-": "api.cloud-aws.adc-e.uk",
                  "us-isof-": "api.aws.hci.ic.gov"}[next(p for p in ISO if region.startswith(p))]
        assert url == f"https://ec2{'-fips' if fips else ''}.{region}.{suffix}/"
        return
    assert url == botocore_endpoint(region, use_fips_endpoint=fips, use_dualstack_endpoint=dual_stack)


def test_configured_endpoints_in_the_aws_clis_order(aws_home, monkeypatch):
    aws_home.write_text("[default]\nregion = eu-west-1\nendpoint_url = http://127.0.0.1:4001\nservices = local\n"
                        "[services local]\nec2 =\n  endpoint_url = http://127.0.0.1:4002\n")
    assert endpoint.resolve(Common())[0] == "http://127.0.0.1:4002/" == botocore_endpoint(None)
    aws_home.write_text("[default]\nregion = eu-west-1\nendpoint_url = http://127.0.0.1:4001\n")
    assert endpoint.resolve(Common())[0] == "http://127.0.0.1:4001/" == botocore_endpoint(None)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4003")
    assert endpoint.resolve(Common())[0] == "http://127.0.0.1:4003/" == botocore_endpoint(None)
    monkeypatch.setenv("AWS_ENDPOINT_URL_EC2", "http://127.0.0.1:4004")
    assert endpoint.resolve(Common()) == ("http://127.0.0.1:4004/", "eu-west-1")
    assert botocore_endpoint(None) == "http://127.0.0.1:4004/"
    # ec2ops's own flag and EC2OPS_ENDPOINT come first; the AWS CLI's switch ignores the configured ones
    assert endpoint.resolve(Common(service_endpoint="http://127.0.0.1:4005"))[0] == "http://127.0.0.1:4005/"
    monkeypatch.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
    assert endpoint.resolve(Common()) == ("https://ec2.eu-west-1.amazonaws.com/", "eu-west-1")
    assert botocore_endpoint(None) == "https://ec2.eu-west-1.amazonaws.com/"


def test_a_profiles_fips_and_dual_stack_settings(aws_home):
    aws_home.write_text("[profile gov]\nregion = us-gov-west-1\nuse_fips_endpoint = true\n"
                        "[profile v6]\nregion = cn-north-1\nuse_dualstack_endpoint = true\n")
    assert endpoint.resolve(Common(profile="gov")) == ("https://ec2.us-gov-west-1.amazonaws.com/", "us-gov-west-1")
    assert endpoint.resolve(Common(profile="v6")) == ("https://ec2.cn-north-1.api.amazonwebservices.com.cn/",
                                                      "cn-north-1")


@pytest.mark.parametrize("host,region", [
    ("ec2.cn-north-1.amazonaws.com.cn", "cn-north-1"),
    ("ec2-fips.us-east-2.amazonaws.com", "us-east-2"),
    ("ec2.eu-west-3.api.aws", "eu-west-3"),
    ("ec2-fips.ca-central-1.api.aws", "ca-central-1"),
    ("vpce-0a1b2c3d4e5f-abcdefgh.ec2.ap-south-1.vpce.amazonaws.com", "ap-south-1"),
    ("ec2.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1"),
    ("eu-west-1.ec2.amazonaws.com", "eu-west-1"),
    ("127.0.0.1:5000", "us-east-1"),
])
def test_an_aws_host_given_names_the_region_it_is_signed_for(aws_home, host, region):
    assert endpoint.resolve(Common(service_endpoint=host)) == (f"https://{host}/", region)


def test_regions_go_to_the_endpoints_describe_regions_lists_in_each_profiles_account(aws_home, monkeypatch):
    """Two profiles (two accounts): each lists its own regions; each region's calls go to the host its
    account's DescribeRegions gives (a China account's .com.cn hosts)."""
    (aws_home.parent / "credentials").write_text(
        "[a]\naws_access_key_id = AKIDACCOUNTA\naws_secret_access_key = sa\n"
        "[b]\naws_access_key_id = AKIDACCOUNTB\naws_secret_access_key = sb\n")
    aws_home.write_text("[profile a]\nregion = cn-north-1\n[profile b]\nregion = us-east-1\n")
    regions_of = {
        "AKIDACCOUNTA": [("cn-north-1", "ec2.cn-north-1.amazonaws.com.cn"),
                         ("cn-northwest-1", "ec2.cn-northwest-1.amazonaws.com.cn")],
        "AKIDACCOUNTB": [("us-east-1", "ec2.us-east-1.amazonaws.com"), ("eu-west-1", "ec2.eu-west-1.amazonaws.com")],
    }
    asked: list[tuple[str, str, str]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        key = request.headers["Authorization"].split("Credential=")[1].split("/")[0]
        action = dict(httpx.QueryParams(request.content.decode()))["Action"]
        asked.append((key, request.url.host, action))
        if action == "DescribeRegions":
            items = "".join(f"<item><regionName>{r}</regionName><regionEndpoint>{e}</regionEndpoint></item>"
                            for r, e in regions_of[key])
            return httpx.Response(200, text=ec2_xml("DescribeRegions", f"<regionInfo>{items}</regionInfo>"))
        return httpx.Response(200, text=ec2_xml("DescribeKeyPairs", "<keySet><item><keyName>k</keyName>"
                                                                "<keyFingerprint>f</keyFingerprint></item></keySet>"))

    with respx.mock(assert_all_called=False) as mock:
        mock.route().mock(side_effect=answer)
        run = run_cli(["enumerate-key-pairs", "--profiles", "a,b", "--regions", "all", "-o", "json"],
                      env={"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""})
    assert run.code == 0, run.err
    assert [a for a in asked if a[2] == "DescribeRegions"] == [
        ("AKIDACCOUNTA", "ec2.cn-north-1.amazonaws.com.cn", "DescribeRegions"),
        ("AKIDACCOUNTB", "ec2.us-east-1.amazonaws.com", "DescribeRegions")]
    assert sorted(a for a in asked if a[2] == "DescribeKeyPairs") == sorted([
        ("AKIDACCOUNTA", "ec2.cn-north-1.amazonaws.com.cn", "DescribeKeyPairs"),
        ("AKIDACCOUNTA", "ec2.cn-northwest-1.amazonaws.com.cn", "DescribeKeyPairs"),
        ("AKIDACCOUNTB", "ec2.us-east-1.amazonaws.com", "DescribeKeyPairs"),
        ("AKIDACCOUNTB", "ec2.eu-west-1.amazonaws.com", "DescribeKeyPairs")])


@respx.mock
@pytest.mark.parametrize("where", ["env", "profile"])
def test_max_attempts_from_the_aws_clis_settings(aws_home, monkeypatch, where):
    monkeypatch.setenv("EC2OPS_ENDPOINT", "https://ec2.us-east-1.amazonaws.com")
    monkeypatch.setenv("EC2OPS_RETRY_BASE_DELAY", "0.001")
    if where == "env":
        monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    else:
        aws_home.write_text("[default]\nmax_attempts = 2\n")
    route = respx.post("https://ec2.us-east-1.amazonaws.com/").mock(return_value=httpx.Response(
        503, text=ec2_error_xml("RequestLimitExceeded", "Request limit exceeded.")))
    run = run_cli(["enumerate-regions"])
    assert (run.code, run.out) == (3, "") and route.call_count == 2  # throttled past the retries: worth a retry
    assert run.err.startswith("ec2ops: Request limit exceeded. Error code: RequestLimitExceeded.")
    route.reset()
    run_cli(["enumerate-regions", "--max-attempts", "3"])  # ec2ops's own setting first
    assert route.call_count == 3


@pytest.mark.parametrize("variable,value,message", [
    ("AWS_MAX_ATTEMPTS", "0", "max_attempts (AWS_MAX_ATTEMPTS or the profile's) must be from 1 to 20, not '0'."),
    ("AWS_RETRY_MODE", "eager", "retry_mode (AWS_RETRY_MODE or the profile's) must be legacy, standard or adaptive, "
                                "not 'eager'."),
])
def test_a_bad_aws_setting_is_bad_input(aws_home, monkeypatch, variable, value, message):
    monkeypatch.setenv(variable, value)
    run = run_cli(["enumerate-regions", "--endpoint", "http://127.0.0.1:9"])
    assert (run.code, run.out, run.err) == (2, "", f"ec2ops: {message}\n")


def test_a_profiles_ca_bundle_verifies_the_endpoint(aws_home, tmp_path):
    missing = tmp_path / "no-such-ca.pem"
    aws_home.write_text(f"[default]\nca_bundle = {missing}\n")
    run = run_cli(["enumerate-regions", "--endpoint", "https://127.0.0.1:9", "--max-attempts", "1"])
    assert run.code == 3
    assert run.err.startswith(f"ec2ops: Cannot read the CA bundle {missing}: ")


def test_adaptive_mode_spaces_requests_after_a_throttle():
    """Nothing held back before EC2 throttles; then 70% of the rate seen, growing back 10% per answer."""
    now, slept = [0.0], []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    limiter = Adaptive(clock=lambda: now[0], sleep=sleep)
    for _ in range(10):  # 10 requests within a second, none throttled: never held back
        limiter.before()
        limiter.answered(throttled=False)
        now[0] += 0.05
    assert slept == [] and limiter.rate is None
    limiter.before()
    limiter.answered(throttled=True)  # 11 sent in the last second: 7.7 a second from now on
    assert limiter.rate == pytest.approx(11 * 0.7)
    limiter.before()
    limiter.before()
    assert slept == [pytest.approx(1 / (11 * 0.7))]
    limiter.answered(throttled=False)
    assert limiter.rate == pytest.approx(11 * 0.7 * 1.1)


@respx.mock
def test_adaptive_mode_is_taken_from_the_environment(aws_home, monkeypatch):
    monkeypatch.setenv("AWS_RETRY_MODE", "adaptive")
    monkeypatch.setenv("EC2OPS_RETRY_BASE_DELAY", "0.001")
    route = respx.post("https://ec2.us-east-1.amazonaws.com/").mock(side_effect=[
        httpx.Response(503, text=ec2_error_xml("RequestLimitExceeded", "Request limit exceeded.")),
        httpx.Response(200, text=ec2_xml("DescribeRegions", "<regionInfo/>"))])
    run = run_cli(["enumerate-regions", "--endpoint", "https://ec2.us-east-1.amazonaws.com", "--debug"])
    assert run.code == 0 and route.call_count == 2
    assert debug_params(run.err)["Action"] == "DescribeRegions"


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1"])
def test_sts_is_asked_in_the_regions_partition_as_botocore_asks_it(aws_home, region):
    from ec2ops.credentials import sts

    client = botocore.session.Session().create_client("sts", region_name=region)
    assert sts.endpoint(region) == client.meta.endpoint_url.rstrip("/") + "/"


def test_a_listed_endpoint_that_is_not_its_regions_ec2_host_is_not_taken(aws_home):
    """DescribeRegions' regionEndpoint decides where the keys' signatures go: only EC2's own host for
    that region is taken; anything else (another region's, another host) falls back to the partition's."""
    from ec2ops.endpoint import for_region

    common = Common()
    assert for_region(common, "eu-west-1", "ec2.eu-west-1.amazonaws.com")["service_endpoint"] == \
        "ec2.eu-west-1.amazonaws.com"
    for hostile in ("evil.example.com", "ec2.us-east-1.amazonaws.com", None, ""):
        changes = for_region(common, "eu-west-1", hostile)
        assert changes["service_endpoint"] is None
        assert endpoint.resolve(dataclasses_replace(common, **changes)) == ("https://ec2.eu-west-1.amazonaws.com/",
                                                                          "eu-west-1")


def dataclasses_replace(common, **changes):
    import dataclasses

    return dataclasses.replace(common, **changes)

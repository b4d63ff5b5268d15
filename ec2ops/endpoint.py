"""Where requests go and which region they are signed for: the endpoint given (a flag, EC2OPS_ENDPOINT,
or the AWS CLI's configured endpoints), else EC2's host in the region's partition (--region, the
environment, the profile), else us-east-1."""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

from ec2ops import awsconfig, partitions
from ec2ops.credentials import read_profile
from ec2ops.errors import InputError
from ec2ops.options import DEFAULT_ENDPOINT, Common

DEFAULT_REGION = "us-east-1"


def region_given(common: Common) -> str | None:
    """--region, else AWS_REGION / AWS_DEFAULT_REGION, else the profile's region; checked, since it
    names a host and goes into every signature."""
    region = common.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if not region:
        region = read_profile(common.profile)[1]
    if region and not re.fullmatch(r"[a-z0-9-]+", region):
        raise InputError(f"'{region}' is not a region name (e.g. eu-west-1).")
    return region


def resolve(common: Common) -> tuple[str, str]:
    """(the endpoint's URL, the region to sign for). The endpoint: --service-endpoint (EC2OPS_ENDPOINT),
    else the AWS CLI's configured one (AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL, the profile's), else
    EC2's host in the region's partition (FIPS, dual-stack as configured). An AWS host given names
    the region it is signed for; any other is signed for the region."""
    region = region_given(common)
    given = common.service_endpoint or awsconfig.endpoint_url(common.profile)
    if given:
        endpoint = given
    else:
        fips = awsconfig.flag(common.profile, "use_fips_endpoint", "AWS_USE_FIPS_ENDPOINT")
        dual_stack = awsconfig.flag(common.profile, "use_dualstack_endpoint", "AWS_USE_DUALSTACK_ENDPOINT")
        if region or fips or dual_stack:
            endpoint = partitions.host("ec2", region or DEFAULT_REGION, fips, dual_stack)
        else:
            endpoint = DEFAULT_ENDPOINT
    if "://" not in endpoint:
        endpoint = "https://" + endpoint
    try:
        parts = urlsplit(endpoint)
        parts.port  # noqa: B018 - raises ValueError for a port out of range, as urlsplit does for "http://[::1"
    except ValueError:
        parts = urlsplit("")
    if "@" in parts.netloc:  # user:password@host: never sent (it would replace the signature), never shown
        raise InputError("serviceEndpoint carries a user name or password (user:password@host): requests are "
                         "signed with the access keys; give the endpoint without them.")
    if parts.scheme not in ("http", "https") or not _host(parts.hostname or ""):
        raise InputError(f"serviceEndpoint '{given or endpoint}' is not a host or an http(s) URL.")
    if not parts.path:
        endpoint += "/"
    if common.pinned and common.region:
        return endpoint, common.region
    return endpoint, partitions.region_in_host(parts.hostname) or region or DEFAULT_REGION


def _host(name: str) -> bool:
    """A host name, or an IP address that is one: 256.1.1.1 or [::g] is no host to connect to."""
    if not re.fullmatch(r"[a-z0-9._:%-]+", name):
        return False
    if ":" in name or re.fullmatch(r"[0-9]+(\.[0-9]+){3}", name):
        import ipaddress

        try:
            ipaddress.ip_address(name.split("%")[0])
        except ValueError:
            return False
    return True


def for_region(common: Common, region: str, listed: str | None = None) -> dict:
    """What changes in the common inputs to run in `region`: where the endpoint given names another
    AWS region (or none is given), the region's own, as DescribeRegions lists it (`listed`) or as its
    partition builds it; any other endpoint given (a sandbox) stays, signed for that region."""
    endpoint = common.service_endpoint or ""
    host = urlsplit(endpoint if "://" in endpoint else "https://" + endpoint).hostname or ""
    changes: dict = {"region": region, "pinned": True}
    if not endpoint or partitions.region_in_host(host):
        plain = not (awsconfig.flag(common.profile, "use_fips_endpoint", "AWS_USE_FIPS_ENDPOINT")
                     or awsconfig.flag(common.profile, "use_dualstack_endpoint", "AWS_USE_DUALSTACK_ENDPOINT"))
        # an endpoint listed is taken only when it is EC2's host for that very region: never another host
        # (the signature and the keys' use go where it points)
        own = listed if isinstance(listed, str) and partitions.region_in_host(listed) == region else None
        changes["service_endpoint"] = own if plain else None
    return changes

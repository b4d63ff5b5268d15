"""Where requests go and which region they are signed for: the endpoint given, else the region's
(--region, the environment, the profile), else us-east-1."""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

from ec2ops.credentials import read_profile
from ec2ops.errors import InputError
from ec2ops.options import DEFAULT_ENDPOINT, Common

DEFAULT_REGION = "us-east-1"
REGION_IN_HOST = (
    re.compile(r"^ec2\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$"),
    re.compile(r"^([a-z]{2}(-gov)?-[a-z]+-\d)\.ec2\.amazonaws\.com$"),
)


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
    """(the endpoint's URL, the region to sign for)."""
    region = region_given(common)
    endpoint = common.service_endpoint or (f"ec2.{region}.amazonaws.com" if region else DEFAULT_ENDPOINT)
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
        given = common.service_endpoint or endpoint
        raise InputError(f"serviceEndpoint '{given}' is not a host or an http(s) URL.")
    if not parts.path:
        endpoint += "/"
    if common.pinned and common.region:
        return endpoint, common.region
    return endpoint, region_in_host(parts.hostname) or region or DEFAULT_REGION


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


def region_in_host(host: str) -> str | None:
    """The region an AWS endpoint's host name names (ec2.R.amazonaws.com, R.ec2.amazonaws.com)."""
    for pattern in REGION_IN_HOST:
        match = pattern.match(host)
        if match:
            return match.group(1)
    return None


def for_region(common: Common, region: str) -> dict:
    """What changes in the common inputs to run in `region`: its own endpoint when the one given names
    another AWS region, else the endpoint given (e.g. a sandbox), signed for that region."""
    endpoint = common.service_endpoint or ""
    host = urlsplit(endpoint if "://" in endpoint else "https://" + endpoint).hostname or ""
    changes = {"region": region, "pinned": True}
    if region_in_host(host):
        changes["service_endpoint"] = None
    return changes

"""STS through ec2ops's own client (SigV4, service sts): AssumeRole and AssumeRoleWithWebIdentity,
their temporary keys read from the answer. Loaded only when a profile assumes a role."""

from __future__ import annotations

import os

from ec2ops.client.keys import Credentials, expiry
from ec2ops.errors import Ec2Error, EndpointError, Ec2opsError, OutcomeUnknown

API_VERSION = "2011-06-15"
DEFAULT_REGION = "us-east-1"


class RoleRefused(Ec2opsError):
    """STS refused to give the role's keys (exit 1): the line names the profile and the role."""


def endpoint(region: str) -> str:
    """STS's URL: AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL, else the region's in its partition
    (regional endpoints, as botocore's default: sts.cn-north-1.amazonaws.com.cn in China)."""
    from ec2ops import partitions

    url = os.environ.get("AWS_ENDPOINT_URL_STS") or os.environ.get("AWS_ENDPOINT_URL") \
        or f"https://{partitions.host('sts', region)}"
    from urllib.parse import urlsplit

    return url if urlsplit(url).path else url + "/"


def region(profile_region: str | None) -> str:
    """The region STS is asked in: AWS_REGION / AWS_DEFAULT_REGION, else the profile's, else us-east-1."""
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or profile_region or DEFAULT_REGION


def call(action: str, params: dict[str, str], keys: Credentials | None, what: str, in_region: str,
         network: dict | None = None) -> Credentials:
    """The temporary keys STS's `action` answers, signed with `keys` (None: not signed, for a web
    identity), reached as the run reaches EC2 (`network`: its proxy, CA bundle and timeouts). A
    refusal is RoleRefused, an unreachable STS EndpointError, each line starting with `what` (the
    profile and the role); never a key or a token."""
    from ec2ops.client.query import Client, Settings

    url = endpoint(in_region)
    client = Client(Settings(credentials=keys or _NoKeys(), endpoint=url, region=in_region,
                             api_version=API_VERSION, service="sts", max_attempts=3, **(network or {})))
    try:
        answer = client.call(action, params)
    except Ec2Error as exc:
        raise RoleRefused(f"{what}: {exc}") from None
    except (EndpointError, OutcomeUnknown) as exc:
        raise EndpointError(f"{what}: {exc}") from None
    finally:
        client.close()
    found = (answer.body.get(f"{action}Result") or {}).get("Credentials")
    try:
        return Credentials(found["AccessKeyId"], found["SecretAccessKey"], found["SessionToken"],
                           expiry(found["Expiration"]))
    except (KeyError, TypeError, ValueError, AttributeError):
        raise EndpointError(f"{what}: {url} answered {action} without keys and their expiry.") from None


class _NoKeys:
    """The source of an unsigned call: AssumeRoleWithWebIdentity's token is its proof."""

    def current(self) -> None:
        return None

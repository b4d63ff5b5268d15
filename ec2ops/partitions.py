"""AWS's partitions: which regions each holds and the DNS suffixes of its endpoints, as AWS publishes
them (botocore's data/partitions.json); EC2's host in a region is built from them, as EC2's endpoint
rules build it. A region no partition claims is taken as aws's, as the SDKs do."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Partition:
    name: str
    regions: re.Pattern
    dns_suffix: str
    dual_stack_suffix: str


PARTITIONS = (
    Partition("aws", re.compile(r"^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$"), "amazonaws.com", "api.aws"),
    Partition("aws-cn", re.compile(r"^cn-\w+-\d+$"), "amazonaws.com.cn", "api.amazonwebservices.com.cn"),
    Partition("aws-us-gov", re.compile(r"^us-gov-\w+-\d+$"), "amazonaws.com", "api.aws"),
    Partition("aws-iso", re.compile(r"^us-iso-\w+-\d+$"), "c2s.ic.gov", "api.aws.ic.gov"),
    Partition("aws-iso-b", re.compile(r"^us-isob-\w+-\d+$"), "sc2s.sgov.gov", "api.aws.scloud"),
    Partition("aws-iso-e", re.compile(r"^eu-isoe-\w+-\d+$"), "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk"),
    Partition("aws-iso-f", re.compile(r"^us-isof-\w+-\d+$"), "csp.hci.ic.gov", "api.aws.hci.ic.gov"),
    Partition("aws-eusc", re.compile(r"^eusc-(de)-\w+-\d+$"), "amazonaws.eu", "api.amazonwebservices.eu"),
)


def of(region: str) -> Partition:
    """The partition a region belongs to (aws's pattern is the widest: the others are tried first)."""
    return next((p for p in PARTITIONS[1:] if p.regions.match(region)),
                PARTITIONS[0])


def host(service: str, region: str, fips: bool = False, dual_stack: bool = False) -> str:
    """The service's host in `region`: service[-fips].REGION.SUFFIX, the dual-stack suffix for IPv6.
    GovCloud's regular EC2 endpoints are FIPS endpoints already (EC2's rules keep them for FIPS)."""
    partition = of(region)
    if service == "ec2" and fips and not dual_stack and partition.name == "aws-us-gov":
        return f"ec2.{region}.amazonaws.com"
    name = f"{service}-fips" if fips else service
    return f"{name}.{region}.{partition.dual_stack_suffix if dual_stack else partition.dns_suffix}"


_SUFFIXES = "|".join(sorted({re.escape(s) for p in PARTITIONS for s in (p.dns_suffix, p.dual_stack_suffix)},
                            key=len, reverse=True))
# An AWS host that names its region: ec2[-fips].R.SUFFIX, R.ec2.amazonaws.com (the older form), and a
# VPC endpoint's vpce-ID.ec2.R.vpce.amazonaws.com.
REGION_IN_HOST = (
    re.compile(rf"^ec2(?:-fips)?\.([a-z0-9-]+)\.(?:{_SUFFIXES})$"),
    re.compile(r"^([a-z]{2}(?:-gov)?-[a-z]+-\d)\.ec2\.amazonaws\.com$"),
    re.compile(r"^(?:[a-z0-9-]+\.)?vpce-[a-z0-9-]+\.ec2\.([a-z0-9-]+)\.vpce\.(?:amazonaws\.com(?:\.cn)?)$"),
)


def region_in_host(name: str) -> str | None:
    """The region an AWS EC2 endpoint's host names, or None for any other host."""
    for pattern in REGION_IN_HOST:
        match = pattern.match(name)
        if match:
            return match.group(1)
    return None

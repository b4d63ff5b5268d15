"""Keys served over HTTP where ec2ops runs: a container's (ECS, EKS Pod Identity:
AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI, with AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE))
and an EC2 instance's profile (IMDSv2: a token PUT first; 1 s timeout, one retry;
AWS_EC2_METADATA_DISABLED and AWS_EC2_METADATA_SERVICE_ENDPOINT honoured). Loaded only when the
chain gets this far; the standard library's http.client, plain and short."""

from __future__ import annotations

import json
import os
from urllib.parse import urlsplit

from ec2ops.client.keys import Credentials, of_json
from ec2ops.errors import EndpointError, InputError

CONTAINER_HOST = "http://169.254.170.2"
IMDS_HOST = "http://169.254.169.254"
IMDS_TIMEOUT, IMDS_ATTEMPTS = 1.0, 2
CONTAINER_TIMEOUT, CONTAINER_ATTEMPTS = 2.0, 3


class Unreachable(Exception):
    """No answer from a service of keys (refused, timed out); its text names why, never a key."""


def _request(method: str, url: str, headers: dict[str, str], timeout: float) -> tuple[int, bytes]:
    import http.client

    parts = urlsplit(url)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request(method, (parts.path or "/") + (f"?{parts.query}" if parts.query else ""), headers=headers)
        answer = connection.getresponse()
        return answer.status, answer.read(64 * 1024)
    except OSError as exc:
        raise Unreachable(exc.strerror or type(exc).__name__) from None
    finally:
        connection.close()


def fetch(method: str, url: str, headers: dict[str, str], timeout: float, attempts: int) -> tuple[int, bytes]:
    """(status, body) of a request tried up to `attempts` times while it gets no answer."""
    for attempt in range(attempts):
        try:
            return _request(method, url, headers, timeout)
        except Unreachable:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def _keys(body: bytes, where: str) -> Credentials:
    """Keys from the JSON both services answer (AccessKeyId, SecretAccessKey, Token, Expiration)."""
    try:
        return of_json(json.loads(body), where, "Token")
    except (ValueError, KeyError, TypeError, AttributeError):
        raise EndpointError(f"{where} answered without keys (AccessKeyId, SecretAccessKey) in JSON.") from None


class Container:
    """ECS and EKS Pod Identity: the keys the agent serves; none when neither variable is set."""

    name = "the container's credentials endpoint"

    def load(self) -> Credentials | None:
        relative = os.environ.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
        full = os.environ.get("AWS_CONTAINER_CREDENTIALS_FULL_URI")
        if not relative and not full:
            return None
        url = CONTAINER_HOST + relative if relative else full
        headers = {"Accept": "application/json"}
        token_file = os.environ.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
        if token_file:
            from ec2ops import files

            token = (files.read_small(token_file, "container authorization token file") or "").strip()
            if not token:
                raise InputError(f"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE names {token_file}, which is missing or "
                                 "empty.")
        else:
            token = os.environ.get("AWS_CONTAINER_AUTHORIZATION_TOKEN", "").strip()
        if token:
            headers["Authorization"] = token
        where = f"The container's credentials endpoint {url}"
        try:
            status, body = fetch("GET", url, headers, CONTAINER_TIMEOUT, CONTAINER_ATTEMPTS)
        except Unreachable as exc:
            raise EndpointError(f"{where} could not be reached: {exc}.") from None
        if status != 200:
            raise EndpointError(f"{where} answered HTTP {status}.")
        return _keys(body, where)


class InstanceMetadata:
    """The instance profile's keys, by IMDSv2; none when the service is disabled, not there or has no role."""

    name = "the instance metadata service"

    def load(self) -> Credentials | None:
        if os.environ.get("AWS_EC2_METADATA_DISABLED", "").strip().lower() == "true":
            return None
        base = (os.environ.get("AWS_EC2_METADATA_SERVICE_ENDPOINT") or IMDS_HOST).rstrip("/")
        try:
            status, token = fetch("PUT", base + "/latest/api/token",
                                   {"X-aws-ec2-metadata-token-ttl-seconds": "21600"}, IMDS_TIMEOUT, IMDS_ATTEMPTS)
            if status != 200:
                return None
            headers = {"X-aws-ec2-metadata-token": token.decode("ascii", "replace").strip()}
            path = base + "/latest/meta-data/iam/security-credentials/"
            status, roles = fetch("GET", path, headers, IMDS_TIMEOUT, IMDS_ATTEMPTS)
            role = roles.decode("utf-8", "replace").strip().splitlines()[0] if status == 200 and roles.strip() else ""
            if not role:
                return None  # an instance without a profile
            status, body = fetch("GET", path + role, headers, IMDS_TIMEOUT, IMDS_ATTEMPTS)
        except Unreachable:
            return None  # not on EC2, or the service is down: no keys from here, as botocore
        if status != 200:
            return None
        return _keys(body, f"The instance metadata service ({base})")

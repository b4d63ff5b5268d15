"""IAM Identity Center (SSO): a profile's sso_account_id and sso_role_name, its sso_session's (or the
legacy profile's own) sso_start_url and sso_region; the token `aws sso login` left in
~/.aws/sso/cache (named by the SHA-1 of the session's name, or of the start URL); the role's keys
from the portal's GetRoleCredentials (AWS_ENDPOINT_URL_SSO, else portal.sso.REGION.amazonaws.com),
reached as the run reaches AWS: its proxy, CA bundle and timeouts, as STS; kept in the AWS CLI's
cache (credentials/cache.py) for the next runs, under botocore's key for the account and role.
ec2ops never logs in itself: an expired or missing token says to run `aws sso login`."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from urllib.parse import urlencode

from ec2ops.client.keys import Credentials, Piece, expiry, of_pieces
from ec2ops.errors import EndpointError, InputError

NEEDED = ("sso_start_url", "sso_region", "sso_account_id", "sso_role_name")
ATTEMPTS = 2  # a request nothing answered (refused, timed out, cut off) is tried once more
MOST = 64 * 1024  # of the answer read: the keys take a few hundred bytes


def load(profile: str, settings: dict[str, str], session: dict[str, str] | None,
         network: dict | None = None) -> Credentials:
    """The role's keys from the portal, reached as the run reaches AWS (`network`: its proxy, CA
    bundle and timeouts; None: direct, the default CAs, 10 s each)."""
    config = dict(settings)
    name = settings.get("sso_session")
    if name:
        if session is None:
            raise InputError(f"The profile '{profile}' names sso_session '{name}', which is not a [sso-session "
                             f"{name}] section of ~/.aws/config.")
        config.update(session)
    missing = [key for key in NEEDED if not config.get(key)]
    if missing:
        raise InputError(f"The profile '{profile}' is set up for SSO without {', '.join(missing)}.")
    args = {"roleName": config["sso_role_name"], "accountId": config["sso_account_id"],  # botocore's cache key
            **({"sessionName": name} if name else {"startUrl": config["sso_start_url"]})}
    from ec2ops.credentials import cache

    return cache.through(args, lambda: _role_keys(profile, config, name, network), compact=True)


def _role_keys(profile: str, config: dict[str, str], name: str | None, network: dict | None) -> Credentials:
    """The role's keys, for the token `aws sso login` left: asked of the portal."""
    login = f"run aws sso login --profile {profile}"
    token = _token(name or config["sso_start_url"], profile, login)
    region = config["sso_region"]
    base = (os.environ.get("AWS_ENDPOINT_URL_SSO") or f"https://portal.sso.{region}.amazonaws.com").rstrip("/")
    url = f"{base}/federation/credentials?" + urlencode({"role_name": config["sso_role_name"],
                                                         "account_id": config["sso_account_id"]})
    status, body = _get(url, {"x-amz-sso_bearer_token": token, "User-Agent": "ec2ops"}, network or {},
                        base, profile)
    where = f"The SSO portal {base}"
    if status in (401, 403):
        raise InputError(f"The SSO session of the profile '{profile}' has expired or is not valid: {login}.")
    if status != 200:
        raise EndpointError(f"{where} answered HTTP {status} for the profile '{profile}'.")
    try:
        found = json.loads(body)["roleCredentials"]
        origin = f"the SSO role of the profile '{profile}'"
        pieces = {"aws_access_key_id": Piece(found["accessKeyId"], origin),
                  "aws_secret_access_key": Piece(found["secretAccessKey"], origin),
                  "aws_session_token": Piece(found["sessionToken"], origin)}
        until = dt.datetime.fromtimestamp(int(found["expiration"]) / 1000, dt.timezone.utc)
    except (ValueError, KeyError, TypeError):
        raise EndpointError(f"{where} answered without the role's keys for the profile '{profile}'.") from None
    return of_pieces(pieces, until)


def _get(url: str, headers: dict[str, str], network: dict, base: str, profile: str) -> tuple[int, bytes]:
    """(status, at most MOST bytes of the body) of a GET of the portal, through ec2ops's transport as
    query.Client sends EC2's calls: the run's proxy (else the environment's), its CA bundle, its
    timeouts. A failure is one line naming the portal and the profile, never the token."""
    import httpcore

    from ec2ops.client import proxies, tls, transport

    proxy, bundle = network.get("proxy"), network.get("ca_bundle")
    said = tls.in_clear(url)
    if said and network.get("warn"):  # the bearer token, and the keys answered, go in the clear
        network["warn"](said)
    connect, read = network.get("connect_timeout", 10.0), network.get("read_timeout", 10.0)
    try:
        http = transport.HttpClient(lambda: tls.context(bundle, trust_env=proxy is None), proxy=proxy,
                                    trust_env=proxy is None)
    except proxies.InvalidProxy as exc:
        raise InputError(str(exc)) from None
    through = http.proxy_for(url)
    unreached = f"The SSO portal {base} could not be reached for the profile '{profile}'" + \
        (f" through the proxy {through}" if through else "")
    try:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with transport.deadline(read), http.request("GET", url, headers, b"", connect, read) as answer:
                    body = bytearray()
                    for chunk in answer.chunks():
                        body += chunk[:MOST - len(body)]
                        if len(body) >= MOST:
                            break
                    return answer.status_code, bytes(body)
            except httpcore.ConnectError as exc:
                if tls.failed_tls(exc):
                    raise EndpointError(tls.failure(exc, f"the SSO portal {base}", bundle, "--ca-bundle",
                                                    "SSO portal")) from None
                why = tls.reason(exc)
            except httpcore.ReadTimeout:
                why = f"no answer within the read timeout ({read:g} s)"
            except (httpcore.TimeoutException, httpcore.NetworkError, httpcore.ProxyError,
                    httpcore.RemoteProtocolError) as exc:  # unanswered: a GET is safe to ask again
                why = tls.reason(exc)
            except (httpcore.LocalProtocolError, httpcore.UnsupportedProtocol) as exc:
                raise EndpointError(f"{unreached}: {tls.reason(exc)}.") from None
            except transport.InvalidURL as exc:
                raise InputError(f"The SSO portal {base} is not a valid URL ({exc}).") from None
            except transport.DecodingError:  # a Content-Encoding its body does not match
                raise EndpointError(f"The SSO portal {base} answered without the role's keys for the profile "
                                    f"'{profile}'.") from None
            if attempt == ATTEMPTS:
                raise EndpointError(f"{unreached}: {why}.")
    finally:
        http.close()
    raise AssertionError("unreachable")


def _token(name: str, profile: str, login: str) -> str:
    """The access token of `aws sso login`, still valid; else bad input saying to log in again."""
    from ec2ops import files

    path = files.in_home(".aws", "sso", "cache", hashlib.sha1(name.encode("utf-8")).hexdigest() + ".json")
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
        token, when = cached["accessToken"], expiry(cached["expiresAt"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise InputError(f"The profile '{profile}' has no SSO token in ~/.aws/sso/cache: {login}.") from None
    if when <= dt.datetime.now(dt.timezone.utc):
        raise InputError(f"The SSO session of the profile '{profile}' has expired: {login}.")
    return token

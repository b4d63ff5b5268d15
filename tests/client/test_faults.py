"""Reliability against a faulty endpoint: retries within a budget, backoff with jitter, a fresh
signature per try, never a double effect, and hostile answers ending cleanly (exit 3, one line)."""

import datetime as dt
import re
import time
import tracemalloc
import types
from unittest import mock

import pytest

from conftest import ACCESS_KEY_ID, SECRET_KEY, run_cli
from ec2ops.client import document
from ec2ops.client.query import Client, Settings
from ec2ops.client.signing import Credentials, sign_v4
from ec2ops.errors import EndpointError, OutcomeUnknown
from faultserver import HUGE, FaultServer, billion_laughs

REGIONS_OUT = "eu-west-1,ec2.eu-west-1.amazonaws.com\nus-east-1,ec2.us-east-1.amazonaws.com\n"


@pytest.fixture
def server(fault_server):
    """conftest's fault server, under the name these tests give it."""
    return fault_server


def ec2ops(*args, **env):
    return run_cli(list(args), env={k: str(v) for k, v in env.items()})


def where(server: FaultServer) -> str:
    return server.url.split("//")[1].rstrip("/")


def one_clean_line(run, server) -> str:
    """The failure is one line on stderr, naming the endpoint, without a traceback."""
    assert "Traceback" not in run.err and "internal error" not in run.err, run.err
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    assert where(server) in lines[0]
    return lines[0]


# -- retries -------------------------------------------------------------------------------------
@pytest.mark.parametrize("fault,arg", [
    ("throttle", None),
    ("unavailable", None),  # a bare 503 from a front end
    ("bad_gateway", None),  # a proxy's 502: a Describe may be repeated
    ("error", ("InternalError", "An internal error has occurred.", 500)),
    ("reset_before", None),
    ("reset_after", None),
])
def test_a_burst_shorter_than_the_budget_succeeds(server, fault, arg):
    server.push(fault, arg, times=4)
    run = ec2ops("enumerate-regions")
    assert (run.code, run.out.split("requestId")[0], run.err) == (0, REGIONS_OUT, "")
    assert server.actions() == [None if fault == "reset_before" else "DescribeRegions"] * 4 + ["DescribeRegions"]


def test_a_stall_past_the_read_timeout_is_retried(server):
    server.push("stall", 5)
    started = time.monotonic()
    run = ec2ops("enumerate-regions", "--read-timeout", "0.3")
    assert run.code == 0 and run.out.startswith(REGIONS_OUT)
    assert 0.3 <= time.monotonic() - started < 2 and len(server.requests) == 2


@pytest.mark.parametrize("fault,code,message", [
    ("throttle", 3, "ec2ops: Request limit exceeded. Error code: RequestLimitExceeded. (requestId: "
                    "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE)"),
    ("unavailable", 3, "answered HTTP 503 without an EC2 error document ('Service Unavailable'). "
                       "Gave up after 3 attempts."),
    # reset before the request was read: a reset, or a close, whichever the kernel shows first
    ("reset_before", 3, r"(Connection reset by peer|Server disconnected without sending a response)\. "
                        r"Gave up after 3 attempts\."),
    ("reset_after", 3, "was lost: [Errno 104] Connection reset by peer. Gave up after 3 attempts."),
])
def test_a_burst_longer_than_the_budget_fails_with_the_last_error(server, fault, code, message):
    server.push(fault, times=10)
    run = ec2ops("enumerate-regions", "--max-attempts", "3")
    assert run.code == code and run.out == ""
    assert len(server.requests) == 3 and len(server.faults) == 7
    first_line = run.err.splitlines()[0]
    assert (message in first_line or re.search(message, first_line)) and "Traceback" not in run.err
    if fault != "throttle":  # EC2's own refusal names no endpoint
        one_clean_line(run, server)


def test_a_stall_longer_than_the_budget_is_exit_3(server):
    server.push("stall", 5, times=3)
    run = ec2ops("enumerate-regions", "--max-attempts", "2", "--read-timeout", "0.2")
    assert run.code == 3 and len(server.requests) == 2
    assert one_clean_line(run, server) == (
        f"ec2ops: {where(server)} did not answer within the read timeout (0.2 s). Gave up after 2 attempts.")


def test_the_budget_comes_from_the_flag_or_the_environment(server):
    server.push("throttle", times=20)
    assert ec2ops("enumerate-regions", EC2OPS_MAX_ATTEMPTS=2).code == 3 and len(server.requests) == 2
    assert ec2ops("enumerate-regions", "--max-attempts", "4", EC2OPS_MAX_ATTEMPTS=2).code == 3
    assert len(server.requests) == 2 + 4
    assert ec2ops("enumerate-regions", "--max-attempts", "1").code == 3 and len(server.requests) == 7
    bad = ec2ops("enumerate-regions", EC2OPS_MAX_ATTEMPTS=0)
    assert bad.code == 2 and "max-attempts" in bad.err and len(server.requests) == 7


def test_an_ec2_refusal_is_not_retried(server):
    server.push("error", ("AuthFailure", "AWS was not able to validate the provided access credentials", 401))
    run = ec2ops("enumerate-regions")
    assert run.code == 1 and len(server.requests) == 1
    assert run.err == ("ec2ops: AWS was not able to validate the provided access credentials. Error code: "
                       "AuthFailure. (requestId: 7a62c49f-347e-4fc4-9331-6e8eEXAMPLE)\n")


def _retry_pauses(server, base, times=4, draw=None):
    """The pauses of one call that met `times` throttles (random.uniform patched to `draw`): as the client
    asked time.sleep for them, and as the server saw them between the requests."""
    server.requests.clear()
    server.push("throttle", times=times)
    asked = []
    real_sleep = time.sleep

    def sleep(seconds):
        asked.append(seconds)
        real_sleep(seconds)

    patch = mock.patch("ec2ops.client.query.random.uniform", draw) if draw else mock.MagicMock()
    with patch, mock.patch("ec2ops.client.query.time.sleep", sleep):
        assert ec2ops("enumerate-regions", EC2OPS_RETRY_BASE_DELAY=base).code == 0
    assert len(server.requests) == times + 1
    gaps = server.gaps()
    assert all(gap >= pause - 0.005 for gap, pause in zip(gaps, asked)), (gaps, asked)  # the pause was taken
    return asked


def test_backoff_grows_and_has_jitter(server):
    base = 0.02
    ceilings = [base * 2 ** k for k in range(4)]  # the k-th pause is drawn from [ceiling / 2, ceiling]
    drawn = [_retry_pauses(server, base) for _ in range(2)]
    for pauses in drawn:
        assert len(pauses) == 4 and all(c / 2 <= p <= c for p, c in zip(pauses, ceilings)), pauses
        assert pauses[3] > pauses[1] > pauses[0] and pauses[2] > pauses[0]
    assert drawn[0] != drawn[1]  # jittered: two calls do not pause alike
    # The jitter is the random draw: at its extremes the pauses are half the ceiling, and the ceiling.
    assert _retry_pauses(server, base, draw=lambda a, b: a) == [c / 2 for c in ceilings]
    assert _retry_pauses(server, base, draw=lambda a, b: b) == ceilings


def test_every_retry_is_signed_again_with_a_fresh_timestamp(server):
    """The clock is patched to tick a second per call: each try must carry its own date and signature."""
    ticks = iter(dt.datetime(2026, 11, 26, 12, 0, s, tzinfo=dt.timezone.utc) for s in range(60))
    clock = types.SimpleNamespace(datetime=mock.Mock(now=lambda tz=None: next(ticks)), timezone=dt.timezone)
    server.push("throttle").push("reset_after").push("unavailable")
    with mock.patch("ec2ops.client.query.dt", clock):
        run = ec2ops("enumerate-regions", "--session-token", "tok")
    assert run.code == 0 and len(server.requests) == 4
    dates = [r.headers["X-Amz-Date"] for r in server.requests]
    assert dates == ["20261126T120000Z", "20261126T120001Z", "20261126T120002Z", "20261126T120003Z"]
    authorizations = [r.headers["Authorization"] for r in server.requests]
    assert len(set(authorizations)) == 4
    for request in server.requests:  # each signature is the right one for its own timestamp
        when = dt.datetime.strptime(request.headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.timezone.utc)
        headers, _ = sign_v4(server.url, request.params, Credentials(ACCESS_KEY_ID, SECRET_KEY, "tok"),
                             "us-east-1", when)
        assert headers["Authorization"] == request.headers["Authorization"]


def test_signature_version_2_retries_carry_a_new_timestamp(server):
    ticks = iter(dt.datetime(2026, 11, 26, 12, 0, s, tzinfo=dt.timezone.utc) for s in range(60))
    clock = types.SimpleNamespace(datetime=mock.Mock(now=lambda tz=None: next(ticks)), timezone=dt.timezone)
    server.push("throttle")
    with mock.patch("ec2ops.client.query.dt", clock):
        assert ec2ops("enumerate-regions", "--signature-version", "2").code == 0
    first, second = (r.params for r in server.requests)
    assert (first["Timestamp"], second["Timestamp"]) == ("2026-11-26T12:00:00Z", "2026-11-26T12:00:01Z")
    assert first["Signature"] != second["Signature"]


# -- no double effects ---------------------------------------------------------------------------
def test_a_lost_launch_is_retried_with_the_same_token_and_launches_once(server):
    server.push("reset_after")  # the server launched, then the answer was lost
    run = ec2ops("run-instances", "--ami-id", "ami-12345678", "--min-count", "2", "-o", "json")
    assert run.code == 0, run.err
    launches = [r for r in server.requests if r.action == "RunInstances"]
    assert len(launches) == 2
    token = launches[0].params["ClientToken"]
    assert token and launches[1].params["ClientToken"] == token
    assert list(server.launches) == [token] and len(server.instances) == 2 and server.acted == 1
    assert run.json()["returnResult"] == [i for _, i in server.instances]


def test_a_lost_launch_through_the_client_keeps_its_token(server):
    client = Client(Settings(Credentials(ACCESS_KEY_ID, SECRET_KEY), server.url, "us-east-1",
                             retry_base_delay=0.001, read_timeout=0.3))
    server.push("reset_after").push("stall", 5).push("bad_gateway")
    try:
        response = client.call("RunInstances", {"ImageId": "ami-1", "MinCount": "1", "MaxCount": "1",
                                                "ClientToken": "launch-42"})
    finally:
        client.close()
    assert [r.params["ClientToken"] for r in server.requests] == ["launch-42"] * 4
    assert server.acted == 1 and len(server.instances) == 1
    assert document.first(response.body, "instancesSet/instanceId") == server.instances[0][1]


def test_a_lost_launch_of_the_template_flow_launches_once(server):
    server.push("ok")  # DescribeInstances finds nothing yet: launch a template first
    assert ec2ops("run-instances", "--ami-id", "ami-12345678").code == 0
    template = server.instances[0][1]
    server.requests.clear()
    server.push("ok").push("ok").push("reset_after").push("throttle")
    run = ec2ops("run-instances-from-template", "--instance-identifier", template, "--get", "returnResult")
    assert run.code == 0, run.err
    assert server.actions() == ["DescribeInstances", "DescribeInstanceAttribute"] + ["RunInstances"] * 3
    assert len({r.params["ClientToken"] for r in server.requests[2:]}) == 1
    assert server.acted == 2 and len(server.instances) == 2 and run.out.strip() == server.instances[1][1]


@pytest.mark.parametrize("fault,arg,what", [
    ("reset_after", None, "was lost"),
    ("bad_gateway", None, "answered HTTP 502 without an EC2 error document"),
    ("stall", 5, "did not answer within the read timeout (0.3 s)."),
    ("trickle", 0.05, "did not finish its answer within the read timeout (0.3 s)"),
])
def test_a_lost_answer_to_create_key_pair_is_not_repeated(server, fault, arg, what):
    server.push(fault, arg)
    run = ec2ops("allocate-new-key-pair", "--key-name", "k1", "--read-timeout", "0.3")
    assert run.code == 3 and run.out == "" and len(server.requests) == 1
    message = one_clean_line(run, server)
    assert what in message
    assert "The CreateKeyPair request may have reached EC2" in message and "outcome is unknown" in message
    assert "Check with ec2ops enumerate-key-pairs whether it took effect before trying again." in message
    # Checking as told shows whether it did: the server acted on the reset and trickled requests only.
    listed = ec2ops("enumerate-key-pairs")
    assert (listed.code == 0) == (fault in ("reset_after", "trickle"))


@pytest.mark.parametrize("fault", ["throttle", "unavailable", "reset_before_connect"])
def test_create_key_pair_turned_away_is_retried_and_created_once(server, fault):
    if fault == "reset_before_connect":  # nothing listens: the request never left
        client = Client(Settings(Credentials(ACCESS_KEY_ID, SECRET_KEY), "http://127.0.0.1:9/", "us-east-1",
                                 retry_base_delay=0.001, max_attempts=2))
        with pytest.raises(EndpointError, match="Failed to open HTTP connection to 127.0.0.1:9.*Gave up after 2"):
            client.call("CreateKeyPair", {"KeyName": "k1"})
        return
    server.push(fault, times=2)
    run = ec2ops("allocate-new-key-pair", "--key-name", "k1", "--get", "keyFingerprint")
    assert run.code == 0, run.err
    assert server.actions() == ["CreateKeyPair"] * 3 and server.acted == 1 and list(server.key_pairs) == ["k1"]


def test_a_mutating_call_through_the_client_raises_outcome_unknown(server):
    client = Client(Settings(Credentials(ACCESS_KEY_ID, SECRET_KEY), server.url, "us-east-1",
                             retry_base_delay=0.001))
    server.push("reset_after")
    with pytest.raises(OutcomeUnknown, match="outcome is unknown") as caught:
        client.call("AllocateAddress", {})
    assert caught.value.status == 3 and len(server.requests) == 1
    assert "DescribeAddresses" in str(caught.value) or "enumerate-elastic-ips" in str(caught.value)
    client.close()


# -- hostile and broken answers ------------------------------------------------------------------
@pytest.mark.parametrize("fault,arg,what", [
    ("html", None, "answered an HTML page, not EC2 XML."),
    ("truncated", None, "answered XML that could not be read"),
    ("bomb", None, "answered an HTML page or an XML document with a DTD, not EC2 XML."),
    ("json", None, "answered something that is not XML ('{\"Regions\": []}')."),
    ("empty", None, "answered something that is not XML (an empty body)."),
    ("content_type", "text/plain", None),
    ("content_type", "application/json", None),
    ("content_type", "text/html; charset=iso-8859-1", None),
    ("content_type", "", None),
])
def test_a_broken_answer_ends_in_one_line_with_exit_3(server, fault, arg, what):
    server.push(fault, arg)
    started = time.monotonic()
    run = ec2ops("enumerate-regions")
    assert time.monotonic() - started < 1
    if what is None:  # EC2's XML under a wrong Content-Type is still EC2's XML
        assert run.code == 0 and run.out.startswith(REGIONS_OUT)
        return
    assert run.code == 3 and run.out == "" and len(server.requests) == 1
    assert what in one_clean_line(run, server)


def test_entity_expansion_is_refused_without_expanding(server):
    assert ec2ops("enumerate-regions").code == 0  # warm up: imports are not the bomb's memory
    server.push("bomb")
    tracemalloc.start()
    started = time.monotonic()
    try:
        run = ec2ops("enumerate-regions", "--debug")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 1 and peak < 5_000_000, peak
    assert run.code == 3 and "with a DTD" in run.err and "lollol" not in run.err


def test_entity_expansion_is_refused_by_the_parser_too(monkeypatch):
    """Second line of defence: with the DTD check out of the way, xmltodict/expat still refuse."""
    monkeypatch.setattr(document, "_DTD", types.SimpleNamespace(search=lambda content: None))
    bomb = billion_laughs(padding=5000)
    started = time.monotonic()
    with pytest.raises(EndpointError, match="could not be read"):
        document.parse(bomb, "ec2.example")
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("framing", [None, "chunked"])
def test_a_huge_answer_is_refused_past_the_limit(server, framing):
    server.push("huge", framing)
    started = time.monotonic()
    run = ec2ops("enumerate-regions", EC2OPS_MAX_RESPONSE_BYTES=2_000_000)
    assert time.monotonic() - started < 2
    assert run.code == 3 and len(server.requests) == 1
    assert "answered more than 2000000 bytes; refused (raise the limit with EC2OPS_MAX_RESPONSE_BYTES" in (
        one_clean_line(run, server))


def test_the_size_limit_is_the_threshold(server):
    assert ec2ops("enumerate-regions", EC2OPS_MAX_RESPONSE_BYTES=100).code == 3
    assert ec2ops("enumerate-regions", EC2OPS_MAX_RESPONSE_BYTES=10_000).code == 0
    assert HUGE > 64 * 1024 * 1024 // 2  # the huge answer is past half the default limit: a real test of size


def test_an_answer_that_trickles_is_cut_at_the_read_timeout(server):
    server.push("trickle", 0.05, times=2)
    started = time.monotonic()
    run = ec2ops("enumerate-regions", "--read-timeout", "0.3", "--max-attempts", "2")
    assert time.monotonic() - started < 2 and run.code == 3
    assert "did not finish its answer within the read timeout (0.3 s). Gave up after 2 attempts." in (
        one_clean_line(run, server))


def test_no_traceback_even_when_every_fault_is_queued(server):
    """The faults one after another on one command: it ends in exit 3 (or 1) with one line each time."""
    for fault, arg in [("html", None), ("bomb", None), ("truncated", None), ("json", None), ("empty", None),
                       ("huge", "chunked"), ("reset_after", None), ("bad_gateway", None)]:
        server.push(fault, arg)
        run = ec2ops("enumerate-key-pairs", "--max-attempts", "1", EC2OPS_MAX_RESPONSE_BYTES=1_000_000)
        assert run.code == 3, (fault, run.err)
        one_clean_line(run, server)

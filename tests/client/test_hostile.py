"""Hostile answers (issue 10, client layer): whatever an endpoint sends back, ec2ops ends in one line and
the status it documents: exit 3 for an answer that is not EC2's (with the "outcome unknown" advice
after a change), the read timeout bounds the whole answer, and EC2's refusals are read in both shapes."""

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import ACCESS_KEY_ID, SECRET_KEY, refusal, run_cli
from ec2ops.client.query import Client, Settings
from ec2ops.client.signing import Credentials
from faultserver import ec2_doc

KEY_PAIR_ADVICE = ("The CreateKeyPair request may have reached EC2, and repeating it could do it twice: its "
                   "outcome is unknown. Check with ec2ops enumerate-key-pairs whether it took effect before "
                   "trying again.")
DEEP = "<a>" * 2000 + "</a>" * 2000


@pytest.fixture
def server(fault_server):
    """conftest's fault server, under the name these tests give it."""
    return fault_server


def ec2ops(*args):
    return run_cli([str(a) for a in args])


# -- answers that are not EC2 XML ------------------------------------------------------------------
HOSTILE = {
    "unknown encoding": ('<?xml version="1.0" encoding="x-klingon"?><DescribeRegionsResponse/>',
                         "answered XML that could not be read (unknown encoding: x-klingon)."),
    "2,000 levels": (f"<DescribeRegionsResponse><regionInfo><item><regionName>{DEEP}</regionName></item>"
                     f"</regionInfo></DescribeRegionsResponse>",
                     "answered XML nested deeper than 100 levels, not EC2 XML."),
    "2,000 levels anywhere": (f"<CreateKeyPairResponse><keyName>k1</keyName>{DEEP}</CreateKeyPairResponse>",
                              "answered XML nested deeper than 100 levels, not EC2 XML."),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_document_is_exit_3_in_one_line(server, case):
    body, what = HOSTILE[case]
    server.push("raw", (200, body, {}))
    run = ec2ops("enumerate-regions")
    assert (run.code, run.out, run.err) == (3, "", f"ec2ops: {server.where} {what}\n")
    assert len(server.requests) == 1  # an answer, however bad, is not retried


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_answer_to_a_create_says_its_outcome_is_unknown(server, case):
    body, what = HOSTILE[case]
    server.push("raw", (200, body, {}))
    run = ec2ops("allocate-new-key-pair", "--key-name", "k1")
    assert (run.code, run.out, run.err) == (3, "", f"ec2ops: {server.where} {what} {KEY_PAIR_ADVICE}\n")
    assert len(server.requests) == 1


@pytest.mark.parametrize("body", [
    "<Response><Errors><Error>x</Error></Errors></Response>",
    "<Response><Errors>x</Errors></Response>",
    "<ErrorResponse><Error><Code><a/></Code></Error></ErrorResponse>",
    "<Response><Errors><Error><Code>X</Code><Message><m>1</m></Message></Error></Errors></Response>",
])
def test_a_malformed_error_document_is_exit_3_not_an_internal_error(server, body):
    server.push("raw", (400, body, {}))
    run = ec2ops("enumerate-regions")
    assert (run.code, run.out, run.err) == (
        3, "", f"ec2ops: {server.where} answered HTTP 400 with a malformed error document, not EC2 XML.\n")


def test_a_body_that_cannot_be_decoded_after_a_create_says_its_outcome_is_unknown(server):
    server.push("raw", (200, "not gzip at all", {"Content-Encoding": "gzip"}))
    run = ec2ops("allocate-new-key-pair", "--key-name", "k1")
    assert (run.code, run.out, run.err) == (3, "", (
        f"ec2ops: {server.where} answered a body that could not be decoded: Error -3 while decompressing data: "
        f"incorrect header check. {KEY_PAIR_ADVICE}\n"))


def test_a_byte_order_mark_is_still_xml(server):
    regions = ec2_doc("DescribeRegions", "<regionInfo><item><regionName>eu-west-1</regionName></item></regionInfo>")
    server.push("raw", (200, b"\xef\xbb\xbf" + regions.encode(), {}))
    run = ec2ops("enumerate-regions", "--get", "returnResult")
    assert (run.code, run.out, run.err) == (0, "eu-west-1,null\n", "")


def test_a_truncated_answer_to_a_create_says_its_outcome_is_unknown(server):
    server.push("truncated")
    run = ec2ops("allocate-new-key-pair", "--key-name", "k1")
    assert run.code == 3 and len(server.requests) == 1
    assert run.err.startswith(f"ec2ops: {server.where} answered XML that could not be read (")
    assert run.err.endswith(f"). {KEY_PAIR_ADVICE}\n") and len(run.err.splitlines()) == 1


def test_a_deep_answer_is_refused_while_parsing():
    """Depth is bounded as the parser goes: a million levels (3 MB) are refused at once, not built."""
    from ec2ops.client import document
    from ec2ops.errors import EndpointError

    started = time.monotonic()
    with pytest.raises(EndpointError, match=r"^h answered XML nested deeper than 100 levels, not EC2 XML\.$"):
        document.parse(b"<a>" * 1_000_000, "h")
    assert time.monotonic() - started < 2
    nested = "".join(f"<l{i}>" for i in range(100)) + "".join(f"</l{i}>" for i in reversed(range(100)))
    assert document.parse(nested.encode(), "h")[0] == "l0"  # 100 levels are still read


# -- redirects and other HTTP answers --------------------------------------------------------------
def test_a_redirect_carrying_an_ec2_document_is_exit_3_and_not_followed(server):
    regions = ec2_doc("DescribeRegions", "<regionInfo><item><regionName>eu-west-1</regionName></item></regionInfo>")
    server.push("raw", (307, regions, {"Location": "https://ec2.elsewhere.example/"}))
    run = ec2ops("enumerate-regions")
    assert (run.code, run.out) == (3, "") and len(server.requests) == 1
    assert run.err == (f"ec2ops: {server.where} answered HTTP 307 (a redirect to https://ec2.elsewhere.example/), "
                       f"not EC2; redirects are not followed.\n")


def test_a_redirect_after_a_create_says_its_outcome_is_unknown(server):
    server.push("raw", (301, "", {}))
    run = ec2ops("allocate-new-key-pair", "--key-name", "k1")
    assert (run.code, run.out) == (3, "") and len(server.requests) == 1
    assert run.err == (f"ec2ops: {server.where} answered HTTP 301 (a redirect without a Location), not EC2; "
                       f"redirects are not followed. {KEY_PAIR_ADVICE}\n")


def test_a_web_servers_404_names_its_status(server):
    server.push("raw", (404, "<!DOCTYPE html><html><body><h1>Not Found</h1></body></html>", {}))
    run = ec2ops("enumerate-regions")
    assert (run.code, run.out) == (3, "") and len(server.requests) == 1
    assert run.err == (f"ec2ops: {server.where} answered HTTP 404 without an EC2 error document "
                       f"('<!DOCTYPE html><html><body><h1>Not Found</h1></body></html>').\n")


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_proxy_that_refuses_is_named(server):
    port = _closed_port()
    run = ec2ops("enumerate-regions", "--proxy-host", "127.0.0.1", "--proxy-port", port, "--max-attempts", "2")
    assert (run.code, run.out) == (3, "") and server.requests == []
    assert run.err == (f"ec2ops: Failed to open HTTP connection to the proxy 127.0.0.1:{port} (on the way to "
                       f"{server.where}): [Errno 111] Connection refused. Gave up after 2 attempts.\n")


def test_a_proxy_from_the_environment_that_refuses_is_named(server, monkeypatch):
    port = _closed_port()
    monkeypatch.setenv("HTTP_PROXY", f"http://user:proxy-secret@127.0.0.1:{port}")
    monkeypatch.setenv("NO_PROXY", "")
    run = ec2ops("enumerate-regions", "--max-attempts", "1")
    assert (run.code, run.out) == (3, "") and server.requests == []
    assert run.err == (f"ec2ops: Failed to open HTTP connection to the proxy 127.0.0.1:{port} (on the way to "
                       f"{server.where}): [Errno 111] Connection refused.\n")


@pytest.mark.parametrize("how", ["flags", "environment"])
def test_a_working_proxy_is_used_and_keeps_the_read_timeout(server, monkeypatch, how):
    """The fault server, asked in absolute form, plays the proxy: ec2.example.test is never resolved."""
    host, port = server.where.split(":")
    proxy = ["--proxy-host", host, "--proxy-port", port] if how == "flags" else []
    if how == "environment":
        monkeypatch.setenv("HTTP_PROXY", f"http://{server.where}")
    warning = ("ec2ops: warning: ec2.example.test is reached over plain http: requests and answers can be read on "
               "the way.\n")
    run = ec2ops("enumerate-regions", "--endpoint", "http://ec2.example.test:8773/", "--get", "requestId", *proxy)
    assert (run.code, run.err) == (0, warning) and server.requests[0].path == "http://ec2.example.test:8773/"
    server.push("trickle_headers", 0.1)
    started = time.monotonic()
    run = ec2ops("enumerate-regions", "--endpoint", "http://ec2.example.test:8773/", "--read-timeout", "0.5",
                 "--max-attempts", "1", *proxy)
    assert time.monotonic() - started < 3
    assert (run.code, run.err) == (
        3, warning + "ec2ops: ec2.example.test:8773 did not answer within the read timeout (0.5 s).\n")


def test_a_proxy_that_refuses_the_tunnel_is_named(server):
    """An https endpoint through a proxy that will not CONNECT (the fault server answers 501)."""
    host, port = server.where.split(":")
    run = ec2ops("enumerate-regions", "--endpoint", "https://ec2.example.test/", "--proxy-host", host,
                 "--proxy-port", port, "--max-attempts", "1")
    assert (run.code, run.out) == (3, "") and server.requests == []
    assert run.err == (f"ec2ops: The proxy {server.where} refused the connection to ec2.example.test: "
                       f"501 Unsupported method ('CONNECT').\n")


# -- the read timeout bounds the whole answer ------------------------------------------------------
def test_headers_that_trickle_are_cut_at_the_read_timeout(server):
    """A byte every 0.25 s: each read is well within the read timeout, the headers would take minutes."""
    server.push("trickle_headers", 0.25, times=2)
    started = time.monotonic()
    run = ec2ops("enumerate-regions", "--read-timeout", "1", "--max-attempts", "2")
    assert time.monotonic() - started < 3.5, time.monotonic() - started
    assert (run.code, run.out) == (3, "") and len(server.requests) == 2
    assert run.err == (f"ec2ops: {server.where} did not answer within the read timeout (1 s). "
                       f"Gave up after 2 attempts.\n")


def test_headers_that_trickle_after_a_create_leave_its_outcome_unknown(server):
    server.push("trickle_headers", 0.25)
    started = time.monotonic()
    run = ec2ops("allocate-new-key-pair", "--key-name", "k1", "--read-timeout", "0.5")
    assert time.monotonic() - started < 3
    assert (run.code, run.out) == (3, "") and len(server.requests) == 1
    assert run.err == (f"ec2ops: {server.where} did not answer within the read timeout (0.5 s). "
                       f"{KEY_PAIR_ADVICE}\n")


def test_the_deadline_is_each_threads_own_on_a_shared_pool(server):
    """Regions run in threads over one connection pool: a request that starts later, with a longer read
    timeout, must not lend its deadline to one already waiting (nor the other way round)."""
    keys = Credentials(ACCESS_KEY_ID, SECRET_KEY)
    hasty = Client(Settings(keys, server.url, "eu-west-1", read_timeout=0.5, max_attempts=1))
    patient = Client(Settings(keys, server.url, "us-east-1", read_timeout=5, max_attempts=1), http=hasty.http)
    outcomes, took = {}, {}

    def call(name, client):
        started = time.monotonic()
        try:
            outcomes[name] = client.call("DescribeRegions").action
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test looks at
            outcomes[name] = str(exc)
        took[name] = time.monotonic() - started

    server.push("trickle_headers", 0.1)  # fifty seconds of headers
    threads = [threading.Thread(target=call, args=("hasty", hasty))]
    threads[0].start()
    time.sleep(0.15)  # the hasty request is reading its headers when the patient one is sent
    server.push("slow", 1.2)
    threads.append(threading.Thread(target=call, args=("patient", patient)))
    threads[1].start()
    for thread in threads:
        thread.join(10)
    hasty.close()
    assert outcomes == {"patient": "DescribeRegions",
                        "hasty": f"{server.where} did not answer within the read timeout (0.5 s)."}
    assert took["hasty"] < 3 and took["patient"] >= 1.2, took  # shared, it would wait its 50 s of headers


# -- EC2's refusals, in both shapes, from a server that checks signatures ---------------------------
@pytest.fixture(scope="module")
def checking_moto():
    """moto with its signature checks on, in a process of its own: its auth switch is global to a process,
    and the session's moto server must keep answering unsigned-checked requests. The first three requests
    (unchecked) create an IAM user allowed ec2:*, and its access key. It listens on IPv4 and IPv6."""
    import botocore.session

    code = ("import logging, sys; from moto.server import ThreadedMotoServer;"
            "logging.getLogger('werkzeug').setLevel(logging.ERROR);"
            "server = ThreadedMotoServer(ip_address='::', port=0, verbose=False); server.start();"
            "print(server.get_host_and_port()[1], flush=True); sys.stdin.read()")
    env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT="3", MOTO_EC2_LOAD_DEFAULT_AMIS="false")
    process = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               env=env, text=True)
    try:
        url = f"http://127.0.0.1:{int(process.stdout.readline())}"
        iam = botocore.session.get_session().create_client(
            "iam", endpoint_url=url, region_name="us-east-1", aws_access_key_id="AKIDBOOTSTRAP",
            aws_secret_access_key="bootstrap")
        iam.create_user(UserName="ops")
        key = iam.create_access_key(UserName="ops")["AccessKey"]
        iam.put_user_policy(UserName="ops", PolicyName="ec2", PolicyDocument=(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]}'))
        yield url, key["AccessKeyId"], key["SecretAccessKey"]
    finally:
        process.stdin.close()
        process.wait(10)


def _ec2ops_process(url, key_id, secret, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "EC2OPS_"))}
    env.update(AWS_ACCESS_KEY_ID=key_id, AWS_SECRET_ACCESS_KEY=secret, EC2OPS_ENDPOINT=url, AWS_EC2_METADATA_DISABLED="true")
    return subprocess.run([str(Path(sys.executable).with_name("ec2ops")), *args], capture_output=True, text=True,
                          env=env, timeout=60)


def test_a_wrong_secret_is_the_guides_auth_failure(checking_moto):
    url, key_id, secret = checking_moto
    right = _ec2ops_process(url, key_id, secret, "enumerate-availability-zones", "--get", "returnResult")
    assert (right.returncode, right.stderr) == (0, "") and "us-east-1a" in right.stdout  # moto checked, and passed
    wrong_secret = ("y" if secret.startswith("x") else "x") + secret[1:]  # moto's secrets are random: one may start with x
    wrong = _ec2ops_process(url, key_id, wrong_secret, "enumerate-availability-zones")
    assert (wrong.returncode, wrong.stdout) == (1, "")
    lines = wrong.stderr.splitlines()
    assert len(lines) == 1 and len(lines[0]) > len(" (requestId: )") + 20, lines
    assert refusal(wrong.stderr) == (
        "ec2ops: AWS was not able to validate the provided access credentials. Error code: AuthFailure.")


def test_a_server_that_checks_signatures_accepts_ours_over_ipv6(checking_moto):
    """The Host header of an IPv6 endpoint has its brackets: moto signs it again as botocore does."""
    url, key_id, secret = checking_moto
    ipv6 = url.replace("127.0.0.1", "[::1]")
    run = _ec2ops_process(ipv6, key_id, secret, "create-volume", "--availability-zone", "us-east-1a", "--size", "1",
                          "--get", "volumeId")
    assert (run.returncode, run.stderr) == (0, "") and run.stdout.startswith("vol-")


def test_debug_shows_the_url_as_sent_and_signed(server):
    run = ec2ops("enumerate-regions", "--endpoint", server.url + "a b/../é", "--debug")
    assert run.code == 0 and server.requests[0].path == "/%C3%A9"
    assert f">>> POST {server.url}%C3%A9\n" in run.err


def test_another_actions_answer_is_not_taken_for_this_one(server):
    """A DescribeRegionsResponse (a proxy's cache, a broken endpoint) to CreateKeyPair: exit 3, and
    the key pair's outcome is unknown; to a read, exit 3 all the same."""
    regions = ec2_doc("DescribeRegions", "<regionInfo><item><regionName>eu-west-1</regionName></item></regionInfo>")
    server.push("raw", (200, regions, {}))
    run = ec2ops("allocate-new-key-pair", "--key-name", "k1")
    assert (run.code, run.out, run.err) == (3, "", (
        f"ec2ops: {server.where} answered CreateKeyPair with a DescribeRegionsResponse document, not its answer. "
        f"{KEY_PAIR_ADVICE}\n"))
    server.push("raw", (200, ec2_doc("CreateKeyPair", "<keyName>k1</keyName>"), {}))
    run = ec2ops("enumerate-regions")
    assert (run.code, run.out, run.err) == (3, "", (
        f"ec2ops: {server.where} answered DescribeRegions with a CreateKeyPairResponse document, not its answer.\n"))

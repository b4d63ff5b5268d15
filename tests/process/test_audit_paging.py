"""The second hostile audit's paging and DescribeRegions cases, through the installed console script
against the loopback fault server: a loop of tokens, an oversized token, a reader gone while a page
hangs, and a list of regions that is not EC2's."""

import os
import subprocess
import time

import pytest

from conftest import EC2OPS, describe_instances_xml, env_for


def run(endpoint: str, *args: str, extra_env=None) -> subprocess.CompletedProcess:
    env = {**env_for(endpoint), "EC2OPS_RETRY_BASE_DELAY": "0.002", **(extra_env or {})}
    return subprocess.run([str(EC2OPS), *args], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=120, env=env)


def page(first: int, token: str | None) -> tuple:
    return 200, describe_instances_xml(1, 2, token, first=first), {}


# -- 7. paging -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("tokens", [["A", "A"], ["A", "B", "A"]])
def test_a_token_given_before_is_exit_3_naming_the_loop(fault_server, tokens):
    for n, token in enumerate(tokens):
        fault_server.push("raw", page(2 * n, token))
    fault_server.push("raw", page(100, None))  # never asked for: the loop is found first
    done = run(fault_server.url, "describe-instances", "--columns", "instanceId")
    assert (done.returncode, done.stderr) == (
        3, f"ec2ops: {fault_server.where} answered a nextToken it had given before: the pages of DescribeInstances "
           "loop; the listing is incomplete.\n")
    ids = done.stdout.splitlines()
    assert len(ids) == len(set(ids)) == 2 * len(tokens)  # each page once, no row repeated
    assert [r.params.get("NextToken") for r in fault_server.requests] == [None, *tokens[:-1]]


def test_an_oversized_token_is_refused(fault_server):
    token = "T" * (64 * 1024 + 1)
    fault_server.push("raw", page(0, token))
    done = run(fault_server.url, "describe-instances", "--columns", "instanceId")
    assert (done.returncode, done.stderr) == (
        3, f"ec2ops: {fault_server.where} answered a nextToken of 65537 bytes for DescribeInstances (more than "
           "65536); the listing is incomplete.\n")
    assert len(fault_server.requests) == 1  # the token is never sent back


def test_a_reader_gone_while_a_page_hangs_is_141_at_once(fault_server):
    fault_server.push("raw", page(0, "A"))
    fault_server.push("stall", 60)  # the second page never comes
    child = subprocess.Popen([str(EC2OPS), "describe-instances", "--columns", "instanceId"], stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env_for(fault_server.url))
    first = child.stdout.readline()
    while len(fault_server.requests) < 2:  # the second page is asked for
        time.sleep(0.01)
    child.stdout.close()  # `| head -1`: the reader leaves
    started = time.monotonic()
    code = child.wait(timeout=30)
    assert (code, first, child.stderr.read()) == (141, b"i-00000000000000000\n", b"")
    assert time.monotonic() - started < 2


# -- 8. DescribeRegions ------------------------------------------------------------------------------------
EMPTY = ('<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r-2</requestId>'
         "<reservationSet/></DescribeInstancesResponse>")


def regions_xml(*names: str) -> tuple:
    items = "".join(f"<item><regionName>{n}</regionName><regionEndpoint>ec2.{n}.amazonaws.com</regionEndpoint></item>"
                    for n in names)
    return 200, (f'<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r-1'
                 f"</requestId><regionInfo>{items}</regionInfo></DescribeRegionsResponse>"), {}


@pytest.mark.parametrize("names,reason", [
    (("us-east-1", "us-east-1"), "us-east-1 twice"),
    (("us-east-1", ""), "an empty region name"),
    ((), "no region"),
    (("us-east-1", "evil.example.com:443/#"), "a region name that is not one ('evil.example.com:443/#')"),
])
@pytest.mark.parametrize("given", ["all", "us-east-1"])
def test_a_describe_regions_answer_that_is_not_ec2s_is_exit_3(fault_server, names, reason, given):
    # A list of regions is called beside its check: either request may come first.
    fault_server.push("by_action", {"DescribeRegions": regions_xml(*names), "DescribeInstances": (200, EMPTY, {})},
                      times=1 if given == "all" else 2)
    done = run(fault_server.url, "describe-instances", "--regions", given)
    assert (done.returncode, done.stdout, done.stderr) == (
        3, "", f"ec2ops: {fault_server.where} answered DescribeRegions with {reason}: not EC2's list of regions.\n")
    if given == "all":
        assert fault_server.actions() == ["DescribeRegions"]
    else:  # the call beside the check may be cut short by the exit, before its action is sent
        assert sorted(map(str, fault_server.actions())) in (["DescribeInstances", "DescribeRegions"],
                                                            ["DescribeRegions", "None"], ["DescribeRegions"])


def test_ec2s_region_names_pass(fault_server):
    fault_server.push("raw", regions_xml("us-east-1", "us-gov-west-1", "ap-southeast-4", "il-central-1"))
    done = run(fault_server.url, "enumerate-regions", "--regions", "all", "--get", "returnResult")
    assert done.returncode == 0, done.stderr

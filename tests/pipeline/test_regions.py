"""Every read across regions and accounts in one command (--regions, --profiles), against moto:
one server serves every region (the region is in the signature). A front in this file stands
between ec2ops and moto to make one region slow, refused or unreachable."""

from __future__ import annotations

import http.server
import json
import re
import threading
import time

import httpx
import pytest

from conftest import ec2_client, ec2_error_xml, refusal

PLACES = ("us-east-1", "eu-west-1", "ap-southeast-2")
OPT_IN = "You are not subscribed to this service. Please go to http://aws.amazon.com to subscribe."


@pytest.fixture
def launched(moto):
    """An instance in each of three regions, made with boto3: {region: instance id}."""
    ids = {}
    for region in PLACES:
        ids[region] = ec2_client(moto, region).run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)[
            "Instances"][0]["InstanceId"]
    return ids


def rows(out: str) -> list[str]:
    """The returnResult lines of a plain output (before the `name: value` lines)."""
    return out.split("requestId: ")[0].splitlines()


def alone(ec2ops, region: str, *args: str) -> list[str]:
    """What the command prints for one region, run there alone."""
    run = ec2ops(*args, "--region", region)
    assert run.code == 0, run.err
    return rows(run.out)


def region_order(moto_url: str) -> list[str]:
    return [r["RegionName"] for r in ec2_client(moto_url, "us-east-1").describe_regions()["Regions"]]


# -- merged results --------------------------------------------------------------------------------
def test_all_regions_lists_each_instance_with_its_region_in_describe_regions_order(ec2ops, launched, moto):
    run = ec2ops("describe-instances", "--regions", "all")
    assert (run.code, run.err) == (0, "")
    order = [r for r in region_order(moto) if r in PLACES]
    assert order == ["ap-southeast-2", "eu-west-1", "us-east-1"]
    expected = [f"{region};{line}" for region in order for line in alone(ec2ops, region, "describe-instances")]
    assert rows(run.out) == expected
    assert [line.split(";")[1] for line in expected] == [launched[r] for r in order]
    request_ids = run.out.split("requestId: ")[1].strip().split(",")
    assert [pair.split("=")[0] for pair in request_ids] == region_order(moto)  # one per call, every region


def test_a_list_of_regions_gives_only_those_in_that_order_in_every_form(ec2ops, launched):
    args = ("describe-instances", "--regions", "us-east-1,eu-west-1")
    plain = ec2ops(*args)
    assert (plain.code, plain.err) == (0, "")
    assert rows(plain.out) == [f"{region};{line}" for region in ("us-east-1", "eu-west-1")
                               for line in alone(ec2ops, region, "describe-instances")]
    doc = ec2ops(*args, "-o", "json").json()
    assert [(row["region"], row["instanceId"]) for row in doc["returnResult"]] == [
        ("us-east-1", launched["us-east-1"]), ("eu-west-1", launched["eu-west-1"])]
    assert list(doc["returnResult"][0])[:2] == ["region", "instanceId"]
    assert [pair.split("=")[0] for pair in doc["requestId"]] == ["us-east-1", "eu-west-1"]
    assert doc["errors"] == []
    table = ec2ops(*args, "-o", "table", env={"COLUMNS": "400"})
    assert table.code == 0
    lines = [line for line in table.out.splitlines() if launched["us-east-1"] in line or launched["eu-west-1"] in line]
    assert [line.split("│")[1].strip() for line in lines] == ["us-east-1", "eu-west-1"]
    assert table.out.splitlines()[2].split("┃")[1].strip() == "Region"


def test_without_regions_the_guide_layout_is_unchanged(ec2ops, launched):
    run = ec2ops("describe-instances")
    assert rows(run.out)[0].split(";")[0] == launched["us-east-1"]
    doc = ec2ops("describe-instances", "-o", "json").json()
    assert list(doc) == ["returnResult", "requestId"] and "region" not in doc["returnResult"][0]


def test_details_look_in_every_region_and_say_where_they_found_it(ec2ops, launched):
    wanted = launched["ap-southeast-2"]
    run = ec2ops("get-instance-details", "--instance-identifier", wanted, "--regions", "all")
    assert (run.code, run.err) == (0, "")
    there = ec2ops("get-instance-details", "--instance-identifier", wanted, "--region", "ap-southeast-2").out
    lines, expected = run.out.splitlines(), there.splitlines()
    assert lines[0] == expected[0]  # returnResult, as in that region alone
    assert lines[1] == "region: ap-southeast-2"
    assert lines[2:-1] == expected[1:-1]  # the same outputs, then requestId
    got = ec2ops("get-instance-details", "--instance-identifier", wanted, "--regions", "all", "--get", "region")
    assert (got.code, got.out) == (0, "ap-southeast-2\n")
    assert ec2ops("get-instance-details", "--instance-identifier", wanted, "--get", "region").code == 2


def test_an_id_found_in_no_region_is_the_guides_not_found_message(ec2ops, launched):
    missing = "i-0123456789abcdef0"
    here = ec2ops("get-instance-details", "--instance-identifier", missing)
    run = ec2ops("get-instance-details", "--instance-identifier", missing, "--regions", "us-east-1,eu-west-1")
    assert (run.code, run.out) == (1, "")
    assert refusal(run.err) == refusal(here.err) == (
        f"ec2ops: The instance ID '{missing}' does not exist. Error code: InvalidInstanceId.NotFound.")


# -- profiles ----------------------------------------------------------------------------------------
def profiles_files(tmp_path, regions: dict[str, str]) -> dict[str, str]:
    credentials, config = tmp_path / "credentials", tmp_path / "config"
    credentials.write_text("".join(
        f"[{name}]\naws_access_key_id = AKID{name.upper():0<16}\naws_secret_access_key = secret-of-{name}\n"
        for name in regions))
    config.write_text("".join(f"[profile {name}]\nregion = {region}\n" for name, region in regions.items()))
    return {"AWS_SHARED_CREDENTIALS_FILE": str(credentials), "AWS_CONFIG_FILE": str(config)}


def test_two_profiles_give_two_profile_values_each_in_its_own_region(ec2ops, launched, tmp_path):
    files = profiles_files(tmp_path, {"prod": "eu-west-1", "staging": "ap-southeast-2"})
    run = ec2ops("describe-instances", "--profiles", "prod,staging", "-o", "json", "--debug", env=files)
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    assert [(row["profile"], row["region"], row["instanceId"]) for row in doc["returnResult"]] == [
        ("prod", "eu-west-1", launched["eu-west-1"]), ("staging", "ap-southeast-2", launched["ap-southeast-2"])]
    assert [pair.split("=")[0] for pair in doc["requestId"]] == ["prod/eu-west-1", "staging/ap-southeast-2"]
    # Each profile signed with its own key, not the environment's; its secret never shows.
    assert set(re.findall(r"Credential=(\w+)/", run.err)) == {"AKIDPROD000000000000", "AKIDSTAGING000000000"}
    assert "secret-of-" not in run.err + run.out
    both = ec2ops("describe-instances", "--profiles", "prod,staging", "--regions", "us-east-1", env=files)
    assert [line.split(";")[:3] for line in rows(both.out)] == [
        ["prod", "us-east-1", launched["us-east-1"]], ["staging", "us-east-1", launched["us-east-1"]]]


def test_the_dashboard_has_a_row_per_profile_and_a_total(ec2ops, launched, tmp_path):
    files = profiles_files(tmp_path, {"prod": "eu-west-1", "staging": "ap-southeast-2"})
    run = ec2ops("ec2-dashboard", "--profiles", "prod,staging", "-o", "json", env=files)
    assert run.code == 0, run.err
    assert [(row["profile"], row["region"], row["instancesRunning"]) for row in run.json()["returnResult"]] == [
        ("prod", "eu-west-1", 1), ("staging", "ap-southeast-2", 1), ("total", "total", 2)]


def test_profiles_refuse_keys_given_as_flags_and_profiles_without_keys(ec2ops, tmp_path):
    files = profiles_files(tmp_path, {"prod": "eu-west-1"})
    run = ec2ops("describe-instances", "--profiles", "prod", "--access-key-id", "AKIDOTHER", env=files)
    assert (run.code, run.out, run.err) == (
        2, "", "ec2ops: --profiles takes each profile's keys from ~/.aws; leave out --access-key-id.\n")
    run = ec2ops("describe-instances", "--profiles", "prod,nowhere", env=files)
    assert (run.code, run.err) == (
        2, "ec2ops: The profile 'nowhere' was not found in ~/.aws/credentials or ~/.aws/config.\n")


# -- refusals and checks -----------------------------------------------------------------------------
@pytest.mark.parametrize("flag", ["--regions", "--profiles"])
def test_a_command_that_changes_something_refuses_regions_and_profiles(ec2ops, flag):
    run = ec2ops("create-volume", "--size", "1", "--availability-zone", "us-east-1a", flag, "us-east-1")
    assert (run.code, run.out) == (2, "")
    assert run.err == (f"ec2ops: {flag} is only for commands that only read: this one changes something, "
                       "and changes are made in one region with one profile.\n")
    assert ec2ops("describe-volumes").out.startswith("requestId")  # nothing was made


@pytest.mark.parametrize("given,message", [
    ("us-east-1,mars-1", "--regions: mars-1 is not a region of this account (DescribeRegions lists af-south-1, "),
    ("us-east-1,,eu-west-1", "--regions needs names, comma-separated, or all; not 'us-east-1,,eu-west-1'."),
    ("eu-west-1,eu-west-1", "--regions names eu-west-1 more than once."),
])
def test_a_bad_region_list_is_bad_input_before_any_other_call(ec2ops, given, message):
    run = ec2ops("describe-instances", "--regions", given, "--debug")
    assert (run.code, run.out) == (2, "")
    told = [line for line in run.err.splitlines() if line.startswith("ec2ops: ")]
    assert told[-1].startswith("ec2ops: " + message)
    assert re.findall(r"Action=(\w+)", run.err) == (["DescribeRegions"] if "mars" in given else [])


# -- partial failure and concurrency, through a front --------------------------------------------
class Front:
    """An endpoint in front of moto: each region's requests are passed on, after `delay[region]`
    seconds, or answered `refuse[region]` (status, EC2 error document), or cut (`cut`: the
    connection closed without an answer). It counts the requests in flight at once."""

    def __init__(self, moto_url: str):
        self.moto_url, self.delay, self.refuse, self.cut = moto_url, {}, {}, set()
        self.refuse_later = {}  # region -> (status, document) for its requests with a NextToken
        self.slow = {}  # action -> seconds more before it is answered
        self.actions = []  # the actions asked for, in the order they arrived
        self.in_flight = self.most = 0
        self.lock = threading.Lock()
        front = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                region = re.search(r"Credential=[^/]+/\d+/([^/]+)/", self.headers.get("Authorization", "")).group(1)
                action = re.search(rb"(?:^|&)Action=(\w+)", body).group(1).decode()
                with front.lock:
                    front.in_flight += 1
                    front.most = max(front.most, front.in_flight)
                    front.actions.append(action)
                try:
                    time.sleep(front.delay.get(region, 0) + front.slow.get(action, 0) + 0.05)
                    if region in front.cut:
                        self.close_connection = True
                        self.connection.shutdown(2)
                        return
                    if region in front.refuse_later and b"NextToken=" in body:
                        status, text = front.refuse_later[region]
                    elif region in front.refuse:
                        status, text = front.refuse[region]
                    else:
                        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                        answer = httpx.post(front.moto_url + "/", content=body, headers=headers)
                        status, text = answer.status_code, answer.text
                    data = text.encode()
                    self.send_response(status)
                    self.send_header("Content-Type", "text/xml")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                finally:
                    with front.lock:
                        front.in_flight -= 1

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def front(moto):
    server = Front(moto)
    yield server
    server.close()


def test_rows_keep_the_regions_order_whatever_order_the_answers_arrive_in(ec2ops, launched, front):
    front.delay["us-east-1"] = 0.6  # asked first, answered last
    run = ec2ops("describe-instances", "--regions", "us-east-1,eu-west-1,ap-southeast-2", "--endpoint", front.url)
    assert (run.code, run.err) == (0, "")
    assert [line.split(";")[:2] for line in rows(run.out)] == [[r, launched[r]] for r in PLACES]
    assert front.most == 4  # all at once, and the DescribeRegions that checks them beside them
    assert sorted(front.actions) == ["DescribeInstances"] * 3 + ["DescribeRegions"]


def test_no_row_is_printed_before_the_regions_given_are_checked(ec2ops, launched, front):
    """The calls go out beside the check, but a region DescribeRegions does not list is bad input
    with nothing printed, however soon the other regions answered."""
    front.slow["DescribeRegions"] = 0.5
    run = ec2ops("describe-instances", "--regions", "us-east-1,us-east-9", "--endpoint", front.url)
    assert (run.code, run.out) == (2, "")
    assert run.err.startswith("ec2ops: --regions: us-east-9 is not a region of this account (DescribeRegions "
                              "lists af-south-1, ") and run.err.count("\n") == 1
    assert "DescribeInstances" in front.actions  # sent, and its rows never printed
    # A region the check refuses is told, whatever the calls beside it brought.
    front.refuse["us-east-1"] = (401, ec2_error_xml("OptInRequired", OPT_IN, "req-r"))
    run = ec2ops("describe-instances", "--regions", "us-east-1,eu-west-1", "--endpoint", front.url)
    assert (run.code, run.out) == (1, "")
    assert run.err == f"ec2ops: {OPT_IN} Error code: OptInRequired. (requestId: req-r)\n"


def test_max_concurrency_bounds_the_calls_in_flight(ec2ops, launched, front):
    run = ec2ops("describe-instances", "--regions", "all", "--max-concurrency", "4", "--endpoint", front.url)
    assert run.code == 0 and len(rows(run.out)) == 3
    assert front.most == 4
    assert ec2ops("describe-instances", "--regions", "all", "--max-concurrency", "0").code == 2
    # A list of regions: its DescribeRegions beside the calls, among the N given.
    front.most = 0
    run = ec2ops("describe-instances", "--regions", ",".join(PLACES), "--max-concurrency", "2", "--endpoint", front.url)
    assert run.code == 0 and len(rows(run.out)) == 3
    assert front.most == 2


def test_a_region_that_fails_leaves_the_others_and_gives_the_worst_status(ec2ops, launched, front):
    front.refuse["eu-west-1"] = (401, ec2_error_xml("OptInRequired", OPT_IN, "req-eu"))
    args = ("describe-instances", "--regions", "us-east-1,eu-west-1,ap-southeast-2", "--endpoint", front.url)
    run = ec2ops(*args)
    assert run.code == 1
    assert [line.split(";")[:2] for line in rows(run.out)] == [
        ["us-east-1", launched["us-east-1"]], ["ap-southeast-2", launched["ap-southeast-2"]]]
    assert run.err == f"ec2ops: eu-west-1: {OPT_IN} Error code: OptInRequired. (requestId: req-eu)\n"
    # An unreachable region is worse (3): both told, in the regions' order.
    front.cut.add("ap-southeast-2")
    run = ec2ops(*args, "--max-attempts", "1", "-o", "json")
    assert run.code == 3
    told = run.err.splitlines()
    assert told[0] == f"ec2ops: eu-west-1: {OPT_IN} Error code: OptInRequired. (requestId: req-eu)"
    assert told[1].startswith("ec2ops: ap-southeast-2: ") and len(told) == 2
    doc = run.json()
    assert [row["region"] for row in doc["returnResult"]] == ["us-east-1"]
    assert doc["errors"] == [
        {"profile": None, "region": "eu-west-1", "code": "OptInRequired", "status": 1,
         "message": f"{OPT_IN} Error code: OptInRequired."},
        {"profile": None, "region": "ap-southeast-2", "code": None, "status": 3, "message": told[1][24:]}]
    assert [pair.split("=")[0] for pair in doc["requestId"]] == ["us-east-1"]


def test_the_dashboard_goes_on_without_a_region_that_fails(ec2ops, launched, front):
    front.refuse["eu-west-1"] = (401, ec2_error_xml("OptInRequired", OPT_IN, "req-eu"))
    run = ec2ops("ec2-dashboard", "--regions", "us-east-1,eu-west-1,ap-southeast-2", "--endpoint", front.url,
                 "-o", "json")
    assert run.code == 1
    assert [(row["region"], row["instancesRunning"]) for row in run.json()["returnResult"]] == [
        ("us-east-1", 1), ("ap-southeast-2", 1), ("total", 2)]
    assert run.err.count("\n") == 1 and run.err.startswith("ec2ops: eu-west-1: ")


def test_regions_page_by_page_keep_their_order_and_the_concurrency_bound(ec2ops, moto, front):
    """Issue 15: each region's pages are read as they are printed (the first page of every region
    asked for at once, the next read ahead); the rows keep the regions' order, and the pages read
    ahead count against --max-concurrency."""
    for region in ("us-east-1", "eu-west-1"):
        for _ in range(7):  # seven reservations: two pages of 5 (moto pages DescribeInstances by reservation)
            ec2_client(moto, region).run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)
    args = ("describe-instances", "--regions", "us-east-1,eu-west-1", "--page-size", "5", "--endpoint", front.url)
    run = ec2ops(*args, "--debug")
    assert run.code == 0, run.err
    assert rows(run.out) == [f"{region};{line}" for region in ("us-east-1", "eu-west-1")
                             for line in alone(ec2ops, region, "describe-instances")]
    assert len(rows(run.out)) == 14 and run.err.count("NextToken=") == 2  # a second page in each region
    front.most = 0
    run = ec2ops(*args, "--max-concurrency", "1")
    assert run.code == 0 and len(rows(run.out)) == 14
    assert front.most == 1


def test_a_region_whose_second_page_fails_keeps_its_first_page_and_the_others_go_on(ec2ops, moto, front):
    for region in ("us-east-1", "eu-west-1", "ap-southeast-2"):
        for _ in range(7):
            ec2_client(moto, region).run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)
    front.refuse_later["eu-west-1"] = (401, ec2_error_xml("OptInRequired", OPT_IN, "req-eu"))
    run = ec2ops("describe-instances", "--regions", "us-east-1,eu-west-1,ap-southeast-2", "--page-size", "5",
                 "--endpoint", front.url)
    assert run.code == 1
    assert run.err == f"ec2ops: eu-west-1: {OPT_IN} Error code: OptInRequired. (requestId: req-eu)\n"
    assert [line.split(";")[0] for line in rows(run.out)] == ["us-east-1"] * 7 + ["eu-west-1"] * 5 + ["ap-southeast-2"] * 7

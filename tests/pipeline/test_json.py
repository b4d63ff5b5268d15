"""JSON that jq can use as it is (issue 11): every command of the guide run with -o json over a populated moto
(respx answers with EC2's documented XML for the seven actions moto lacks), each output checked
against botocore's EC2 service model, the test oracle: an integer field is a JSON number, a
boolean one a JSON boolean (EC2's <return> everywhere; progress, a string in the model, is a number of percent), a string
is a string; an empty table or list is [], a missing scalar null, never "". Every printed output is
documented in the command's man page."""

import re
import time
from pathlib import Path
from urllib.parse import parse_qsl

import botocore.session
import click
import httpx
import pytest
import respx

from conftest import ec2_xml
from ec2ops.cli import GUIDE_ORDER, cli

MAN = Path(__file__).resolve().parents[2] / "man"
MODEL = botocore.session.get_session().get_service_model("ec2")
NUMBERS, BOOLEANS = {"integer", "long"}, {"boolean"}

TASK = ("<instanceId>{instance}</instanceId><bundleId>bun-c1a540a8</bundleId><state>{state}</state>"
        "<startTime>2008-10-07T11:41:50.000Z</startTime><updateTime>2008-10-07T11:51:50.000Z</updateTime>"
        "<progress>{progress}</progress><storage><S3><bucket>myawsbucket</bucket><prefix>winami</prefix></S3>"
        "</storage>")


def documented(action: str, params: dict) -> str | None:
    """EC2's documented answers for what moto does not implement."""
    instance = params.get("InstanceId.1") or params.get("InstanceId") or "i-12345678"
    task = TASK.format(instance=instance, state="bundling", progress="70%")
    answers = {
        "ResetSnapshotAttribute": "<return>true</return>",
        "ResetImageAttribute": "<return>true</return>",
        "MonitorInstances": f"<instancesSet><item><instanceId>{instance}</instanceId><monitoring><state>pending"
                            "</state></monitoring></item></instancesSet>",
        "UnmonitorInstances": f"<instancesSet><item><instanceId>{instance}</instanceId><monitoring><state>"
                              "disabling</state></monitoring></item></instancesSet>",
        "BundleInstance": f"<bundleInstanceTask>{TASK.format(instance=instance, state='pending', progress='0%')}"
                          "</bundleInstanceTask>",
        "CancelBundleTask": f"<bundleInstanceTask>{task.replace('bundling', 'cancelling')}</bundleInstanceTask>",
        "DescribeBundleTasks": f"<bundleInstanceTasksSet><item>{task}</item></bundleInstanceTasksSet>",
    }
    return ec2_xml(action, answers[action]) if action in answers else None


def commands() -> dict:
    ctx = click.Context(cli)
    return {name: cli.get_command(ctx, name).operation for name in cli.list_commands(ctx)
            if getattr(cli.get_command(ctx, name), "operation", None) is not None}


# -- the oracle: botocore's shapes, found by the XML element names ec2ops reads ----------------------
def _name(member_name: str, shape) -> str:
    return shape.serialization.get("name") or member_name[0].lower() + member_name[1:]


def _unlist(shape):
    while shape is not None and shape.type_name == "list":
        shape = shape.member
    return shape


def resolve(shape, path: str):
    """The shape at an element path (a/b/c), or, when the path is not in the model as it is, the first
    member of that name within three levels (a field ec2ops reads from an exploded row)."""
    found = shape
    for part in [p for p in path.split("/") if p]:
        found = _unlist(found)
        if found is None or found.type_name != "structure":
            found = None
            break
        found = next((m for n, m in found.members.items() if _name(n, m) == part), None)
    if found is not None or not path:
        return _unlist(found)
    last, level = path.rsplit("/", 1)[-1], [_unlist(shape)]
    for _ in range(3):
        following = []
        for s in level:
            if s is not None and s.type_name == "structure":
                for n, m in s.members.items():
                    if _name(n, m) == last:
                        return _unlist(m)
                    following.append(_unlist(m))
        level = following
    return None


def check(where: str, value, shape, field: str, seen: set) -> None:
    assert value != "", f"{where}: an empty value is null, not \"\""
    kind = shape.type_name if shape is not None else None
    if value is None:
        return
    if kind in NUMBERS or field == "progress":
        assert isinstance(value, (int, float)) and not isinstance(value, bool), f"{where}: {value!r} is not a number"
        seen.add(where)
    elif kind in BOOLEANS or (kind is None and field == "return"):  # <return>: boolean where the model has it
        assert isinstance(value, bool), f"{where}: {value!r} is not a boolean"
        seen.add(where)
    elif where.endswith("tags"):  # EC2's tagSet (a list of key/value pairs) as one object, {} when untagged
        assert kind == "structure" and isinstance(value, dict), f"{where}: {value!r} is not an object"
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()), where
    else:
        assert isinstance(value, (str, list)), f"{where}: {value!r} is typed, EC2's {kind} is not"


def check_document(name: str, op, doc: dict, seen: set) -> None:
    assert list(doc) == [o.name for o in op.outputs] + ["requestId"] * op.request_id, name
    page = (MAN / f"ec2ops-{name}.1").read_text()
    outputs = page.split(".SH OUTPUTS", 1)[1].split("\n.SH ", 1)[0]
    for key in doc:
        assert f"\\fB{key}\\fR" in outputs, f"{name}: {key} is printed but not in its man page's OUTPUTS"
    if name == "ec2-dashboard":  # counts of its own, not EC2's fields
        assert all(isinstance(doc[o.name], int) for o in op.outputs[1:]) and isinstance(doc["returnResult"], list)
        return
    body = MODEL.operation_model(op.actions[-1]).output_shape
    base = resolve(body, op.items.path) if op.items else body
    if op.items and op.items.explode is not None and op.items.path == "reservationSet":
        base = resolve(body, "reservationSet/instancesSet")
    for o in op.outputs:
        value = doc[o.name]
        if o.columns:
            assert isinstance(value, list), f"{name} {o.name}: a table is a list, [] when empty"
            rows = resolve(base, o.path) if o.path else base
            for row in value:
                for c in o.columns:
                    check(f"{name} {o.name}.{c.key}", row[c.key], resolve(rows, c.path or c.key), c.key, seen)
        elif o.many:
            assert isinstance(value, list), f"{name} {o.name}: a list, [] when empty"
        else:
            check(f"{name} {o.name}", value, resolve(base, o.path or ""), (o.path or "").rsplit("/", 1)[-1], seen)


def test_every_commands_json_is_typed_as_ec2_types_it(ec2ops, moto, tmp_path):
    done: dict[str, dict] = {}
    ops = commands()
    seen: set = set()

    def run(*args):
        with respx.mock(assert_all_called=False) as mock:
            def answer(request):
                params = dict(parse_qsl(request.content.decode()))
                text = documented(params.get("Action", ""), params)
                return httpx.Response(200, text=text) if text else request  # the request: on to moto

            mock.route(url__startswith=moto).mock(side_effect=answer)
            result = ec2ops(*args, "-o", "json")
        assert result.code == 0, (args, result.err)
        doc = result.json()
        check_document(args[0], ops[args[0]], doc, seen)
        done[args[0]] = doc
        return doc

    run("enumerate-regions")
    zone = run("enumerate-availability-zones")["returnResult"][0]
    run("allocate-new-key-pair", "--key-name", "walk")
    run("enumerate-key-pairs")
    run("create-security-group", "--group-name", "web", "--group-description", "Web")
    run("create-security-group", "--group-name", "lb", "--group-description", "Load balancers")
    cidr = ("--group-name", "web", "--ip-protocol", "tcp", "--from-port", "22", "--to-port", "22",
            "--cidr-ip", "203.0.113.0/24")
    run("allow-access-to-security-group", *cidr)
    run("allow-access-to-security-group", "--group-name", "web", "--source-security-group-name", "lb")
    run("describe-security-groups")
    run("get-security-group-details", "--group-name", "web")
    instance = run("run-instances", "--ami-id", "ami-12345678", "--key-name", "walk", "--security-groups", "web",
                   "--placement-zone", zone, "--device-name", "/dev/sdb", "--volume-size", "8",
                   "--delete-on-termination", "true")["returnResult"][0]
    run("describe-instances")
    run("create-tags", "--resource-ids", instance, "--tag", "Name=walk")  # beyond the guide
    run("delete-tags", "--resource-ids", instance, "--tag", "Name")
    run("describe-vpcs")
    run("describe-subnets")
    run("get-instance-details", "--instance-identifier", instance)
    run("get-system-log", "--instance-id", instance)
    volume = run("create-volume", "--size", "3", "--availability-zone", zone)["returnResult"]
    run("attach-volume", "--volume-id", volume, "--instance-id", instance, "--device-name", "/dev/sdh")
    run("get-volume-details", "--volume-id", volume)
    run("describe-volumes")
    snapshot = run("create-snapshot", "--volume-id", volume, "--snapshot-description", "walk")["returnResult"]
    run("describe-snapshots", "--snapshot-owners", "self")
    run("get-snapshot-details", "--snapshot-id", snapshot)
    run("modify-snapshot-attribute", "--snapshot-id", snapshot, "--operation-type", "add", "--user-ids",
        "111122223333")
    run("reset-snapshot-attribute", "--snapshot-id", snapshot)
    shared = run("create-shared-snapshot", "--volume-id", volume, "--groups", "all")["returnResult"]
    image = run("register-image", "--image-location", "/walk/walk.manifest.xml")["returnResult"]
    run("enumerate-images", "--image-owners", "self")
    run("get-image-details", "--image-id", image)
    run("modify-image-attribute", "--ami-id", image, "--attribute", "launchPermission", "--operation-type", "add",
        "--groups", "all")
    run("reset-image-attribute", "--ami-id", image, "--attribute", "launchPermission")
    address = run("allocate-new-elastic-ip")["returnResult"]
    run("associate-elastic-ip", "--ip-address", address, "--instance-id", instance)
    run("enumerate-elastic-ips")
    run("disassociate-elastic-ip", "--ip-address", address)
    run("monitor-instance", "--instance-identifier", instance)
    run("unmonitor-instance", "--instance-identifier", instance)
    bundle = run("bundle-windows-instance", "--instance-id", instance, "--storage-bucket", "myawsbucket",
                 "--storage-prefix", "winami")["returnResult"]
    run("enumerate-bundle-tasks")
    run("get-bundle-task-details", "--bundle-id", bundle)
    run("cancel-bundle-task", "--bundle-id", bundle)
    run("restart-instance", "--instance-identifier", instance)
    run("stop-instance", "--instance-identifier", instance)
    run("start-instance", "--instance-id", instance)
    run("run-instances-from-template", "--instance-identifier", instance)
    run("ec2-dashboard", "--notify-method", "None")
    run("detach-volume", "--volume-id", volume, "--instance-id", instance)
    run("revoke-access-to-security-group", *cidr)
    run("release-elastic-ip", "--ip-address", address)
    run("remove-image", "--ami-id", image)
    run("delete-snapshot", "--snapshot-id", shared)
    run("delete-volume", "--volume-id", volume)
    run("terminate-instance", "--instance-identifier", instance)
    run("delete-security-group", "--group-name", "lb")
    run("delete-key-pair", "--key-name", "walk")

    assert sorted(done) == sorted(ops)
    # the guide's count: tests/commands/test_catalog.py; the others are beyond the guide, in their own area
    assert sorted(set(done) - set(GUIDE_ORDER)) == sorted(n for n in ops if cli.commands[n].area == "beyond")
    assert set(GUIDE_ORDER) <= set(done)
    # Each field EC2 types (and progress) was seen with a value, so none of the checks above was vacuous.
    typed = {"create-snapshot volumeSize", "create-snapshot progress", "describe-snapshots returnResult.volumeSize",
             "describe-snapshots returnResult.progress", "get-snapshot-details progress", "create-volume size",
             "describe-volumes returnResult.size", "get-volume-details size", "enumerate-images returnResult.isPublic",
             "get-image-details isPublic", "get-instance-details launchIndex",
             "get-security-group-details ipPermissions.fromPort", "get-security-group-details ipPermissions.toPort",
             "enumerate-bundle-tasks returnResult.progress", "get-bundle-task-details progress",
             "delete-key-pair returnResult", "remove-image returnResult", "delete-snapshot returnCode",
             "allow-access-to-security-group returnResult", "revoke-access-to-security-group returnResult",
             "delete-security-group returnResult"}
    assert typed <= seen, typed - seen
    assert done["get-snapshot-details"]["progress"] in range(0, 101)
    assert done["get-instance-details"]["launchIndex"] == 0


def test_json_timestamps_are_ec2s_while_plain_keeps_the_guides_local_time(ec2ops, monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    try:
        volume = ec2ops("create-volume", "--size", "1", "--availability-zone", "us-east-1a", "-o", "json").json()
        plain = ec2ops("get-volume-details", "--volume-id", volume["volumeId"], "--get", "createTime").out.strip()
        doc = ec2ops("get-volume-details", "--volume-id", volume["volumeId"], "-o", "json").json()
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:30", plain)
    assert doc["createTime"] == volume["createTime"] and re.search(r"(Z|[+-]\d\d:\d\d)$", doc["createTime"])
    assert doc["createTime"] != plain

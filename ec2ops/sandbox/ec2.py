"""What the sandbox adds to moto's EC2: a WSGI layer in front of moto's app.

It answers the actions moto lacks (attribute resets, monitoring, bundle tasks, DetachVolume by
volume alone) on moto's own models, refuses what EC2 refuses and moto accepts (an unknown AMI or
zone, deleting `default`), reads RestorableBy.N, and passes every other request through untouched;
what moto then does not do (a NotImplementedError) is EC2's InvalidAction, or for a filter moto lacks,
InvalidParameterValue naming it. Imported only when a
sandbox starts: it loads moto."""

from __future__ import annotations

import fnmatch
import io
import logging
import re
import secrets
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Callable
from urllib.parse import parse_qsl, urlencode
from xml.sax.saxutils import escape

from ec2ops.sandbox import refusals

log = logging.getLogger("ec2ops.sandbox")

XMLNS = "http://ec2.amazonaws.com/doc/2016-11-15/"
BUNDLING_FROM, STORING = 0.2, 0.7  # where bundling and storing start, as shares of the task's time
BUNDLING = ("pending", "bundling", "storing")
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/[^/]+/([^/]+)/([^/]+)/aws4_request")


class Refusal(Exception):
    """An EC2 error document: the request is refused."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


class PassThrough(Exception):
    """Hand the request (its parameters perhaps changed) to moto."""


@dataclass
class Request:
    params: dict[str, str]
    access_key: str
    region: str
    account: str

    def get(self, name: str) -> str | None:
        return self.params.get(name)

    def required(self, name: str) -> str:
        value = self.params.get(name)
        if not value:
            raise Refusal("MissingParameter", f"The request must contain the parameter {name}")
        return value

    def listed(self, name: str) -> list[str]:
        """The values of NAME.1, NAME.2, ... in their order."""
        found = [(int(key[len(name) + 1:]), value) for key, value in self.params.items()
                 if key.startswith(name + ".") and key[len(name) + 1:].isdigit()]
        return [value for _, value in sorted(found)]

    def filters(self) -> dict[str, list[str]]:
        """Filter.N.Name / Filter.N.Value.M."""
        names = {key.split(".")[1]: value for key, value in self.params.items()
                 if re.fullmatch(r"Filter\.\d+\.Name", key)}
        return {name: self.listed(f"Filter.{n}.Value") for n, name in names.items()}

    def dry_run(self) -> None:
        if (self.params.get("DryRun") or "").lower() == "true":
            raise Refusal("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412)

    @property
    def ec2(self):
        from moto.ec2.models import ec2_backends

        return ec2_backends[self.account][self.region]


@dataclass
class BundleTask:
    bundle_id: str
    instance_id: str
    bucket: str
    prefix: str
    started: float
    cancelled: float | None = None

    def view(self, now: float, seconds: float) -> dict[str, str]:
        """The task as DescribeBundleTasks shows it at `now`: its phase follows from the time spent
        (a cancelled task stops where it was, in state cancelling)."""
        at = min(now, self.cancelled) if self.cancelled is not None else now
        share = round((at - self.started) / seconds, 9) if seconds > 0 else 1.0  # 1000.8 - 1000 is not 0.8
        if share >= 1:
            state, start, progress = "complete", 1.0, 100
        elif share >= STORING:
            state, start, progress = "storing", STORING, 70 + int(30 * (share - STORING) / (1 - STORING))
        elif share >= BUNDLING_FROM:
            state, start = "bundling", BUNDLING_FROM
            progress = int(70 * (share - BUNDLING_FROM) / (STORING - BUNDLING_FROM))
        else:
            state, start, progress = "pending", 0.0, 0
        updated = self.started + start * seconds
        if self.cancelled is not None and state != "complete":
            state, updated = "cancelling", self.cancelled
        return {"state": state, "progress": f"{progress}%", "updateTime": _time(updated)}

    def xml(self, now: float, seconds: float) -> str:
        view = self.view(now, seconds)
        return (f"<instanceId>{escape(self.instance_id)}</instanceId><bundleId>{self.bundle_id}</bundleId>"
                f"<state>{view['state']}</state><startTime>{_time(self.started)}</startTime>"
                f"<updateTime>{view['updateTime']}</updateTime><progress>{view['progress']}</progress>"
                f"<storage><S3><bucket>{escape(self.bucket)}</bucket><prefix>{escape(self.prefix)}</prefix>"
                "</S3></storage>")


def _time(seconds: float) -> str:
    """EC2's timestamps: UTC, milliseconds, Z."""
    whole, milliseconds = divmod(round(seconds * 1000), 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + f".{milliseconds:03d}Z"


class Ec2Layer:
    """The WSGI app the sandbox serves: moto's, with EC2's missing actions and refusals in front."""

    def __init__(self, app: Callable, bundle_seconds: float, clock: Callable[[], float] = time.time):
        self.app = app
        self.bundle_seconds = bundle_seconds
        self.clock = clock
        self.lock = threading.Lock()  # moto's server is threaded: one change to the models at a time

    def __call__(self, environ, start_response):
        request = _ec2_request(environ)
        if request is None:  # not EC2 (moto's own API, other services): moto's business
            return self.app(environ, start_response)
        action = request.params.get("Action", "")
        handler = ACTIONS.get(action)
        refused = refusals.unknown_action(action) if handler is None else None
        if refused is None and (request.get("DryRun") or "").lower() == "true":
            refused = refusals.unknown_ids(request.ec2, request.params)
        if refused is not None:  # EC2 refuses it before anything else (moto: an HTML 500, or a dry run's yes)
            log.info("%s %s: %s (%s)", request.region, action, *refused)
            return _answer(start_response, 400, _error(*refused))
        if handler is not None:
            try:
                with self.lock:
                    inner = handler(self, request)
                log.info("%s %s: answered by the sandbox", request.region, action)
                return _answer(start_response, 200, _document(action, inner))
            except PassThrough:
                _replace_params(environ, request.params)
            except Refusal as refusal:
                log.info("%s %s: %s (%s)", request.region, action, refusal.code, refusal.message)
                return _answer(start_response, refusal.status, _error(refusal.code, refusal.message))
            except Exception as exc:  # moto's own refusals (its ServiceException, RESTError): NotFound...
                code, message = getattr(exc, "code", None), getattr(exc, "message", None)
                if not isinstance(code, str):
                    code = getattr(exc, "error_type", None)
                if not isinstance(code, str):
                    raise
                log.info("%s %s: %s (%s)", request.region, action, code, message)
                return _answer(start_response, 400, _error(code, message or ""))
        log.info("%s %s: to moto", request.region, action)  # which action, should moto fail on it
        try:
            return self.app(environ, start_response)
        except NotImplementedError as exc:  # moto has the action (or its backend a part) but does not do it
            code, message = refusals.not_done(action, request.params, exc)
            log.warning("%s %s: not implemented by moto, answered %s", request.region, action, code, exc_info=True)
            return _answer(start_response, 400, _error(code, message))

    # -- bundle tasks: kept on moto's EC2 backend, so that moto's reset clears them too -------------
    def tasks(self, request: Request) -> dict[str, BundleTask]:
        backend = request.ec2
        if not hasattr(backend, "ec2ops_bundle_tasks"):
            backend.ec2ops_bundle_tasks = {}
        return backend.ec2ops_bundle_tasks


# -- the actions moto lacks ----------------------------------------------------------------------------------
def reset_snapshot_attribute(layer: Ec2Layer, request: Request) -> str:
    snapshot_id, attribute = request.required("SnapshotId"), request.required("Attribute")
    if attribute != "createVolumePermission":
        raise Refusal("InvalidParameterValue", f"Value ({attribute}) for parameter attribute is invalid. "
                                               "Unknown attribute.")
    snapshot = request.ec2.snapshots.get(snapshot_id)
    if snapshot is None:  # moto's own refusal has an empty message; EC2's names the snapshot
        raise Refusal("InvalidSnapshot.NotFound", f"The snapshot '{snapshot_id}' does not exist.")
    request.dry_run()
    snapshot.create_volume_permission_groups.clear()
    snapshot.create_volume_permission_userids.clear()
    return "<return>true</return>"


def reset_image_attribute(layer: Ec2Layer, request: Request) -> str:
    image_id, attribute = request.required("ImageId"), request.required("Attribute")
    if attribute != "launchPermission":
        raise Refusal("InvalidParameterValue", f"Value ({attribute}) for parameter attribute is invalid. "
                                               "Unknown attribute.")
    image = _image(request, image_id)
    request.dry_run()
    image.launch_permissions.clear()  # private to its owner again
    return "<return>true</return>"


def _monitoring(state_after: str, model_state: str):
    def handler(layer: Ec2Layer, request: Request) -> str:
        ids = request.listed("InstanceId")
        if not ids:
            raise Refusal("MissingParameter", "The request must contain the parameter InstanceId")
        instances = [request.ec2.get_instance(i) for i in ids]  # every id known, or nothing changes
        request.dry_run()
        items = []
        for instance in instances:
            instance.monitoring_state = model_state
            items.append(f"<item><instanceId>{instance.id}</instanceId>"
                         f"<monitoring><state>{state_after}</state></monitoring></item>")
        return f"<instancesSet>{''.join(items)}</instancesSet>"

    return handler


def bundle_instance(layer: Ec2Layer, request: Request) -> str:
    instance = request.ec2.get_instance(request.required("InstanceId"))
    bucket, prefix = request.required("Storage.S3.Bucket"), request.required("Storage.S3.Prefix")
    tasks, now = layer.tasks(request), layer.clock()
    if any(t.instance_id == instance.id and t.view(now, layer.bundle_seconds)["state"] in BUNDLING
           for t in tasks.values()):
        raise Refusal("BundlingInProgress", "The specified instance already has a bundling task in progress.")
    request.dry_run()
    task = BundleTask(f"bun-{secrets.token_hex(4)}", instance.id, bucket, prefix, now)
    tasks[task.bundle_id] = task
    return f"<bundleInstanceTask>{task.xml(now, layer.bundle_seconds)}</bundleInstanceTask>"


TASK_FILTERS = {
    "bundle-id": lambda task, view: task.bundle_id, "instance-id": lambda task, view: task.instance_id,
    "state": lambda task, view: view["state"], "progress": lambda task, view: view["progress"],
    "s3-bucket": lambda task, view: task.bucket, "s3-prefix": lambda task, view: task.prefix,
}


def describe_bundle_tasks(layer: Ec2Layer, request: Request) -> str:
    tasks, now = layer.tasks(request), layer.clock()
    ids = request.listed("BundleId")
    _known_bundles(tasks, ids)
    filters = request.filters()
    for name in filters:
        if name not in TASK_FILTERS:
            raise Refusal("InvalidParameterValue", f"The filter '{name}' is invalid")
    request.dry_run()
    items = []
    for task in ([tasks[i] for i in dict.fromkeys(ids)] if ids else tasks.values()):
        view = task.view(now, layer.bundle_seconds)
        if all(any(fnmatch.fnmatchcase(TASK_FILTERS[name](task, view), value) for value in values)
               for name, values in filters.items()):
            items.append(f"<item>{task.xml(now, layer.bundle_seconds)}</item>")
    return f"<bundleInstanceTasksSet>{''.join(items)}</bundleInstanceTasksSet>"


def cancel_bundle_task(layer: Ec2Layer, request: Request) -> str:
    tasks, now = layer.tasks(request), layer.clock()
    bundle_id = request.required("BundleId")
    _known_bundles(tasks, [bundle_id])
    request.dry_run()
    task = tasks[bundle_id]
    if task.cancelled is None and task.view(now, layer.bundle_seconds)["state"] in BUNDLING:
        task.cancelled = now  # it stops where it is; a task that ended stays as it ended
    return f"<bundleInstanceTask>{task.xml(now, layer.bundle_seconds)}</bundleInstanceTask>"


def _known_bundles(tasks: dict, ids: list[str]) -> None:
    unknown = [i for i in ids if i not in tasks]
    if unknown:
        raise Refusal("InvalidBundleID.NotFound", f"Invalid bundle ids: {', '.join(unknown)}")


def detach_volume(layer: Ec2Layer, request: Request) -> str:
    """Without InstanceId, moto fails (TypeError): EC2 takes the volume's own attachment."""
    if not request.get("InstanceId") and request.get("VolumeId"):
        volume = request.ec2.get_volume(request.get("VolumeId"))
        if volume.attachment is None:
            raise Refusal("IncorrectState", f"Volume '{volume.id}' is in the '{volume.status}' state.")
        request.params["InstanceId"] = volume.attachment.instance.id
    raise PassThrough


# -- EC2's refusals where moto is lenient --------------------------------------------------------------------
def start_instances(layer: Ec2Layer, request: Request) -> str:
    """EC2 starts no terminated instance (moto does)."""
    for instance_id in request.listed("InstanceId"):
        instance = request.ec2.get_instance(instance_id)
        if instance.state in ("terminated", "shutting-down"):
            raise Refusal("IncorrectInstanceState", f"The instance '{instance_id}' is not in a state from which it "
                                                    "can be started.")
    raise PassThrough


def run_instances(layer: Ec2Layer, request: Request) -> str:
    image_id = request.get("ImageId")
    if image_id and image_id not in request.ec2.amis:
        raise Refusal("InvalidAMIID.NotFound", f"The AMI ID '{image_id}' does not exist")
    raise PassThrough


def create_volume(layer: Ec2Layer, request: Request) -> str:
    zone = request.get("AvailabilityZone")
    if zone and request.ec2.get_zone_by_name(zone) is None:
        raise Refusal("InvalidZone.NotFound", f"The zone '{zone}' does not exist.")
    raise PassThrough


def delete_security_group(layer: Ec2Layer, request: Request) -> str:
    name, group_id = request.get("GroupName"), request.get("GroupId")
    group = request.ec2.get_security_group_from_id(group_id) if group_id else None
    if name == "default" or (group is not None and group.name == "default"):
        raise Refusal("InvalidGroup.Reserved", f"The security group '{name or group_id}' is reserved")
    raise PassThrough


def describe_snapshots(layer: Ec2Layer, request: Request) -> str:
    """moto ignores RestorableBy.N: the sandbox narrows the snapshots to those the accounts may use."""
    accounts = request.listed("RestorableBy")
    if not accounts:
        raise PassThrough
    restorable = [s.id for s in request.ec2.snapshots.values() if any(_restorable(s, a, request) for a in accounts)]
    asked = request.listed("SnapshotId")
    ids = [i for i in asked if i in restorable] if asked else restorable
    if not ids:
        return "<snapshotSet/>"
    request.params = {k: v for k, v in request.params.items()
                      if not k.startswith(("RestorableBy.", "SnapshotId."))}
    request.params.update({f"SnapshotId.{n}": i for n, i in enumerate(ids, 1)})
    raise PassThrough


def _restorable(snapshot, account: str, request: Request) -> bool:
    if account == "all":
        return "all" in snapshot.create_volume_permission_groups
    account = request.account if account == "self" else account
    return (snapshot.owner_id == account or account in snapshot.create_volume_permission_userids
            or "all" in snapshot.create_volume_permission_groups)


def _image(request: Request, image_id: str):
    image = request.ec2.amis.get(image_id)
    if image is None:
        raise Refusal("InvalidAMIID.NotFound", f"The AMI ID '{image_id}' does not exist")
    return image


ACTIONS: dict[str, Callable[[Ec2Layer, Request], str]] = {
    "ResetSnapshotAttribute": reset_snapshot_attribute,
    "ResetImageAttribute": reset_image_attribute,
    "MonitorInstances": _monitoring("pending", "enabled"),
    "UnmonitorInstances": _monitoring("disabling", "disabled"),
    "BundleInstance": bundle_instance,
    "DescribeBundleTasks": describe_bundle_tasks,
    "CancelBundleTask": cancel_bundle_task,
    "DetachVolume": detach_volume,
    "RunInstances": run_instances,
    "StartInstances": start_instances,
    "CreateVolume": create_volume,
    "DeleteSecurityGroup": delete_security_group,
    "DescribeSnapshots": describe_snapshots,
}


# -- requests and answers ------------------------------------------------------------------------------------
def _ec2_request(environ) -> Request | None:
    """The request's parameters, when it is an EC2 request as moto routes them (SigV4 scope `ec2`)."""
    match = _CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
    if not match or match.group(3) != "ec2":
        return None
    params = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
    if "application/x-www-form-urlencoded" in environ.get("CONTENT_TYPE", ""):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)  # moto reads it again
        params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    access_key, region = match.group(1), match.group(2)
    return Request(params, access_key, region, _account(environ, access_key))


def _account(environ, access_key: str) -> str:
    """The account moto gives the request, found the way moto finds it."""
    import os

    if "MOTO_ACCOUNT_ID" in os.environ:
        return os.environ["MOTO_ACCOUNT_ID"]
    if environ.get("HTTP_X_MOTO_ACCOUNT_ID"):
        return environ["HTTP_X_MOTO_ACCOUNT_ID"]
    from moto.iam.models import get_account_id_from

    return get_account_id_from(access_key)


def _replace_params(environ, params: dict[str, str]) -> None:
    """moto gets the parameters as changed (all in a form body; no signature is checked)."""
    body = urlencode(params).encode("utf-8")
    environ["QUERY_STRING"] = ""
    environ["REQUEST_METHOD"] = "POST"
    environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded; charset=utf-8"
    environ["CONTENT_LENGTH"] = str(len(body))
    environ["wsgi.input"] = io.BytesIO(body)


def _document(action: str, inner: str) -> tuple[str, str]:
    request_id = str(uuid.uuid4())
    return request_id, (f'<?xml version="1.0" encoding="UTF-8"?>\n<{action}Response xmlns="{XMLNS}">'
                        f"<requestId>{request_id}</requestId>{inner}</{action}Response>")


def _error(code: str, message: str) -> tuple[str, str]:
    request_id = str(uuid.uuid4())
    return request_id, ('<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>'
                        f"<Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error></Errors>"
                        f"<RequestID>{request_id}</RequestID></Response>")


def _answer(start_response, status: int, document: tuple[str, str]):
    request_id, text = document
    body = text.encode("utf-8")
    reason = {200: "OK", 400: "Bad Request", 412: "Precondition Failed"}.get(status, "Error")
    start_response(f"{status} {reason}", [("Content-Type", "text/xml;charset=UTF-8"),
                                          ("Content-Length", str(len(body))), ("x-amzn-requestid", request_id)])
    return [body]

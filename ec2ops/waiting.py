"""--wait: poll EC2 until the resources a command changed reach their target state.

EC2 is eventually consistent (the guide's "results might not be visible instantly"): a script
that chains commands waits here instead of sleeping. Polling backs off exponentially; a progress
line goes to stderr on a terminal only; a timeout or a state that cannot lead to the target
ends in exit 1 naming the resources that did not get there.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Callable

import click

from ec2ops.client import document
from ec2ops.errors import Ec2Error, OperationFailed

DEFAULT_TIMEOUT = 600.0
DEFAULT_INTERVAL = 5.0
MAX_INTERVAL = 30.0
BACKOFF = 1.5

WAIT_OPTIONS = [
    click.Option(["--wait"], is_flag=True, help="Wait until the change is done (see the command's help)."),
    click.Option(["--wait-timeout"], type=click.FloatRange(0), default=DEFAULT_TIMEOUT, show_default=True,
                 envvar="EC2OPS_WAIT_TIMEOUT", metavar="SECONDS", help="Give up waiting after this long (exit 1)."),
    click.Option(["--wait-interval"], type=click.FloatRange(0.01), default=DEFAULT_INTERVAL, show_default=True,
                 envvar="EC2OPS_WAIT_INTERVAL", metavar="SECONDS",
                 help="First pause between polls; it grows 1.5x up to 30 s."),
]
WAIT_NAMES = [option.name for option in WAIT_OPTIONS]


@dataclass(frozen=True)
class Resource:
    """How to read the state of one kind of resource."""

    kind: str  # for messages: "instance", "volume", ...
    action: str  # the Describe action
    id_param: str  # its list parameter, without .N
    list_path: str  # where the elements are
    id_key: str
    state_path: str

    def until(self, target: str, ids: Callable[[dict, dict], list], failed: tuple[str, ...] = ()) -> "Wait":
        return Wait(self, target, ids, failed)

    def states(self, session, ids: list[str]) -> dict[str, str | None]:
        params = {f"{self.id_param}.{i}": v for i, v in enumerate(ids, 1)}
        try:
            body = session.call(self.action, params).body
        except Ec2Error as exc:
            if exc.code.endswith(".NotFound"):  # not visible yet: eventual consistency
                return {}
            raise
        return {
            item.get(self.id_key): document.first(item, self.state_path)
            for item in document.walk(body, self.list_path)
            if isinstance(item, dict)
        }


@dataclass(frozen=True)
class Wait:
    resource: Resource
    target: str
    ids: Callable[[dict, dict], list]  # (result, inputs) -> the ids to watch
    failed: tuple[str, ...] = ()  # states from which the target cannot be reached

    @property
    def description(self) -> str:
        return f"With --wait, waits until the {self.resource.kind} is {self.target}."


def result_ids(name: str = "returnResult") -> Callable[[dict, dict], list]:
    def ids(result: dict, inputs: dict) -> list:
        value = result.get(name)
        return [v for v in (value if isinstance(value, list) else [value]) if v]

    return ids


def input_ids(name: str) -> Callable[[dict, dict], list]:
    def ids(result: dict, inputs: dict) -> list:
        value = inputs.get(name)
        return [v for v in (value if isinstance(value, list) else [value]) if v]

    return ids


INSTANCE = Resource("instance", "DescribeInstances", "InstanceId", "reservationSet/instancesSet", "instanceId",
                    "instanceState/name")
VOLUME = Resource("volume", "DescribeVolumes", "VolumeId", "volumeSet", "volumeId", "status")
VOLUME_ATTACHMENT = Resource("volume attachment", "DescribeVolumes", "VolumeId", "volumeSet", "volumeId",
                             "attachmentSet/status")
SNAPSHOT = Resource("snapshot", "DescribeSnapshots", "SnapshotId", "snapshotSet", "snapshotId", "status")
IMAGE = Resource("image", "DescribeImages", "ImageId", "imagesSet", "imageId", "imageState")
BUNDLE = Resource("bundle task", "DescribeBundleTasks", "BundleId", "bundleInstanceTasksSet", "bundleId", "state")

INSTANCE_GONE = ("shutting-down", "terminated")


def wait_for(session, wait: Wait, ids: list[str], timeout: float, interval: float, sleep=time.sleep) -> None:
    """Polls until every id is in the target state; raises OperationFailed on timeout or a dead end."""
    if not ids:
        return
    kind, target = wait.resource.kind, wait.target
    deadline = time.monotonic() + timeout
    progress = sys.stderr.isatty()
    pause = interval
    while True:
        states = wait.resource.states(session, ids)
        behind = {i: states.get(i) for i in ids if states.get(i) != target}
        if not behind:
            if progress:
                click.echo(f"\r\033[Kec2ops: {len(ids)} {kind}(s) {target}", err=True)
            return
        dead = {i: s for i, s in behind.items() if s in wait.failed}
        if dead:
            raise OperationFailed(
                f"Stopped waiting: {_listing(dead)} cannot become {target}."
            )
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise OperationFailed(
                f"Timed out after {timeout:g}s waiting for {kind}(s) to be {target}: {_listing(behind)}."
            )
        if progress:
            click.echo(f"\r\033[Kec2ops: waiting for {kind}(s) to be {target}: {_listing(behind)}", nl=False, err=True)
        sleep(min(pause, remaining))
        pause = min(pause * BACKOFF, MAX_INTERVAL)


def _listing(states: dict) -> str:
    return ", ".join(f"{i} ({s or 'not visible yet'})" for i, s in states.items())


def pop_options(values: dict) -> dict:
    """Takes --wait, --wait-timeout and --wait-interval out of a command's values."""
    return {name: values.pop(name, None) for name in WAIT_NAMES}


def wait_after(session, wait: Wait | None, options: dict, result: dict, inputs: dict) -> None:
    """Runs the wait a command declared, when --wait was given."""
    if wait is not None and options.get("wait"):
        wait_for(session, wait, wait.ids(result, inputs), options["wait_timeout"], options["wait_interval"])

"""--wait: poll EC2 until the resources a command changed reach their target state.

EC2 is eventually consistent (the guide's "results might not be visible instantly"): a script
that chains commands waits here instead of sleeping. Polling backs off exponentially; a progress
line goes to stderr on a terminal only; a timeout or a state that cannot lead to the target
ends in exit 1 naming the resources that did not get there.
"""

from __future__ import annotations

import sys
import time

import click

from ec2ops.client import document
from ec2ops.errors import Ec2Error, OperationFailed
from ec2ops.output import escape
from ec2ops.resources import Resource

DEFAULT_TIMEOUT = 600.0
DEFAULT_INTERVAL = 5.0
MAX_INTERVAL = 30.0
BACKOFF = 1.5


def states(session, resource: Resource, ids: list[str]) -> dict[str, str | None]:
    """The state of each id that EC2 shows; none yet for what is not visible yet."""
    params = {f"{resource.id_param}.{i}": v for i, v in enumerate(ids, 1)}
    try:
        body = session.call(resource.describe, params).body
    except Ec2Error as exc:
        if exc.code.endswith(".NotFound"):  # not visible yet: eventual consistency
            return {}
        raise
    return {
        item.get(resource.id_key): document.first(item, resource.state_path or "")
        for item in document.walk(body, resource.list_path)
        if isinstance(item, dict)
    }


def wait_for(session, resource: Resource, target: str, ids: list[str], timeout: float, interval: float,
             failed: tuple[str, ...] = (), sleep=time.sleep) -> None:
    """Polls until every id is in the target state; raises OperationFailed on timeout or a dead end
    (a state in `failed`, from which the target cannot be reached)."""
    if not ids:
        return
    kind = resource.kind
    deadline = time.monotonic() + timeout
    progress = sys.stderr.isatty()
    pause = interval
    while True:
        seen = states(session, resource, ids)
        behind = {i: seen.get(i) for i in ids if seen.get(i) != target}
        if not behind:
            if progress:
                click.echo(f"\r\033[Kec2ops: {len(ids)} {kind}(s) {target}", err=True)
            return
        dead = {i: s for i, s in behind.items() if s in failed}
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
            click.echo(f"\r\033[Kec2ops: waiting for {kind}(s) to be {target}: {escape(_listing(behind))}",
                       nl=False, err=True)
        sleep(min(pause, remaining))
        pause = min(pause * BACKOFF, MAX_INTERVAL)


def _listing(states: dict) -> str:
    return ", ".join(f"{i} ({s or 'not visible yet'})" for i, s in states.items())

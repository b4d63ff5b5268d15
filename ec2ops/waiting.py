"""--wait: poll EC2 until the resources a command changed reach their target state, and hold the
outputs until then (Held), so that they show the state waited for.

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
from ec2ops.output import Printer, escape
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


class Held(Printer):
    """A printer whose rows and outputs are held until the wait is over, then printed by the printer
    it holds them for, with the outputs as they stand then (the state waited for). What does not
    print (begin: the columns) goes through at once."""

    def __init__(self, printer: Printer):
        self.inner = printer
        self.sink, self.get, self.structured, self.wide = printer.sink, printer.get, printer.structured, printer.wide
        self.result = printer.result
        self.count, self.rows, self.outputs = 0, [], None

    @property
    def columns(self):
        return self.inner.columns

    def begin(self, columns) -> None:
        self.inner.begin(columns)

    def row(self, row: dict) -> None:
        self.rows.append(row)
        self.count += 1

    def flush(self) -> None:
        pass

    def end(self, outputs: dict) -> None:
        self.outputs = outputs

    def release(self, result: dict) -> None:
        if self.outputs is None:
            return
        outputs, self.outputs = self.outputs, None
        for row in self.rows:
            self.inner.row(row)
        self.inner.end({name: result.get(name, value) for name, value in outputs.items()})


def _listing(states: dict) -> str:
    return ", ".join(f"{i} ({s or 'not visible yet'})" for i, s in states.items())

"""The one pipeline every command runs, operations and flows alike:

1. traits take their options out of the values; 2. the inputs are read and checked, --get too;
3. traits prepare the session (dry run); 4. lookups read what the query needs; 5. the query is
shaped and traits add to it (filters); 6. the call (page by page for a paged table), or a flow's
own calls, or one per region; 7. the answer's items stream to the printer as rows, with the other
outputs gathered on the way; 8. traits act after the printing (wait).
"""

from __future__ import annotations

from typing import Any, Iterable

from ec2ops import output, traits
from ec2ops.errors import Ec2opsError, NotWritten, OperationFailed
from ec2ops.session import Session
from ec2ops.spec import Operation, read_inputs, table_row


class Partial(Exception):
    """A flow that did part of its work: `result` is printed, then `error` ends the command."""

    def __init__(self, result: dict, error: Ec2opsError):
        super().__init__(str(error))
        self.result, self.error = result, error


def delimiters_of(values: dict) -> output.Delimiters:
    return output.Delimiters(
        delimiter=values.get("delimiter") or ",",
        row=values.get("rowDelimiter") or "\n",
        col=values.get("colDelimiter") or ",",
    )


def run(op: Operation, session: Session, values: dict) -> None:
    applied = traits.of(op)
    given = traits.take_all(applied, values)
    values = read_inputs(op.inputs, values, op.validate)
    session.check_get(op.output_names)
    for trait, options in given.items():
        trait.prepare(session, options)
    show = session.printer(delimiters_of(values))
    try:
        if op.fans_out:
            regions = next((r for t, o in given.items() if (r := t.regions(session, o)) is not None), None)
            result = op.merge(fan_out(op, session, values, given, regions))
            deliver(op, session, show, values, result)
        else:
            answer = call(op, session, values, given)
            if isinstance(answer, dict):
                deliver(op, session, show, values, answer)
            else:
                stream(op, show, values, *answer)
    except Partial as partly:
        deliver(op, session, show, values, partly.result)
        raise partly.error from None
    for trait, options in given.items():
        trait.after(session, op, options, show.result, values)


def call(op: Operation, session: Session, values: dict, given: dict) -> dict | tuple:
    """Steps 4 to 6: a result (a flow's own), or (lookups, the pages of the answer)."""
    lookups = session.lookups()
    if op.lookup:
        values.update(op.lookup(lookups, values))
    params = op.query(values)
    if op.shape:
        params = op.shape(values, params)
    if params is not None:
        for trait, options in given.items():
            params = trait.query(op, options, params)
    if op.perform:
        answer = op.perform(session, values, params)
        return answer if isinstance(answer, dict) else (lookups, [answer])
    if params is None:  # nothing left to send: the lookup's answer stands
        from ec2ops.client.query import Response

        return lookups, [Response(op.action, {}, lookups.request_id)]
    if op.page_list:
        return lookups, session.pages(op.action, params, op.page_list)
    return lookups, [session.call(op.action, params)]


def fan_out(op: Operation, session: Session, values: dict, given: dict, regions: list[str] | None) -> dict:
    """{region: result}: the operation once in each region, concurrently, in the regions' order."""
    from ec2ops import fanout

    if regions is None:
        return {session.endpoint_and_region()[1]: call(op, session, values, given)}
    sessions = {region: session.for_region(region) for region in regions}
    for each in sessions.values():
        each.client  # noqa: B018 - made here, before the threads share the connection pool
    return fanout.run_all({region: (lambda s=s: call(op, s, dict(values), given)) for region, s in sessions.items()})


def stream(op: Operation, show: output.Printer, values: dict, lookups, pages: Iterable) -> None:
    """Step 7: the items of each page as they arrive; returnResult's rows to the printer at once
    (held back only to put them in the order of the ids given), the other outputs gathered over
    the items in the order they are printed."""
    table = op.table
    gathered = {o.name: [] for o in op.outputs if o.many and o is not table}
    first: dict | None = None
    count = 0
    request_id = None
    held: list[dict] = []
    order = table.order_by if table is not None and table.order_by and values.get(table.order_by[0]) else None

    def take(item: dict) -> None:
        for o in op.outputs:
            if o.name in gathered and (o.where is None or o.where(item)):
                gathered[o.name].extend(o.value(item))
        if table is not None:
            show.row(table_row(table.columns, item))

    if table is not None:
        show.begin(table.titles)
    for page in pages:
        request_id = request_id or page.request_id
        items = list(op.items.of(page.body)) if op.items else [page.body]
        if op.complete:
            op.complete(lookups, items)
        for item in items:
            count += 1
            first = item if first is None else first
            held.append(item) if order else take(item)
    if op.empty_error and not count:
        raise OperationFailed(op.empty_error.format_map(values))
    if order:
        position = {v: i for i, v in enumerate(values[order[0]])}
        key = next(c for c in table.columns if c.key == order[1])
        for item in sorted(held, key=lambda item: position.get(key.value(item), len(position))):
            take(item)
    result: dict[str, Any] = {}
    for o in op.outputs:
        if o is not table:
            result[o.name] = gathered[o.name] if o.name in gathered else o.value(first or {})
    result["requestId"] = request_id
    finish(op, show, values, result, show.end)


def deliver(op: Operation, session: Session, show: output.Printer, values: dict, result: dict) -> None:
    """A result made whole (a flow's, a fan-out's): finished, then shown its own way or printed."""
    def emit(whole: dict) -> None:
        if not (op.present and op.present(session, whole, values)):
            output.print_result(show, whole)

    finish(op, show, values, result, emit)


def finish(op: Operation, show: output.Printer, values: dict, result: dict, emit) -> None:
    """The operation's finish hook, then `emit` prints: a failed write says what EC2 did."""
    if op.finish:
        result = op.finish(result, values)
    show.result = result
    try:
        emit(result)
    except NotWritten as exc:
        raise not_written(op, exc, result, values) from None


def not_written(op: Operation, exc: NotWritten, result: dict, values: dict) -> NotWritten:
    """After a change, the one line on stderr says what EC2 did and how to find it: the ids, never
    a secret such as a private key."""
    if not op.changes:
        return exc
    text = f"{op.actions[-1]} was done, but its result could not be written ({exc.reason})"
    if op.change:
        ids = op.change.ids_of(result, values)
        if ids:
            text += f": {op.change.resource.kind} {', '.join(ids)}"
    return NotWritten(text + ".", exc.reason)


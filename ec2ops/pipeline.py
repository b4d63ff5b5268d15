"""The one pipeline every command runs, operations and flows alike:

1. traits take their options out of the values; 2. the inputs are read and checked, --get too;
3. traits prepare the session (dry run); 4. lookups read what the query needs; 5. the query is
shaped and traits add to it (filters); 6. the call (page by page for a paged table), or a flow's
own calls, or one per region; 7. the answer's items stream to the printer as rows, with the other
outputs gathered on the way; 8. traits act after the printing (wait).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from ec2ops import fanout, output, traits
from ec2ops.errors import Ec2Error, Ec2opsError, EndpointError, NotWritten, Reported
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


@dataclass
class Answer:
    """What one call of the command brought: its pages, or the failure that ended it; `where` is the
    region (and profile) it ran in when the command ran in several."""

    lookups: Any = None
    pages: Iterable = ()
    where: fanout.Target | None = None
    error: Ec2opsError | None = None


def run(op: Operation, session: Session, values: dict) -> None:
    applied = traits.of(op)
    given = traits.take_all(applied, values)
    values = read_inputs(op.inputs, values, op.validate)
    try:
        steps(op, session, values, given)
    except Ec2Error as exc:  # EC2's refusal in the guide's words, with the ids given
        op.in_guide_words(exc, values)
        raise


def steps(op: Operation, session: Session, values: dict, given: dict) -> None:
    session.check_get(op.output_names + [name for trait, o in given.items() for name in trait.outputs(op, o)])
    for trait, options in given.items():
        trait.prepare(session, options)
    show = session.printer(delimiters_of(values))
    targets = next((t for trait, o in given.items() if (t := trait.targets(session, o)) is not None), None)
    limit = next((o["max_items"] for o in given.values() if o.get("max_items")), None)
    try:
        if op.merge:  # a flow run in each region, its results made one
            if targets:
                answers = list(fan_out(op, session, values, given, targets))
            else:
                answers = [Answer(call(op, session, values, given), where=fanout.targets(session, None, None)[0])]
            failures = [a for a in answers if a.error is not None]
            for answer in failures:
                tell(answer)
            result = op.merge([(a.where, a.lookups) for a in answers if a.error is None])
            deliver(op, session, show, values, failed(result, failures, show) if targets else result)
            raise_worst(failures)
        elif targets:
            stream(op, show, values, fan_out(op, session, values, given, targets), several=targets, limit=limit)
        else:
            answer = call(op, session, values, given)
            if isinstance(answer, dict):
                deliver(op, session, show, values, answer)
            else:
                stream(op, show, values, [Answer(*answer)], limit=limit)
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
    if op.page_list:  # the next page read ahead, unless --max-items may not want it
        ahead = not any(options.get("max_items") for options in given.values())
        return lookups, session.pages(op.action, params, op.page_list, ahead)
    # A Describe that does not page is read item by item too: any answer, in memory of one item.
    return lookups, [session.call(op.action, params, op.items.path.split("/")[0] if op.lists else None)]


def fan_out(op: Operation, session: Session, values: dict, given: dict, targets: list) -> Iterator[Answer]:
    """The command in every target at once, at most --max-concurrency calls running; the answers in
    the targets' order, each as soon as it and those before it are in. A flow's result stands in
    an Answer's `lookups`."""
    workers = next((o["max_concurrency"] for o in given.values() if o.get("max_concurrency")), fanout.MAX_CONCURRENCY)

    def one(target: fanout.Target):
        answer = call(op, target.session, dict(values), given)
        if isinstance(answer, dict):
            return answer
        pages = iter(answer[1])  # the first page in the thread, every region at once; the next as it is read
        first = next(pages, None)
        return answer[0], itertools.chain([] if first is None else [first], pages)

    for target in targets:
        target.session.client  # noqa: B018 - made here, before the threads share the connection pool
    targets[0].session.client.limit_in_flight(workers)  # the pages read ahead count too
    tasks = {i: (lambda t=t: one(t)) for i, t in enumerate(targets)}
    with fanout.started(tasks, workers) as futures:
        for target, future in zip(targets, futures.values()):
            try:
                answer = future.result()
            except Ec2opsError as exc:
                yield Answer(where=target, error=op.in_guide_words(exc, values))
            else:
                yield Answer(answer, None, target) if isinstance(answer, dict) else Answer(*answer, where=target)


def stream(op: Operation, show: output.Printer, values: dict, answers: Iterable[Answer], several=None,
           limit: int | None = None) -> None:
    """Step 7: the items of each page as they arrive; returnResult's rows to the printer at once
    (held back only to put them in the order of the ids given), the other outputs gathered over
    the items in the order they are printed; after `limit` items (--max-items) no page is asked
    for. Run in `several` regions, each row starts with where it comes from, a failed region is
    one line on stderr, and a region that does not have the thing asked for (an answer *.NotFound)
    is one where it is not."""
    table = op.table
    gathered = {o.name: [] for o in op.outputs if o.many and o is not table}
    first: dict | None = None
    found: Answer | None = None
    count = 0
    request_ids: list[str] = []
    held: list[tuple[int, Answer, dict]] = []
    failures: list[Answer] = []
    absent: list[Answer] = []
    order = table.order_by if table is not None and table.order_by and values.get(table.order_by[0]) else None
    labels = [(key, key.capitalize()) for key in several[0].label] if several else []

    def take(answer: Answer, item: dict) -> None:
        for o in op.outputs:
            if o.name in gathered and (o.where is None or o.where(item)):
                gathered[o.name].extend(o.value(item))
        if shown is not None:
            show.row({**(answer.where.label if several else {}), **table_row(shown, item)})

    def keep(index: int, answer: Answer, item: dict) -> bool:
        """One item: printed (or held to be put in order); False once --max-items are in."""
        nonlocal count, first, found
        if limit is not None and not order and count >= limit:
            return False
        count += 1
        if first is None:
            first, found = item, answer
        held.append((index, answer, item)) if order else take(answer, item)
        return limit is None or bool(order) or count < limit

    shown = None  # the columns the printer shows, the only ones read from each item
    if table is not None:
        show.begin(labels + table.titles)
        if show.columns is not None and show.get in (None, "returnResult"):
            keys = {key for key, _ in show.columns}
            shown = tuple(c for c in table.columns if c.key in keys)
    for index, answer in enumerate(answers):
        if limit is not None and count >= limit and not order:
            break
        if answer.error is None:
            try:
                read(op, answer, lambda item, i=index, a=answer: keep(i, a, item), request_ids, several, show)
            except (Ec2Error, EndpointError) as exc:  # a later page failed: the rows printed stay printed
                if not several:
                    raise
                answer.error = op.in_guide_words(exc, values)
        if answer.error is not None:
            if getattr(answer.error, "code", "").endswith(".NotFound"):
                absent.append(answer)
            else:
                failures.append(answer)
                tell(answer)
    if not count and not failures:
        if absent:
            raise absent[0].error
        if op.empty_error:
            raise op.nothing_found(values)
    if order:
        position = {v: i for i, v in enumerate(values[order[0]])}
        key = next(c for c in table.columns if c.key == order[1])
        held.sort(key=lambda entry: (entry[0], position.get(key.value(entry[2]), len(position))))
        for _, answer, item in held[:limit]:
            take(answer, item)
    result: dict[str, Any] = {}
    for o in op.outputs:
        if o is not table:
            result[o.name] = gathered[o.name] if o.name in gathered else o.value(first or {})
        if o is op.outputs[0] and several and op.details:
            result.update(found.where.label if found else dict.fromkeys(several[0].label))
    result["requestId"] = (request_ids or [None])[0] if not several else request_ids
    finish(op, show, values, failed(result, failures, show) if several else result, show.end)
    raise_worst(failures)


def read(op: Operation, answer: Answer, keep, request_ids: list[str], several, show: output.Printer) -> None:
    """Each page of an answer, item by item as it is read, to `keep` (False: no more, and no page
    more is asked for); the first page's requestId; what a page printed is flushed before the next
    page is waited for."""
    for number, page in enumerate(answer.pages):
        if op.items is None:
            going = keep(page.body) is not False
        elif op.complete:  # what the answer lacks is read for the page's items at once
            batch: list[dict] = []
            op.items.each(page, batch.append)
            op.complete(answer.lookups, batch)
            going = all(keep(item) is not False for item in batch)
        else:
            going = True

            def one(item: dict) -> bool:
                nonlocal going
                going = keep(item) is not False
                return going

            op.items.each(page, one)
        if number == 0 and page.request_id:
            request_ids.append(f"{answer.where.name}={page.request_id}" if several else page.request_id)
        show.flush()
        if not going:
            break  # before the next page is asked for


def tell(answer: Answer) -> None:
    """A region that failed: one line on stderr, as the others go on."""
    request_id = getattr(answer.error, "request_id", None)
    output.say(f"{answer.where.name}: {answer.error}" + (f" (requestId: {request_id})" if request_id else ""))


def failed(result: dict, answers: list[Answer], show: output.Printer) -> dict:
    """JSON says which regions failed, in an `errors` list (stderr says it to people)."""
    if not show.structured:
        return result
    return {**result, "errors": [
        {**dict.fromkeys(("profile", "region")), **a.where.label, "code": getattr(a.error, "code", None),
         "status": int(a.error.status), "message": str(a.error)} for a in answers if a.error is not None]}


def raise_worst(failures: list[Answer]) -> None:
    """The exit status of a run in several regions: the worst of its calls (each already told)."""
    if failures:
        raise Reported(max(a.error.status for a in failures))


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


"""The one pipeline every command runs, operations and flows alike:

1. the inputs are read and checked, and each trait reads its options (Run); --get is checked;
2. the printer is made, the traits shaping its layout (columns); the targets are found (regions);
3. lookups read what the query needs; 4. the query is shaped and traits add to it (filters); 5. the
call (page by page for a paged table), or a flow's own calls, or one per target, each call through
the traits' hooks (dry run, tags); 6. the answer's items stream to the printer as rows, with the
other outputs gathered on the way; 7. traits act after the calls (wait), and what a trait's printer
held back until then is printed.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping

from ec2ops import fanout, names, output, traits
from ec2ops.errors import Ec2Error, Ec2opsError, EndpointError, NotWritten, Reported
from ec2ops.session import Lookups, Run, Session
from ec2ops.spec import Operation, read_inputs, table_row


class Partial(Exception):
    """A flow that did part of its work: `result` is printed, then `error` ends the command."""

    def __init__(self, result: dict, error: Ec2opsError):
        super().__init__(str(error))
        self.result, self.error = result, error


def start(op: Operation, session: Session, values: dict) -> Run:
    """Step 1. Traits first (their options are bad input before the inputs are read), then the
    inputs; the session gets the traits' hooks around its calls."""
    states = traits.read_all(traits.of(op), values, values)
    inputs = read_inputs(op.inputs, values, op.validate)
    hooks = [functools.partial(trait.around_call, op, state) for trait, state in states.items()]
    return Run(op, session.hooked(hooks), inputs, states)


def layout(run: Run) -> output.Layout:
    shaped = run.session.layout(output.Delimiters.of(run.inputs))
    for trait, state in run.traits.items():
        shaped = trait.layout(run.op, state, shaped)
    return shaped


def limit(run: Run) -> int | None:
    return next((n for trait, state in run.traits.items() if (n := trait.limit(run.op, state))), None)


def spread(run: Run) -> fanout.Spread | None:
    return next((s for trait, state in run.traits.items()
                 if (s := trait.targets(run.op, state, run.session)) is not None), None)


def outputs(run: Run) -> list[str]:
    op = run.op
    return op.output_names + [name for trait, state in run.traits.items() for name in trait.outputs(op, state)]


@dataclass
class Answer:
    """What one call of the command brought: a flow's own result, or its pages (and the lookups
    made before); or the failure that ended it. `where` is the region (and profile) it ran in when
    the command ran in several."""

    lookups: Any = None
    pages: Iterable = ()
    where: fanout.Target | None = None
    error: Ec2opsError | None = None
    result: dict | None = None


def run(op: Operation, session: Session, values: dict) -> None:
    this = start(op, session, values)
    try:
        steps(this)
    except Ec2Error as exc:  # EC2's refusal in the guide's words, with the ids given
        op.in_guide_words(exc, this.inputs)
        raise


def steps(run: Run) -> None:
    op, inputs = run.op, run.inputs
    shaped = layout(run)
    shaped.check_get(outputs(run))
    printer = run.session.printer(shaped)
    for trait, state in run.traits.items():
        printer = trait.printer(run, state, printer)
    targets = spread(run)
    if not targets:  # names where ids go, looked up once (in several regions: in each, by call)
        run = dataclasses.replace(run, inputs=run.inputs.joined(names.resolved(run.op.inputs, run.inputs,
                                                                                 Lookups(run.session))))
    try:
        if op.merge:  # a flow run in each region, its results made one
            if targets:
                answers = list(fan_out(run, targets))
            else:
                answers = [dataclasses.replace(call(run), where=fanout.targets(run.session, None, None)[0])]
            failures = [a for a in answers if a.error is not None]
            for answer in failures:
                tell(answer)
            result = op.merge([(a.where, a.result) for a in answers if a.error is None])
            deliver(run, printer, failed(result, failures, printer) if targets else result)
            raise_worst(failures)
        elif targets:
            stream(op, printer, inputs, fan_out(run, targets), several=targets.targets, limit=limit(run))
        else:
            answer = call(run)
            if answer.result is not None:
                deliver(run, printer, answer.result)
            else:
                stream(op, printer, inputs, [answer], limit=limit(run))
    except Partial as partly:
        deliver(run, printer, partly.result)
        release(run, printer, printer.result)
        raise partly.error from None
    result = printer.result
    try:
        for trait, state in run.traits.items():
            result = trait.after(run, state, result)
    finally:  # a wait that failed or was interrupted: what EC2 answered is printed all the same
        release(run, printer, result)


def release(run: Run, printer: output.Printer, result: dict) -> None:
    """What a trait's printer held back (--wait's outputs) printed: a failed write says what EC2 did."""
    try:
        printer.release(result)
    except NotWritten as exc:
        raise not_written(run.op, exc, result, run.inputs) from None


def call(run: Run) -> Answer:
    """Steps 3 to 5: a flow's own result, or the lookups and the pages of the answer."""
    op, session = run.op, run.session
    lookups = Lookups(session)
    inputs = run.inputs.joined(op.lookup(lookups, run.inputs)) if op.lookup else run.inputs
    params = op.query(inputs)
    if op.shape:
        params = op.shape(inputs, params)
    if params is not None:
        for trait, state in run.traits.items():
            params = trait.query(op, state, params)
    if op.perform:
        answer = op.perform(session, inputs, params)
        return Answer(lookups, result=answer) if isinstance(answer, dict) else Answer(lookups, [answer])
    if params is None:  # nothing left to send: the lookup's answer stands
        from ec2ops.client.query import Response

        return Answer(lookups, [Response(op.action, {}, lookups.request_id)])
    if op.page_list:  # the next page read ahead, unless --max-items may not want it
        return Answer(lookups, session.pages(op.action, params, op.page_list, ahead=limit(run) is None))
    # A Describe that does not page is read item by item too: any answer, in memory of one item.
    return Answer(lookups, [session.call(op.action, params, op.items.path.split("/")[0] if op.lists else None)])


def fan_out(run: Run, spread: fanout.Spread) -> Iterator[Answer]:
    """The command in every target at once, at most spread.workers calls running; the answers in
    the targets' order, each as soon as it and those before it are in. Returned once the calls are
    out and the targets checked (a region unknown is bad input before any row is printed)."""
    answers = _fanned(run, spread)
    next(answers)
    return answers


def _fanned(run: Run, spread: fanout.Spread) -> Iterator[Answer | None]:
    op, targets = run.op, spread.targets

    def one(target: fanout.Target) -> Answer:
        here = dataclasses.replace(run, session=target.session)
        here = dataclasses.replace(here, inputs=here.inputs.joined(names.resolved(here.op.inputs, here.inputs,
                                                                                  Lookups(here.session))))
        answer = call(here)
        if answer.result is None:  # the first page in the thread, every region at once; the next as it is read
            pages = iter(answer.pages)
            first = next(pages, None)
            answer.pages = itertools.chain([] if first is None else [first], pages)
        answer.where = target
        return answer

    budget = fanout.budget(targets)  # the pages every target holds at once, the one printed aside
    targets[0].session.client.limit_in_flight(spread.in_flight)  # the pages read ahead count too
    tasks = {i: (lambda t=t: one(t)) for i, t in enumerate(targets)}
    try:
        with fanout.started(tasks, spread.workers) as futures:
            checked = spread.checked()  # beside the calls under way
            yield None
            for index, (target, sent, future) in enumerate(zip(checked, targets, futures.values())):
                budget.advance(index)  # before waiting on it: the target printed never waits on the others
                try:
                    yield future.result() if target is sent else one(target)
                except Ec2opsError as exc:
                    yield Answer(where=target, error=op.in_guide_words(exc, run.inputs))
    finally:
        budget.close()


def stream(op: Operation, printer: output.Printer, inputs: Mapping, answers: Iterable[Answer], several=None,
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
    order = table.order_by if table is not None and table.order_by and inputs.get(table.order_by[0]) else None
    labels = [(key, key.capitalize()) for key in several[0].label] if several else []

    def take(answer: Answer, item: dict) -> None:
        for o in op.outputs:
            if o.name in gathered and (o.where is None or o.where(item)):
                gathered[o.name].extend(o.value(item))
        if read_columns is not None:
            printer.row({**(answer.where.label if several else {}), **table_row(read_columns, item)})

    def hold(index: int, answer: Answer, item: dict) -> bool:
        """One item: printed (or held to be put in order); False once --max-items are in."""
        nonlocal count, first, found
        if limit is not None and not order and count >= limit:
            return False
        count += 1
        if first is None:
            first, found = item, answer
        held.append((index, answer, item)) if order else take(answer, item)
        return limit is None or bool(order) or count < limit

    read_columns = None  # the columns the printer shows, the only ones read from each item
    keep = None  # what of each item is built as a page is read (None: all of it)
    flat = None  # what prints the rows of flat items in bulk, as they are read (client/flat.py)
    if table is not None:
        more = tuple(printer.more)  # a tag's column (--columns tag:KEY)
        printer.begin(labels + table.titles + [(c.key, c.title) for c in more])
        if printer.columns is not None and printer.get in (None, "returnResult"):
            keys = {key for key, _ in printer.columns}
            read_columns = tuple(c for c in table.columns + more if c.key in keys)
            if all(o is table for o in op.outputs) and op.complete is None:  # the rows are all that is read
                keep = op.items.keep(read_columns + tuple(c for c in table.columns if order and c.key == order[1]))
                if keep is not None and op.items.explode is None and not (several or order) and limit is None:
                    flat = printer.flat(read_columns)  # an item is a row: nothing but the row read
    for index, answer in enumerate(answers):
        if limit is not None and count >= limit and not order:
            break
        if answer.error is None:
            try:
                read(op, answer, lambda item, i=index, a=answer: hold(i, a, item), request_ids, several, printer,
                     keep, flat)
            except (Ec2Error, EndpointError) as exc:  # a later page failed: the rows printed stay printed
                if not several:
                    raise
                answer.error = op.in_guide_words(exc, inputs)
        if answer.error is not None:
            if getattr(answer.error, "code", "").endswith(".NotFound"):
                absent.append(answer)
            else:
                failures.append(answer)
                tell(answer)
    count += flat.count if flat is not None else 0
    if not count and not failures:
        if absent:
            raise absent[0].error
        if op.empty_error:
            raise op.nothing_found(inputs)
    if order:
        position = {v: i for i, v in enumerate(inputs[order[0]])}
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
    finish(op, printer, inputs, failed(result, failures, printer) if several else result, printer.end)
    raise_worst(failures)


def read(op: Operation, answer: Answer, hold, request_ids: list[str], several, printer: output.Printer,
         keep: dict | None = None, flat=None) -> None:
    """Each page of an answer, item by item as it is read, to `hold` (False: no more, and no page
    more is asked for), each item built only as far as `keep` says (rows.Items.keep); the first
    page's requestId; what a page printed is flushed before the next page is waited for."""
    for number, page in enumerate(answer.pages):
        if op.items is None:
            going = hold(page.body) is not False
        elif op.complete:  # what the answer lacks is read for the page's items at once
            batch: list[dict] = []
            op.items.each(page, batch.append)
            op.complete(answer.lookups, batch)
            going = all(hold(item) is not False for item in batch)
        else:
            going = True

            def one(item: dict) -> bool:
                nonlocal going
                going = hold(item) is not False
                return going

            op.items.each(page, one, keep, flat)
        if number == 0 and page.request_id:
            request_ids.append(f"{answer.where.name}={page.request_id}" if several else page.request_id)
        printer.flush()
        if not going:
            break  # before the next page is asked for


def tell(answer: Answer) -> None:
    """A region that failed: one line on stderr, as the others go on."""
    request_id = getattr(answer.error, "request_id", None)
    output.say(f"{answer.where.name}: {answer.error}" + (f" (requestId: {request_id})" if request_id else ""))


def failed(result: dict, answers: list[Answer], printer: output.Printer) -> dict:
    """JSON says which regions failed, in an `errors` list (stderr says it to people)."""
    if not printer.structured:
        return result
    return {**result, "errors": [
        {**dict.fromkeys(("profile", "region")), **a.where.label, "code": getattr(a.error, "code", None),
         "status": int(a.error.status), "message": str(a.error)} for a in answers if a.error is not None]}


def raise_worst(failures: list[Answer]) -> None:
    """The exit status of a run in several regions: the worst of its calls (each already told)."""
    if failures:
        raise Reported(max(a.error.status for a in failures))


def deliver(run: Run, printer: output.Printer, result: dict) -> None:
    """A result made whole (a flow's, a fan-out's): finished, then shown its own way or printed."""
    def emit(whole: dict) -> None:
        if not (run.op.present and run.op.present(run.session, whole, run.inputs)):
            output.print_result(printer, whole)

    finish(run.op, printer, run.inputs, result, emit)


def finish(op: Operation, printer: output.Printer, inputs: Mapping, result: dict, emit) -> None:
    """The operation's finish hook, then `emit` prints: a failed write says what EC2 did."""
    if op.finish:
        result = op.finish(result, inputs)
    printer.result = result
    try:
        emit(result)
    except NotWritten as exc:
        raise not_written(op, exc, result, inputs) from None


def not_written(op: Operation, exc: NotWritten, result: dict, inputs: Mapping) -> NotWritten:
    """After a change, the one line on stderr says what EC2 did and how to find it: the ids, never
    a secret such as a private key."""
    if not op.changes:
        return exc
    text = f"{op.actions[-1]} was done, but its result could not be written ({exc.reason})"
    if op.change:
        ids = op.change.ids_of(result, inputs)
        if ids:
            text += f": {op.change.resource.kind} {', '.join(ids)}"
    return NotWritten(text + ".", exc.reason)


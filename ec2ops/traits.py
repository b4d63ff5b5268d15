"""Options beyond the guide, each one trait applied by kind: its click options, and its hooks (the
query, around each call, the layout of the printer, the targets, after). A trait is written once
here and reaches every operation of its kind; no declaration names one, and no trait changes the
session: what it does, it does through its hooks.

- WAIT (operations whose change settles in a state): --wait, --wait-timeout, --wait-interval.
- DRY_RUN (operations that change something): --dry-run.
- FILTER (operations that list a Describe answer): --filter NAME=VALUE[,VALUE...], --tag KEY[=VALUE].
- PAGING (operations whose Describe pages): --page-size N, --max-items N.
- TAG (operations that create something EC2 can tag): --tag KEY=VALUE, sent as TagSpecification.
- REGIONS (operations that only read): --regions all|LIST, --profiles LIST, --max-concurrency N.
- ONE_REGION (operations that change something): refuses --regions and --profiles.
- COLUMNS (operations whose returnResult is a table): --columns LIST|all.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Any, Callable, Mapping

import click

from ec2ops import fanout, output, resources, rows, waiting
from ec2ops.errors import DryRunDone, Ec2Error, InputError
from ec2ops.options import Number
from ec2ops.session import Call, Session
from ec2ops.spec import split_list, unescape

PAGE_SIZE = 1000  # MaxResults when --page-size is not given

if TYPE_CHECKING:
    from ec2ops.session import Run
    from ec2ops.spec import Operation


class Trait:
    """One option set beyond the guide, and what it does through its hooks, each given the trait's
    own options as read (its `state`). The pipeline calls every hook of every trait applied; a hook
    a trait does not need leaves things as they are."""

    name = ""
    options: list[click.Option] = []

    def applies(self, op: Operation) -> bool:
        raise NotImplementedError

    def read(self, own: dict[str, Any], inputs: Mapping[str, Any]) -> Any:
        """This trait's state from its options' values (`own`), checked: bad input before anything is
        sent. `inputs` are the command's own, as given (e.g. the delimiter)."""
        return own

    def help(self, op: Operation) -> str:
        """A line for the command's help, if the trait needs one there."""
        return ""

    def outputs(self, op: Operation, state: Any) -> list[str]:
        """Outputs this trait adds to the command's, as given (for --get)."""
        return []

    # -- hooks ---------------------------------------------------------------------------------
    def query(self, op: Operation, state: Any, params: dict) -> dict:
        """The command's query, shaped (filters, page size)."""
        return params

    def around_call(self, op: Operation, state: Any, call: Call, send: Callable[[Call], Any]) -> Any:
        """Around every call the command makes, a flow's too (dry run, tags): send(call) makes it."""
        return send(call)

    def layout(self, op: Operation, state: Any, layout: output.Layout) -> output.Layout:
        """How the result is printed (columns)."""
        return layout

    def targets(self, op: Operation, state: Any, session: Session) -> fanout.Spread | None:
        """Where the command runs, when this trait runs it in several places (regions, profiles)."""
        return None

    def limit(self, op: Operation, state: Any) -> int | None:
        """At most this many items (no page is asked for after them)."""
        return None

    def printer(self, run: Run, state: Any, printer: output.Printer) -> output.Printer:
        """Around the printer (wait: holds the outputs until the change is done)."""
        return printer

    def after(self, run: Run, state: Any, result: dict) -> dict:
        """After the command's calls, before a held printer prints (wait): the result to print."""
        return result


class Wait(Trait):
    name = "wait"

    def __init__(self):
        self.options = [
            click.Option(["--wait"], is_flag=True, help="Wait until the change is done (see the command's help)."),
            click.Option(["--wait-timeout"], type=Number(0), default=waiting.DEFAULT_TIMEOUT,
                         show_default=True, envvar="EC2OPS_WAIT_TIMEOUT", metavar="SECONDS",
                         help="Give up waiting after this long (exit 1)."),
            click.Option(["--wait-interval"], type=Number(0.01), default=waiting.DEFAULT_INTERVAL,
                         show_default=True, envvar="EC2OPS_WAIT_INTERVAL", metavar="SECONDS",
                         help="First pause between polls; it grows 1.5x up to 30 s."),
        ]

    def applies(self, op: Operation) -> bool:
        return op.change is not None and op.change.becomes is not None

    def help(self, op: Operation) -> str:
        return f"With --wait, waits until the {op.change.resource.kind} is {op.change.becomes}."

    def printer(self, run, state, printer):
        """The outputs are printed once the wait is over, showing the state waited for."""
        return waiting.Held(printer) if state.get("wait") else printer

    def after(self, run, state, result):
        if not state.get("wait"):
            return result
        change = run.op.change
        waiting.wait_for(run.session, change.resource, change.becomes, change.ids_of(result, run.inputs),
                         state["wait_timeout"], state["wait_interval"], failed=change.dead_ends)
        return change.settle(result)


class DryRun(Trait):
    """Every changing call carries DryRun, and EC2's DryRunOperation answer ends the command: it
    would have done it. Reads go as they are (a flow's lookups, --wait's polls)."""

    name = "dry-run"
    options = [click.Option(["--dry-run"], is_flag=True,
                            help="Ask EC2 whether it would do it (permissions, inputs), without doing it.")]

    def applies(self, op: Operation) -> bool:
        return op.changes

    def read(self, own, inputs) -> bool:
        return bool(own.get("dry_run"))

    def around_call(self, op, state, call, send):
        if not state or resources.reads(call.action):
            return send(call)
        try:
            response = send(dataclasses.replace(call, params={**call.params, "DryRun": "true"}, list_key=None))
        except Ec2Error as exc:
            if exc.code == "DryRunOperation":
                raise DryRunDone("dry run: EC2 would have done it.") from None
            raise
        output.warn(f"the endpoint ignored DryRun: {call.action} was done.")
        return response


FILTER_HELP = ("Only what matches: EC2's filter NAME with one of the VALUEs (comma-separated; \\, for a comma "
               "in a value), e.g. instance-state-name=running or tag:Name=web; the AWS CLI's "
               "Name=NAME,Values=VALUE,... too. Repeatable: all must match.")


class Filter(Trait):
    name = "filter"
    options = [click.Option(["--filter", "--filters", "filters"], multiple=True, metavar="NAME=VALUE[,VALUE...]",
                            help=FILTER_HELP),
               click.Option(["--tag", "tags"], multiple=True, metavar="KEY[=VALUE]",
                            help="Only what has this tag (KEY=VALUE: --filter tag:KEY=VALUE), or a tag with this "
                                 "key (KEY: --filter tag-key=KEY). Repeatable.")]

    def applies(self, op: Operation) -> bool:
        return op.lists

    def read(self, own, inputs) -> list[tuple[str, list[str]]]:
        """Read at once: a malformed filter is bad input before anything is sent."""
        filters = [parse_filter(text) for text in own.get("filters") or ()]
        for key, value in (parse_tag(text) for text in own.get("tags") or ()):
            filters.append((f"tag:{key}", [value]) if value is not None else ("tag-key", [key]))
        return filters

    def query(self, op, state, params) -> dict:
        return {**params, **filter_query(state)}


def filter_query(filters: list[tuple[str, list[str]]]) -> dict[str, str]:
    """EC2's Filter.N.Name and Filter.N.Value.M for (name, values) pairs."""
    params = {}
    for number, (name, values) in enumerate(filters, 1):
        params[f"Filter.{number}.Name"] = name
        params.update({f"Filter.{number}.Value.{i}": v for i, v in enumerate(values, 1)})
    return params


def parse_filter(text: str) -> tuple[str, list[str]]:
    """NAME=VALUE[,VALUE...], or the AWS CLI's Name=NAME,Values=VALUE[,VALUE...]."""
    aws = re.fullmatch(r"Name=([^,=]+),Values=(.*)", text, re.S)
    name, equals, rest = (aws.group(1), "=", aws.group(2)) if aws else text.partition("=")
    values = [v.replace("\\,", ",") for v in re.split(r"(?<!\\),", rest)] if equals else []
    if not name.strip() or not values or any(not v for v in values):
        raise InputError(f"--filter {text!r}: give NAME=VALUE[,VALUE...], e.g. instance-state-name=running.")
    return name.strip(), values


def parse_tag(text: str) -> tuple[str, str | None]:
    """KEY=VALUE, or KEY alone (None: no value given)."""
    key, equals, value = text.partition("=")
    if not key.strip():
        raise InputError(f"--tag {text!r}: give KEY=VALUE or KEY, e.g. Name=web.")
    return key.strip(), (value if equals else None)


class Tag(Trait):
    """What a command creates carries the tags, in the same call (EC2's TagSpecification): each
    creating call of the command, a flow's too, with the tags the flow gives (under these)."""

    name = "tag"
    options = [click.Option(["--tag", "tags"], multiple=True, metavar="KEY=VALUE",
                            help="Tag what is created, in the same call (KEY alone: an empty value). Repeatable.")]

    def applies(self, op: Operation) -> bool:
        return bool(op.change and op.change.creates and op.change.resource.tag_type)

    def read(self, own, inputs) -> dict[str, str]:
        tags: dict[str, str] = {}
        for key, value in (parse_tag(text) for text in own.get("tags") or ()):
            if key in tags:
                raise InputError(f"--tag {key} is given twice.")
            tags[key] = value or ""
        return tags

    def around_call(self, op, state, call, send):
        tags = {**call.tags, **state}
        types = resources.tagged_by(call.action)
        if tags and types:
            call = dataclasses.replace(call, params={**call.params, **tag_query(types, tags)})
        return send(call)


def tag_query(types: list[str], tags: dict[str, str]) -> dict[str, str]:
    """EC2's TagSpecification.N.ResourceType and .Tag.M.Key/Value: the same tags on each type."""
    params = {}
    for n, kind in enumerate(types, 1):
        params[f"TagSpecification.{n}.ResourceType"] = kind
        for m, (key, value) in enumerate(tags.items(), 1):
            params[f"TagSpecification.{n}.Tag.{m}.Key"] = key
            params[f"TagSpecification.{n}.Tag.{m}.Value"] = value
    return params


class Paging(Trait):
    name = "paging"
    options = [click.Option(["--page-size"], type=click.IntRange(1), metavar="N",
                            help=f"Ask EC2 for pages of N (MaxResults) [default: {PAGE_SIZE}, or EC2's most for the "
                                 f"action; not with ids: EC2 answers those at once]."),
               click.Option(["--max-items"], type=click.IntRange(1), metavar="N",
                            help="At most N rows: no page is asked for after the Nth row.")]

    def applies(self, op: Operation) -> bool:
        return bool(op.page_list)

    def query(self, op, state, params) -> dict:
        size, resource = state.get("page_size"), op.resource
        explicit = any(re.fullmatch(r"\w+(Id|Name)\.\d+", key) for key in params)  # InstanceId.1, GroupName.1
        if explicit and not resource.max_results_with_ids:
            return params
        low, high = resource.page_limits or (1, size or PAGE_SIZE)
        if size is None:  # pages of a size that keeps memory flat, however large the account
            size = min(PAGE_SIZE, high)
        elif not low <= size <= high:
            raise InputError(f"--page-size must be from {low} to {high} for {op.action}, not {size}.")
        return {**params, "MaxResults": str(size)}

    def limit(self, op, state) -> int | None:
        return state.get("max_items")


class Regions(Trait):
    name = "regions"
    options = [
        click.Option(["--regions"], metavar="all|LIST",
                     help="Run in these regions (comma-separated), or in all the account's regions, concurrently: "
                          "one merged result, with a region column."),
        click.Option(["--profiles"], metavar="LIST",
                     help="Run with each of these profiles of ~/.aws (their keys, and their region without "
                          "--regions): a profile column too."),
        click.Option(["--max-concurrency"], type=click.IntRange(1, 256), metavar="N",
                     help=f"With --regions or --profiles: at most N calls at once [default: "
                          f"{fanout.MAX_CONCURRENCY}, and the DescribeRegions that checks a list of regions].")
    ]

    def applies(self, op: Operation) -> bool:
        return op.reads

    def outputs(self, op, state) -> list[str]:
        wanted = state.get("regions") is not None or state.get("profiles") is not None
        return (["profile"] if state.get("profiles") is not None else []) + ["region"] if wanted and op.details else []

    def targets(self, op, state, session):
        if state.get("regions") is None and state.get("profiles") is None:
            return None
        given = state.get("max_concurrency")
        return fanout.spread(session, state.get("regions"), state.get("profiles"),
                             given or fanout.MAX_CONCURRENCY, strict=given is not None)


class Columns(Trait):
    """Tables (returnResult is a table): --columns picks and orders its columns in every form."""

    name = "columns"
    options = [click.Option(["--columns"], metavar="LIST|all",
                            help="returnResult's columns, delimiter-separated, in this order (EC2's field names, "
                                 "e.g. instanceId,privateIpAddress,tags; region and profile with --regions or "
                                 "--profiles; tag:KEY, a tag's value, where there are tags), or all [default: the "
                                 "guide's; JSON: every field].")]

    def applies(self, op: Operation) -> bool:
        return bool(op.outputs[0].columns)

    def read(self, own, inputs) -> tuple[str, ...] | None:
        text = own.get("columns")
        if text is None:
            return None
        names = split_list(text, unescape(inputs.get("delimiter") or ","))
        if not names:
            raise InputError("--columns: name at least one column, or all.")
        if "all" in names and len(names) > 1:
            raise InputError("--columns: all means every column, and stands alone; give all, or name the columns.")
        empty = [n for n in names if n.startswith(rows.TAG_COLUMN) and not n[len(rows.TAG_COLUMN):].strip()]
        if empty:
            raise InputError("--columns: tag: needs a tag's key, e.g. tag:Name.")
        return tuple(names)

    def outputs(self, op, state) -> list[str]:
        """The names are checked here, where the command meets its options, before anything is sent."""
        fields = [c.key for c in (*op.outputs[0].columns, *op.outputs[0].asked)]
        labels = ("region", "profile") if op.reads else ()  # the columns of --regions and --profiles
        tagged = [n for n in state or () if n.startswith(rows.TAG_COLUMN)]
        if tagged and (rows.TAGS.key not in fields or op.table is None):
            raise InputError(f"--columns {tagged[0]}: {op.name} lists nothing with tags; its columns are "
                             f"{', '.join(fields)}, or all.")
        unknown = [n for n in state or () if n not in (*fields, *labels, *tagged) and state != ("all",)]
        if unknown:
            also = " (and region, profile with --regions, --profiles)" if labels else ""
            raise InputError(f"--columns: {op.name} has no column {', '.join(unknown)}; its columns are "
                             f"{', '.join(fields)}{also}, or all.")
        return []

    def layout(self, op, state, layout):
        if state is None:
            return layout
        tagged = tuple(rows.tag_column(n[len(rows.TAG_COLUMN):]) for n in state if n.startswith(rows.TAG_COLUMN))
        asked = tuple(c for c in op.outputs[0].asked if c.key in state)
        return dataclasses.replace(layout, columns=state, more=asked + tagged)


class OneRegion(Trait):
    """Commands that change something take no --regions or --profiles: changing many regions or
    accounts at once is another, more dangerous tool. The options are there only to say so."""

    name = "one-region"
    options = [click.Option([flag], hidden=True, expose_value=True) for flag in ("--regions", "--profiles")]

    def applies(self, op: Operation) -> bool:
        return op.changes

    def read(self, own, inputs) -> None:
        for flag in ("regions", "profiles"):
            if own.get(flag) is not None:
                raise InputError(f"--{flag} is only for commands that only read: this one changes something, "
                                 "and changes are made in one region with one profile.")


WAIT, DRY_RUN, FILTER, REGIONS, ONE_REGION, COLUMNS = Wait(), DryRun(), Filter(), Regions(), OneRegion(), Columns()
TAG, PAGING = Tag(), Paging()
TRAITS: tuple[Trait, ...] = (FILTER, PAGING, REGIONS, ONE_REGION, TAG, DRY_RUN, WAIT, COLUMNS)


def of(op: Operation) -> list[Trait]:
    return [trait for trait in TRAITS if trait.applies(op)]


def read_all(traits: list[Trait], values: dict, inputs: Mapping[str, Any]) -> dict[Trait, Any]:
    """Each trait's state, from the values of its own options."""
    return {trait: trait.read({o.name: values.get(o.name) for o in trait.options}, inputs) for trait in traits}

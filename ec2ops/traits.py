"""Options beyond the guide, each one trait applied by kind: its click options, what it adds to the
query, how it prepares the session, what it does after the outputs are printed. A trait is written
once here and reaches every operation of its kind; no declaration names one.

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

import re
from typing import TYPE_CHECKING, Any

import click

from ec2ops.errors import InputError

PAGE_SIZE = 1000  # MaxResults when --page-size is not given

if TYPE_CHECKING:
    from ec2ops.session import Session
    from ec2ops.spec import Operation


class Trait:
    name = ""
    options: list[click.Option] = []

    def applies(self, op: Operation) -> bool:
        raise NotImplementedError

    def take(self, values: dict) -> dict:
        """This trait's option values, taken out of the command's values."""
        return {option.name: values.pop(option.name, None) for option in self.options}

    def help(self, op: Operation) -> str:
        """A line for the command's help, if the trait needs one there."""
        return ""

    def query(self, op: Operation, given: dict, params: dict) -> dict:
        return params

    def prepare(self, session: Session, given: dict) -> None:
        pass

    def after(self, session: Session, op: Operation, given: dict, result: dict, values: dict) -> None:
        pass

    def outputs(self, op: Operation, given: dict) -> list[str]:
        """Outputs this trait adds to the command's, with its options as given (for --get)."""
        return []

    def targets(self, session: Session, given: dict) -> list | None:
        """The fanout.Targets to run in, when this trait fans the command out."""
        return None


class Wait(Trait):
    name = "wait"

    def __init__(self):
        from ec2ops import waiting
        from ec2ops.session import Number

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

    def after(self, session, op, given, result, values) -> None:
        from ec2ops import waiting

        if given.get("wait"):
            change = op.change
            waiting.wait_for(session, change.resource, change.becomes, change.ids_of(result, values),
                             given["wait_timeout"], given["wait_interval"], failed=change.dead_ends)


class DryRun(Trait):
    name = "dry-run"
    options = [click.Option(["--dry-run"], is_flag=True,
                            help="Ask EC2 whether it would do it (permissions, inputs), without doing it.")]

    def applies(self, op: Operation) -> bool:
        return op.changes

    def prepare(self, session, given) -> None:
        session.dry_run = bool(given.get("dry_run"))


FILTER_HELP = ("Only what matches: EC2's filter NAME with one of the VALUEs (comma-separated; \\, for a comma "
               "in a value), e.g. instance-state-name=running or tag:Name=web. Repeatable: all must match.")


class Filter(Trait):
    name = "filter"
    options = [click.Option(["--filter", "filters"], multiple=True, metavar="NAME=VALUE[,VALUE...]",
                            help=FILTER_HELP),
               click.Option(["--tag", "tags"], multiple=True, metavar="KEY[=VALUE]",
                            help="Only what has this tag (KEY=VALUE: --filter tag:KEY=VALUE), or a tag with this "
                                 "key (KEY: --filter tag-key=KEY). Repeatable.")]

    def applies(self, op: Operation) -> bool:
        return op.lists

    def take(self, values: dict) -> dict:
        """Read when taken: a malformed filter is bad input before anything is sent."""
        filters = [parse_filter(text) for text in values.pop("filters", None) or ()]
        for key, value in (parse_tag(text) for text in values.pop("tags", None) or ()):
            filters.append((f"tag:{key}", [value]) if value is not None else ("tag-key", [key]))
        return {"filters": filters}

    def query(self, op, given, params) -> dict:
        return {**params, **filter_query(given["filters"])}


def filter_query(filters: list[tuple[str, list[str]]]) -> dict[str, str]:
    """EC2's Filter.N.Name and Filter.N.Value.M for (name, values) pairs."""
    params = {}
    for number, (name, values) in enumerate(filters, 1):
        params[f"Filter.{number}.Name"] = name
        params.update({f"Filter.{number}.Value.{i}": v for i, v in enumerate(values, 1)})
    return params


def parse_filter(text: str) -> tuple[str, list[str]]:
    name, equals, rest = text.partition("=")
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
    creating call of the command, a flow's too, through Session.call."""

    name = "tag"
    options = [click.Option(["--tag", "tags"], multiple=True, metavar="KEY=VALUE",
                            help="Tag what is created, in the same call (KEY alone: an empty value). Repeatable.")]

    def applies(self, op: Operation) -> bool:
        return bool(op.change and op.change.creates and op.change.resource.tag_type)

    def take(self, values: dict) -> dict:
        tags = {}
        for key, value in (parse_tag(text) for text in values.pop("tags", None) or ()):
            if key in tags:
                raise InputError(f"--tag {key} is given twice.")
            tags[key] = value or ""
        return {"tags": tags}

    def prepare(self, session, given) -> None:
        session.tags = given["tags"]


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

    def query(self, op, given, params) -> dict:
        size, resource = given.get("page_size"), op.resource
        explicit = any(re.fullmatch(r"\w+(Id|Name)\.\d+", key) for key in params)  # InstanceId.1, GroupName.1
        if explicit and not resource.max_results_with_ids:
            return params
        low, high = resource.page_limits or (1, size or PAGE_SIZE)
        if size is None:  # pages of a size that keeps memory flat, however large the account
            size = min(PAGE_SIZE, high)
        elif not low <= size <= high:
            raise InputError(f"--page-size must be from {low} to {high} for {op.action}, not {size}.")
        return {**params, "MaxResults": str(size)}


class Regions(Trait):
    name = "regions"
    options = [
        click.Option(["--regions"], metavar="all|LIST",
                     help="Run in these regions (comma-separated), or in all the account's regions, concurrently: "
                          "one merged result, with a region column."),
        click.Option(["--profiles"], metavar="LIST",
                     help="Run with each of these profiles of ~/.aws (their keys, and their region without "
                          "--regions): a profile column too."),
        click.Option(["--max-concurrency"], type=click.IntRange(1, 256), default=16, show_default=True,
                     metavar="N", help="With --regions or --profiles: at most N calls at once."),
    ]

    def applies(self, op: Operation) -> bool:
        return op.reads

    def outputs(self, op, given) -> list[str]:
        wanted = given.get("regions") is not None or given.get("profiles") is not None
        return (["profile"] if given.get("profiles") is not None else []) + ["region"] if wanted and op.details else []

    def targets(self, session, given):
        if given.get("regions") is None and given.get("profiles") is None:
            return None
        from ec2ops import fanout

        return fanout.targets(session, given.get("regions"), given.get("profiles"))


class Columns(Trait):
    """Tables (returnResult is a table): --columns picks and orders its columns in every form."""

    name = "columns"
    options = [click.Option(["--columns"], metavar="LIST|all",
                            help="returnResult's columns, delimiter-separated, in this order (EC2's field names, "
                                 "e.g. instanceId,privateIpAddress,tags; region and profile with --regions or "
                                 "--profiles), or all [default: the guide's; JSON: every field].")]

    def applies(self, op: Operation) -> bool:
        return bool(op.outputs[0].columns)

    def take(self, values: dict) -> dict:
        from ec2ops.spec import split_list, unescape

        text = values.pop("columns", None)
        if text is None:
            return {"columns": None}
        names = split_list(text, unescape(values.get("delimiter") or ","))
        if not names:
            raise InputError("--columns: name at least one column, or all.")
        if "all" in names and len(names) > 1:
            raise InputError("--columns: all means every column, and stands alone; give all, or name the columns.")
        return {"columns": names}

    def outputs(self, op, given) -> list[str]:
        """The names are checked here, where the command meets its options, before anything is sent."""
        names, fields = given.get("columns"), [c.key for c in op.outputs[0].columns]
        labels = ("region", "profile") if op.reads else ()  # the columns of --regions and --profiles
        unknown = [n for n in names or () if n not in (*fields, *labels) and names != ["all"]]
        if unknown:
            also = " (and region, profile with --regions, --profiles)" if labels else ""
            raise InputError(f"--columns: {op.name} has no column {', '.join(unknown)}; its columns are "
                             f"{', '.join(fields)}{also}, or all.")
        return []

    def prepare(self, session, given) -> None:
        session.columns = given.get("columns")


class OneRegion(Trait):
    """Commands that change something take no --regions or --profiles: changing many regions or
    accounts at once is another, more dangerous tool. The options are there only to say so."""

    name = "one-region"
    options = [click.Option([flag], hidden=True, expose_value=True) for flag in ("--regions", "--profiles")]

    def applies(self, op: Operation) -> bool:
        return op.changes

    def take(self, values: dict) -> dict:
        for flag in ("regions", "profiles"):
            if values.pop(flag, None) is not None:
                raise InputError(f"--{flag} is only for commands that only read: this one changes something, "
                                 "and changes are made in one region with one profile.")
        return {}


WAIT, DRY_RUN, FILTER, REGIONS, ONE_REGION, COLUMNS = Wait(), DryRun(), Filter(), Regions(), OneRegion(), Columns()
TAG, PAGING = Tag(), Paging()
TRAITS: tuple[Trait, ...] = (FILTER, PAGING, REGIONS, ONE_REGION, TAG, DRY_RUN, WAIT, COLUMNS)
READER_TRAITS = (REGIONS,)  # every command that only reads
LISTER_TRAITS = (FILTER,)  # every command that lists a Describe answer
CHANGER_TRAITS = (ONE_REGION, DRY_RUN)  # every command that changes something


def of(op: Operation) -> list[Trait]:
    return [trait for trait in TRAITS if trait.applies(op)]


def names(traits: list[Trait]) -> list[str]:
    return [option.name for trait in traits for option in trait.options]


def take_all(traits: list[Trait], values: dict) -> dict[Trait, dict[str, Any]]:
    return {trait: trait.take(values) for trait in traits}

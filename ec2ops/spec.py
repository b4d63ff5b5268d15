"""Declarations: an operation is data (its EC2 action, inputs, outputs, the items of its answer,
what it changes), and the click command for it is built from that data when it is looked up
(ec2ops/command.py), so --help, shell completion and the man pages all see the same thing. What
an operation is (it reads, changes, lists, pages, settles) is derived here, once; the options that
come with each kind are traits (ec2ops/traits.py), never written in a declaration."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Mapping

import click

from ec2ops import names, resources, stdin
from ec2ops.client import document
from ec2ops.errors import GUIDE_MESSAGES, Ec2Error, InputError, NothingGiven, OperationFailed, guide_says
from ec2ops.values import ExtraColumn, ExtraValue, Lines, Table
from ec2ops.resources import Resource
from ec2ops.rows import Column, Items, table_row, tags, typed



def kebab(name: str) -> str:
    """The guide's camelCase input name as a flag: instanceIdentifier -> instance-identifier."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).lower()


# -- inputs ------------------------------------------------------------------------------------
# One name per input: the guide calls an instance instanceId on some operations and
# instanceIdentifier on others, an image amiId or imageId. Every input of one of these names
# takes the other's flags too (after the guide's own, which --help shows first), so an operator
# never has to remember which command spells it which way; an input added later gets them as well.
SYNONYMS = {
    "instanceId": ("instanceIdentifier",),
    "instanceIdentifier": ("instanceId",),
    "amiId": ("imageId",),
    "imageId": ("amiId",),
}


def spellings(name: str) -> list[str]:
    """The flags of an input: kebab-case, then the guide's camelCase (when it differs), then the same
    for each synonym."""
    flags = []
    for each in (name, *SYNONYMS.get(name, ())):
        flags += [f"--{kebab(each)}"] + ([f"--{each}"] if each != kebab(each) else [])
    return flags


@dataclass(frozen=True)
class Input:
    """One of the guide's inputs. `query` is the EC2 parameter; a name ending in `.N` is a list,
    split on the command's `delimiter` input and sent 1-based (InstanceId.1, InstanceId.2, ...)."""

    name: str
    help: str
    query: str | None = None
    required: bool = False
    default: str | None = None
    choices: tuple[str, ...] | None = None
    check: Callable[[str], str] | None = None  # validates one value, returns what to send; raises InputError
    aliases: tuple[str, ...] = ()
    metavar: str | None = None
    flag: bool = False  # an on/off switch of ours (e.g. --force), not one of the guide's inputs
    bare: str | None = None  # the value of the flag given without one (detach-volume's --force: true)
    repeat: bool = False  # given once per value (--tag a=1 --tag b=2): a tuple, each value checked

    @property
    def is_list(self) -> bool:
        return bool(self.query and self.query.endswith(".N"))

    @property
    def id_resource(self) -> Resource | None:
        """The resource whose ids this input takes (InstanceId, VolumeId.N, BlockDeviceMapping.1.Ebs.
        SnapshotId, ...): such an input given as '-' reads its ids from stdin (read_inputs)."""
        parameter = next((p for p in reversed((self.query or "").split(".")) if not p.isdigit() and p != "N"), "")
        return next((r for r in (*resources.RESOURCES, resources.SECURITY_GROUP_BY_ID, resources.ANY_TAGGABLE)
                     if r.prefix is not None and r.id_param == parameter), None)

    def option(self) -> click.Option:
        decls = [*spellings(self.name), *self.aliases, self.name]
        if self.is_list and self.name in SYNONYMS and self.id_resource is resources.INSTANCE:
            decls.insert(-1, "--instance-ids")  # the AWS CLI's word for several instances
        if self.flag:
            return click.Option(decls, is_flag=True, help=self.help)
        help = self.help
        if names.takes_names(self):
            help += " A name (the Name tag) is looked up."
        if self.id_resource:  # read_inputs' stdin convention, said on every id input
            help += " '-' reads them from stdin." if self.is_list else " '-' reads it from stdin."
        extra = {} if self.default is None else {"default": self.default, "show_default": self.default != "\n"}
        if self.bare is not None:  # a value, or alone: `--force` is `--force true`
            extra.update(is_flag=False, flag_value=self.bare)
        if self.repeat:
            extra["multiple"] = True
        return click.Option(  # no default=None: click >= 8.3 would take it as a value and skip `required`
            decls,
            required=self.required,
            type=click.Choice(self.choices, case_sensitive=False) if self.choices else None,
            metavar=self.metavar or ("LIST" if self.is_list else None),
            help=help,
            **extra,
        )


def delimiter_input(default: str = ",", what: str = "the elements of the list inputs and outputs") -> Input:
    return Input("delimiter", f"Delimiter between {what}.", default=default)


ROW_DELIMITER = Input("rowDelimiter", "Delimiter between the rows of the results table [default: a newline].",
                      default="\n")


def col_delimiter(default: str = ",") -> Input:
    return Input("colDelimiter", "Delimiter between the columns of the results table.", default=default)


# -- the answer: items, columns, outputs -------------------------------------------------------
# The guide's words for outputs that several operations share, for those declared without help.
FIELD_HELP = {
    "volumeId": "The volume's ID.", "snapshotId": "The snapshot's ID.", "status": "The state.",
    "startTime": "When it was started.", "progress": "Its progress, in percent.", "ownerId": "The owner's account ID.",
    "volumeSize": "The size of the volume, in GiB.", "size": "The size, in GiB.", "description": "The description.",
    "createTime": "When it was created.", "availabilityZone": "The availability zone.", "name": "The name.",
    "imageLocation": "The location of the image's manifest.", "kernelId": "The kernel (optional).",
    "ramdiskId": "The RAM disk (optional).", "platform": "The platform (optional).",
    "architecture": "The architecture, e.g. i386 or x86_64.", "imageType": "machine, kernel or ramdisk.",
    "isPublic": "true if the image has public launch permissions.", "productCodes": "The product codes.",
    "rootDeviceType": "ebs or instance-store.", "rootDeviceName": "The root device, e.g. /dev/sda1.",
    "stateReason": "Why the state last changed.",
}




@dataclass(frozen=True)
class Output:
    """One of the guide's outputs: a value at `path` (every value with `many`), or a table of the
    elements at `path` (`columns`, with `explode`). In an operation with items, returnResult's
    table is the stream of the items; the other outputs are read from the one item (a details
    command) or gathered over all of them (`many`); `where` keeps only the items it accepts."""

    name: str
    path: str | None = None
    help: str = ""
    many: bool = False
    columns: tuple[Column, ...] = ()
    convert: Callable[[Any], Any] | None = None
    explode: Callable[[dict], Iterable[dict]] | None = None
    where: Callable[[dict], bool] | None = None
    order_by: tuple[str, str] | None = None  # (list input, column key): rows in the order the ids were given
    lines: bool = False  # a text of several lines (a console log, a key): plain output keeps its line breaks
    extra: bool = False  # beyond the guide's outputs: in JSON and --get, never in plain or table (their layout)
    asked: tuple[Column, ...] = ()  # a table's columns beyond every form's default and `all`: --columns names them
    # (an extra output is one item's field: `many` would gather it over the items, as the guide's lists are)

    def __post_init__(self):
        if not self.help:
            object.__setattr__(self, "help", FIELD_HELP.get(self.name, ""))

    @property
    def titles(self) -> list[tuple[str, str]]:
        """(key, title) of every column, the guide's first; a field beyond the guide is a values.ExtraColumn."""
        return [ExtraColumn((c.key, c.title)) if c.extra else (c.key, c.title) for c in self.columns]

    def value(self, node: Any) -> Any:
        if self.columns:
            items = Items(self.path or "", self.explode).of(node)
            return Table(self.titles, [table_row(self.columns, item) for item in items])
        value = list(document.walk(node, self.path or "")) if self.many else document.first(node, self.path or "")
        value = typed(self.path or "", self.convert(value) if self.convert else value)
        if self.lines and isinstance(value, str):
            value = Lines(value)
        if self.extra:
            value = ExtraValue(value)
        return value


# A details command's tags, beyond the guide's outputs: the item's whole tagSet as {key: value}.
TAGS_OUTPUT = Output("tags", convert=lambda item: tags(document.items(item, "tagSet")), extra=True,
                     help="Its tags: an object in JSON, key=value pairs with --get (JSON, --get).")


def returned_true(value: Any) -> str:
    """EC2's <return>; many servers (moto among them) answer 200 without one, which is success too.
    <return>false</return> is a failure: exit 1, not a printed "false"."""
    if value is not None and str(value).lower() == "false":
        raise OperationFailed("EC2 answered false: the operation was not done.")
    return "true"


# returnResult of the operations whose answer is EC2's <return>.
RETURNED_TRUE = Output("returnResult", path="return", convert=returned_true,
                       help="true if the operation succeeds (EC2 refusing is exit status 1).")


# -- what a change does --------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    """What a changing operation does: to which resource, where the ids of what it changed are (an
    output's name, or an input's), and the state those settle in when the change is done."""

    resource: Resource
    ids: str = "returnResult"
    becomes: str | None = None
    dead_ends: tuple[str, ...] = ()  # states from which it never becomes `becomes`
    creates: bool = False
    # The outputs that name the state (or its progress), each with what it shows once the change is
    # done: what --wait prints, since it prints after waiting.
    settled: tuple[tuple[str, str], ...] = ()

    def ids_of(self, result: dict, inputs: Mapping) -> list[str]:
        value = result.get(self.ids) if self.ids in result else inputs.get(self.ids)
        return [v for v in (value if isinstance(value, list) else [value]) if v]

    def settle(self, result: dict) -> dict:
        """The result as it stands once the change is done: each output in `settled` (one value per id
        when it is a list) shows the state waited for."""
        def done(value: Any, shown: str) -> Any:
            return [done(v, shown) for v in value] if isinstance(value, list) else typed(name, shown)

        settled = {}
        for name, shown in self.settled:
            if name in result:
                settled[name] = done(result[name], shown)
        return {**result, **settled}


@dataclass(frozen=True)
class PerId:
    """The outputs of an action on several ids at once (InstanceId.1..N), whose answer has one
    element per id: each output is a list in the order of the ids given (`input`), or, for one id,
    the value alone, as the guide prints it. An output read once for the whole call (RebootInstances'
    <return>) stands for each id. Declare the outputs with `output` and `finish=PerId.finish`."""

    input: str  # the list input of the ids
    path: str  # where the answer's elements are
    key: str  # the id's element in each

    def output(self, name: str, path: str, help: str) -> Output:
        def by_id(body: dict) -> dict:
            return {document.first(e, self.key): typed(path, document.first(e, path))
                    for e in document.elements(body, self.path)}

        return Output(name, convert=by_id, help=help)  # read from the whole answer

    def finish(self, result: dict, inputs: Mapping) -> dict:
        ids = inputs.get(self.input) or []

        def per_id(value: Any) -> Any:
            listed = [value.get(i) for i in ids] if isinstance(value, dict) else [value] * len(ids)
            return listed[0] if len(ids) == 1 else listed

        return {name: value if name == "requestId" else per_id(value) for name, value in result.items()}


# -- operations --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Operation:
    """A command: the steps of ec2ops/pipeline.py, filled in by what is declared here.

    `lookup` and `complete` make read-only calls only (a Lookups, which refuses any other);
    `shape` is a pure function of the inputs; a command that makes more than one changing call
    says how in `perform` (a flow), and each of those calls goes through Session.call."""

    name: str  # the guide's operation name in kebab-case
    action: str  # the EC2 Query API action (a flow: its actions, in order, comma-separated)
    area: str
    help: str  # the guide's description and notes, in our words
    outputs: tuple[Output, ...]  # returnResult first
    inputs: tuple[Input, ...] = ()
    example: str = ""
    items: Items | None = None  # the elements the answer lists
    # checks that span inputs (raises InputError); may return what it reads before any call (a password,
    # a TLS context), added to the inputs
    validate: Callable[[Inputs], dict | None] | None = None
    lookup: Callable[[Any, dict], dict] | None = None  # (lookups, inputs) -> more inputs, read from EC2 first
    shape: Callable[[dict, dict], dict | None] | None = None  # (inputs, query) -> the query; None: nothing to send
    complete: Callable[[Any, list], None] | None = None  # (lookups, items): reads what the answer lacks
    perform: Callable[..., Any] | None = None  # a flow: (session, inputs, query) -> a Response or a result
    empty_error: str | None = None  # no item: a code of errors.GUIDE_MESSAGES (its message), or a failure
    finish: Callable[[dict, dict], dict] | None = None  # (result, inputs) -> result, before printing
    change: Change | None = None
    extra_outputs: tuple[str, ...] = ()  # outputs a finish hook may add
    merge: Callable[[list], dict] | None = None  # a flow run in each region: [(where, result)] -> one result
    present: Callable[[Any, dict, dict], bool] | None = None  # (session, result, inputs): shown its own way?
    request_id: bool = True  # requestId is an output (not for a result counted over many calls)

    # -- kinds ---------------------------------------------------------------------------------
    @property
    def actions(self) -> list[str]:
        return [a.strip() for a in self.action.split(",")]

    @property
    def reads(self) -> bool:
        return all(resources.reads(action) for action in self.actions)

    @property
    def changes(self) -> bool:
        return not self.reads

    @property
    def lists(self) -> bool:
        """One Describe call whose items are the answer: it takes filters."""
        return len(self.actions) == 1 and self.action.startswith("Describe") and self.items is not None

    @property
    def table(self) -> Output | None:
        """returnResult, when it is the table of the answer's items: a stream of rows."""
        first = self.outputs[0]
        return first if first.columns and self.items is not None and first.path is None else None

    @property
    def details(self) -> bool:
        """One thing's fields (get-*-details, get-system-log): across regions, the region that has it."""
        return self.reads and self.perform is None and self.table is None and not self.outputs[0].many

    @property
    def resource(self) -> Resource | None:
        return self.change.resource if self.change else resources.of_action(self.actions[-1])

    @property
    def page_list(self) -> str | None:
        """The list nextToken continues, for a table of a resource whose Describe pages."""
        return self.resource.page_list if self.lists and self.table and self.resource else None

    @property
    def output_names(self) -> list[str]:
        return [o.name for o in self.outputs] + ["requestId"] * self.request_id + [*self.extra_outputs]

    def given_ids(self, inputs: Mapping) -> dict[str, list[str]]:
        """What the user named, by query parameter without its numbers (VolumeId.1 -> VolumeId,
        BlockDeviceMapping.1.Ebs.SnapshotId -> SnapshotId): the ids of the guide's error messages."""
        given: dict[str, list[str]] = {}
        for key, value in self.query(inputs).items():
            given.setdefault(next(p for p in reversed(key.split(".")) if not p.isdigit()), []).append(value)
        return given

    def in_guide_words(self, error, inputs: Mapping):
        """An EC2 error in the guide's words, with the ids given (errors.GUIDE_MESSAGES)."""
        return error.in_guide_words(self.given_ids(inputs)) if isinstance(error, Ec2Error) else error

    def nothing_found(self, inputs: Mapping) -> Exception:
        """The failure of an answer without items: a guide's code reads as EC2's error for it."""
        if any(m.matches(self.empty_error or "") for m in GUIDE_MESSAGES):
            return self.in_guide_words(Ec2Error(self.empty_error, ""), inputs)
        return OperationFailed((self.empty_error or "").format_map(inputs))

    def query(self, inputs: Mapping) -> dict[str, str]:
        params: dict[str, str] = {}
        for spec in self.inputs:
            value = inputs.get(spec.name)
            if not spec.query or value in (None, "", [], ()) or value is False:  # a switch left off: not sent
                continue
            if spec.is_list:
                prefix = spec.query[:-2]
                params.update({f"{prefix}.{i}": v for i, v in enumerate(value, 1)})
            else:
                params[spec.query] = "true" if value is True else value  # a switch (--encrypted)
        return params


class Inputs(Mapping):
    """A command's inputs, read and checked: read-only. A step that reads more (a lookup) makes a new
    Inputs with what it read (`joined`); a secret in it is a secret.Secret, which prints as ***."""

    def __init__(self, values: Mapping[str, Any]):
        self._values = dict(values)

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Inputs({', '.join(self._values)})"  # names only: a value may be a user's data

    def joined(self, more: Mapping[str, Any] | None) -> "Inputs":
        return Inputs({**self._values, **more}) if more else self


def read_inputs(inputs: tuple[Input, ...], given: Mapping[str, Any],
                validate: Callable[[Inputs], dict | None] | None = None) -> Inputs:
    """Local validation, in the guide's words, before anything is sent; lists split on `delimiter`.
    An id input given as '-' takes its ids from stdin: claimed first (one reader of stdin per
    command), read after the other inputs are checked (so that an input reading a secret from stdin
    is refused before any id is read, and never quoted as one), and checked as if typed; no ids is
    nothing to do (exit 0, a note on stderr)."""
    values = {spec.name: given.get(spec.name) for spec in inputs}
    for key in ("delimiter", "rowDelimiter", "colDelimiter"):
        if values.get(key) is not None:
            values[key] = unescape(values[key])
    piped = [spec for spec in inputs if spec.id_resource and not spec.flag and values.get(spec.name) == "-"]
    for spec in piped:
        stdin.claim(f"--{kebab(spec.name)} -")
    for spec in inputs:
        value = values.get(spec.name)
        if spec.flag or spec in piped:
            continue
        if spec.repeat:  # click gives () when it is not given
            if spec.required and not value:
                raise InputError(f"The input {spec.name} is required and cannot be empty.")
            values[spec.name] = tuple(spec.check(v) if spec.check else v for v in value or ())
            continue
        if value is None or value == "":
            if spec.required and spec.query and "." not in spec.query:  # what EC2 would answer: MissingParameter
                raise InputError(guide_says("MissingParameter", ids=spec.query))
            if spec.required:  # `--image-id "$UNSET"`: sent without it, a Describe would answer for everything
                raise InputError(f"The input {spec.name} is required and cannot be empty.")
            if value == "":  # `--instance-ids "$UNSET"` would describe every instance: empty is not absent
                raise InputError(f"The input {spec.name} cannot be empty; leave --{kebab(spec.name)} out not to give it.")
            values[spec.name] = None
            continue
        if spec.is_list:  # an instance, volume or image may be given by name (ec2ops/names.py)
            parts = split_list(value, values.get("delimiter") or ",")
            if spec.id_resource:  # ids as the AWS CLI takes them, separated by spaces, work too
                parts = [word for part in parts for word in part.split()]
            values[spec.name] = names.check(spec, parts)
        else:
            values[spec.name] = names.check(spec, [value])[0]
    for spec in piped:
        values[spec.name] = ids_from_stdin(spec, stdin.ids(f"--{kebab(spec.name)} -", spec.id_resource.prefix))
    checked = Inputs(values)
    return checked.joined(validate(checked)) if validate else checked


def ids_from_stdin(spec: Input, ids: list[str]) -> list[str] | str:
    given_as = f"--{kebab(spec.name)} -"
    if not ids:  # an empty pipe: nothing upstream matched
        raise NothingGiven(f"{given_as}: no {spec.id_resource.kind} ids on standard input; nothing was done.")
    if not spec.is_list and len(ids) > 1:
        raise InputError(f"{given_as} takes one {spec.id_resource.kind} id; standard input held {len(ids)}.")
    checked = names.check(spec, ids, from_stdin=True)
    return checked if spec.is_list else checked[0]


def unescape(value: str) -> str:
    """Delimiters may be typed as \\n, \\t or \\r."""
    return value.replace("\\n", "\n").replace("\\t", "\t").replace("\\r", "\r")


def split_list(value: str, delimiter: str) -> list[str]:
    if not delimiter:
        raise InputError("The delimiter input cannot be empty.")
    return [part.strip() for part in value.split(delimiter) if part.strip()]

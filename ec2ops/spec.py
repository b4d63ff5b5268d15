"""Declarations: an operation is data (its EC2 action, inputs, outputs, table columns), and
the click command for it is built from that data when the package loads, so --help, shell
completion and the man pages all see the same thing."""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from typing import Any, Callable

import click

from ec2ops import output
from ec2ops.client import document
from ec2ops.errors import InputError, OperationFailed
from ec2ops.session import SECTIONS, Session, common_options, unescape

# The guide's areas, in its order: (key, title).
AREAS = [
    ("zones", "Availability zones and regions"),
    ("ebs", "Elastic block store: snapshots and volumes"),
    ("eip", "Elastic IPs"),
    ("images", "Images"),
    ("instances", "Instances"),
    ("keypairs", "Key pairs"),
    ("groups", "Security groups"),
    ("bundles", "Windows bundle tasks"),
    ("dashboard", "EC2 Dashboard"),
]


def kebab(name: str) -> str:
    """The guide's camelCase input name as a flag: instanceIdentifier -> instance-identifier."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).lower()


# -- inputs ------------------------------------------------------------------------------------
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

    @property
    def is_list(self) -> bool:
        return bool(self.query and self.query.endswith(".N"))

    def option(self) -> click.Option:
        decls = [f"--{kebab(self.name)}"]
        if self.name != kebab(self.name):
            decls.append(f"--{self.name}")
        decls += [*self.aliases, self.name]
        if self.flag:
            return click.Option(decls, is_flag=True, help=self.help)
        extra = {} if self.default is None else {"default": self.default, "show_default": self.default != "\n"}
        return click.Option(  # no default=None: click >= 8.3 would take it as a value and skip `required`
            decls,
            required=self.required,
            type=click.Choice(self.choices, case_sensitive=False) if self.choices else None,
            metavar=self.metavar or ("LIST" if self.is_list else None),
            help=self.help,
            **extra,
        )


def delimiter_input(default: str = ",", what: str = "the elements of the list inputs and outputs") -> Input:
    return Input("delimiter", f"Delimiter between {what}.", default=default)


ROW_DELIMITER = Input("rowDelimiter", "Delimiter between the rows of the results table [default: a newline].",
                      default="\n")


def col_delimiter(default: str = ",") -> Input:
    return Input("colDelimiter", "Delimiter between the columns of the results table.", default=default)


# -- outputs -----------------------------------------------------------------------------------
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
class Column:
    key: str  # the EC2 field name: the JSON key
    title: str  # the guide's column name: the table header
    path: str | None = None  # where in the row's element; defaults to `key`
    many: bool = False  # a list in one cell, joined by the `delimiter` input
    convert: Callable[[Any], Any] | None = None

    def value(self, row: dict) -> Any:
        path = self.path or self.key
        value = list(document.walk(row, path)) if self.many else document.first(row, path)
        return self.convert(value) if self.convert else value


@dataclass(frozen=True)
class Output:
    """One of the guide's outputs: a scalar at `path`, every value at `path` (`many`), a table of
    the elements at `path` (`columns`), or whatever `get(body, inputs)` computes."""

    name: str
    path: str | None = None
    help: str = ""
    many: bool = False
    columns: tuple[Column, ...] = ()
    get: Callable[[dict, dict], Any] | None = None
    convert: Callable[[Any], Any] | None = None
    order_by: tuple[str, str] | None = None  # (list input, column key): rows in the order the ids were given

    def __post_init__(self):
        if not self.help:
            object.__setattr__(self, "help", FIELD_HELP.get(self.name, ""))

    def value(self, body: dict, inputs: dict) -> Any:
        if self.get:
            return self.get(body, inputs)
        if self.columns:
            rows = [{c.key: c.value(item) for c in self.columns} for item in document.walk(body, self.path or "")]
            table = output.Table([(c.key, c.title) for c in self.columns], rows)
            if self.order_by and inputs.get(self.order_by[0]):
                wanted = inputs[self.order_by[0]]
                position = {v: i for i, v in enumerate(wanted)}
                table.rows.sort(key=lambda row: position.get(row.get(self.order_by[1]), len(wanted)))
            return table
        if self.many:
            return list(document.walk(body, self.path or ""))
        value = document.first(body, self.path or "")
        return self.convert(value) if self.convert else value


def returned_true(body: dict, inputs: dict) -> str:
    """EC2's <return>; many servers (moto among them) answer 200 without one, which is success too.
    <return>false</return> is a failure: exit 1, not a printed "false"."""
    value = body.get("return")
    if value is not None and str(value).lower() == "false":
        raise OperationFailed("EC2 answered false: the operation was not done.")
    return "true"


# returnResult of the operations whose answer is EC2's <return>.
RETURNED_TRUE = Output("returnResult", get=returned_true,
                       help="true if the operation succeeds (EC2 refusing is exit status 1).")


# -- operations --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Operation:
    name: str  # the guide's operation name in kebab-case
    action: str  # the EC2 Query API action
    area: str
    help: str  # the guide's description and notes, in our words
    outputs: tuple[Output, ...]  # returnResult first
    inputs: tuple[Input, ...] = ()
    example: str = ""
    paginate: str | None = None  # the list followed by nextToken
    validate: Callable[[dict], None] | None = None  # checks that span inputs; raises InputError
    params: Callable[[dict, dict, Session], Any] | None = None  # adjusts the query before it is sent;
    # it may return a Response of its own calls instead, when nothing is left to send
    empty_error: str | None = None  # the guide's failure when returnResult is empty; {input} is its value
    fixed: dict = field(default_factory=dict)  # query parameters always sent
    finish: Callable[[dict, dict], dict] | None = None  # (result, inputs) -> result, before printing
    wait: Any = None  # a waiting.Wait: the command takes --wait and polls until its target state
    extra_outputs: tuple[str, ...] = ()  # outputs a finish hook may add

    def query(self, values: dict) -> dict[str, str]:
        params = dict(self.fixed)
        for spec in self.inputs:
            value = values.get(spec.name)
            if not spec.query or value in (None, "", []):
                continue
            if spec.is_list:
                prefix = spec.query[:-2]
                params.update({f"{prefix}.{i}": v for i, v in enumerate(value, 1)})
            else:
                params[spec.query] = value
        return params

    def run(self, session: Session, values: dict) -> None:
        from ec2ops.waiting import pop_options, wait_after

        waiting = pop_options(values)
        values = read_inputs(self.inputs, values, self.validate)
        session.check_get([o.name for o in self.outputs] + ["requestId", *self.extra_outputs])
        params = self.query(values)
        if self.params:
            params = self.params(values, params, session)
        if not isinstance(params, dict):  # the params hook found nothing to send: its answer stands
            response = params
        elif self.paginate:
            response = session.call_all(self.action, params, self.paginate)
        else:
            response = session.call(self.action, params)
        result = {o.name: o.value(response.body, values) for o in self.outputs}
        result["requestId"] = response.request_id
        first = result.get("returnResult")
        if self.empty_error and (first in (None, []) or (isinstance(first, output.Table) and not first.rows)):
            raise OperationFailed(self.empty_error.format_map(values))
        if self.finish:
            result = self.finish(result, values)
        session.emit(result, delimiters_of(values))
        wait_after(session, self.wait, waiting, result, values)

    def command(self) -> click.Command:
        def callback(session: Session, **values):
            self.run(session, values)

        # cleandoc first: an unindented wait line appended to an indented help would stop click dedenting it
        callback.__doc__ = inspect.cleandoc(self.help) + (f"\n\n{self.wait.description}" if self.wait else "")
        callback.__click_params__ = options_of(self.inputs, self.wait is not None)  # type: ignore[attr-defined]
        return command(self.name, area=self.area, example=self.example, operation=self)(callback)


def read_inputs(inputs: tuple[Input, ...], values: dict, validate: Callable[[dict], None] | None = None) -> dict:
    """Local validation, in the guide's words, before anything is sent; lists split on `delimiter`."""
    values = dict(values)
    for key in ("delimiter", "rowDelimiter", "colDelimiter"):
        if values.get(key) is not None:
            values[key] = unescape(values[key])
    for spec in inputs:
        value = values.get(spec.name)
        if spec.flag:
            continue
        if value is None or value == "":
            if spec.required:  # `--image-id "$UNSET"`: sent without it, a Describe would answer for everything
                raise InputError(f"The input {spec.name} is required and cannot be empty.")
            values[spec.name] = None
            continue
        if spec.is_list:
            value = split_list(value, values.get("delimiter") or ",")
            values[spec.name] = [spec.check(v) for v in value] if spec.check else value
        else:
            values[spec.name] = spec.check(value) if spec.check else value
    if validate:
        validate(values)
    return values


def options_of(inputs: tuple[Input, ...], wait: bool = False) -> list[click.Option]:
    """The click options for `inputs` (and --wait), in the order click's decorators expect."""
    from ec2ops.waiting import WAIT_OPTIONS

    options = [spec.option() for spec in inputs] + (list(WAIT_OPTIONS) if wait else [])
    return list(reversed(options))


def split_list(value: str, delimiter: str) -> list[str]:
    if not delimiter:
        raise InputError("The delimiter input cannot be empty.")
    return [part.strip() for part in value.split(delimiter) if part.strip()]


def delimiters_of(values: dict) -> output.Delimiters:
    return output.Delimiters(
        delimiter=values.get("delimiter") or ",",
        row=values.get("rowDelimiter") or "\n",
        col=values.get("colDelimiter") or ",",
    )


# -- click glue --------------------------------------------------------------------------------
class Command(click.Command):
    """A command whose --help lists the guide's inputs first, then the common inputs, then output options."""

    def __init__(self, *args, area: str = "", example: str = "", operation: Operation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.area = area
        self.example = example
        self.operation = operation

    def format_help_text(self, ctx, formatter):
        super().format_help_text(ctx, formatter)
        if self.example:
            with formatter.section("Example"):
                formatter.write_text("\b\n" + self.example)

    def format_options(self, ctx, formatter):
        sections: dict[str, list] = {"Inputs": []}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record:
                section = "Output" if param is self.get_help_option(ctx) else SECTIONS.get(param.name, "Inputs")
                sections.setdefault(section, []).append(record)
        for title, records in sections.items():
            if records:
                with formatter.section(title):
                    formatter.write_dl(records)


def command(name: str, *, area: str, example: str = "", operation: Operation | None = None):
    """Decorator for flows and irregular operations: the common inputs, and a Session as first argument."""

    def decorate(function: Callable) -> click.Command:
        return click.command(name, cls=Command, area=area, example=example, operation=operation,
                             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
                             )(common_options(function))

    return decorate

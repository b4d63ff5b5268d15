"""Click commands built from declarations: the guide's inputs, then the options of the command's
traits, then the common inputs; --help lists them in that order, under their sections."""

from __future__ import annotations

import inspect
import os
from typing import TYPE_CHECKING

import click
from click.core import ParameterSource

from ec2ops import traits
from ec2ops.errors import InputError, Interrupted
from ec2ops.options import COMMON_NAMES, COMMON_OPTIONS, SECTIONS, Common
from ec2ops.session import Session

if TYPE_CHECKING:
    from ec2ops.spec import Operation

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Command(click.Command):
    """A command whose --help lists the guide's inputs first, then the common inputs, then output options."""

    def __init__(self, *args, area: str = "", example: str = "", operation: Operation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.area = area
        self.example = example
        self.operation = operation
        self.traits = traits.of(operation) if operation is not None else []

    def invoke(self, ctx):
        """An empty value given explicitly is bad input, not "not given" (`--service-endpoint ''`
        would go to real AWS): on the command line, and in an EC2OPS_* variable (click reads an
        empty one as unset). The guide's inputs are checked in their own words (spec.read_inputs)."""
        own = {spec.name for spec in self.operation.inputs} if self.operation else set()
        for param in self.params:
            if not isinstance(param, click.Option) or param.is_flag or param.name in own:
                continue
            value = ctx.params.get(param.name)
            if ctx.get_parameter_source(param.name) is ParameterSource.COMMANDLINE and value in ("", ("",)):
                raise InputError(f"{param.opts[0]} cannot be empty; leave it out for its default.")
            envvar = param.envvar if isinstance(param.envvar, str) else None
            if envvar and envvar.startswith("EC2OPS_") and os.environ.get(envvar) == "":
                raise InputError(f"{envvar} is set but empty; unset it for the default.")
        return super().invoke(ctx)

    def format_help_text(self, ctx, formatter):
        super().format_help_text(ctx, formatter)
        if self.example:
            with formatter.section("Example"):
                formatter.write_text("\b\n" + self.example)

    def format_epilog(self, ctx, formatter):
        """After the options, what the command prints: returnResult's columns (what --columns names,
        the JSON keys) and the outputs (what --get names)."""
        op = self.operation
        if op is not None:
            columns = op.outputs[0].columns
            if columns:
                rows = [(c.key, c.title + (" (beyond the guide: --columns, JSON)" if c.extra else ""))
                        for c in columns]
                rows += [(c.key, f"{c.title} (beyond the guide: --columns only)") for c in op.outputs[0].asked]
                if any(c.key == "tags" for c in columns) and op.table is not None:
                    rows.append(("tag:KEY", "The value of the tag KEY, or null (--columns)."))
                if op.reads:
                    rows.append(("region, profile", "Where the row comes from, with --regions or --profiles."))
                with formatter.section("Columns of returnResult (--columns)"):
                    formatter.write_dl(rows)
            outputs = [(o.name, o.help + (" (JSON, --get)" if o.extra and "--get" not in o.help else ""))
                       for o in op.outputs]
            outputs += [("requestId", "EC2's id of the request (of each, in several regions).")] * op.request_id
            outputs += [(name, "") for name in op.extra_outputs]
            if op.details:
                outputs.append(("region, profile", "With --regions or --profiles: where it was found."))
            with formatter.section("Outputs (--get NAME)"):
                formatter.write_dl(outputs)
        super().format_epilog(ctx, formatter)

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


def build(op: Operation) -> click.Command:
    """The click command of a declaration: the guide's inputs, then its traits' options, then the
    common inputs, whose values become the Session the pipeline runs with."""
    def callback(**values):
        ctx = click.get_current_context()
        typed = ctx.get_parameter_source("profile") in (ParameterSource.COMMANDLINE, ParameterSource.DEFAULT_MAP)
        common = Common.of({**{name: values.pop(name, None) for name in COMMON_NAMES}, "profile_typed": typed})
        session = Session(common)
        ctx.meta["ec2ops.session"] = session  # stdin.py: who reads stdin
        try:
            from ec2ops import pipeline  # the steps: loaded to run a command, not to list it

            pipeline.run(op, session, values)
        except KeyboardInterrupt:
            raise Interrupted("interrupted") from None

    applied = traits.of(op)
    notes = [line for line in (trait.help(op) for trait in applied) if line]
    # cleandoc first: an unindented line appended to an indented help would stop click dedenting it
    text = "\n\n".join([inspect.cleandoc(op.help), *notes])
    params = [spec.option() for spec in op.inputs] + [o for trait in applied for o in trait.options]
    params += [option for option, _ in COMMON_OPTIONS]
    return Command(op.name, callback=callback, params=params, help=text, area=op.area, example=op.example,
                   operation=op, context_settings=CONTEXT)

"""The command tree as data: every command and subcommand with its options, as the generators see it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import click

from ec2ops.cli import cli
from ec2ops.options import COMMON_OPTIONS

ROOT = Path(__file__).resolve().parent.parent.parent  # the repository: completions/, man/, README.md
HEADER = "Generated from the command line by `python -m ec2ops.docs {what}`: do not edit."


# -- what the command line declares --------------------------------------------------------------
@dataclass
class Opt:
    spellings: list[str]  # every spelling the parser accepts, e.g. --instance-id, --instanceId
    value: str | None  # None: a flag; "choice", "file" or "text": it takes a value
    choices: tuple[str, ...] = ()
    help: str = ""
    metavar: str = ""

    @property
    def offered(self) -> list[str]:
        """The spellings Tab offers: the kebab-case ones (camelCase aliases are accepted, not offered)."""
        return [s for s in self.spellings if s == s.lower()]


@dataclass
class Node:
    path: tuple[str, ...]  # () for ec2ops itself, ("sandbox", "run") for a subcommand
    command: click.Command
    ctx: click.Context
    options: list[Opt] = field(default_factory=list)
    subcommands: list[str] = field(default_factory=list)
    rest: str | None = None  # "command" (a command line, as `sandbox run -- CMD`) or "file"

    @property
    def name(self) -> str:
        return " ".join(self.path)

    def summary(self, width: int = 70) -> str:
        return short(self.command.help or self.command.short_help or "", width)


def short(text: str, width: int = 70) -> str:
    """The first sentence of a help text, without its [env: ...] and [default: ...] notes."""
    text = re.sub(r"\s*\[[^\]]*\]", "", " ".join((text or "").split()))
    sentence = re.split(r"(?<!e\.g\.)(?<!i\.e\.)(?<=[.!?])\s+", text, maxsplit=1)[0].rstrip(".")
    return sentence if len(sentence) <= width else sentence[: width - 3].rsplit(" ", 1)[0] + "..."


def describe(param: click.Parameter) -> Opt:
    if isinstance(param.type, click.Choice):
        value, choices = "choice", tuple(str(c) for c in param.type.choices)
    elif getattr(param, "is_flag", False) or getattr(param, "count", False):
        value, choices = None, ()
    elif isinstance(param.type, (click.Path, click.File)) or (param.metavar or "").upper() in ("PATH", "FILE"):
        value, choices = "file", ()
    else:
        value, choices = "text", ()
    return Opt(
        spellings=list(param.opts) + list(getattr(param, "secondary_opts", [])),
        value=value,
        choices=choices,
        help=short(getattr(param, "help", "") or ""),
        metavar=(param.metavar or param.name or "value").strip("[]").split("|")[0],
    )


def walk(command: click.Command | None = None, path: tuple[str, ...] = (), parent: click.Context | None = None):
    """Every command and subcommand, in the order --help lists them; from ec2ops itself, every
    command built from the modules that declare it (whatever ec2ops/listing.py says)."""
    if command is None:
        cli.commands.load_all()
        command = cli
    ctx = click.Context(command, info_name=path[-1] if path else "ec2ops", parent=parent, **command.context_settings)
    node = Node(path, command, ctx)
    for param in command.get_params(ctx):
        if isinstance(param, click.Option) and not param.hidden:
            node.options.append(describe(param))
        elif isinstance(param, click.Argument):
            node.rest = "command" if param.type is click.UNPROCESSED else "file"
    if isinstance(command, click.Group):
        node.subcommands = [n for n in command.list_commands(ctx) if not command.get_command(ctx, n).hidden]
    yield node
    for name in node.subcommands:
        yield from walk(command.get_command(ctx, name), path + (name,), ctx)


def common_spellings() -> list[str]:
    spellings = [s for option, _ in COMMON_OPTIONS for s in option.opts if s == s.lower()]
    return spellings + ["-h", "--help"]

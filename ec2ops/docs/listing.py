"""ec2ops/listing.py: what `ec2ops --help` lists and where each command is declared, so that the
command line knows every command without building one. Generated from the declarations (every
module of ec2ops.cli.MODULES loaded, every command built), never from the listing itself."""

from __future__ import annotations

import json

import click

from ec2ops.cli import MODULES, declared
from ec2ops.docs.tree import HEADER

DOC = '''"""What `ec2ops --help` lists, known without building a command: every command with the
module that declares it, its area, and what click makes its line in the help from (the first
paragraph of its help; short_help, hidden or deprecated when set): the installed click renders
that line, as it would from the command itself.

{header}
tests/commands/test_docs.py fails when it is stale.
"""
'''


def literal(value) -> str:
    """A Python literal: a string in double quotes as the code around it (a JSON string is one),
    split after its line breaks; True, False and None as they are."""
    if not isinstance(value, str):
        return repr(value)
    lines = value.splitlines(keepends=True)
    if len(lines) < 2:
        return json.dumps(value, ensure_ascii=False)
    return "(\n" + "".join(f"            {json.dumps(line, ensure_ascii=False)}\n" for line in lines) + "        )"


def first_paragraph(text: str) -> str:
    """The part of a help text click's short help reads, up to the first blank line, each line
    stripped: the same words on every Python (3.13 takes a docstring's indentation out, 3.12 not)."""
    return "\n".join(line.strip() for line in text.partition("\n\n")[0].splitlines() if line.strip())


def attributes(command: click.Command) -> dict:
    """What click's short help reads of a command (Command.get_short_help_str, click 8.1 and after),
    as keyword arguments of a click.Command that renders the same line."""
    found = {"help": first_paragraph(command.help)} if command.help else {}
    for name in ("short_help", "hidden", "deprecated"):
        if getattr(command, name, None):
            found[name] = getattr(command, name)
    return found


def entries() -> dict[str, tuple[str, str, dict]]:
    """name -> (module, area, attributes), in MODULES' order."""
    found: dict[str, tuple[str, str, dict]] = {}
    for module_name in MODULES:
        for command in declared(module_name):
            found.setdefault(command.name, (module_name, getattr(command, "area", ""), attributes(command)))
    return found


def listing() -> dict[str, str]:
    """ec2ops/listing.py by its name under the package."""
    lines = [DOC.format(header=HEADER.format(what="listing")),
             "# name: (module, area, click.Command's keyword arguments for its line), in ec2ops.cli.MODULES' order.",
             "COMMANDS = {"]
    for name, (module, area, attrs) in entries().items():
        lines += [f"    {literal(name)}: ({literal(module)}, {literal(area)}, {{"]
        lines += [f"        {literal(key)}: {literal(value)}," for key, value in attrs.items()]
        lines += ["    }),"]
    lines += ["}"]
    return {"listing.py": "\n".join(lines) + "\n"}

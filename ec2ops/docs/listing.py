"""ec2ops/listing.py: what `ec2ops --help` lists and where each command is declared, so that the
command line knows every command without building one. Generated from the declarations (every
module of ec2ops.cli.MODULES loaded, every command built), never from the listing itself."""

from __future__ import annotations

import json

from ec2ops.cli import MODULES, SHORT_HELP, declared
from ec2ops.docs.tree import HEADER
from ec2ops.spec import AREAS

DOC = '''"""What `ec2ops --help` lists, known without building a command: the guide's areas, and every
command with the module that declares it, its area and its line in the help.

{header}
tests/test_docs.py fails when it is stale.
"""
'''


def literal(value: str | None) -> str:
    """A Python literal, in double quotes as the code around it (a JSON string is one)."""
    return "None" if value is None else json.dumps(value, ensure_ascii=False)


def entries() -> dict[str, tuple[str, str, str | None]]:
    """name -> (module, area, short help; None for a hidden command), in MODULES' order."""
    found: dict[str, tuple[str, str, str | None]] = {}
    for module_name in MODULES:
        for command in declared(module_name):
            short = None if command.hidden else command.get_short_help_str(SHORT_HELP)
            found.setdefault(command.name, (module_name, getattr(command, "area", ""), short))
    return found


def listing() -> dict[str, str]:
    """ec2ops/listing.py by its name under the package."""
    lines = [DOC.format(header=HEADER.format(what="listing")),
             "# The guide's areas, in its order: (key, title), as ec2ops.spec.AREAS.", "AREAS = ["]
    lines += [f"    ({literal(key)}, {literal(title)})," for key, title in AREAS]
    lines += ["]", "",
              "# name: (module, area, short help; None for a hidden command), in ec2ops.cli.MODULES' order.",
              "COMMANDS = {"]
    for name, (module, area, short) in entries().items():
        lines += [f"    {literal(name)}: (", f"        {literal(module)}, {literal(area)},", f"        {literal(short)},",
                  "    ),"]
    lines += ["}"]
    return {"listing.py": "\n".join(lines) + "\n"}

"""Shell completions, man pages and the README's exit-status table, generated from the code itself.

    python -m ec2ops.docs completions [--check] [--into DIR]   # completions/ec2ops.bash, _ec2ops, ec2ops.fish
    python -m ec2ops.docs man [--check] [--into DIR]           # man/ec2ops.1 and man/ec2ops-COMMAND.1
    python -m ec2ops.docs readme [--check] [--into DIR]        # the exit-status table in README.md
    python -m ec2ops.docs listing [--check] [--into DIR]       # ec2ops/listing.py, for `ec2ops --help`
    python -m ec2ops.docs all [--check] [--into DIR]           # all four

Everything comes from ec2ops.cli.cli at run time, every command built from its declarations
(commands, their options, help, examples and choices), and from ec2ops.errors.ExitStatus, so
regenerating picks up every command. The completions are static scripts: pressing Tab starts no
Python. Nothing imports this package at start-up; the listing is what start-up reads instead of
building the commands.

tree walks the click command tree; completions and man generate from it, listing from the modules
that declare the commands; __main__ is the command.
"""

from ec2ops.docs.completions import bash, completions, fish, zsh
from ec2ops.docs.listing import listing
from ec2ops.docs.man import bold, esc, lint, man_pages
from ec2ops.docs.tree import ROOT, Node, Opt, describe, walk

# The command lives in __main__, imported on first use: importing it here would make
# `python -m ec2ops.docs` load it twice.
COMMAND = ("main", "run", "generate", "readme", "readme_table", "MARKERS")

__all__ = ["ROOT", "Node", "Opt", "bash", "bold", "completions", "describe", "esc", "fish", "lint",
           "listing", "man_pages", "walk", "zsh", *COMMAND]


def __getattr__(name: str):
    if name in COMMAND:
        from ec2ops.docs import __main__ as command

        return getattr(command, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""Printing a command's outputs: plain (the guide's own layout), table (rich) or json, or one value alone.

A result is an ordered dict of the guide's output names: returnResult first, then the
command's other outputs, then requestId. A value is None, a string, a list of strings,
or a Table.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any, TextIO

NULL = "null"  # the guide's word for an empty cell
FORMS = ("plain", "table", "json")


@dataclass
class Table:
    columns: list[tuple[str, str]]  # (EC2 field name = JSON key, the guide's column title)
    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Delimiters:
    delimiter: str = ","
    row: str = "\n"
    col: str = ","


def cell(value: Any, delimiters: Delimiters) -> str:
    if value is None or value == "" or value == []:
        return NULL
    if isinstance(value, list):
        return delimiters.delimiter.join(cell(v, delimiters) for v in value)
    return str(value)


def plain_value(value: Any, delimiters: Delimiters) -> str:
    """A value the way the guide's operation returned it: lists joined, tables delimited, null for empty."""
    if isinstance(value, Table):
        return delimiters.row.join(
            delimiters.col.join(cell(row.get(key), delimiters) for key, _ in value.columns) for row in value.rows
        )
    if isinstance(value, list):
        return delimiters.delimiter.join(cell(v, delimiters) for v in value)
    return cell(value, delimiters)


def raw_value(value: Any, delimiters: Delimiters) -> str:
    """For --get: like plain, but an absent value is empty rather than null, so `$(...)` tests work."""
    if value is None or value == []:
        return ""
    return plain_value(value, delimiters)


def jsonable(value: Any) -> Any:
    if isinstance(value, Table):
        return [{key: row.get(key) if row.get(key) != "" else None for key, _ in value.columns} for row in value.rows]
    return value


def emit(
    result: dict[str, Any],
    form: str = "plain",
    get: str | None = None,
    delimiters: Delimiters | None = None,
    stream: TextIO | None = None,
    color: bool | None = None,
) -> None:
    delimiters = delimiters or Delimiters()
    out = stream or sys.stdout
    if get is not None:
        _write(out, raw_value(result.get(get), delimiters))
    elif form == "json":
        import json  # only for this form: start-up

        out.write(json.dumps({k: jsonable(v) for k, v in result.items()}, indent=2) + "\n")
    elif form == "table":
        _rich(result, out, color, delimiters)
    else:
        _plain(result, out, delimiters)


def _write(out: TextIO, text: str) -> None:
    out.write(text if text.endswith("\n") else text + "\n")


def _plain(result: dict[str, Any], out: TextIO, delimiters: Delimiters) -> None:
    """returnResult exactly as the guide formats it, then `name: value` for each other output.

    A multi-line value (a table, a console log) follows its `name:` line, indented by two spaces.
    """
    items = iter(result.items())
    _, first = next(items, ("returnResult", None))
    text = plain_value(first, delimiters)
    if text:  # an empty table prints nothing: the guide's "empty string"
        _write(out, text)
    for name, value in items:
        text = plain_value(value, delimiters) or ("" if isinstance(value, Table) else NULL)
        if "\n" in text or isinstance(value, Table):
            out.write(f"{name}:\n")
            for line in text.splitlines():
                out.write(f"  {line}\n")
        else:
            out.write(f"{name}: {text}\n")


def _rich(result: dict[str, Any], out: TextIO, color: bool | None, delimiters: Delimiters) -> None:
    from rich.console import Console
    from rich.table import Table as RichTable

    # No colour and no other escapes (bold, italic) with NO_COLOR/--no-color; rich adds none off a terminal.
    console = Console(file=out, color_system=None if color is False else "auto", highlight=False, soft_wrap=False)
    scalars = RichTable(show_header=True, header_style="bold")
    scalars.add_column("output")
    scalars.add_column("value", overflow="fold")
    for name, value in result.items():
        if isinstance(value, Table):
            grid = RichTable(title=name, header_style="bold")
            for _, title in value.columns:
                grid.add_column(title, overflow="fold")
            for row in value.rows:
                grid.add_row(*(cell(row.get(key), delimiters) for key, _ in value.columns))
            console.print(grid)
        else:
            scalars.add_row(name, cell(value, delimiters))
    if scalars.row_count:
        console.print(scalars)

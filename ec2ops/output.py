"""Printing a command's outputs: plain (the guide's own layout), table (rich) or json, or one value alone.

A result is returnResult, then the command's other outputs, then requestId. returnResult may be
a stream of rows (a table): a printer takes it row by row (`begin`, `row`, `end`), so rows go out
as they come; a table of one answer is the case of one page. Every byte goes through one Sink,
which turns a closed pipe and a failed write into their exit statuses.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from typing import Any, TextIO

from ec2ops.errors import InputError, NotWritten, PipeClosed, TooLarge
from ec2ops.jsonout import json_cell, json_string, jsonable
from ec2ops.values import ExtraColumn, ExtraValue, Lines, Table

NULL = "null"  # the guide's word for an empty cell
FORMS = ("plain", "table", "json")
TABLE_ROWS = 10_000  # -o table is laid out whole, for people: more rows are refused, not left to run for minutes


def guide(columns: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [c for c in columns if not isinstance(c, ExtraColumn)]


def pick(columns: list[tuple[str, str]], names: list[str] | None, wide: bool) -> list[tuple[str, str]]:
    """The columns a printer shows: those --columns names, in its order (`all`: every one); else the
    guide's (plain, table), or every field with the guide's first (`wide`: JSON)."""
    if not names:
        return list(columns) if wide else guide(columns)
    if names == ["all"]:
        return list(columns)
    offered = {key: (key, title) for key, title in columns}
    missing = [name for name in names if name not in offered]
    if missing:  # region and profile: the trait checked every other name before anything was sent
        raise InputError(f"--columns: no {', '.join(missing)} column without --regions or --profiles: region is "
                         "one with either, profile with --profiles.")
    return [offered[name] for name in names]


@dataclass
class Delimiters:
    delimiter: str = ","
    row: str = "\n"
    col: str = ","

    @classmethod
    def of(cls, inputs) -> "Delimiters":
        """A command's delimiter inputs (the guide's defaults where it has none)."""
        return cls(inputs.get("delimiter") or ",", inputs.get("rowDelimiter") or "\n", inputs.get("colDelimiter") or ",")


@dataclass(frozen=True)
class Layout:
    """How a result is printed: the form, --get, the delimiters, colour, and the columns of
    returnResult to show (--columns; None: the form's own choice). A trait may change it before the
    printer is made (Trait.layout)."""

    form: str = "plain"
    get: str | None = None
    delimiters: Delimiters = field(default_factory=Delimiters)
    color: bool | None = None
    columns: tuple[str, ...] | None = None
    more: tuple = ()  # columns read from each item beyond the table's own (rows.Column: --columns tag:KEY)

    def check_get(self, names) -> None:
        """--get must name one of the command's outputs: checked before anything is sent, so that a
        typo never follows a launch or a deletion."""
        names = list(names)
        if self.get is not None and self.get not in names:
            raise InputError(f"--get {self.get}: this command's outputs are {', '.join(names)}.")


class Sink:
    """stdout as ec2ops writes it. A reader that went away (`| head`) is PipeClosed and a write that
    fails (a full disk, a closed stdout) is NotWritten: neither is an OSError, which click's own
    main() would turn into exit 1."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream
        self.last = ""  # the last character written: does the output end a line?

    def _target(self) -> TextIO:
        stream = self.stream or sys.stdout
        if stream is None:  # started with stdout closed (`>&-`)
            raise NotWritten("stdout is closed.", "stdout is closed")
        return stream

    def write(self, text: str) -> None:
        if text:
            self._guarded(lambda stream: stream.write(text))
            self.last = text[-1]

    def flush(self) -> None:
        self._guarded(lambda stream: stream.flush())

    def _guarded(self, act) -> None:
        try:
            act(self._target())
        except BrokenPipeError:
            raise PipeClosed("stdout was closed by its reader.") from None
        except (OSError, ValueError) as exc:  # ValueError: "I/O operation on closed file"
            raise _not_written(exc) from None

    def line(self, text: str) -> None:
        """`text` as one line: a newline is added unless it ends with one."""
        self.write(text if text.endswith("\n") else text + "\n")

    def isatty(self) -> bool:
        try:
            return self._target().isatty()
        except (NotWritten, ValueError, AttributeError):
            return False


def _not_written(exc: Exception) -> NotWritten:
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return NotWritten(f"stdout could not be written: {reason}.", reason)


# -- values --------------------------------------------------------------------------------------
# Characters that would end a line or drive a terminal: C0 and C1 controls, DEL, and the line and
# paragraph separators that str.splitlines() also breaks at.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
KEPT_IN_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")  # all but \t, \n and \r
NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape(text: str, lines: bool = False) -> str:
    """One value on one line: a line break or a control character from a hostile or broken endpoint
    shows as \\n, \\t, \\x1b, ... and never forges a line (`requestId: ...`) or moves a terminal's cursor."""
    pattern = KEPT_IN_LINES if lines else CONTROL
    if not pattern.search(text):
        return text
    return pattern.sub(lambda m: NAMED.get(m.group(), f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                                           else f"\\u{ord(m.group()):04x}"), text)


def say(message: str) -> None:
    """A message on stderr, `ec2ops: ...`, on one line whatever it quotes (an endpoint's text, a file name).
    A stderr that cannot be written (`2>/dev/full`, closed) loses the message, never the exit status."""
    import click  # loaded already by the command line

    try:
        click.echo(f"ec2ops: {escape(message)}", err=True)
    except (OSError, ValueError):
        pass


def warn(message: str) -> None:
    say(f"warning: {message}")


_NEEDS_QUOTES: dict[tuple[str, ...], re.Pattern] = {}


def quoted(text: str, *separators: str) -> str:
    """A field as CSV quotes it (RFC 4180), with any separator: in double quotes, a quote doubled,
    when it holds a separator, a quote, a line break, or white space at either end. Any other field
    (most: ids, names, states) is written as it is, so that the guide's layout stays as it was."""
    pattern = _NEEDS_QUOTES.get(separators)
    if pattern is None:
        pattern = _NEEDS_QUOTES[separators] = re.compile(
            "|".join([r'["\r\n]', r"\A\s", r"\s\Z"] + [re.escape(s) for s in separators if s]))
    if pattern.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def cell(value: Any, delimiters: Delimiters) -> str:
    """A value as plain text; a list's items (tags: key=value pairs in key order) joined by the
    delimiter, each quoted as a field of its own when it holds the delimiter (quoted)."""
    if value is None or value == "" or value == []:
        return NULL
    if isinstance(value, list):
        return delimiters.delimiter.join(quoted(cell(v, delimiters), delimiters.delimiter) for v in value)
    if isinstance(value, dict):
        return delimiters.delimiter.join(quoted(escape(f"{k}={v}"), delimiters.delimiter)
                                         for k, v in sorted(value.items())) or NULL
    return escape(str(value), isinstance(value, Lines))


def plain_row(row: dict, columns: list[tuple[str, str]], delimiters: Delimiters) -> str:
    """A row of returnResult: each cell one field, quoted when it would not split as one (quoted)."""
    col, end = delimiters.col, delimiters.row
    return col.join(quoted(cell(row.get(key), delimiters), col, end) for key, _ in columns)


def plain_value(value: Any, delimiters: Delimiters) -> str:
    """A value the way the guide's operation returned it: lists joined, tables delimited, null for empty."""
    if isinstance(value, Table):
        return delimiters.row.join(plain_row(row, guide(value.columns), delimiters) for row in value.rows)
    if isinstance(value, list):
        return delimiters.delimiter.join(cell(v, delimiters) for v in value)
    return cell(value, delimiters)


def raw_value(value: Any, delimiters: Delimiters) -> str:
    """For --get: like plain, but an absent value is empty rather than null, so `$(...)` tests work."""
    if isinstance(value, ExtraValue):
        value = value.value
    if value is None or value == [] or value == {}:
        return ""
    return plain_value(value, delimiters)


# -- printers: begin, row, end -------------------------------------------------------------------
class Printer:
    """One form's way of printing a result. `begin(columns)` and `row(row)` stream returnResult's
    rows; `end(outputs)` prints the rest (all of the outputs when nothing was streamed)."""

    structured = False  # a form for programs: it also carries what stderr tells people (errors)
    wide = False  # shows every field of a table by default, not only the guide's columns

    def __init__(self, sink: Sink, layout: Layout | None = None):
        layout = layout or Layout()
        self.sink, self.delimiters, self.get, self.color = sink, layout.delimiters, layout.get, layout.color
        self.picked = list(layout.columns) if layout.columns else None  # returnResult's columns to show, in order
        self.more = layout.more
        self.columns: list[tuple[str, str]] | None = None
        self.count = 0
        self.result: dict[str, Any] = {}  # what was printed, for what comes after (--wait)

    def begin(self, columns: list[tuple[str, str]]) -> None:
        """`columns`: every column the rows carry; the printer shows those picked (`pick`)."""
        self.columns = pick(columns, self.picked, self.wide)

    def row(self, row: dict) -> None:
        self.count += 1

    def flat(self, columns: tuple) -> Any:
        """What prints rows of `columns` (rows.Column) from a listing's flat items in bulk
        (client/flat.py's Flat), for a printer that can; None: every row goes through row()."""
        return None

    def shown(self, columns: tuple) -> list | None:
        """The columns of `columns` shown, in their order, once begun; None when one is not there."""
        by_key = {c.key: c for c in columns}
        shown = [by_key.get(key) for key, _ in self.columns or ()]
        return shown if shown and None not in shown and len(set(self.columns)) == len(shown) else None

    def flush(self) -> None:
        """What is printed so far reaches the reader (a page's rows, before the next page is waited for)."""
        self.sink.flush()

    def end(self, outputs: dict[str, Any]) -> None:
        self.sink.flush()

    def release(self, result: dict[str, Any]) -> None:
        """Prints what was held back, as `result` now stands (a printer that holds nothing back: nothing)."""


class PlainPrinter(Printer):
    """returnResult exactly as the guide formats it, then `name: value` for each other output. A
    multi-line value (a table, a console log) follows its `name:` line, indented by two spaces."""

    def row(self, row: dict) -> None:
        if self.get not in (None, "returnResult"):
            return
        text = plain_row(row, self.columns or [], self.delimiters)
        if self.delimiters.row == "\n":  # each line whole as it is written: a reader never waits for its end
            self.sink.write(text + "\n")
        else:
            self.sink.write(text if not self.count else self.delimiters.row + text)
        self.count += 1

    def flat(self, columns: tuple) -> Any:
        shown = self.shown(columns) if self.get in (None, "returnResult") else None
        if shown is None:
            return None
        from ec2ops import flatrows

        d = self.delimiters  # a column's cell where the item lacks it, as plain_row writes it
        return flatrows.plain(self, shown, [quoted(cell(c.value({}), d), d.col, d.row) for c in shown])

    def end(self, outputs: dict[str, Any]) -> None:
        streamed = self.columns is not None
        if self.get is not None:
            if not streamed or self.get != "returnResult":
                self.sink.line(raw_value(outputs.get(self.get), self.delimiters))
            elif not self.count or self.sink.last != "\n":
                self.sink.write("\n")
            return super().end(outputs)
        items = iter(outputs.items())
        if streamed:
            if self.count and self.sink.last != "\n":
                self.sink.write("\n")
        else:
            _, first = next(items, ("returnResult", None))
            text = plain_value(first, self.delimiters)
            if text:  # an empty table prints nothing: the guide's "empty string"
                self.sink.line(text)
        for name, value in items:
            if isinstance(value, ExtraValue):
                continue
            text = plain_value(value, self.delimiters) or NULL  # an empty table too: `attachmentSet: null`
            if "\n" in text or (isinstance(value, Table) and value.rows):
                self.sink.write(f"{name}:\n" + "".join(f"  {line}\n" for line in text.splitlines()))
            else:
                self.sink.write(f"{name}: {text}\n")
        super().end(outputs)


class JsonPrinter(Printer):
    """One JSON object, laid out as json.dumps(indent=2) would, written as the rows come. Nothing is
    written before the first row or the end, so a failure before then leaves stdout empty."""

    structured = True
    wide = True

    def begin(self, columns: list[tuple[str, str]]) -> None:
        super().begin(columns)
        self.keys = [(key, f"\n      {json_string(key)}: ") for key, _ in self.columns]

    def row(self, row: dict) -> None:
        """json_row's object, written as json.dumps(indent=2) writes it, a cell at a time."""
        cells = ",".join(f"{prefix}{json_cell(row.get(key))}" for key, prefix in self.keys)
        self.sink.write(('{\n  "returnResult": [\n    {' if not self.count else ",\n    {") +
                        (cells + "\n    }" if cells else "}"))
        self.count += 1

    def flat(self, columns: tuple) -> Any:
        shown = self.shown(columns)
        if shown is None:
            return None
        from ec2ops import flatrows

        return flatrows.json(self, shown)

    def end(self, outputs: dict[str, Any]) -> None:
        import json

        parts = []
        if self.columns is not None:
            parts.append('\n  ]' if self.count else '{\n  "returnResult": []')
        for name, value in outputs.items():
            text = json.dumps(jsonable(value), indent=2, allow_nan=False).replace("\n", "\n  ")
            parts.append(f"{',' if parts else '{'}\n  {json.dumps(name)}: {text}")
        self.sink.write("".join(parts) + ("\n}\n" if parts else "{}\n"))
        super().end(outputs)


class TablePrinter(Printer):
    """Rich tables, for people: the rows are held until the end (a table is laid out whole), at most
    TABLE_ROWS of them (rich takes about a millisecond a row)."""

    def begin(self, columns: list[tuple[str, str]]) -> None:
        super().begin(columns)
        self.rows: list[dict] = []

    def row(self, row: dict) -> None:
        if self.count == TABLE_ROWS:
            raise TooLarge(f"-o table lays out at most {TABLE_ROWS} rows, and this answer has more; "
                           f"use -o plain or -o json.")
        self.rows.append(row)
        self.count += 1

    def end(self, outputs: dict[str, Any]) -> None:
        if self.columns is not None:
            outputs = {"returnResult": Table(self.columns or [], self.rows), **outputs}
        _rich(outputs, self.sink, self.color, self.delimiters)
        super().end(outputs)


def printer(layout: Layout, sink: Sink) -> Printer:
    """--get prints one value alone whatever the form: plain's way."""
    forms = {"json": JsonPrinter, "table": TablePrinter}
    kind = PlainPrinter if layout.get is not None else forms.get(layout.form, PlainPrinter)
    return kind(sink, layout)


def print_result(show: Printer, result: dict[str, Any]) -> None:
    """A whole result: a returnResult table goes through the printer row by row, like a stream."""
    first = result.get("returnResult")
    if isinstance(first, Table):
        show.begin(first.columns)
        for row in first.rows:
            show.row(row)
        result = {k: v for k, v in result.items() if k != "returnResult"}
    show.end(result)


def _rich(result: dict[str, Any], out: Sink, color: bool | None, delimiters: Delimiters) -> None:
    from rich.console import Console
    from rich.table import Table as RichTable
    from rich.text import Text

    # Values are Text: never read as markup ([bold], [/x], [link=...]) or emoji codes (:ab:). No colour
    # and no other escapes (bold, italic) with NO_COLOR/--no-color; rich adds none off a terminal.
    console = Console(file=out, color_system=None if color is False else "auto", highlight=False, soft_wrap=False,
                      markup=False, emoji=False, width=_UNBOUNDED)
    scalars = RichTable(show_header=True, header_style="bold")
    scalars.add_column("output")
    scalars.add_column("value")
    for name, value in result.items():
        if isinstance(value, ExtraValue):
            continue
        if isinstance(value, Table):
            grid = RichTable(title=name, header_style="bold")
            # returnResult's columns were picked by the printer; a nested table shows the guide's
            shown = value.columns if name == "returnResult" else guide(value.columns)
            for _, title in shown:
                grid.add_column(title)
            for row in value.rows:
                grid.add_row(*(Text(cell(row.get(key), delimiters)) for key, _ in shown))
            _whole(console, grid)
        else:
            scalars.add_row(name, Text(cell(value, delimiters)))
    if scalars.row_count:
        _whole(console, scalars)


_UNBOUNDED = 1_000_000  # columns: wide enough for any table's natural width


def _whole(console, table) -> None:
    """A table at its natural width, on a terminal too: every value on one line, whole (rich would
    otherwise fit it to 80 columns off a terminal, folding ids and headers letter by letter)."""
    console.width = _UNBOUNDED
    console.width = max(1, console.measure(table).maximum)
    console.print(table)


def stdout_reader_gone() -> bool:
    """The reader of a pipe on stdout closed it (poll's POLLERR on the writing end), seen without
    writing a byte; never for a file, a terminal that is there, or a stdout that is no file."""
    import select

    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), 0)  # errors and hang-ups are always reported
        return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))
    except (AttributeError, OSError, ValueError):
        return False

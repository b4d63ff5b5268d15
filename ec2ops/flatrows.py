"""Rows written in bulk from a listing's flat items (client/flat.py): the printers' side of the
reader's fast lane. A cell is taken from an item's text only where the printer would print that
text as it is (plain: no quoting nor escaping; JSON: a string without escapes); the rows are the
bytes PlainPrinter.row or JsonPrinter.row write, a run of items at a time."""

from __future__ import annotations

import re
from operator import itemgetter
from typing import Any

# Printable ASCII that needs no quoting, escaping nor JSON escape, and cannot end the XML text
_SAFE = set(range(0x21, 0x7F)) - set(b'<&]"\\')
BATCH = 256  # rows written at once


def simple(column: Any) -> bool:
    """A column whose cell is its item's child `key` as it is (text, or null when empty or absent)."""
    return not column.many and column.convert is None and (column.path or column.key) == column.key \
        and "/" not in column.key


class Rows:
    """flat.Flat for a printer: the rows of `columns`, in the order shown. Each row is `open`, the
    cells (each after its `before`) separated by `between`, then `close`; rows are separated by
    `sep`, the first of all printed after `first`. A column whose cell is its child's text as it is
    has a pattern of such texts in `cells` (with the quote around them); one read otherwise (a list,
    a typed value) has None, and is printed only when its child is absent: its cell is then the same
    in every row (`absent`)."""

    def __init__(self, printer: Any, columns: list, cells: list[tuple[bytes | None, str]], absent: list[str],
                 before: list[str], between: str, open: str, close: str, sep: str, first: str):
        self.printer = printer
        self.keys = tuple(c.key if p else c.head for c, (p, _) in zip(columns, cells))
        self.cells = {c.key: p for c, (p, _) in zip(columns, cells) if p}
        self.simple = frozenset(self.cells)
        self.whole = frozenset(c.head for c, (p, _) in zip(columns, cells) if not p)
        self.absent = [b.encode() + a.encode() for b, a in zip(before, absent)]
        self.before, self.quotes = [b.encode() for b in before], [q.encode() for _, q in cells]
        self.between, self.open, self.close = between.encode(), open.encode(), close.encode()
        self.sep, self.first = sep.encode(), first.encode()
        self.formats: dict[tuple, tuple] = {}
        self.count = 0  # rows written

    def rows(self, layout: tuple[int | None, ...], found: list, count: int) -> None:
        if not count:
            return
        made = self.formats.get(layout)
        if made is None:
            made = self.formats[layout] = self._format(layout)
        fixed, around, order, fmt = made
        sep, printer = self.sep, self.printer
        for start in range(0, count, BATCH):  # a batch at a time: the text of a page's rows is never whole
            cells = found[start:start + BATCH]
            lead = sep if printer.count else self.first
            if fixed is not None:  # no cell from the items: the same row each time
                text = lead + sep.join([fixed] * len(cells))
            elif fmt is None:  # one cell: what is around it is the same in every row
                text = lead + around[0] + (around[1] + sep + around[0]).join(cells) + around[1]
            else:
                text = lead + sep.join(map(fmt.__mod__, cells if order is None else map(order, cells)))
            printer.sink.write(text.decode())
            printer.count += len(cells)
            self.count += len(cells)

    def _format(self, layout: tuple[int | None, ...]) -> tuple:
        """(the row, when it has no cell of the items; else the text before and after its one cell;
        else the order of the cells in a match and the row as a %-format)."""
        groups = [g for g in layout if g is not None]
        parts = [a if g is None else b + q + b"\0" + q
                 for g, a, b, q in zip(layout, self.absent, self.before, self.quotes)]
        row = self.open + self.between.join(parts) + self.close
        if not groups:
            return row, None, None, None
        if len(groups) == 1:
            return None, tuple(row.split(b"\0")), None, None
        fmt = row.replace(b"%", b"%%").replace(b"\0", b"%s")
        return None, None, None if groups == sorted(groups) else itemgetter(*groups), fmt


def _safe(banned: str = "") -> bytes:
    """A text printed as it is: printable ASCII but for `banned`, no white space at either end."""
    one = b"[" + b"".join(re.escape(bytes([c])) for c in sorted(_SAFE - set(banned.encode()))) + b"]"
    return one + b"(?:[ " + one[1:] + b"*" + one + b")?"


def plain(printer: Any, columns: list, absent: list[str]) -> Rows | None:
    """PlainPrinter.row's lines: a cell's text as EC2 sent it, typed or not; `absent`, each column's
    cell where an item lacks it. None for delimiters that are not text (bytes of the command line
    that are not UTF-8): those rows go one by one."""
    d = printer.delimiters
    lines = d.row == "\n"  # each row ends its line; another row delimiter goes between rows
    try:
        return Rows(printer, columns, [(_safe(d.col + d.row) if simple(c) else None, "") for c in columns], absent,
                    [""] * len(columns), d.col, "", "\n" if lines else "", "" if lines else d.row, "")
    except UnicodeEncodeError:
        return None


def json(printer: Any, columns: list) -> Rows:
    """JsonPrinter.row's objects: a text as a JSON string, a number or a boolean written as EC2 wrote it."""
    from ec2ops.jsonout import json_cell, json_string

    safe = _safe()
    cells = [(None, "") if not simple(c) else (c.as_written, "") if c.typed else (safe, '"') for c in columns]
    return Rows(printer, columns, cells, [json_cell(c.value({})) for c in columns],
                [f"\n      {json_string(c.key)}: " for c in columns], ",", "{", "\n    }", ",\n    ",
                '{\n  "returnResult": [\n    ')

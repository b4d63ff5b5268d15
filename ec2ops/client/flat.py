"""A fast lane through a listing's flat items, for a printer that shows only a table's columns.

expat calls Python for each element's start and end: two elements an item (a volume id) are four
calls, ~2 us, more than the rest of the row. Most items of a listing are flat (each child a text
or empty), and runs of them share one shape (the same children, in the same order): a run of such
items is matched by one regular expression made for its shape, its printed cells gathered by
findall, and the rows made from them in bulk by the printer (a `Flat`), without a dict, a string
or a Python call per item. What is not a plain flat item (nested, non-ASCII, an entity, CDATA, a
comment, a cell that would be quoted or escaped) goes to expat and its handlers as before.

expat still reads every byte, so the answer is checked as XML exactly as before: a run the lane
took is fed to it as blanks (each byte a space, line breaks kept: errors report the same line and
column), character data it ignores between the list's items. The lane matches only what expat
would accept and read into the very values the handlers would build (an element's text byte for
byte; empty: None), so the rows are the ones the printer would have made of the items' dicts.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterator, Protocol

_W = rb"[ \t\r\n]*"  # XML's white space
_NAME = rb"[A-Za-z_][A-Za-z0-9_.\-]*"  # a name without a prefix, ASCII
# Text expat reads as it is: ASCII without markup (<), references (&) or a CDATA end (]]>: no ])
_TEXT = rb"[\t\n\r\x20-\x25\x27-\x3b\x3d-\x5c\x5e-\x7e]*"
_CHILD = rb"<" + _NAME + _W + rb"(?:/>|>" + _TEXT + rb"</" + _NAME + _W + rb">)"
_ONE = re.compile(_W + rb"<item" + _W + rb">(?:" + _W + _CHILD + rb")+" + _W + rb"</item" + _W + rb">")
_CHILDREN = re.compile(rb"<(" + _NAME + rb")" + _W + rb"(?:/>|>(" + _TEXT + rb")</(" + _NAME + rb")" + _W + rb">)")
_BLANK = bytes(c if c in b"\t\n\r" else 0x20 for c in range(256))
_ENCODING = re.compile(rb"\A(?:\xef\xbb\xbf)?[ \t\r\n]*<\?xml[^>]*?encoding[ \t\r\n]*=[ \t\r\n]*[\"']([^\"']*)")
_END = b"</item>"
HELD = 1 << 20  # bytes held back at most, waiting for the rest of an item
SHAPES = 256  # shapes remembered at most
RUN = 128  # items matched at once at most
MISSES = 4  # items of a piece the lane cannot print, one after another, before expat reads the rest of it


class Flat(Protocol):
    """The printer's side: what it prints of an item, and the rows it writes from their cells."""

    keys: tuple[str, ...]  # the children printed, in the order of the row's cells
    simple: frozenset[str]  # those printed as their text (or their empty value when empty)
    whole: frozenset[str]  # children a printed cell reads otherwise: an item with one is not taken
    cells: dict[str, bytes]  # for each of `simple`, a pattern of the texts printed as they are

    def rows(self, layout: tuple[int | None, ...], found: list, count: int) -> None:
        """`count` rows: cell i is group layout[i] of each of `found` (findall's), or its value
        for an absent child (None)."""


class _Shape:
    def __init__(self, one: bytes, layout: tuple[int | None, ...]):
        # at most RUN items a match: the engine keeps a place to go back to for each item of a match
        self.one, self.run, self.layout = re.compile(one), re.compile(b"(?:%s){1,%d}" % (one, RUN)), layout


def fits(first: bytes) -> bool:
    """The lane reads bytes as ASCII: for a document in UTF-8 (declared, or by default) only."""
    if first[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return False
    declared = _ENCODING.match(first)
    return declared is None or declared.group(1).lower() == b"utf-8"


class Lane:
    """Feeds an answer to expat, taking the runs of flat items it can print itself. `position()`
    says whether expat stands between the items of the list (the root's name) or not (None);
    `hand(write)` runs `write`, which prints rows, as the reader hands an item on."""

    def __init__(self, flat: Flat, position: Callable[[], str | None], hand: Callable[[Callable[[], None]], None]):
        self.flat, self.position, self.hand = flat, position, hand
        self.shapes: dict[tuple, _Shape | None] = {}
        self.last: _Shape | None = None

    def feed(self, parser: Any, pieces: Iterator[bytes]) -> None:
        held = b""
        for piece in pieces:
            held = self._take(parser, held + piece if held else piece)
        if held:
            parser.Parse(held, False)
        parser.Parse(b"", True)

    def _take(self, parser: Any, data: bytes) -> bytes:
        """Feeds `data`, but for the end of it that may begin an item: returned, to go with the next piece."""
        cut = data.rfind(_END)
        cut = cut + len(_END) if cut >= 0 else 0
        at, misses = 0, 0
        while True:
            if self.position() is not None:
                taken = self._runs(parser, data, at, cut)
                misses, at = 0 if taken > at else misses + 1, taken
                if at >= cut:
                    if len(data) - at <= HELD:
                        return data[at:]
                    parser.Parse(data[at:], False)
                    return b""
                if misses > MISSES:  # items the lane cannot print, one after another: expat reads on at once
                    parser.Parse(data[at:], False)
                    return b""
            end = data.find(_END, at, cut)  # what the lane did not take: expat reads on to an item's end
            if end < 0:
                parser.Parse(data[at:], False)
                return b""
            end += len(_END)
            parser.Parse(data[at:end], False)
            at = end

    def _runs(self, parser: Any, data: bytes, at: int, cut: int) -> int:
        """The runs of items of one shape from `at`, each printed and fed as blanks: where they end."""
        while at < cut:
            shape = self.last
            run = shape.run.match(data, at, cut) if shape is not None else None
            if run is None:
                one = _ONE.match(data, at, cut)
                shape = self._shape(one.group()) if one is not None else None
                run = shape.run.match(data, at, cut) if shape is not None else None
                if run is None:
                    return at
                self.last = shape
            end = run.end()
            self.hand(lambda: self._print(shape, data, at, end))
            text = parser.CharacterDataHandler  # blanks between the list's items: no text to keep
            parser.CharacterDataHandler = None
            parser.Parse(data[at:end].translate(_BLANK), False)
            parser.CharacterDataHandler = text
            at = end
        return at

    def _print(self, shape: _Shape, data: bytes, at: int, end: int) -> None:
        found = shape.one.findall(data, at, end)
        self.flat.rows(shape.layout, found, len(found))

    def _shape(self, item: bytes) -> _Shape | None:
        """The shape of an item (its children's names, and whether each printed one has text), made
        into a pattern once; None when the lane cannot print such an item."""
        flat, key = self.flat, []
        for tag, text, end in _CHILDREN.findall(item):
            if end and end != tag:
                return None  # a mismatched tag: expat says so
            name = tag.decode()
            key.append((name, bool(text)) if name in flat.simple or name in flat.whole else (name, None))
        key = tuple(key)
        if key not in self.shapes:
            if len(self.shapes) >= SHAPES:
                self.shapes.clear()
            self.shapes[key] = _compile(key, flat)
        return self.shapes[key]


def _compile(key: tuple, flat: Flat) -> _Shape | None:
    printed = [name for name, text in key if text is not None]
    if len(printed) != len(set(printed)) or any(name in flat.whole for name in printed):
        return None  # read twice, or otherwise than as a text: the handlers build such an item
    parts, groups = [_W, b"<item", _W, b">"], []
    for name, text in key:
        tag = re.escape(name.encode())
        if text is None:  # not printed: any text, or none
            parts += [_W, b"<", tag, _W, b"(?:/>|>", _TEXT, b"</", tag, _W, b">)"]
        elif text:
            parts += [_W, b"<", tag, _W, b">(", flat.cells[name], b")</", tag, _W, b">"]
            groups.append(name)
        else:  # empty: None, as when absent
            parts += [_W, b"<", tag, _W, b"(?:/>|></", tag, _W, b">)"]
    parts += [_W, b"</item", _W, b">"]
    return _Shape(b"".join(parts), tuple(groups.index(k) if k in groups else None for k in flat.keys))

"""An answer's items made rows: the elements a Describe lists (Items, read from a whole answer
or a page as it is read), EC2's typed fields, and the columns of a table (Column), each cell read
from its item once, by a path split once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from ec2ops.client import document
from ec2ops.values import TypedText


@dataclass(frozen=True)
class Items:
    """The elements an answer lists, at `path`; `explode` turns one element into several rows
    (a reservation into its instances), keeping every field EC2 sent."""

    path: str
    explode: Callable[[dict], Iterable[dict]] | None = None
    # What of an element `explode` reads, given what of a row is read (a Keep of the row's fields):
    # without it, an element exploded is always read whole
    keeps: Callable[[dict], dict] | None = None

    def keep(self, columns: Iterable["Column"]) -> dict | None:
        """What of an element is read to make rows of `columns` (document.Keep), or None: all of it."""
        row = {column.head: None for column in columns}
        if "/" in self.path:  # rows inside the list's items: kept whole
            return None
        if self.explode is None:
            return row
        return self.keeps(row) if self.keeps else None

    def of(self, body: Any) -> Iterator[dict]:
        for element in document.walk(body, self.path):
            if isinstance(element, dict):
                yield from (self.explode(element) if self.explode else (element,))

    def each(self, answer: Any, one: Callable[[dict], Any], keep: dict | None = None, flat: Any = None) -> None:
        """The rows of an answer (a Response, or a Page read as it is used) to `one`, in order,
        until it returns False; of a Page, only what `keep` names is read (Items.keep), and the
        flat items `flat` prints are printed by it (client/flat.py)."""
        explode = self.explode
        if explode is None:
            answer.each(self.path, one, keep, flat)
        else:
            answer.each(self.path, lambda element: all(one(row) is not False for row in explode(element)), keep)


def _boolean(text: str) -> bool:
    return {"true": True, "false": False}[text.strip().lower()]


def _percent(text: str) -> int | float:
    number = float(text.strip().rstrip("%"))
    return int(number) if number.is_integer() else number


# EC2's integer and boolean fields (botocore's service model agrees; tests/pipeline/test_json.py checks it),
# by element name, and progress ("80%"), a number of percent: JSON numbers and booleans. Plain
# output keeps EC2's text, as the guide printed it.
TYPES: dict[str, Callable[[str], Any]] = {
    "size": int, "volumeSize": int, "iops": int, "amiLaunchIndex": int, "fromPort": int, "toPort": int,
    "throughput": int, "availableIpAddressCount": int,
    "progress": _percent,
    "isPublic": _boolean, "deleteOnTermination": _boolean, "encrypted": _boolean, "return": _boolean,
    "isDefault": _boolean, "defaultForAz": _boolean, "mapPublicIpOnLaunch": _boolean,
    "assignIpv6AddressOnCreation": _boolean,
}


# The texts of a kind whose JSON value is written as the text itself ("8", "true"; not "08" nor "True")
AS_WRITTEN: dict[Callable[[str], Any], bytes] = {int: rb"(?:0|-?[1-9][0-9]{0,17})", _boolean: rb"(?:true|false)"}


def typed(path: str, value: Any) -> Any:
    """EC2's text for the field at `path`, carrying its JSON type; kept as it is when it does not parse."""
    return _typed(TYPES.get(path.rsplit("/", 1)[-1]), value)


def _typed(kind: Callable[[str], Any] | None, value: Any) -> Any:
    if kind is None or value is None or value == "":
        return value
    if isinstance(value, list):
        return [_typed(kind, v) for v in value]
    try:
        return TypedText(str(value), kind(str(value)))
    except (KeyError, ValueError):
        return value


@dataclass(frozen=True)
class Column:
    key: str  # the EC2 field name: the JSON key
    title: str  # the guide's column name: the table header
    path: str | None = None  # where in the row's element; defaults to `key`
    many: bool = False  # a list in one cell, joined by the `delimiter` input
    convert: Callable[[Any], Any] | None = None
    extra: bool = False  # a field beyond the guide's columns: in JSON rows and --columns, not in plain or table

    def __post_init__(self):  # a table of 20,000 rows reads each column's path 20,000 times: split it once
        path = self.path or self.key
        object.__setattr__(self, "_parts", tuple(path.split("/")))
        object.__setattr__(self, "_kind", TYPES.get(path.rsplit("/", 1)[-1]))

    @property
    def typed(self) -> bool:
        """Its value carries a JSON type (a number, a boolean), not only EC2's text."""
        return self._kind is not None

    @property
    def as_written(self) -> bytes | None:
        """A pattern of the texts whose JSON value is written as the text (AS_WRITTEN), when typed."""
        return AS_WRITTEN.get(self._kind)

    @property
    def head(self) -> str:
        """The child of the row the cell is read from (all of it: a convert may read any of it)."""
        return self._parts[0]

    def value(self, row: Any) -> Any:
        parts = self._parts
        if self.many:
            value = list(document.walk(row, self.path or self.key))
        elif len(parts) == 1 and isinstance(row, dict):  # most cells: a text child of the item
            value = row.get(parts[0])
            if isinstance(value, (dict, list)):  # a list (or an element) to step into
                value = document.first_of(row, parts)
        else:
            value = document.first_of(row, parts)
        return _typed(self._kind, self.convert(value) if self.convert else value)


def table_row(columns: tuple[Column, ...], item: dict) -> dict:
    return {c.key: c.value(item) for c in columns}


def tags(tag_set: list) -> dict[str, str]:
    """The items of EC2's tagSet as {key: value}; {} when there are none."""
    pairs = (t for t in tag_set if isinstance(t, dict) and isinstance(t.get("key"), str))
    return {t["key"]: t.get("value") if isinstance(t.get("value"), str) else "" for t in pairs}


TAGS = Column("tags", "Tags", path="tagSet", many=True, convert=tags, extra=True)


TAG_COLUMN = "tag:"  # --columns tag:KEY: a column per tag key


def tag_column(tag: str, key: str | None = None, title: str | None = None) -> Column:
    """The value of the item's tag `tag`, or null when it has none: `--columns tag:KEY` (key and title
    tag:KEY), or a table's own column (a VPC's Name)."""
    name = f"{TAG_COLUMN}{tag}"
    return Column(key or name, title or name, path="tagSet", many=True, convert=lambda pairs: tags(pairs).get(tag),
                  extra=key is None)

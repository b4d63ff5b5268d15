"""What a result holds beyond plain text and numbers: a table of rows, a value as the guide prints it
that JSON writes typed, a text of several lines, and what goes beyond the guide's outputs. Plain
data, read by every printer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Table:
    columns: list[tuple[str, str]]  # (EC2 field name = JSON key, the guide's column title)
    rows: list[dict[str, Any]] = field(default_factory=list)


class ExtraColumn(tuple):
    """(key, title) of a field beyond the guide's columns: JSON rows carry it and --columns may pick
    it, but plain and table show only the guide's columns unless asked (their positions are a
    contract for `cut`)."""


@dataclass(frozen=True)
class ExtraValue:
    """The value of an output beyond the guide's (a details command's extra field, spec.Output.extra):
    JSON and --get show it; plain and table keep the guide's outputs, their layout a contract."""

    value: Any


class TypedText(str):
    """A value as the guide prints it (plain, table, --get), which JSON writes as EC2 typed it: a
    number, a boolean, or a timestamp as EC2 sent it (ISO 8601 with its offset)."""

    json: Any

    def __new__(cls, text: str, json: Any):
        value = super().__new__(cls, text)
        value.json = json
        return value


class Lines(str):
    """A text of several lines (a console log, a private key): plain output keeps its line breaks."""

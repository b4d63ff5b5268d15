"""JSON as ec2ops writes it: typed values as their type, an empty scalar null, a list a list; and
json.dumps(indent=2)'s text written by hand for a row's values, since json's own encoder is pure
Python, and slow, once it indents."""

from __future__ import annotations

import math
from typing import Any

from ec2ops.values import ExtraValue, Table, TypedText


def for_json(value: Any) -> Any:
    """JSON's one rule: typed values as their type, an empty scalar null (NaN and the infinities too),
    a list a list ([] when empty)."""
    if isinstance(value, ExtraValue):
        return for_json(value.value)
    if isinstance(value, TypedText):
        value = value.json
    if isinstance(value, list):
        return [for_json(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):  # a progress of "nan%": JSON has no NaN
        return None
    return None if value == "" else value


def json_row(row: dict, columns: list[tuple[str, str]]) -> dict:
    return {key: for_json(row.get(key)) for key, _ in columns}


def json_text(value: Any, newline: str = "\n") -> str:
    """json.dumps(value, indent=2), each line break followed by `newline`'s indentation: written here
    for the values of a row (text, numbers, booleans, null, and lists and objects of them), since
    json's own encoder is pure Python, and slow, once it indents."""
    if isinstance(value, str):
        return json_string(value)
    if value is None or isinstance(value, bool):
        return "null" if value is None else ("true" if value else "false")
    if isinstance(value, (int, float)):
        if isinstance(value, int):
            return int.__repr__(value)
        return float.__repr__(value) if math.isfinite(value) else "null"  # JSON has no NaN nor Infinity
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        if not value:
            return "{}"
        inner = newline + "  "
        return "{" + ",".join(f"{inner}{json_string(k)}: {json_text(v, inner)}" for k, v in value.items()) + newline + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        inner = newline + "  "
        return "[" + ",".join(inner + json_text(v, inner) for v in value) + newline + "]"
    import json

    return json.dumps(value, indent=2, allow_nan=False).replace("\n", newline)


def json_cell(value: Any) -> str:
    """A cell of a row as JSON: for_json's rule, then json_text, with text (most cells) written at once."""
    if value is None or value == "":
        return "null"
    if type(value) is str:
        return json_string(value)
    return json_text(for_json(value), "\n      ")


def json_string(text: str) -> str:
    global _encode_string
    if _encode_string is None:
        from json.encoder import encode_basestring_ascii  # C: what json.dumps uses; loaded for JSON only

        _encode_string = encode_basestring_ascii
    return _encode_string(text)


_encode_string = None


def jsonable(value: Any) -> Any:
    if isinstance(value, Table):
        return [json_row(row, value.columns) for row in value.rows]
    return for_json(value)

"""What --debug shows of a request and its answer: the secrets EC2 sends back masked, user data
masked with its size shown, and an endpoint's control characters escaped, so that a trace neither
leaks a key nor drives the terminal."""

from __future__ import annotations

import re

# Secrets in an answer: a new key pair's private key, an instance's user data (a template's, read by
# run-instances-from-template), STS's temporary keys (a role assumed), whatever the tag's form (attributes, a namespace prefix); an element
# never closed (a cut answer) is masked to the end.
MASKED_ANSWER = re.compile(r"(<(?:[^\s<>/!?]+:)?(keyMaterial|userData|SecretAccessKey|SessionToken)(?:\s[^<>]*)?>)(.*?)"
                           r"(</(?:[^\s<>/!?]+:)?\2\s*>|\Z)", re.S)
MASKED_LENGTH = {"UserData"}  # parameters masked, their size shown: scripts that often hold secrets
# Escaped as plain output escapes them: controls that would drive a terminal, DEL, C1 and the line
# separators; an answer keeps its tabs and line feeds (XML laid out on lines), a parameter none.
_CONTROL_IN_ANSWER = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_IN_PARAM = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_VALUE = re.compile(r"<(?:[^\s<>/]+:)?value(?:\s[^<>]*)?>([^<]*)<")


def mask_answer(text: str) -> str:
    """An answer as --debug shows it."""
    def masked(found: re.Match) -> str:
        inner = found.group(3)
        if found.group(2) == "userData":  # <userData><value>base64</value></userData>
            value = _VALUE.search(inner)
            return f"{found.group(1)}*** ({decoded_size((value.group(1) if value else inner).strip())} bytes)" \
                   f"{found.group(4)}"
        return f"{found.group(1)}***{found.group(4)}"

    return _escaped(MASKED_ANSWER.sub(masked, text), _CONTROL_IN_ANSWER)


def one_line(value: str) -> str:
    """A parameter's value as --debug shows it: on one line, control characters escaped."""
    return _escaped(value, _CONTROL_IN_PARAM)


def decoded_size(value: str) -> int:
    """The size of base64-encoded user data once decoded (what the user gave), else of the text."""
    import base64
    import binascii

    try:
        return len(base64.b64decode(value, validate=True))
    except (binascii.Error, ValueError):
        return len(value.encode("utf-8"))


def _escaped(text: str, pattern: re.Pattern) -> str:
    return pattern.sub(lambda m: _NAMED.get(m.group()) or (f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                                                          else f"\\u{ord(m.group()):04x}"), text)

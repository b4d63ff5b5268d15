"""EC2's XML answers as plain dicts, independent of the namespace EC2 or a look-alike declares."""

from __future__ import annotations

import re
from typing import Any, Iterator

from ec2ops.errors import Ec2Error, EndpointError

_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)")
# EC2's deepest answers (an instance's network interfaces' addresses) are about 15 levels deep. Deeper is
# hostile: 2,000 levels would overflow Python's stack in whatever walks the tree later.
MAX_DEPTH = 100


def parse(content: bytes, endpoint: str) -> tuple[str, dict]:
    """Returns (root element name, its content). Anything that is not an EC2 document ends in EndpointError."""
    import xml.parsers.expat

    head = content[:2048].removeprefix(b"\xef\xbb\xbf").lstrip()  # a UTF-8 byte order mark is still XML
    if not head.startswith(b"<"):
        raise EndpointError(f"{endpoint} answered something that is not XML ({_peek(content)}).")
    if b"<!DOCTYPE" in content[:4096].upper() or _DTD.search(content):
        # EC2 never sends a DTD: an HTML page from a proxy, or an entity-expansion bomb. Looked for in
        # the whole body, since comments may push a DTD past any prefix we would look at.
        raise EndpointError(f"{endpoint} answered an HTML page or an XML document with a DTD, not EC2 XML.")
    import xmltodict

    try:
        # item is EC2's list element: always a list, even of one. Attributes carry only xmlns.
        doc = xmltodict.parse(content, force_list=("item",), xml_attribs=False, disable_entities=True,
                              expat=_BoundedExpat(xml.parsers.expat))
    except _TooDeep:
        raise EndpointError(f"{endpoint} answered XML nested deeper than {MAX_DEPTH} levels, not EC2 XML.") from None
    # ValueError: xmltodict >= 1.0 refuses entities; LookupError: an encoding Python does not know.
    except (xml.parsers.expat.ExpatError, ValueError, LookupError) as exc:
        raise EndpointError(f"{endpoint} answered XML that could not be read ({exc}).") from None
    if not isinstance(doc, dict) or len(doc) != 1:
        raise EndpointError(f"{endpoint} answered an empty or malformed XML document.")
    root, body = next(iter(doc.items()))
    root = root.split(":")[-1]
    if root.lower() == "html":
        raise EndpointError(f"{endpoint} answered an HTML page, not EC2 XML.")
    return root, body if isinstance(body, dict) else {}


def raise_for_error(root: str, body: dict, request_id: str | None, http_status: int,
                    endpoint: str = "The endpoint") -> None:
    """EC2's <Response><Errors><Error>, the <ErrorResponse><Error> of IAM-style services, or the
    <ErrorResponse><Errors><Error> moto answers when it checks signatures. An error document whose
    error, code, message or request id is not text is not EC2's: EndpointError."""
    if root == "Response" and "Errors" in body:
        error, request_id = (items(body.get("Errors"), "Error") or [None])[0], request_id or body.get("RequestID")
    elif root == "ErrorResponse":
        error = body.get("Error") or (items(body.get("Errors"), "Error") or [None])[0]
        request_id = request_id or body.get("RequestId")
    else:
        return
    fields = (error.get("Code"), error.get("Message"), request_id) if isinstance(error, dict) else (0,)
    if not all(field is None or isinstance(field, str) for field in fields):
        raise EndpointError(f"{endpoint} answered HTTP {http_status} with a malformed error document, not EC2 XML.")
    raise Ec2Error(error.get("Code") or "", error.get("Message") or "", request_id, http_status)


def items(node: Any, key: str | None = None) -> list:
    """The elements of an EC2 list (`<x><item/>...</x>`), or of a repeated element; [] when absent."""
    if key is not None:
        node = node.get(key) if isinstance(node, dict) else None
    if node is None:
        return []
    if isinstance(node, dict) and set(node) == {"item"}:
        node = node["item"]
    return node if isinstance(node, list) else [node]


def walk(node: Any, path: str) -> Iterator[Any]:
    """Every value at `path` ("a/b/c"), stepping into each item of the lists on the way."""
    if not path:
        yield node
        return
    head, _, rest = path.partition("/")
    for element in items(node, head) if isinstance(node, dict) else []:
        if rest:
            yield from walk(element, rest)
        elif element is not None:
            yield element


def elements(node: Any, path: str) -> list[dict]:
    """The elements (not text) at `path`: what a hook can .get() from, whatever shape the answer has."""
    return [element for element in walk(node, path) if isinstance(element, dict)]


def first(node: Any, path: str) -> Any:
    """The first value at `path`, or None: walk's first, stepping through plain elements directly (a
    table of 2,000 instances reads 30,000 cells: no generator per cell) and into lists through walk."""
    parts = path.split("/") if path else ()
    for i, part in enumerate(parts):
        if not isinstance(node, dict):
            return None
        child = node.get(part)
        if isinstance(child, list) or (isinstance(child, dict) and len(child) == 1 and "item" in child):
            return next(walk(node, "/".join(parts[i:])), None)
        if child is None:
            return None
        node = child
    return node


class _TooDeep(Exception):
    pass


class _BoundedExpat:
    """The expat module as xmltodict uses it, with parsers that count the depth as elements open and
    stop past MAX_DEPTH: before the tree is built, whatever the size of the answer."""

    def __init__(self, expat):
        self._expat = expat

    def __getattr__(self, name):
        return getattr(self._expat, name)

    def ParserCreate(self, *args, **kwargs):  # noqa: N802 - expat's name
        return _BoundedParser(self._expat.ParserCreate(*args, **kwargs))


class _BoundedParser:
    """The handlers' closures hold the depth, not this wrapper: no reference cycle keeps the parser
    (and its buffers) alive after the answer is read, until the garbage collector comes by."""

    def __init__(self, parser):
        object.__setattr__(self, "_parser", parser)
        object.__setattr__(self, "_depth", [0])

    def __getattr__(self, name):
        return getattr(self._parser, name)

    def __setattr__(self, name, value):
        depth = self._depth
        if name == "StartElementHandler":
            def start(*args, _handler=value):
                depth[0] += 1
                if depth[0] > MAX_DEPTH:
                    raise _TooDeep
                return _handler(*args)
            value = start
        elif name == "EndElementHandler":
            def end(*args, _handler=value):
                depth[0] -= 1
                return _handler(*args)
            value = end
        setattr(self._parser, name, value)


def _peek(content: bytes) -> str:
    text = content[:60].decode("utf-8", "replace").replace("\n", " ").strip()
    return repr(text) if text else "an empty body"

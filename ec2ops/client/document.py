"""EC2's XML answers as plain dicts, independent of the namespace EC2 or a look-alike declares."""

from __future__ import annotations

import re
from typing import Any, Callable, Iterator

from ec2ops.errors import Ec2Error, EndpointError

_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)")
# EC2's deepest answers (an instance's network interfaces' addresses) are about 15 levels deep. Deeper is
# hostile: 2,000 levels would overflow Python's stack in whatever walks the tree later.
MAX_DEPTH = 100


def parse(content: bytes, endpoint: str) -> tuple[str, dict]:
    """Returns (root element name, its content). Anything that is not an EC2 document ends in EndpointError."""
    doc = _read(content, endpoint, _BoundedExpat())
    if not isinstance(doc, dict) or len(doc) != 1:
        raise EndpointError(f"{endpoint} answered an empty or malformed XML document.")
    root, body = next(iter(doc.items()))
    return _root(root, endpoint), body if isinstance(body, dict) else {}


def stream(content: bytes | list[bytes], endpoint: str, list_key: str, each: Callable[[dict], Any],
           action: str | None = None) -> tuple[str, dict]:
    """An answer read as parse() reads it, except the items of the list `list_key` (a child of the
    root): each goes to `each` as soon as it is read, and none is kept, so that an answer of any
    size takes the memory of one item (a list of pieces is emptied as it is read). `each` returns
    False to stop reading (the rest of the body is then what was read before). The answer to
    another action than `action` is EndpointError before any item is handed on. Returns (root
    element name, the rest of its content)."""
    rest: dict = {}
    failed: list[BaseException] = []

    def one(path, item) -> bool:
        parent, name = path[1][0], path[2][0]
        if parent == list_key and name == "item":
            found = _root(path[0][0], endpoint)
            if action is not None and found != f"{action}Response":
                raise EndpointError(not_its_answer(endpoint, action, found))
            try:
                return each(item) is not False
            except Exception as exc:  # the reader's own failure (a closed pipe), not the XML's
                failed.append(exc)
                raise _Stopped from None
        node = rest.get(parent)
        if not isinstance(node, dict):  # another element of the root, with children: kept as parse() keeps it
            node = rest[parent] = {}
        _push(node, name, item)
        return True

    expat = _BoundedExpat(top=rest, skip=list_key)
    try:
        _read(content, endpoint, expat, item_depth=3, item_callback=one)
    except _Stopped:
        if failed:
            raise failed[0] from None
    finally:
        expat.release()
    if not expat.root:
        raise EndpointError(f"{endpoint} answered an empty or malformed XML document.")
    return _root(expat.root, endpoint), rest


def _read(content: bytes | list[bytes], endpoint: str, expat: "_BoundedExpat", **streaming) -> Any:
    """xmltodict's reading of an answer checked to be XML without a DTD, in the parser that bounds
    its depth; every way it can fail is EndpointError. `content` is the answer's bytes, or the
    pieces it arrived in (a page), each let go of as it is read."""
    start = (b"".join(content[:2]) if isinstance(content, list) else content)[:4096]
    if not start[:2048].removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<"):  # a byte order mark is still XML
        raise EndpointError(f"{endpoint} answered something that is not XML ({_peek(start)}).")
    if b"<!DOCTYPE" in start.upper():
        raise EndpointError(_WITH_DTD.format(endpoint=endpoint))
    import xml.parsers.expat

    import xmltodict

    try:
        # item is EC2's list element: always a list, even of one. Attributes carry only xmlns.
        return xmltodict.parse(_fed(content, endpoint), force_list=("item",), xml_attribs=False,
                               disable_entities=True, expat=expat, **streaming)
    except xmltodict.ParsingInterrupted:
        raise _Stopped from None
    except _TooDeep:
        raise EndpointError(f"{endpoint} answered XML nested deeper than {MAX_DEPTH} levels, not EC2 XML.") from None
    # ValueError: xmltodict >= 1.0 refuses entities; LookupError: an encoding Python does not know.
    except (xml.parsers.expat.ExpatError, ValueError, LookupError) as exc:
        raise EndpointError(f"{endpoint} answered XML that could not be read ({exc}).") from None


# EC2 never sends a DTD: an HTML page from a proxy, or an entity-expansion bomb. Looked for in the whole
# body, each piece before expat reads it, since comments may push a DTD past any prefix we would look at.
_WITH_DTD = "{endpoint} answered an HTML page or an XML document with a DTD, not EC2 XML."


def _pieces(content: bytes | list[bytes], size: int = 64 * 1024) -> Iterator[bytes]:
    """The answer a slice at a time (given all at once, expat's own buffer grows with it); a list of
    pieces (a page) is emptied as it is fed, so that a page read is let go of while the next arrives."""
    if isinstance(content, list):
        content.reverse()
        while content:
            yield content.pop()
    else:
        for start in range(0, len(content), size):
            yield content[start:start + size]


def _fed(content: bytes | list[bytes], endpoint: str) -> Iterator[bytes]:
    """What expat reads: the answer's pieces, each looked at for a DTD before expat sees it (one split
    between two pieces too)."""
    carry = b""
    for piece in _pieces(content):
        if _DTD.search(carry + piece[:16]) or _DTD.search(piece):
            raise EndpointError(_WITH_DTD.format(endpoint=endpoint))
        carry = piece[-16:]
        yield piece


def not_its_answer(endpoint: str, action: str, root: str) -> str:
    """A proxy's cache or a broken endpoint answered with another action's document."""
    return f"{endpoint} answered {action} with a {root} document, not its answer."


def _root(name: str, endpoint: str) -> str:
    name = name.split(":")[-1]
    if name.lower() == "html":
        raise EndpointError(f"{endpoint} answered an HTML page, not EC2 XML.")
    return name


def _push(node: dict, name: str, value: Any) -> None:
    """A child added to an element as xmltodict adds it: a repeated name makes a list, item is always one."""
    if name in node:
        if isinstance(node[name], list):
            node[name].append(value)
        else:
            node[name] = [node[name], value]
    else:
        node[name] = [value] if name == "item" else value


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
    return first_of(node, tuple(path.split("/")) if path else ())


def first_of(node: Any, parts: tuple[str, ...]) -> Any:
    """first(), with the path already split."""
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


class _Stopped(Exception):
    """`each` asked for no more items."""


class _BoundedExpat:
    """The expat module as xmltodict uses it, with a parser that counts the depth as elements open
    and stops past MAX_DEPTH: before the tree is built, whatever the size of the answer. With `top`
    (stream), it also keeps the text of the root's children that have none (requestId, nextToken),
    which xmltodict's streaming mode reads past, in `top`; `skip` is the list streamed."""

    def __init__(self, top: dict | None = None, skip: str | None = None):
        self.top, self.skip, self.root = top, skip, None
        self.parser = None

    def release(self) -> None:
        """The parser's handlers let go of it (streaming, they switch its text handler: a cycle that
        would keep the parser and its buffers until the garbage collector came by)."""
        if self.parser is not None:
            for handler in ("StartElementHandler", "EndElementHandler", "CharacterDataHandler"):
                setattr(self.parser, handler, None)
            self.parser = None

    def __getattr__(self, name):
        import xml.parsers.expat

        return getattr(xml.parsers.expat, name)

    def ParserCreate(self, *args, **kwargs):  # noqa: N802 - expat's name
        import xml.parsers.expat

        parser = xml.parsers.expat.ParserCreate(*args, **kwargs)
        if self.top is not None:
            self.parser = parser
        return _BoundedParser(parser, self)


class _BoundedParser:
    """The handlers' closures hold the state, not this wrapper: no reference cycle keeps the parser
    (and its buffers) alive after the answer is read, until the garbage collector comes by."""

    def __init__(self, parser, owner: _BoundedExpat):
        object.__setattr__(self, "_parser", parser)
        # [depth, the xmltodict text handler, text of the root's child being read, whether it has children]
        object.__setattr__(self, "_state", [0, None, [], False])
        object.__setattr__(self, "_owner", owner)

    def __getattr__(self, name):
        return getattr(self._parser, name)

    def __setattr__(self, name, value):
        state, parser, owner = self._state, self._parser, self._owner
        top = owner.top
        if name == "ordered_attributes":
            return  # attributes are ignored (xml_attribs=False): a dict of them costs less than a list
        if name == "CharacterDataHandler":
            state[1] = value
        elif name == "StartElementHandler" and top is None:
            def start(*args, _handler=value):
                state[0] += 1
                if state[0] > MAX_DEPTH:
                    raise _TooDeep
                return _handler(*args)
            value = start
        elif name == "StartElementHandler":
            def start(name, attrs, _handler=value):
                depth = state[0] = state[0] + 1
                if depth > MAX_DEPTH:
                    raise _TooDeep
                if depth <= 3:
                    if depth == 1:
                        owner.root = name
                    elif depth == 2:  # a child of the root: its text is read here
                        state[2], state[3] = [], False
                        parser.CharacterDataHandler = state[2].append
                    else:
                        state[3] = True
                        parser.CharacterDataHandler = state[1]
                return _handler(name, attrs)
            value = start
        elif name == "EndElementHandler" and top is not None:
            def end(name, _handler=value):
                if state[0] == 2:
                    text = "".join(state[2]).strip() or None
                    if not state[3] and name != owner.skip:
                        _push(top, name, text)
                    parser.CharacterDataHandler = state[1]
                state[0] -= 1
                return _handler(name)
            value = end
        elif name == "EndElementHandler":
            def end(*args, _handler=value):
                state[0] -= 1
                return _handler(*args)
            value = end
        setattr(parser, name, value)


def _peek(content: bytes) -> str:
    text = content[:60].decode("utf-8", "replace").replace("\n", " ").strip()
    return repr(text) if text else "an empty body"

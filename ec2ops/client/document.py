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
    handlers, read, _, _ = _builder()
    _read(content, endpoint, handlers)
    doc = read()
    if not isinstance(doc, dict) or len(doc) != 1:
        raise EndpointError(f"{endpoint} answered an empty or malformed XML document.")
    root, body = next(iter(doc.items()))
    return _root(root, endpoint), body if isinstance(body, dict) else {}


def stream(content: bytes | list[bytes], endpoint: str, list_key: str, each: Callable[[dict], Any],
           action: str | None = None, keep: Keep | None = None, flat: Any = None) -> tuple[str, dict]:
    """An answer read as parse() reads it, except the items of the list `list_key` (a child of the
    root): each goes to `each` as soon as it is read, and none is kept, so that an answer of any
    size takes the memory of one item (a list of pieces is emptied as it is read). `each` returns
    False to stop reading (the rest of the body is then what was read before). The answer to
    another action than `action` is EndpointError before any item is handed on. With `keep`, an
    item holds only the children `keep` names (see Keep): the others are read past, never built.
    With `flat` (a printer's flat.Flat), the runs of flat items it can print are printed by it at
    once, not handed to `each` (client/flat.py). Returns (root element name, the rest of its
    content)."""
    rest: dict = {}
    failed: list[BaseException] = []
    root: str | None = None  # its name, once an element has ended
    checked = False  # whether the root was checked to be the answer to `action`

    # The root's children and grandchildren as xmltodict's streaming (item_depth=3) left them, which
    # the callers were written against: a grandchild's text is not stripped and has no '#text'.
    def top(open_elements: list, name: str, node: dict | None, text: str | None) -> Any:
        nonlocal root, checked
        depth = len(open_elements) + 1
        root = open_elements[0][2] if open_elements else name
        if depth == 3:
            parent, item = open_elements[1][2], node if node is not None else text
            if parent == list_key and name == "item":
                if not checked:
                    check(root)
                try:
                    going = each(item) is not False
                except Exception as exc:  # the reader's own failure (a closed pipe), not the XML's
                    failed.append(exc)
                    raise _Stopped from None
                if not going:
                    raise _Stopped
            else:
                kept = rest.get(parent)
                if not isinstance(kept, dict):  # another element of the root, with children: kept as parse() keeps it
                    kept = rest[parent] = {}
                _push(kept, name, item)
            return _HANDED
        if depth == 2 and node is None and name != list_key:  # requestId, nextToken
            _push(rest, name, (text.strip() or None) if text else text)
        return None

    def check(name: str) -> None:
        """The root, before the first item is handed on: the answer to `action`."""
        nonlocal checked
        found, checked = _root(name, endpoint), True
        if action is not None and found != f"{action}Response":
            raise EndpointError(not_its_answer(endpoint, action, found))

    handlers, _, bind, position = _builder(top, 3, keep, list_key)
    lane = None
    if flat is not None:
        from ec2ops.client.flat import Lane

        def hand(write: Callable[[], None]) -> None:
            nonlocal root
            if not checked:
                root = position()
                check(root)
            try:
                write()
            except Exception as exc:  # as `each`'s: the reader's own failure
                failed.append(exc)
                raise _Stopped from None

        lane = Lane(flat, position, hand)
    try:
        _read(content, endpoint, handlers, bind, lane)
    except _Stopped:
        if failed:
            raise failed[0] from None
    if root is None:
        raise EndpointError(f"{endpoint} answered an empty or malformed XML document.")
    return _root(root, endpoint), rest


_HANDED = object()  # what stands, in its parent, for an element handed on while streaming

# What of a streamed item is built: {child name: None (the child whole) or a Keep (the child with
# only those of its children)}; "*" stands for every name not listed. A child it does not name is
# read past without being built: a printer that shows 15 of an instance's 100 elements reads the
# rest of the XML, but makes no dict, list or string of it.
Keep = dict
_SKIP = object()


def _builder(top: Callable | None = None, floor: int = 0, keep: Keep | None = None, list_key: str | None = None
             ) -> tuple[tuple[Callable, Callable, Callable], Callable, Callable, Callable]:
    """expat's handlers, building the dicts xmltodict built (force_list=("item",), xml_attribs=False),
    except that a value is kept as EC2 sent it: an element without children keeps its text byte for
    byte (spaces at both ends too: a key pair may be named ' spaced key '), unless that text is
    whitespace holding a line break (indentation); text beside children is stripped. None for an
    empty element, a repeated name a list, item always a list, the text
    beside children as '#text'. They count the depth as elements open and stop past MAX_DEPTH,
    before anything is built. Returns ((start, end, text) handlers, a function that returns the root
    as {name: its content} once read). With `top` (streaming), the elements `floor` levels deep or
    less are not built into their parents: each goes, as it ends, to top(the elements still open,
    each (_, _, its name, _) from the root; its name; its children or None; its text, unstripped, or
    None), whose answer stands for it in its parent. Text comes in pieces (expat hands on what
    each piece fed holds): an element's are joined when it ends. With `keep`, an item of the list
    `list_key` holds only what `keep` names: the rest is read past (the handlers swapped for two
    that only count the depth, and no text handler), never built. The third function returned is
    given the parser once it is made: it is the one whose handlers are swapped. The fourth says
    where the reader stands: between the items of the list `list_key` (the root's name), or not (None)."""
    stack: list = []  # per open element: (its parent's children so far, where its parent's text starts, its name,
    # the Keep its parent's children were held to)
    texts: list[str] = []  # the open elements' text; an element's is what follows its mark once its children end
    children: dict | None = None  # the children of the element being read
    mark = 0
    spec: Keep | None = None  # what the children of the element being read are held to (None: all)
    parser: Any = None
    skipped = 0  # elements open in the subtree being read past

    def start(name: str, attrs: dict) -> None:
        nonlocal children, mark, spec, skipped
        if spec is not None:
            sub = spec[name] if name in spec else spec.get("*", _SKIP)
            if sub is _SKIP:
                skipped = 1
                if len(stack) >= MAX_DEPTH:
                    raise _TooDeep
                parser.StartElementHandler, parser.EndElementHandler = skip_start, skip_end
                parser.CharacterDataHandler = None
                return
        elif keep is not None and len(stack) == 2 and name == "item" and stack[1][2] == list_key:
            sub = keep
        else:
            sub = None
        stack.append((children, mark, name, spec))
        if len(stack) > MAX_DEPTH:
            raise _TooDeep
        children, mark, spec = None, len(texts), sub

    def skip_start(name: str, attrs: dict) -> None:
        nonlocal skipped
        skipped += 1
        if len(stack) + skipped > MAX_DEPTH:
            raise _TooDeep

    def skip_end(name: str) -> None:
        nonlocal skipped
        skipped -= 1
        if not skipped:
            parser.StartElementHandler, parser.EndElementHandler = start, end
            parser.CharacterDataHandler = texts.append

    def position() -> str | None:
        return stack[0][2] if len(stack) == 2 and stack[1][2] == list_key else None

    def bind(made: Any) -> None:
        nonlocal parser
        parser = made

    def end(name: str) -> None:
        nonlocal children, mark, spec
        count = len(texts) - mark
        if not count:
            text = None
        elif count == 1:
            text = texts.pop()
        else:
            text = "".join(texts[mark:])
            del texts[mark:]
        node = children
        if node is None and spec is not None and (text is None or text.isspace()):
            node = {}  # an item whose children were all read past is still an item (its columns are null)
        children, mark, _, spec = stack.pop()
        if len(stack) < floor:
            children = top(stack, name, node, text)
            if children is not None:  # handed on: its parent's own text is never used
                del texts[mark:]
            return
        if node is not None:  # text beside children is EC2's indentation, or mixed content: stripped
            text = text.strip() if text else None
            if text:
                node["#text"] = text
            text = node
        elif text is not None and text.isspace() and ("\n" in text or "\r" in text):
            text = None  # an element without children laid out on lines of its own (an empty list): no value
        if children is None:
            children = {name: [text] if name == "item" else text}
        elif name in children:
            known = children[name]
            if known.__class__ is list:
                known.append(text)
            else:
                children[name] = [known, text]
        else:
            children[name] = [text] if name == "item" else text

    # texts.append itself reads the text: no Python frame per piece
    return (start, end, texts.append), lambda: children, bind, position


def _read(content: bytes | list[bytes], endpoint: str, handlers: tuple[Callable, Callable, Callable],
          bind: Callable | None = None, lane: Any = None) -> None:
    """The answer checked to be XML without a DTD, read by expat into _builder's handlers;
    every way it can fail is EndpointError. `content` is the answer's bytes, or the pieces it arrived
    in (a page), each let go of as it is read."""
    first = (b"".join(content[:2]) if isinstance(content, list) else content)[:4096]
    if not first[:2048].removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<"):  # a byte order mark is still XML
        raise EndpointError(f"{endpoint} answered something that is not XML ({_peek(first)}).")
    if b"<!DOCTYPE" in first.upper():
        raise EndpointError(_WITH_DTD.format(endpoint=endpoint))
    import xml.parsers.expat

    # What xmltodict.parse set up: no namespace processing (a name is read as written, prefix and
    # all), attributes ignored (EC2's carry only xmlns), every entity declaration refused.
    parser = xml.parsers.expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = handlers
    parser.EntityDeclHandler = _no_entities
    if bind is not None:
        bind(parser)
    if lane is not None:
        from ec2ops.client.flat import fits

        lane = lane if fits(first) else None
    try:
        if lane is not None:
            lane.feed(parser, _fed(content, endpoint))
        else:
            for piece in _fed(content, endpoint):
                parser.Parse(piece, False)
            parser.Parse(b"", True)
    except _TooDeep:
        raise EndpointError(f"{endpoint} answered XML nested deeper than {MAX_DEPTH} levels, not EC2 XML.") from None
    # ValueError: an entity declared; LookupError: an encoding Python does not know.
    except (xml.parsers.expat.ExpatError, ValueError, LookupError) as exc:
        raise EndpointError(f"{endpoint} answered XML that could not be read ({exc}).") from None


def _no_entities(*declaration: Any) -> None:
    """An entity declared in a DTD (one past the DTD check) is refused as xmltodict >= 1.0 refused it."""
    raise ValueError("entities are disabled")


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
    """`each` asked for no more items, or failed."""


def _peek(content: bytes) -> str:
    text = content[:60].decode("utf-8", "replace").replace("\n", " ").strip()
    return repr(text) if text else "an empty body"

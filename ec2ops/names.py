"""Names where ids go: where an instance, volume or image id goes, a value that is not an id is the
Name tag of one, looked up with one read call per kind (seen in --debug) before the command's own
call. No match is EC2's not-found, in the guide's style (exit 1; in a run over several regions, a
region without it); more than one is bad input (exit 2) listing them. Values read from stdin are
names only when none of them is an id: a pipe of ids is checked as ids, as it always was."""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from ec2ops import resources
from ec2ops.client import document
from ec2ops.errors import GUIDE_MESSAGES, Ec2Error, InputError
from ec2ops.rows import tags

NAMED = (resources.INSTANCE, resources.VOLUME, resources.IMAGE)
# What an id looks like, of any kind (or digits alone, or an id's hex alone): such a value is checked as an
# id, never looked up.
ID_PREFIXES = ("i-", "ami-", "aki-", "ari-", "vol-", "snap-", "sg-", "bun-", "r-", "vpc-", "subnet-", "eni-",
               "eipalloc-", "eipassoc-", "igw-", "rtb-", "acl-", "key-", "lt-", "fs-")
ID_WITHOUT_PREFIX = re.compile(r"(?=.*\d)[0-9a-f]{8}(?:[0-9a-f]{9})?")  # 61a54008: an id that lost its prefix
# How the guide would say it (its not-found messages' words and codes), for a name.
WORDS = {"instance": ("instance", "instances"), "volume": ("volume", "volumes"), "image": ("AMI", "AMIs")}


def is_name(value: Any) -> bool:
    text = value.strip() if isinstance(value, str) else ""
    return bool(text) and not (text.startswith(ID_PREFIXES) or text.isdigit() or ID_WITHOUT_PREFIX.fullmatch(text))


def takes_names(spec: Any) -> bool:
    """Whether an input (spec.Input) takes an instance, volume or image id, which a name may stand for."""
    return spec.id_resource in NAMED and not spec.flag


class NameNotFound(Ec2Error):
    """No resource has the Name tag given: EC2's not-found, in words that say it was a name (the
    guide's would call it an id)."""

    def in_guide_words(self, given) -> "NameNotFound":
        return self


def not_found(resource: resources.Resource, missing: list[str], request_id: str | None) -> NameNotFound:
    one, many = WORDS[resource.kind]
    quoted = ", ".join(missing)
    text = (f"The {many} named '{quoted}' do not exist" if len(missing) > 1
            else f"The {one} named '{quoted}' does not exist")
    code = next(m.code for m in GUIDE_MESSAGES if m.parameters[:1] == (resource.id_param,) and
                m.code.endswith(".NotFound"))
    return NameNotFound(code, text, request_id)


def wanted(specs: Iterable, inputs: Mapping) -> dict:
    """The inputs (spec.Input) given names, with those names."""
    found: dict = {}
    for spec in specs:
        value = inputs.get(spec.name)
        if takes_names(spec) and value:
            named = [v for v in (value if isinstance(value, list) else [value]) if is_name(v)]
            if named:
                found[spec] = named
    return found


def resolved(specs: Iterable, inputs: Mapping, lookups: Any) -> dict[str, Any]:
    """The inputs given names, each name replaced by the id of what bears it, read with `lookups`
    (session.Lookups): one Describe per kind of resource."""
    names = wanted(specs, inputs)
    if not names:
        return {}
    ids: dict[tuple[str, str], str] = {}
    for resource in dict.fromkeys(spec.id_resource for spec in names):
        asked = list(dict.fromkeys(n.strip() for spec, given in names.items() if spec.id_resource is resource
                                   for n in given))
        answer = lookups.read(resource.describe, {"Filter.1.Name": "tag:Name",
                                                  **{f"Filter.1.Value.{i}": n for i, n in enumerate(asked, 1)}})
        bearers: dict[str, list[str]] = {}
        for item in document.elements(answer.body, resource.list_path):
            name = tags(document.items(item, "tagSet")).get("Name")
            if name in asked:
                bearers.setdefault(name, []).append(item.get(resource.id_key))
        missing = [n for n in asked if not bearers.get(n)]
        if missing:
            raise not_found(resource, missing, answer.request_id)
        for name in asked:
            if len(bearers[name]) > 1:
                raise InputError(f"The name '{name}' is on {len(bearers[name])} {WORDS[resource.kind][1]}: "
                                 f"{', '.join(bearers[name])}; give one of their ids.")
            ids[(resource.kind, name)] = bearers[name][0]
    changed: dict[str, Any] = {}
    for spec in names:
        value = inputs[spec.name]
        swap = (lambda v: ids[(spec.id_resource.kind, v.strip())] if is_name(v) else v)
        changed[spec.name] = [swap(v) for v in value] if isinstance(value, list) else swap(value)
    return changed


def check(spec: Any, values: list[str], from_stdin: bool = False) -> list[str]:
    """An id input's values checked as ids, but for names (kept as they are, to be looked up):
    from stdin, only when every value is a name."""
    if not spec.check:
        return values
    if not takes_names(spec) or (from_stdin and not all(is_name(v) for v in values)):
        return [spec.check(v) for v in values]
    return [v if is_name(v) else spec.check(v) for v in values]

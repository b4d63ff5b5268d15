"""Each trait touches a run only through its hooks: walked over every trait and every command it
applies to, each hook is called with a real Session, and no code outside ec2ops/session.py may set
an attribute of a Session meanwhile; the query, the call and the layout a hook gets are never
changed in place (a hook returns what it changes)."""

from __future__ import annotations

import copy
import io
import dataclasses
import os
import sys

import httpx
import pytest
import respx

from conftest import ACCESS_KEY_ID, SECRET_KEY, ec2_xml
from ec2ops import output, traits
from ec2ops.cli import cli
from ec2ops.options import Common
from ec2ops.session import Call, Run, Session
from ec2ops.spec import Inputs

URL = "https://ec2.us-east-1.amazonaws.com/"
REGIONS = ec2_xml("DescribeRegions", "<regionInfo><item><regionName>us-east-1</regionName>"
                                     "<regionEndpoint>ec2.us-east-1.amazonaws.com</regionEndpoint></item></regionInfo>")
SESSION_MODULE = os.path.join("ec2ops", "session.py")
# Options as an operator gives them, for each trait's every option: each hook then has work to do.
GIVEN = {"wait": True, "wait_timeout": 1.0, "wait_interval": 0.01, "dry_run": True, "filters": ("state=ok",),
         "tags": ("Name=web",), "page_size": 5, "max_items": 3, "regions": "us-east-1", "profiles": None,
         "max_concurrency": 2, "columns": "all"}


def _operations():
    commands = cli.commands.load_all()
    return [(trait, command.operation) for trait in traits.TRAITS for command in commands.values()
            if getattr(command, "operation", None) is not None and trait.applies(command.operation)]


@pytest.fixture
def sealed(monkeypatch):
    """A Session whose attributes only ec2ops/session.py's own code may set (its lazy client)."""
    def guarded(self, name, value):
        where = sys._getframe(1).f_code.co_filename
        if not where.endswith(SESSION_MODULE):
            raise AssertionError(f"{where} set Session.{name}: a trait acts through its hooks")
        object.__setattr__(self, name, value)

    monkeypatch.setattr(Session, "__setattr__", guarded)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    return Session(Common(service_endpoint=URL))


@respx.mock
@pytest.mark.parametrize("trait,op", _operations(), ids=lambda x: getattr(x, "name", ""))
def test_a_trait_touches_the_run_only_through_its_hooks(trait, op, sealed):
    respx.post(URL).mock(return_value=httpx.Response(200, text=REGIONS))
    if isinstance(trait, traits.OneRegion):  # its options are there only to be refused
        assert trait.read({"regions": None, "profiles": None}, {}) is None
        return
    state = trait.read({o.name: GIVEN.get(o.name) for o in trait.options}, {"delimiter": ","})
    before = dict(vars(sealed))

    params = {"InstanceId.1": "i-1"}
    trait.query(op, state, params)
    assert params == {"InstanceId.1": "i-1"}

    call = Call("RunInstances", {"ImageId": "ami-1"})
    sent = []
    trait.around_call(op, state, call, lambda c: sent.append(c) or "answer")
    assert call == Call("RunInstances", {"ImageId": "ami-1"}) and len(sent) == 1

    layout = output.Layout()
    assert trait.layout(op, state, layout) is not None and layout == output.Layout()
    trait.outputs(op, state)
    trait.limit(op, state)
    spread = trait.targets(op, state, sealed)
    result = {"returnResult": []}
    run = Run(op, sealed, Inputs({}), {trait: state})
    printer = output.PlainPrinter(output.Sink(io.StringIO()))
    assert trait.printer(run, state, printer) is not None
    assert trait.after(run, state, copy.deepcopy(result)) == result
    assert vars(sealed).keys() == before.keys()
    assert all(vars(sealed)[name] is value for name, value in before.items() if name != "_client")
    if spread is not None:
        assert [t.region for t in spread.targets] == ["us-east-1"] and spread.workers == 2


def test_every_trait_is_walked():
    """The walk above covers every trait the package declares."""
    assert {trait for trait, _ in _operations()} == set(traits.TRAITS)


def test_the_guard_catches_a_trait_that_sets_a_session_attribute(sealed):
    """The walk's guard is real: code outside session.py that sets an attribute fails."""
    with pytest.raises(AssertionError, match=r"set Session\.dry_run: a trait acts through its hooks"):
        sealed.dry_run = True
    assert dataclasses.is_dataclass(Call)


def test_the_run_holds_the_secret_flags_as_secrets():
    """A debug print or a hook that shows the session's settings never shows a secret given as a flag."""
    from ec2ops.options import COMMON_NAMES

    common = Common.of({name: None for name in COMMON_NAMES} | {"access_key": SECRET_KEY, "session_token": "tok3n"})
    shown = [repr(common), str(common), f"{common}", repr(Session(common).common)]
    assert all(SECRET_KEY not in text and "tok3n" not in text for text in shown)
    assert common.access_key.reveal() == SECRET_KEY and not common.key_from_stdin
    assert Common.of({"access_key": "-"}).key_from_stdin

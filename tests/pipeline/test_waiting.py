"""--wait on every command that starts a state change: polling, backoff, progress and timeouts."""

import io

import httpx
import pytest
import respx

from conftest import ec2_xml, sent_params
from ec2ops import waiting
from ec2ops.resources import VOLUME
from ec2ops.cli import cli
from ec2ops.errors import OperationFailed

URL = "https://ec2.us-east-1.amazonaws.com/"
WAITING_COMMANDS = {
    "run-instances": "running", "run-instances-from-template": "running", "start-instance": "running",
    "stop-instance": "stopped", "terminate-instance": "terminated", "restart-instance": "running",
    "create-volume": "available", "attach-volume": "attached", "detach-volume": "available",
    "create-snapshot": "completed", "create-shared-snapshot": "completed", "register-image": "available",
    "bundle-windows-instance": "complete",
}


@pytest.mark.parametrize("name,target", WAITING_COMMANDS.items())
def test_commands_that_start_a_change_take_wait(name, target):
    command = cli.commands[name]
    flags = {flag for param in command.params for flag in param.opts}
    assert {"--wait", "--wait-timeout", "--wait-interval"} <= flags
    assert f"is {target}." in command.help


def test_read_only_commands_do_not_take_wait():
    for name in ("describe-instances", "enumerate-regions", "get-volume-details", "ec2-dashboard"):
        assert "--wait" not in {f for p in cli.commands[name].params for f in p.opts}


def bundle_state(state):
    return httpx.Response(200, text=ec2_xml("DescribeBundleTasks", f"""<bundleInstanceTasksSet><item>
        <instanceId>i-12345678</instanceId><bundleId>bun-c1a540a8</bundleId><state>{state}</state>
        <progress>70%</progress></item></bundleInstanceTasksSet>"""))


BUNDLED = ec2_xml("BundleInstance", """<bundleInstanceTask><instanceId>i-12345678</instanceId>
    <bundleId>bun-c1a540a8</bundleId><state>bundling</state><startTime>2008-10-07T11:41:50.000Z</startTime>
    <progress>70%</progress></bundleInstanceTask>""")


@respx.mock
def test_bundle_waits_until_complete(offline):
    route = respx.post(URL).mock(side_effect=[httpx.Response(200, text=BUNDLED), bundle_state("bundling"),
                                              bundle_state("storing"), bundle_state("complete")])
    run = offline("bundle-windows-instance", "--instance-id", "i-12345678", "--storage-bucket", "b",
                  "--storage-prefix", "p", "--wait", "--wait-interval", "0.01")
    assert run.code == 0, run.err
    assert run.out.splitlines()[0] == "bun-c1a540a8" and route.call_count == 4
    assert sent_params(route.calls[3].request) == {"Action": "DescribeBundleTasks", "Version": "2016-11-15",
                                                   "BundleId.1": "bun-c1a540a8"}


@respx.mock
def test_bundle_that_fails_ends_the_wait(offline):
    respx.post(URL).mock(side_effect=[httpx.Response(200, text=BUNDLED), bundle_state("failed")])
    run = offline("bundle-windows-instance", "--instance-id", "i-12345678", "--storage-bucket", "b",
                  "--storage-prefix", "p", "--wait")
    assert run.code == 1 and "bun-c1a540a8 (failed) cannot become complete" in run.err


def test_register_image_waits_on_moto(ec2ops):
    run = ec2ops("register-image", "--image-location", "/bucket/web.manifest.xml", "--wait", "--wait-interval",
                 "0.05", "--debug")
    assert run.code == 0, run.err
    assert "Action=DescribeImages" in run.err.split(">>> POST ")[-1]


class FakeSession:
    def __init__(self, answers):
        self.answers = list(answers)
        self.calls = 0

    def call(self, action, params):
        self.calls += 1
        state = self.answers.pop(0)
        body = {"volumeSet": {"item": [{"volumeId": "vol-1", "status": state}]}}
        return type("Response", (), {"body": body})


def test_backoff_grows_and_progress_shows_on_a_terminal(monkeypatch):
    pauses = []
    err = io.StringIO()
    err.isatty = lambda: True
    monkeypatch.setattr("sys.stderr", err)
    session = FakeSession(["creating"] * 4 + ["available"])
    waiting.wait_for(session, VOLUME, "available", ["vol-1"], timeout=100, interval=1, sleep=pauses.append)
    assert pauses == [1, 1.5, 2.25, 3.375]
    assert "waiting for volume(s) to be available: vol-1 (creating)" in err.getvalue()
    assert err.getvalue().rstrip().endswith("1 volume(s) available")


def test_resource_not_visible_yet_keeps_waiting():
    class NotYet(FakeSession):
        def call(self, action, params):
            from ec2ops.errors import Ec2Error

            if not self.raised:
                self.raised = True
                raise Ec2Error("InvalidVolume.NotFound", "The volume 'vol-1' does not exist.")
            return super().call(action, params)

    session = NotYet(["available"])
    session.raised = False
    waiting.wait_for(session, VOLUME, "available", ["vol-1"], 10, 0.01,
                     sleep=lambda s: None)
    assert session.raised and session.calls == 1 and session.answers == []


def test_timeout_names_what_did_not_get_there():
    session = FakeSession(["creating"] * 100)
    with pytest.raises(OperationFailed, match=r"Timed out after 0s waiting for volume\(s\) to be available: "
                                              r"vol-1 \(creating\)"):
        waiting.wait_for(session, VOLUME, "available", ["vol-1"], 0, 1,
                         sleep=lambda s: None)

"""Every shell example of the README runs, as written, against the sandbox: so that none can rot.

Each code block is run as one bash script (`set -e -o pipefail`) in a directory of its own, on a
sandbox reset and staged for it (an image, instances, a volume, key pairs, a group), with the
README's placeholders filled: ami-0abc1234 and $AMI are the staged image, i-0abc1234 and
i-0def5678 the staged instances, vol-0abc1234 a volume attached to the first, $vpc and $lb_group
the default VPC and a group in it. A crontab line runs its command (cron's `\\%` read as `%`),
and must print nothing on stdout: cron would mail it. What cannot run here is listed in SKIPPED
with the reason; the test counts the commands each block reached and fails on any that fails."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import EC2OPS, ec2_client, env_for

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
SHELLS = ("", "sh", "bash", "shell", "console")  # an indented block, or a fence in one of these

# The commands that do not run here (a part of the line that names them -> why), each found.
SKIPPED = {
    ".venv/bin/python -m pytest -q": "the test suite itself (run by .ci/run)",
    "pip install .  ": "installs the package (the tests run in the venv it made)",
    "pip install '.[sandbox]'  #": "installs the package (the tests run in the venv it made)",
    "man ec2ops  ": "needs a non-editable install (man -l is run)",
    "man ec2ops-run-instances  ": "needs a non-editable install (man -l is run)",
    "python -m ec2ops.docs all": "rewrites the checkout's generated files (tests/commands/test_docs.py checks them)",
    "ec2ops sandbox --port 5000    ": "runs in the foreground until Ctrl-C (the background recipe is run)",
    "python benchmarks/": "takes minutes (benchmarks/RESULTS.md)",
    "AWS_WEB_IDENTITY_TOKEN_FILE=/tmp/oidc-token": "needs a CI's OIDC token and STS (tests/client/"
                                                   "test_credential_sources.py runs this setup against a fake STS)",
}
# The installation before a quick start's command: done already, by the venv the tests run in.
INSTALLED = re.compile(r"python3 -m venv \.venv && \.venv/bin/pip install -q -e '[^']*' && ")
CRON = re.compile(r"^((?:[\d*/,-]+\s+){5})(\S.*)$")


@dataclass
class Block:
    line: int  # where it starts in the README
    text: str


def blocks(text: str) -> list[Block]:
    """The README's shell examples: indented code blocks (after a blank line) and shell fences."""
    lines, found, i = text.split("\n"), [], 0
    while i < len(lines):
        fence = re.match(r"\s*```(\w*)", lines[i])
        if fence:
            end = next(j for j in range(i + 1, len(lines)) if lines[j].strip().startswith("```"))
            if fence.group(1) in SHELLS:
                found.append(Block(i + 1, "\n".join(lines[i + 1:end])))
            i = end + 1
            continue
        indent = re.match(r"( {4,})\S", lines[i])
        if indent and (i == 0 or not lines[i - 1].strip()):
            pad, body = indent.group(1), []
            while i < len(lines) and (lines[i].startswith(pad) or (not lines[i].strip() and i + 1 < len(lines)
                                                                 and lines[i + 1].startswith(pad))):
                body.append(lines[i][len(pad):])
                i += 1
            found.append(Block(i - len(body) + 1, "\n".join(body)))
            continue
        i += 1
    return found


def commands(text: str) -> list[list[str]]:
    """A block's commands, each its lines (a pipe, a `\\`, `&&` or a loop goes on to the next line)."""
    out: list[list[str]] = []
    current: list[str] = []
    depth = 0
    for line in text.split("\n"):
        code = re.sub(r"(^|\s)#.*$", "", line).rstrip()
        if not current and not code.strip():
            continue  # a comment or a blank line between commands
        current.append(line)
        depth += len(re.findall(r"^\s*(?:for|while|until|if)\b", code))
        depth -= len(re.findall(r"\b(?:done|fi)$", code))
        if depth > 0 or re.search(r"(\||\\|&&|\|\|)$", code):
            continue
        out.append(current)
        current = []
    if current:
        out.append(current)
    return out


def script(block: Block, fill: dict[str, str], port: int) -> tuple[str, int, list[str]]:
    """The block as a bash script: each command after a line that counts it; skipped ones left out;
    the placeholders filled. Returns the script, the commands it runs and the SKIPPED keys seen."""
    parts, count, seen = ["set -e -o pipefail"], 0, []
    crontab = any(CRON.match(line) for line in block.text.split("\n"))
    for command in commands(block.text):
        text = "\n".join(command)
        skip = next((key for key in SKIPPED if key in text), None)
        if skip:
            seen.append(skip)
            continue
        text = INSTALLED.sub("", re.sub(r"^\$ ", "", text))
        for placeholder, value in fill.items():
            text = text.replace(placeholder, value)
        text = text.replace("--port 5000", f"--port {port}")
        cron = CRON.match(text)
        if cron:  # as cron runs it; stdout must stay empty, or cron mails it
            job = cron.group(2).replace("\\%", "%")
            text = f'out=$({job}); [ -z "$out" ] || {{ echo "cron would mail: $out" >&2; exit 1; }}'
        elif crontab and re.fullmatch(r"[A-Z_]+=\S+", text):
            text = f"export {text}"  # a crontab's environment line
        count += 1
        parts += [f'echo ran >> "$RAN"', text]
    return "\n".join(parts) + "\n", count, seen


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stage(server) -> dict[str, str]:
    """A reset sandbox with what the examples name; returns the placeholders' values."""
    server.reset()  # in-process: the sandbox admits only signed EC2 requests
    ec2 = ec2_client(server.url)
    ami = ec2.register_image(Name="readme", ImageLocation="readme-bucket/readme.manifest.xml")["ImageId"]
    first, second, stopped = [i["InstanceId"] for i in ec2.run_instances(
        ImageId=ami, MinCount=3, MaxCount=3, Placement={"AvailabilityZone": "us-east-1a"})["Instances"]]
    ec2.create_tags(Resources=[first], Tags=[{"Key": "Name", "Value": "web-1"}, {"Key": "team", "Value": "web"}])
    ec2.create_tags(Resources=[second], Tags=[{"Key": "team", "Value": "ops"}, {"Key": "env", "Value": "dev"}])
    ec2.stop_instances(InstanceIds=[stopped])
    volume, _ = [ec2.create_volume(Size=size, AvailabilityZone="us-east-1a", TagSpecifications=[
        {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": name}]}])["VolumeId"]
        for size, name in ((1, "data"), (2, "logs"))]
    ec2.attach_volume(VolumeId=volume, InstanceId=first, Device="/dev/sdf")
    for name in ("deploy", "ci-1", "ci-2", "keep"):
        ec2.create_key_pair(KeyName=name)
    ec2.allocate_address(Domain="vpc")
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    lb_group = ec2.create_security_group(GroupName="lb", Description="lb", VpcId=vpc)["GroupId"]
    snapshot = ec2.create_snapshot(VolumeId=volume, Description="before an upgrade")["SnapshotId"]
    return {"ami-0abc1234": ami, "i-0abc1234": first, "i-0def5678": second, "vol-0abc1234": volume,
            "/opt/ec2ops/.venv/bin/ec2ops": "ec2ops", "/usr/local/bin/ec2ops": "ec2ops",
            "/var/tmp/fleet.json": "fleet.json", "/var/log/ec2ops/": "log/", "/path/to/ec2ops/": f"{ROOT}/",
            "$AMI": ami, "$vpc": vpc, "$lb_group": lb_group, "$group": lb_group, "snap-0abc1234": snapshot}


def workdir(tmp: Path) -> tuple[Path, dict[str, str]]:
    """A directory like a clone's (its completions, man pages, examples and venv), with the files
    the examples read, and the environment of a shell pointed at the sandbox."""
    work, home, bin_dir = tmp / "work", tmp / "home", tmp / "bin"
    for folder in (work / "ops", work / "log", home, bin_dir):
        folder.mkdir(parents=True)
    for name in ("completions", "man", "ec2ops"):
        (work / name).symlink_to(ROOT / name)
    (work / ".venv").symlink_to(Path(sys.prefix))
    (work / "cloud-init.yaml").write_text("#cloud-config\npackages: [nginx]\n")
    (work / "ops" / "provision.sh").write_text("set -e\nec2ops describe-instances\n")
    (work / "my-ops-script.sh").write_text("set -e\nec2ops enumerate-regions --get returnResult\n")
    render = bin_dir / "render-cloud-init"
    render.write_text('#!/bin/sh\nprintf "#cloud-config\\nhostname: %s\\n" "$1"\n')
    render.chmod(0o755)
    credentials = home / "credentials"
    keys = env_for("")
    credentials.write_text("".join(
        f"[{p}]\naws_access_key_id = {keys['AWS_ACCESS_KEY_ID']}\naws_secret_access_key = {keys['AWS_SECRET_ACCESS_KEY']}"
        f"\nregion = {r}\n" for p, r in (("default", "us-east-1"), ("ops", "us-east-1"), ("prod", "us-east-1"),
                                          ("staging", "eu-west-1"))))
    env = {"HOME": str(home), "AWS_SHARED_CREDENTIALS_FILE": str(credentials), "AWS_REGION": "us-east-1",
           "PATH": os.pathsep.join([str(EC2OPS.parent), str(bin_dir), os.environ.get("PATH", "")]),
           "EC2OPS_WAIT_INTERVAL": "0.05", "EC2OPS_RETRY_BASE_DELAY": "0.01", "XDG_STATE_HOME": str(tmp / "state")}
    return work, env


def test_the_readme_has_shell_examples_and_every_skip_names_one():
    found = [key for block in blocks(README.read_text()) for key in script(block, {}, 0)[2]]
    assert set(found) == set(SKIPPED), "each SKIPPED entry must name a README command"
    assert sum(script(b, {}, 0)[1] for b in blocks(README.read_text())) >= 50


def test_every_shell_example_of_the_readme_runs_against_the_sandbox(sandbox_server, tmp_path):
    failures, ran, total = [], 0, 0
    for number, block in enumerate(blocks(README.read_text())):
        if not script(block, {}, 0)[1]:
            continue
        text, count, _ = script(block, stage(sandbox_server), free_port())
        work, env = workdir(tmp_path / f"block{number}")
        counted = work.parent / "ran"
        env = {**env_for(sandbox_server.url), **env, "RAN": str(counted)}
        done = subprocess.run(["bash", "-c", text], cwd=work, env=env, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=300)
        reached = len(counted.read_text().split()) if counted.exists() else 0
        total += count
        ran += reached if done.returncode == 0 else reached - 1
        if done.returncode != 0 or reached != count:
            failures.append(f"README line {block.line}: exit {done.returncode} at command {reached} of {count}\n"
                            f"{block.text}\n--- stderr:\n{done.stderr[-2000:]}")
    assert not failures, "\n\n".join(failures)
    assert ran == total >= 50, (ran, total)


def example(first_line: str) -> Block:
    return next(b for b in blocks(README.read_text()) if b.text.startswith(first_line))


def test_the_retry_loop_fails_with_the_last_status_after_three_unreachable_tries(tmp_path):
    """The loop as the README writes it, on an endpoint that is not there: exit 3, not 0 (the
    script would go on with an empty file); `sleep` is made instant."""
    loop = example("for try in 1 2 3; do").text
    env = {**env_for(f"http://127.0.0.1:{free_port()}"), "EC2OPS_MAX_ATTEMPTS": "1",
           "PATH": os.pathsep.join([str(EC2OPS.parent), os.environ.get("PATH", "")])}
    done = subprocess.run(["bash", "-c", f"sleep() {{ echo slept >&2; }}\n{loop}\necho went on"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout, done.stderr.count("slept")) == (3, "", 2)


def test_the_key_pair_example_deletes_only_what_it_selects(sandbox_server, tmp_path):
    fill = stage(sandbox_server)
    line = next(c for c in commands(example("ec2ops enumerate-regions --get returnResult").text) if "delete-key-pair" in "".join(c))
    work, env = workdir(tmp_path)
    done = subprocess.run(["bash", "-c", "set -e -o pipefail\n" + "\n".join(line)], cwd=work,
                          env={**env_for(sandbox_server.url), **env}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stderr.splitlines() if "delete-key-pair" in line] == [
        "ec2ops delete-key-pair --key-name ci-1", "ec2ops delete-key-pair --key-name ci-2"]
    left = ec2_client(sandbox_server.url).describe_key_pairs()["KeyPairs"]
    assert sorted(k["KeyName"] for k in left) == ["deploy", "keep"]
    assert fill["$AMI"].startswith("ami-")

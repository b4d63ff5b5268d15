"""`ec2ops --help` and a command's --help load neither httpcore (nor httpx), rich nor xmltodict."""

import signal
import subprocess
import sys

import pytest

from ec2ops import listing

HEAVY = ("httpcore", "httpx", "rich", "xmltodict")
PROBE = """
import sys
from ec2ops.cli import main
try:
    main({args!r})
except SystemExit:
    pass
loaded = [m for m in {heavy!r} if m in sys.modules]
print("LOADED:" + ",".join(loaded))
"""


@pytest.mark.parametrize("args", [["--help"], ["enumerate-regions", "--help"], ["--version"]])
def test_help_imports_nothing_heavy(args):
    from ec2ops.cli import cli

    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=args, heavy=HEAVY)], capture_output=True, text=True, check=True
    )
    assert "LOADED:\n" in done.stdout, done.stdout
    assert done.stdout.startswith(("Usage", "ec2ops")), done.stdout[:200]


def test_every_commands_help_imports_nothing_heavy():
    from ec2ops.cli import cli

    code = (
        "import sys\nfrom ec2ops.cli import cli, main\n"
        "for name in cli.commands:\n"
        "    try:\n        main([name, '--help'])\n    except SystemExit:\n        pass\n"
        f"print('LOADED:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.rstrip().endswith("LOADED:"), done.stdout[-300:]
    assert len(cli.commands) >= 5


# Modules only some commands need (JSON output, threads for the dashboard, moto, werkzeug, sockets and
# processes for the sandbox, hashes for bundle policies, TLS and e-mail for a call): a --help loads none.
ONLY_SOME_COMMANDS_NEED = ("json", "concurrent.futures", "socket", "subprocess", "hashlib", "ssl", "email",
                           "logging", "tomllib", "moto", "werkzeug", "ec2ops.sandbox.server")


@pytest.mark.parametrize("args", [["--help"], ["describe-instances", "--help"], ["ec2-dashboard", "--help"],
                                  ["sandbox", "--help"]])
def test_help_loads_no_module_only_some_commands_need(args, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}  # no config file
    done = subprocess.run([sys.executable, "-c", PROBE.format(args=args, heavy=ONLY_SOME_COMMANDS_NEED)],
                          capture_output=True, text=True, check=True, env=env)
    assert done.stdout.rstrip().endswith("LOADED:"), done.stdout[-300:]


def test_what_start_up_leaves_unloaded_loads_whole_when_asked_for():
    """platform and uuid, which ec2ops keeps subprocess out of at start-up, are the real modules after."""
    code = (
        "import os\nfrom ec2ops.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "import platform, subprocess, uuid\n"
        "print(platform.system() == os.uname().sysname, platform.machine() == os.uname().machine,\n"
        "      uuid.UUID(str(uuid.uuid4())).version, uuid.uuid1().version, subprocess.run(['true']).returncode)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "True True 4 1 0"


# -- what a --help builds: ec2ops --help none (its list is ec2ops/listing.py), a command's own module's --------
BUILT = """
import sys
from ec2ops.cli import MODULES, cli, main
try:
    main({args!r})
except SystemExit:
    pass
print("MODULES:" + ",".join(m for m in MODULES if m in sys.modules))
print("BUILDING:" + ",".join(m for m in ("ec2ops.command", "ec2ops.spec", "ec2ops.traits", "ec2ops.session")
                             if m in sys.modules))
print("BUILT:" + ",".join(sorted(cli.commands._built)))
"""


def built_by(args: list[str], env: dict[str, str]) -> dict[str, list[str]]:
    done = subprocess.run([sys.executable, "-c", BUILT.format(args=args)], capture_output=True, text=True,
                          check=True, env={"PATH": "/usr/bin:/bin", **env})
    lines = dict(line.split(":", 1) for line in done.stdout.splitlines()[-3:])
    return {key: [m for m in value.split(",") if m] for key, value in lines.items()}


def test_help_builds_no_command_and_imports_no_module_that_declares_one():
    for args in (["--help"], [], ["--version"], ["no-such-command"], ["--nope"]):
        assert built_by(args, {"EC2OPS_CONFIG": ""}) == {"MODULES": [], "BUILDING": [], "BUILT": []}, args


def test_a_commands_help_builds_the_commands_of_its_module_only():
    seen = built_by(["describe-instances", "--help"], {"EC2OPS_CONFIG": ""})
    assert seen["MODULES"] == ["ec2ops.operations.instances"]
    assert "describe-instances" in seen["BUILT"] and "describe-volumes" not in seen["BUILT"]
    assert built_by(["sandbox", "--help"], {"EC2OPS_CONFIG": ""}) == {"MODULES": ["ec2ops.sandbox"], "BUILDING": [],
                                                                       "BUILT": ["sandbox"]}


def test_a_configuration_file_builds_no_other_command(tmp_path):
    """The file's defaults go to every command by name: naming them builds none."""
    (tmp_path / "config.toml").write_text('region = "eu-west-1"\noutput = "json"\n')
    seen = built_by(["enumerate-regions", "--help"], {"EC2OPS_CONFIG": str(tmp_path / "config.toml")})
    assert seen["MODULES"] == ["ec2ops.operations.zones"]
    assert seen["BUILT"] == ["enumerate-availability-zones", "enumerate-regions"]
    assert built_by(["--help"], {"EC2OPS_CONFIG": str(tmp_path / "config.toml")})["BUILT"] == []


def test_help_from_the_listing_is_the_help_of_the_commands_themselves():
    """`ec2ops --help` reads its list from ec2ops/listing.py; with every command built, it says the same."""
    code = (
        "from ec2ops.cli import cli, main\n"
        "import click\n"
        "listed = cli.get_help(click.Context(cli, info_name='ec2ops'))\n"
        "cli.commands.load_all()\n"
        "print(listed == cli.get_help(click.Context(cli, info_name='ec2ops')), len(cli.commands._built))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={"PATH": "/usr/bin:/bin", "COLUMNS": "100"})
    # every listed command built: the guide's 51, the sandbox and the commands beyond the guide
    assert done.stdout.split() == ["True", str(len(listing.COMMANDS))] and len(listing.COMMANDS) >= 52


def probe_module(folder, name: str, commands: dict[str, str]) -> None:
    """A module declaring click commands {name: help}, which notes SIGINT's handler while it loads."""
    lines = ["import signal, click", "SIGINT_WHILE_LOADING = signal.getsignal(signal.SIGINT)"]
    for command, text in commands.items():
        lines += [f"@click.command({command!r}, help={text!r})", f"def {command}(): pass"]
    (folder / f"{name}.py").write_text("\n".join(lines + [f"COMMANDS = [{', '.join(commands)}]", ""]))


def test_names_are_known_without_building_and_a_lookup_builds_one_module(tmp_path, monkeypatch):
    from ec2ops.cli import Commands

    probe_module(tmp_path, "ec2ops_probe_a", {"one": "One.", "new": "Not in the listing yet."})
    (tmp_path / "ec2ops_probe_b.py").write_text("raise AssertionError('never imported')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for module in ("ec2ops_probe_a", "ec2ops_probe_b"):
        monkeypatch.delitem(sys.modules, module, raising=False)
    commands = Commands({"one": ("ec2ops_probe_a", "", {"help": "One."}),
                         "gone": ("ec2ops_probe_a", "", {"help": "Gone."}),
                         "two": ("ec2ops_probe_b", "x", {"help": "Two. And more, not in the line."}),
                         "hush": ("ec2ops_probe_b", "x", {"help": "Hidden.", "hidden": True})})
    assert list(commands) == ["one", "gone", "two", "hush"] and len(commands) == 4 and "two" in commands
    assert commands.summary("two") == ("x", "Two.") and commands.summary("hush") == ("x", None)
    assert "ec2ops_probe_a" not in sys.modules
    assert commands["one"].name == "one"
    # Its module is what it says: a command it no longer declares is gone, a new one is there.
    assert list(commands) == ["one", "two", "hush", "new"] and commands.summary("new") == ("", "Not in the listing yet.")
    assert commands.get("gone") is None and "ec2ops_probe_b" not in sys.modules
    # All of them: what MODULES declare, in their order (as the listing is generated), whatever it listed.
    monkeypatch.setattr("ec2ops.cli.MODULES", ["ec2ops_probe_a"])
    assert list(commands.load_all()) == ["one", "new"] == list(commands)


@pytest.mark.parametrize("handler,while_loading", [(signal.default_int_handler, signal.SIG_DFL),
                                                   (signal.SIG_IGN, signal.SIG_IGN)])
def test_ctrl_c_while_a_commands_module_loads_ends_the_process_as_at_start_up(tmp_path, monkeypatch, handler,
                                                                              while_loading):
    """main's handler (a KeyboardInterrupt: one line, status 130) gives way to SIGINT's default action
    while a command's modules load, as console.py starts; another handler (SIGINT ignored) stays."""
    from ec2ops.cli import Commands

    probe_module(tmp_path, "ec2ops_probe_signal", {"probe": "Probe."})
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "ec2ops_probe_signal", raising=False)
    saved = signal.signal(signal.SIGINT, handler)
    try:
        assert Commands({"probe": ("ec2ops_probe_signal", "", {"help": "Probe."})})["probe"].name == "probe"
        assert signal.getsignal(signal.SIGINT) is handler
    finally:
        signal.signal(signal.SIGINT, saved)
    assert sys.modules["ec2ops_probe_signal"].SIGINT_WHILE_LOADING is while_loading

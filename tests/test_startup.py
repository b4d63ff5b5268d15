"""`ec2ops --help` and a command's --help load neither httpx, rich nor xmltodict."""

import subprocess
import sys

import pytest

HEAVY = ("httpx", "rich", "xmltodict")
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

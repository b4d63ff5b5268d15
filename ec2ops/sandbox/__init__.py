"""`ec2ops sandbox`: a local EC2-compatible endpoint (moto's server, with what it lacks added by
ec2ops.sandbox.ec2) to try ec2ops, or test an ops script in CI, without an AWS account.

Only the command is declared here: moto, werkzeug, sockets and processes load when it runs."""

from __future__ import annotations

import os
import sys

import click

from ec2ops.sandbox.words import MISSING  # noqa: F401 - the command says it too (tests import it here)

NOT_FOUND, NOT_EXECUTABLE = 127, 126  # as a shell says of a command it cannot find or run


def sandbox_environment(url: str, keys) -> dict[str, str]:
    """What points ec2ops at the sandbox: its URL and the keys it made for this start (the only ones
    it admits)."""
    return {
        "EC2OPS_ENDPOINT": url,
        "AWS_ACCESS_KEY_ID": keys.access_key_id,
        "AWS_SECRET_ACCESS_KEY": keys.secret_key,
        "AWS_REGION": "us-east-1",
    }


def _log_path(given: str | None):
    from pathlib import Path

    from ec2ops.sandbox.server import default_log

    return Path(given) if given else default_log()


def _print_environment(environment: dict[str, str]) -> None:
    """The export lines on stdout; a stdout that cannot take them is a clean status (141 for a reader
    that went away, 4 otherwise), the server stopped."""
    from ec2ops.errors import NotWritten, PipeClosed

    if sys.stdout is None:
        raise NotWritten("stdout could not be written: it is closed.", "closed")
    _private_if_a_file()
    try:
        for name, value in environment.items():
            click.echo(f"export {name}={value}")
        sys.stdout.flush()
    except BrokenPipeError:
        raise PipeClosed() from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or "it is closed"
        raise NotWritten(f"stdout could not be written: {reason}.", reason) from None


def _private_if_a_file() -> None:
    """`> sandbox.env`: a file of this user's that is to hold the secret key is made 0600 first."""
    import stat

    try:
        facts = os.fstat(sys.stdout.fileno())
        if stat.S_ISREG(facts.st_mode) and facts.st_uid == os.getuid():
            os.fchmod(sys.stdout.fileno(), 0o600)
    except (AttributeError, OSError, ValueError):
        pass


@click.group("sandbox", invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--port", type=click.IntRange(0, 65535), default=5000, show_default=True,
              help="Port on 127.0.0.1 (0 picks a free one).")
@click.option("--log", "log", metavar="PATH", default=None,
              help="File for the server's request log and any traceback (appended) [default: "
                   "$XDG_STATE_HOME/ec2ops/sandbox.log, i.e. ~/.local/state/ec2ops/sandbox.log, "
                   "else ec2ops-UID/sandbox.log in the temp folder, a folder of this user's alone].")
@click.option("--bundle-seconds", type=click.FloatRange(min=0), default=4.0, show_default=True, metavar="SECONDS",
              help="How long a bundle task takes from pending to complete.")
@click.pass_context
def sandbox(ctx, port, log, bundle_seconds):
    """Runs a local EC2-compatible endpoint (moto's server) on 127.0.0.1 and prints the environment
    that points ec2ops at it (export lines, for another shell). One line on stderr names its URL,
    process id and log file; the server itself never writes to the terminal. Ctrl-C, SIGINT or
    SIGTERM (kill PID) stop it, with exit status 0.

    Beyond moto, the sandbox answers ResetSnapshotAttribute, ResetImageAttribute, MonitorInstances,
    UnmonitorInstances, BundleInstance, DescribeBundleTasks, CancelBundleTask and DetachVolume
    without an instance, and refuses as EC2 does an unknown AMI or zone and deleting 'default'.

    Exit status: with run, COMMAND's (127 when it is not found, 126 when it cannot be run, 128+N when
    signal N ended it); 2 when moto's server is not installed (the sandbox extra) or the log cannot
    be written; 3 when the port is taken.

    \b
    Examples:
      ec2ops sandbox --port 5000               # paste its export lines into another shell
      ec2ops sandbox --port 5000 > sandbox.env &   # in the background; kill %1 stops it
      ec2ops sandbox run -- ./my-ops-script.sh
    """
    ctx.ensure_object(dict).update(port=port, log=log, bundle_seconds=bundle_seconds)
    if ctx.invoked_subcommand:
        return
    import signal
    import threading

    from ec2ops.sandbox.server import Sandbox, quiet

    path = _log_path(log)
    stop = threading.Event()
    with quiet(path, private=log is None):
        server = Sandbox(port, bundle_seconds)
        # Set explicitly: a shell starts a background job with SIGINT ignored, and kill sends SIGTERM.
        saved = {s: signal.signal(s, lambda *_: stop.set()) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            _print_environment(sandbox_environment(server.url, server.keys))
            click.echo(f"# ec2ops sandbox on {server.url} (pid {os.getpid()}), log in {path}; "
                       "Ctrl-C or kill stops it", err=True)
            while not stop.wait(60):
                pass
        finally:
            server.stop()
            for number, handler in saved.items():
                signal.signal(number, handler)


@sandbox.command("run", context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.argument("command", nargs=-1, required=True, type=click.UNPROCESSED)
@click.pass_context
def run(ctx, command):
    """Starts the sandbox, runs COMMAND with its environment, stops it, and exits with COMMAND's
    status, as a shell would: 127 when COMMAND is not found, 126 when it cannot be run, 128+N when
    signal N ended it. SIGTERM is passed on to COMMAND; Ctrl-C reaches it from the terminal.

    \b
    Example:
      ec2ops sandbox run -- sh -c 'ec2ops allocate-new-key-pair --key-name demo --get keyFingerprint'
    """
    import signal
    import subprocess

    from ec2ops.sandbox.server import Sandbox, quiet

    path = _log_path(ctx.obj["log"])
    with quiet(path, private=ctx.obj["log"] is None):
        server = Sandbox(ctx.obj["port"], ctx.obj["bundle_seconds"])
        click.echo(f"# ec2ops sandbox on {server.url}, log in {path}", err=True)
        env = {**os.environ, **sandbox_environment(server.url, server.keys)}
        # The command finds this very ec2ops first, even when it was started by its full path.
        here = os.path.dirname(os.path.abspath(sys.argv[0]))
        if os.path.exists(os.path.join(here, "ec2ops")):
            env["PATH"] = here + os.pathsep + env.get("PATH", "")
        # Set before the command starts (a handler, unlike an ignored signal, is not inherited): Ctrl-C
        # reaches COMMAND itself from the terminal, and ec2ops waits for it; SIGTERM is passed on.
        started: list = []
        asked_to_stop: list = []

        def terminate(*_):
            asked_to_stop.append(True)
            for child in started:
                child.terminate()

        saved = {signal.SIGINT: signal.signal(signal.SIGINT, lambda *_: None),
                 signal.SIGTERM: signal.signal(signal.SIGTERM, terminate)}
        try:
            try:
                started.append(subprocess.Popen(list(command), env=env))
            except FileNotFoundError as exc:
                said = "command not found" if os.sep not in command[0] else exc.strerror
                click.echo(f"ec2ops: {command[0]}: {said}", err=True)
                status = NOT_FOUND
            except OSError as exc:  # not executable, a directory, not a program
                click.echo(f"ec2ops: {command[0]}: {exc.strerror or exc}", err=True)
                status = NOT_EXECUTABLE
            else:
                if asked_to_stop:  # SIGTERM came while it was starting
                    started[0].terminate()
                code = started[0].wait()
                status = 128 - code if code < 0 else code
        finally:
            for number, handler in saved.items():
                signal.signal(number, handler)
            server.stop()
    sys.exit(status)


sandbox.area = ""  # listed under "Other commands"
COMMANDS = [sandbox]

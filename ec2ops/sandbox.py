"""`ec2ops sandbox`: a local EC2-compatible endpoint (moto's server) to try ec2ops, or test an ops
script in CI, without an AWS account."""

from __future__ import annotations

import os
import sys

import click

from ec2ops.errors import EndpointError, InputError

SANDBOX_KEY_ID = "AKIDSANDBOX000000000"
SANDBOX_SECRET = "sandbox-secret-not-a-real-key"
MISSING = (
    "The sandbox needs moto's server, which is not installed: "
    "pip install 'ec2ops[sandbox]' (or pip install 'moto[server]')."
)


def sandbox_environment(url: str) -> dict[str, str]:
    return {
        "EC2OPS_ENDPOINT": url,
        "AWS_ACCESS_KEY_ID": SANDBOX_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": SANDBOX_SECRET,
        "AWS_REGION": "us-east-1",
    }


def start_server(port: int):
    """Starts moto's server on 127.0.0.1:port (0 = a free port); returns (server, url)."""
    os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    try:
        import logging

        from moto.server import ThreadedMotoServer
    except ImportError:
        raise InputError(MISSING) from None
    if port:
        import socket  # here, not at the top: only the sandbox needs it (start-up)

        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                raise EndpointError(f"Port {port} on 127.0.0.1 is taken; choose another with --port.") from None
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    host, bound = server.get_host_and_port()
    return server, f"http://{host}:{bound}"


@click.group("sandbox", invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--port", type=click.IntRange(0, 65535), default=5000, show_default=True,
              help="Port on 127.0.0.1 (0 picks a free one).")
@click.pass_context
def sandbox(ctx, port):
    """Runs a local EC2-compatible endpoint (moto's server) on 127.0.0.1 and prints the environment
    that points ec2ops at it (export lines, for another shell); stops on Ctrl-C.

    Exit status: with run, COMMAND's; 2 when moto's server is not installed (the sandbox extra);
    3 when the port is taken.

    \b
    Examples:
      ec2ops sandbox --port 5000               # paste its export lines into another shell
      ec2ops sandbox run -- ./my-ops-script.sh
    """
    ctx.ensure_object(dict)["port"] = port
    if ctx.invoked_subcommand:
        return
    server, url = start_server(port)
    for name, value in sandbox_environment(url).items():
        click.echo(f"export {name}={value}")
    click.echo(f"# ec2ops sandbox on {url}; Ctrl-C stops it", err=True)
    sys.stdout.flush()
    try:
        import time

        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


@sandbox.command("run", context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.argument("command", nargs=-1, required=True, type=click.UNPROCESSED)
@click.pass_context
def run(ctx, command):
    """Starts the sandbox, runs COMMAND with its environment, stops it, and exits with COMMAND's status.

    \b
    Example:
      ec2ops sandbox run -- sh -c 'ec2ops allocate-new-key-pair --key-name demo --get keyFingerprint'
    """
    server, url = start_server(ctx.obj["port"])
    try:
        env = {**os.environ, **sandbox_environment(url)}
        # The command finds this very ec2ops first, even when it was started by its full path.
        here = os.path.dirname(os.path.abspath(sys.argv[0]))
        if os.path.exists(os.path.join(here, "ec2ops")):
            env["PATH"] = here + os.pathsep + env.get("PATH", "")
        import subprocess

        try:
            status = subprocess.call(list(command), env=env)
        except FileNotFoundError:
            raise InputError(f"No such command: {command[0]}") from None
    finally:
        server.stop()
    sys.exit(status)


sandbox.area = ""  # listed under "Other commands"
COMMANDS = [sandbox]

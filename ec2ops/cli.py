"""The `ec2ops` command: every operation and flow of the guide, grouped by its areas.

Start-up matters (ec2ops runs in loops and cron jobs): this module loads click, ec2ops.config,
ec2ops.errors and ec2ops/listing.py only. A command is built when it is looked up (`ec2ops
describe-instances` imports ec2ops.operations.instances and builds its commands); `ec2ops --help`
builds none: its list comes from the listing, generated from the declarations. httpcore and rich
load when a command needs them.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import signal
import sys
from collections.abc import MutableMapping

import click

from ec2ops import __version__, awscli, config, listing
from ec2ops.areas import AREAS
from ec2ops.errors import DryRunDone, Ec2Error, Ec2opsError, ExitStatus, NotWritten, PipeClosed

# Modules holding OPERATIONS (declarations) or COMMANDS (click functions), in the guide's order.
MODULES = [
    "ec2ops.operations.zones",
    "ec2ops.operations.ebs",
    "ec2ops.operations.eip",
    "ec2ops.operations.images",
    "ec2ops.operations.instances",
    "ec2ops.operations.keypairs",
    "ec2ops.operations.groups",
    "ec2ops.operations.bundles",
    "ec2ops.flows.shared_snapshot",
    "ec2ops.flows.template",
    "ec2ops.flows.dashboard",
    "ec2ops.operations.tags",
    "ec2ops.operations.vpcs",
    "ec2ops.sandbox",
]
# The guide's order of its 51 operations and flows (its table of contents).
GUIDE_ORDER = """
enumerate-availability-zones enumerate-regions
create-shared-snapshot create-snapshot delete-snapshot describe-snapshots get-snapshot-details
modify-snapshot-attribute reset-snapshot-attribute attach-volume create-volume delete-volume
describe-volumes detach-volume get-volume-details
allocate-new-elastic-ip associate-elastic-ip disassociate-elastic-ip enumerate-elastic-ips release-elastic-ip
enumerate-images get-image-details modify-image-attribute register-image remove-image reset-image-attribute
describe-instances get-instance-details get-system-log monitor-instance restart-instance run-instances
run-instances-from-template start-instance stop-instance terminate-instance unmonitor-instance
allocate-new-key-pair delete-key-pair enumerate-key-pairs
allow-access-to-security-group create-security-group delete-security-group describe-security-groups
get-security-group-details revoke-access-to-security-group
bundle-windows-instance cancel-bundle-task enumerate-bundle-tasks get-bundle-task-details
ec2-dashboard
""".split()


SHORT_HELP = 90  # the width of a command's line in `ec2ops --help` (click's short help)


def declared(module_name: str) -> list[click.Command]:
    """The commands a module of MODULES declares: its OPERATIONS built, then its COMMANDS."""
    module = importlib.import_module(module_name)
    operations = getattr(module, "OPERATIONS", ())
    if operations:
        from ec2ops.command import build

        return [build(op) for op in operations] + list(getattr(module, "COMMANDS", ()))
    return list(getattr(module, "COMMANDS", ()))


@contextlib.contextmanager
def _loading():
    """While a command's modules load, Ctrl-C ends the process as SIGINT does, as while ec2ops starts
    (ec2ops.console), and main's KeyboardInterrupt (one line, status 130) is back after. A handler
    of an embedding program's own, or SIGINT ignored, is left as it is."""
    try:
        replaced = signal.getsignal(signal.SIGINT) is signal.default_int_handler
        if replaced:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
    except ValueError:  # not the main thread (an embedding program): its handler stays
        replaced = False
    try:
        yield
    finally:
        if replaced:
            signal.signal(signal.SIGINT, signal.default_int_handler)


class Commands(MutableMapping):
    """ec2ops's commands by name (cli.commands), each built when it is first looked up.

    Every name is known at once, from ec2ops/listing.py: listing the names or testing one (`name
    in cli.commands`, the configuration file's defaults, a usage error) builds nothing; looking one
    up imports the module that declares it and builds that module's commands, no other. items()
    and values() build them all; load_all() builds every command MODULES declare, whatever the
    listing says (the listing and the docs are generated from that)."""

    def __init__(self, listed: dict[str, tuple[str, str, dict]]):
        self._modules = {name: module for name, (module, _, _) in listed.items()}  # in the listing's order
        self._listed = {name: (area, attributes) for name, (_, area, attributes) in listed.items()}
        self._built: dict[str, click.Command] = {}
        self._loaded: dict[str, list[str]] = {}  # module -> the names it declares

    def _load(self, module_name: str) -> None:
        if module_name in self._loaded:
            return
        with _loading():
            commands = declared(module_name)
        self._loaded[module_name] = [command.name for command in commands]
        for command in commands:
            self._built.setdefault(command.name, command)
            self._modules.setdefault(command.name, module_name)
        for name in [n for n, m in self._modules.items() if m == module_name and n not in self._built]:
            del self._modules[name]  # listed, but no longer declared: ec2ops/listing.py is stale

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._built and self._modules.get(name):
            self._load(self._modules[name])
        return self._built[name]

    def __setitem__(self, name: str, command: click.Command) -> None:  # click's add_command
        self._built[name] = command
        self._modules.setdefault(name, "")

    def __delitem__(self, name: str) -> None:
        del self._modules[name]
        self._built.pop(name, None)

    def __contains__(self, name: object) -> bool:  # Mapping's would build the command
        return name in self._modules

    def __iter__(self):
        return iter(list(self._modules))

    def __len__(self) -> int:
        return len(self._modules)

    def summary(self, name: str) -> tuple[str, str | None]:
        """A command's area and its line in `ec2ops --help` (None if hidden), as the installed click
        renders it: from the command once it is built, else from a stand-in made of what the listing
        holds of it (what click's short help reads; tests/process/test_startup.py checks they agree)."""
        command = self._built.get(name)
        if command is None:
            area, attributes = self._listed[name]
            command = click.Command(name, **attributes)
        else:
            area = getattr(command, "area", "")
        return area, None if command.hidden else command.get_short_help_str(SHORT_HELP)

    def load_all(self) -> dict[str, click.Command]:
        """Every command, built: those MODULES declare, in their order, as the listing is generated
        (whatever it says now), then any added by add_command."""
        for module_name in MODULES:
            self._load(module_name)
        declared_order = {name: module for module in MODULES for name in self._loaded[module]}
        added = {name: "" for name, module in self._modules.items() if not module and name not in declared_order}
        self._modules = {**declared_order, **added}
        return dict(self.items())


class Group(click.Group):
    """Lists the commands under the guide's areas, in its order, without building them; runs a
    command named by its AWS CLI name (ec2ops/awscli.py) as itself, defaults and messages included."""

    def resolve_command(self, ctx, args):
        if args and args[0] in awscli.ALIASES:
            args = [awscli.ALIASES[args[0]], *args[1:]]
        return super().resolve_command(ctx, args)

    def list_commands(self, ctx):
        rank = {name: i for i, name in enumerate(GUIDE_ORDER)}
        return sorted(self.commands, key=lambda name: rank.get(name, len(rank)))  # the guide's order

    def format_commands(self, ctx, formatter):
        by_area: dict[str, list] = {}
        for name in self.list_commands(ctx):
            area, short = self.commands.summary(name)
            if short is not None:
                by_area.setdefault(area, []).append((name, short))
        for key, title in AREAS + [("", "Other commands")]:
            if by_area.get(key):
                with formatter.section(title):
                    formatter.write_dl(by_area[key])


@click.group(
    cls=Group,
    commands=Commands(listing.COMMANDS),
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="Run 'ec2ops COMMAND --help' for a command's inputs and outputs; see also man ec2ops.",
)
@click.version_option(__version__, "--version", prog_name="ec2ops")
def cli():
    """Drive Amazon EC2 from a shell, a cron job or a CI step: one command per operation and flow
    of the HP OO Amazon EC2 integration, printing returnResult, requestId and the other outputs
    in plain, table or JSON form.

    Credentials come from --access-key-id/--access-key, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY,
    or a profile in ~/.aws.
    """


cli.help = f"{cli.help.rstrip()} Exit status: {ExitStatus.summary()}."


def run() -> None:
    """The console script: main(), then an exit without the interpreter's teardown, which costs
    ~40 ms a call in a shell loop and has nothing left to do (files are closed, threads joined)."""
    try:
        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:  # between main's end and here
        code = ExitStatus.INTERRUPTED
    else:
        code = ExitStatus.OK
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # from here on, an interrupt ends the process as it is
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (`| head`)
        code = code or ExitStatus.PIPE_CLOSED
    except (OSError, ValueError):
        code = code or ExitStatus.NOT_WRITTEN
    try:
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass
    os._exit(int(code))


def main(argv: list[str] | None = None) -> None:
    """Runs the CLI and maps every failure to its exit status and a one-line message."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args or os.environ.get("EC2OPS_DEBUG", "").lower() in ("1", "true", "yes")
    try:
        _interrupt_by_exception()
        # Not click's main(): it answers Ctrl-C with a blank line of its own before ours.
        with cli.make_context("ec2ops", list(args), default_map=config.default_map(cli.commands, args)) as ctx:
            cli.invoke(ctx)  # the defaults: ~/.config/ec2ops/config.toml
    except PipeClosed:
        # The reader went away (`| head`): quiet, as coreutils end; nothing more may reach the pipe.
        _stdout_to_devnull()
        sys.exit(ExitStatus.PIPE_CLOSED)
    except DryRunDone as exc:
        say(str(exc))
        sys.exit(ExitStatus.OK)
    except NotWritten as exc:
        _stdout_to_devnull()  # what is still buffered for stdout would fail again at exit
        say(str(exc))
        sys.exit(exc.status)
    except Ec2opsError as exc:
        if debug:
            import traceback

            traceback.print_exc()
        if str(exc):  # else already told, line by line (Reported)
            say(exc.one_line() if isinstance(exc, Ec2Error) else str(exc))
        sys.exit(exc.status)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.UsageError as exc:
        if isinstance(exc, getattr(click.exceptions, "NoArgsIsHelpError", ())) and exc.ctx is not None:
            with contextlib.suppress(OSError, ValueError):  # `ec2ops` alone: the help, as a usage error
                click.echo(exc.ctx.get_help(), err=True)
        else:
            say(usage_line(exc, args))
        sys.exit(ExitStatus.BAD_INPUT)
    except click.ClickException as exc:
        say(" ".join(exc.format_message().split()))
        sys.exit(ExitStatus.BAD_INPUT if exc.exit_code == 2 else exc.exit_code)
    except (KeyboardInterrupt, click.exceptions.Abort):
        say("interrupted")
        sys.exit(ExitStatus.INTERRUPTED)
    except BrokenPipeError:  # written to stdout past the one Sink (e.g. click's own --help)
        _stdout_to_devnull()
        sys.exit(ExitStatus.PIPE_CLOSED)
    except MemoryError:  # an answer, or what it asked for, larger than this machine's memory
        say("out of memory: the answer is larger than this machine can hold (lower EC2OPS_MAX_RESPONSE_BYTES "
            "or --page-size).")
        sys.exit(ExitStatus.UNREACHABLE)
    except Exception as exc:  # a bug of ours: say so in one line, the traceback only with --debug
        if debug:
            raise
        say(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)")
        sys.exit(ExitStatus.EC2_REFUSED)
    sys.exit(ExitStatus.OK)


def say(message: str) -> None:
    """One line on stderr, `ec2ops: ...` (ec2ops.output.say, loaded when there is something to say)."""
    from ec2ops import output

    output.say(message)


def usage_line(exc: click.UsageError, args: list[str]) -> str:
    """click's four lines of a usage error as one: what is wrong, and where the help is."""
    if isinstance(exc, click.exceptions.NoSuchOption):
        text = f"No such option '{exc.option_name}'"
        kebab = [p for p in exc.possibilities or () if p == p.lower()] or exc.possibilities
        if kebab:
            text += " (did you mean " + " or ".join(f"'{p}'" for p in kebab) + "?)"
    else:
        text = " ".join(exc.format_message().split()).rstrip(".")
    nearest = awscli.suggestion(exc.command_name) if isinstance(exc, click.exceptions.NoSuchCommand) else None
    if nearest:
        return nearest
    if exc.ctx is not None:
        path = exc.ctx.command_path
    else:  # click raised it before the command's context was made
        path = " ".join(["ec2ops"] + [a for a in args if a in cli.commands][:1])
    return f"{text}; see '{path} --help'."


def _interrupt_by_exception() -> None:
    """Ctrl-C from here on is a KeyboardInterrupt, caught below (the console script starts with
    SIGINT's default action, so that an interrupt while modules load leaves no traceback)."""
    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    except ValueError:  # not the main thread (an embedding program): its handler stays
        pass


def _stdout_to_devnull() -> None:
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # stdout closed or not a file: nothing to protect
        pass

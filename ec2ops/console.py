"""The console script's entry point, kept tiny: from the first moment, an interrupt (Ctrl-C) while
the modules load ends the process as SIGINT does (the shell sees 130), never in a traceback. Once
the command runs, ec2ops.cli.main takes interrupts over (one line, status 130)."""

import signal

signal.signal(signal.SIGINT, signal.SIG_DFL)


def run() -> None:
    from ec2ops.cli import run as run_command

    run_command()

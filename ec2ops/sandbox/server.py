"""The sandbox's server: moto's apps behind the sandbox's EC2 layer, on 127.0.0.1, in a thread.

Quiet: the request log, moto's and werkzeug's messages and any traceback go to the log file, never
to the terminal. Imported only when a sandbox starts (it loads moto, werkzeug and logging)."""

from __future__ import annotations

import logging
import logging.handlers
import os
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

from ec2ops.errors import EndpointError, InputError
from ec2ops.sandbox import MISSING

LOG_BYTES = 10 * 1024 * 1024  # then the log starts again, the previous one kept as sandbox.log.1
log = logging.getLogger("ec2ops.sandbox")


def default_log() -> Path:
    """$XDG_STATE_HOME/ec2ops/sandbox.log (~/.local/state/...), else a file in the temp folder."""
    state = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    folder = Path(state) / "ec2ops"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if os.access(folder, os.W_OK):
            return folder / "sandbox.log"
    except OSError:
        pass
    return Path(tempfile.gettempdir()) / f"ec2ops-sandbox-{os.getuid() if hasattr(os, 'getuid') else 'user'}.log"


@contextmanager
def quiet(path: Path):
    """Everything the server would say (request log, warnings, tracebacks) goes to PATH while inside."""
    try:
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=LOG_BYTES, backupCount=1, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"Cannot write the sandbox's log {path}: {exc.strerror or exc}.") from None
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    saved = root.handlers[:], root.level, threading.excepthook
    root.handlers[:] = [handler]  # no stream handler: werkzeug and Flask then add none of their own
    root.setLevel(logging.INFO)
    logging.captureWarnings(True)
    threading.excepthook = lambda args: log.error(
        "in thread %s", args.thread.name if args.thread else "?",
        exc_info=(args.exc_type, args.exc_value, args.exc_traceback))
    try:
        yield
    finally:
        root.handlers[:], level, threading.excepthook = saved
        root.setLevel(level)
        logging.captureWarnings(False)
        handler.close()


class Sandbox:
    """The server, started on 127.0.0.1:port (0: a free port)."""

    def __init__(self, port: int, bundle_seconds: float = 4.0):
        os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")  # before moto loads: fast resets
        try:
            import moto.server  # noqa: F401  (the sandbox extra: moto[server])
        except ImportError:
            raise InputError(MISSING) from None
        from moto.moto_server import werkzeug_app
        from werkzeug.serving import ThreadedWSGIServer

        from ec2ops.sandbox.ec2 import Ec2Layer

        if port:
            _check_free(port)  # werkzeug would print to stderr and exit on a taken port

        class Server(ThreadedWSGIServer):
            daemon_threads = True

            def handle_error(self, request, client_address):  # socketserver prints these to stderr
                log.exception("while answering %s", client_address[0] if client_address else "?")

        self.layer = Ec2Layer(werkzeug_app.DomainDispatcherApplication(werkzeug_app.create_backend_app),
                              bundle_seconds=bundle_seconds)
        # newer moto has its own handler (it keeps headers with underscores); older, werkzeug's
        handler = getattr(werkzeug_app, "MotoRequestHandler", None)
        self.server = Server("127.0.0.1", port, self.layer, handler=handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        # A short poll: stop() (shutdown) waits for it, and `sandbox run` stops once per command.
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), name="ec2ops-sandbox",
                                       daemon=True)
        self.thread.start()
        log.info("ec2ops sandbox (pid %d) serving on %s", os.getpid(), self.url)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)
        log.info("ec2ops sandbox on %s stopped", self.url)


def _check_free(port: int) -> None:
    import socket

    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise EndpointError(f"Port {port} on 127.0.0.1 is taken; choose another with --port.") from None


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
from ec2ops.sandbox.words import MISSING

LOG_BYTES = 10 * 1024 * 1024  # then the log starts again, the previous one kept as sandbox.log.1
log = logging.getLogger("ec2ops.sandbox")


def default_log() -> Path:
    """$XDG_STATE_HOME/ec2ops/sandbox.log (~/.local/state/...), else sandbox.log in a folder of the
    temp folder that is this user's alone (ec2ops-UID, 0700): never a name another user can plant."""
    state = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    folder = Path(state) / "ec2ops"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if _private(folder):
            return folder / "sandbox.log"
    except OSError:
        pass
    folder = Path(tempfile.gettempdir()) / f"ec2ops-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        pass
    except OSError as exc:
        raise InputError(f"Cannot make the sandbox's log folder {folder}: {exc.strerror or exc}; give --log PATH.") \
            from None
    if not _private(folder):
        raise InputError(f"The sandbox's log folder {folder} is not this user's alone (a link, another user's, or "
                         "open to others); give --log PATH.")
    return folder / "sandbox.log"


def _private(folder: Path) -> bool:
    """A real folder (not a link) of this user's, that no one else can enter; made so if it is ours."""
    import stat

    facts = os.lstat(folder)
    if not stat.S_ISDIR(facts.st_mode) or (hasattr(os, "getuid") and facts.st_uid != os.getuid()):
        return False
    if facts.st_mode & 0o077:
        os.chmod(folder, 0o700)
    return os.access(folder, os.W_OK)


def _prepare(path: Path) -> None:
    """The default log made 0600 and never followed through a link (O_NOFOLLOW) before the handler
    appends to it: its folder is private, so nothing can be swapped in after this."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    os.close(os.open(path, flags, 0o600))


class _Escaping(logging.Formatter):
    """A client's path, header or action name with a line break or an escape sequence in it is written
    escaped (\\n, \\x1b): it cannot forge a log line nor move a terminal's cursor when the log is read."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        from ec2ops.output import escape

        return escape(super().formatMessage(record))


@contextmanager
def quiet(path: Path, private: bool = False):
    """Everything the server would say (request log, warnings, tracebacks) goes to PATH while inside.
    `private`: PATH is the default log, made 0600 and not followed through a link."""
    try:
        if private:
            _prepare(path)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=LOG_BYTES, backupCount=1, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"Cannot write the sandbox's log {path}: {exc.strerror or exc}.") from None
    handler.setFormatter(_Escaping("%(asctime)s %(name)s %(levelname)s %(message)s"))
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

    def __init__(self, port: int, bundle_seconds: float = 4.0, keys=None):
        """`keys` (gate.Keys): the only credentials the sandbox admits; new ones for each start."""
        os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")  # before moto loads: fast resets
        try:
            import moto.server  # noqa: F401  (the sandbox extra: moto[server])
        except ImportError:
            raise InputError(MISSING) from None
        from moto.moto_server import werkzeug_app
        from werkzeug.serving import ThreadedWSGIServer

        from ec2ops.sandbox.ec2 import Ec2Layer
        from ec2ops.sandbox.gate import Gate, new_keys

        if port:
            _check_free(port)  # werkzeug would print to stderr and exit on a taken port

        class Server(ThreadedWSGIServer):
            daemon_threads = True

            def handle_error(self, request, client_address):  # socketserver prints these to stderr
                log.exception("while answering %s", client_address[0] if client_address else "?")

        def backend_app(service):
            """moto's Flask app for SERVICE, letting moto's exceptions out to the sandbox's layer (which
            answers a NotImplementedError as EC2's InvalidAction) instead of making them an HTML 500."""
            app = werkzeug_app.create_backend_app(service)
            app.config["PROPAGATE_EXCEPTIONS"] = True
            return app

        self.layer = Ec2Layer(werkzeug_app.DomainDispatcherApplication(backend_app), bundle_seconds=bundle_seconds)
        # newer moto has its own handler (it keeps headers with underscores); older, werkzeug's
        handler = getattr(werkzeug_app, "MotoRequestHandler", None)
        self.keys = keys or new_keys()
        self.server = Server("127.0.0.1", port, Gate(self.layer, self.keys), handler=handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        # A short poll: stop() (shutdown) waits for it, and `sandbox run` stops once per command.
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), name="ec2ops-sandbox",
                                       daemon=True)
        self.thread.start()
        log.info("ec2ops sandbox (pid %d) serving on %s", os.getpid(), self.url)

    def reset(self) -> None:
        """moto's state cleared (its /moto-api/reset), asked in this process: no request from outside
        reaches moto's own API unsigned."""
        import io

        environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/moto-api/reset", "SCRIPT_NAME": "", "QUERY_STRING": "",
                   "SERVER_NAME": "127.0.0.1", "SERVER_PORT": str(self.server.server_port), "HTTP_HOST":
                   self.url.split("//")[1], "wsgi.input": io.BytesIO(b""), "wsgi.url_scheme": "http",
                   "wsgi.errors": io.StringIO(), "CONTENT_LENGTH": "0", "SERVER_PROTOCOL": "HTTP/1.1",
                   "wsgi.version": (1, 0), "wsgi.multithread": True, "wsgi.multiprocess": False,
                   "wsgi.run_once": False}
        b"".join(self.layer.app(environ, lambda *args: None))

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


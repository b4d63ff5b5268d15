"""The dashboard's e-mail, sent with smtplib against a server that may be hostile or broken: every
reply line and every reply bounded in size, one deadline for the whole exchange (the read timeout),
every refused recipient named, and an odd answer to QUIT after the message was accepted not taken
for a message not sent."""

from __future__ import annotations

import re
import threading
from typing import Mapping

from ec2ops.errors import EndpointError, InputError, OperationFailed
from ec2ops.secret import Secret

MAX_LINE = 8192  # smtplib's own bound on one line (RFC 5321 allows 512)
MAX_REPLY = 64 * 1024  # a reply of many lines (EHLO's) is a few hundred bytes
PORT = re.compile(r"[0-9]{1,5}")
LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]")
ONE_LINE = (("smtpHost", "--smtp-host"), ("smtpFrom", "--smtp-from"), ("smtpTo", "--smtp-to"),
            ("smtpUser", "--smtp-user"))


def check(inputs: Mapping) -> None:
    """Before any call: a port of 1-65535 in ASCII digits, and no line break or control character in
    what goes into the SMTP dialogue (it would end a command and start another)."""
    port = inputs.get("smtpPort")
    if port is not None and not (PORT.fullmatch(port) and 1 <= int(port) <= 65535):
        raise InputError("smtpPort must be a port number.")
    for key, flag in ONE_LINE:
        if inputs.get(key) and LINE_BREAKS.search(inputs[key]):
            raise InputError(f"{flag} holds a line break or a control character; it must be one line.")


class TooLong(Exception):
    """A reply line or a reply past its bound: the server is not one to talk to."""


def _bounded(base):
    """`base` (smtplib.SMTP or SMTP_SSL) whose replies are read with bounds."""
    import smtplib

    class Bounded(base):
        def __init__(self, *args, expired: threading.Event, seconds: float, **kwargs):
            """Connected, greeted, and watched: past `seconds` the socket is shut and `expired` set."""
            self.expired = expired
            self.watchdog = threading.Timer(seconds, self.expire)
            self.watchdog.daemon = True
            self.watchdog.start()
            try:
                super().__init__(*args, **kwargs)
            except BaseException:
                self.watchdog.cancel()
                raise

        def expire(self) -> None:  # the whole exchange's deadline: a server that drips a byte at a time ends too
            self.expired.set()
            if self.sock is not None:
                try:
                    self.sock.shutdown(2)
                except OSError:
                    pass

        def getreply(self):
            """smtplib's reading of a reply, bounded in lines' and replies' size."""
            if self.file is None:
                self.file = self.sock.makefile("rb")
            lines, total = [], 0
            while True:
                try:
                    line = self.file.readline(MAX_LINE + 1)
                except OSError as exc:
                    self.close()
                    raise smtplib.SMTPServerDisconnected(f"Connection unexpectedly closed: {exc}") from None
                if not line:
                    self.close()
                    raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
                total += len(line)
                if len(line) > MAX_LINE or total > MAX_REPLY:
                    self.close()
                    raise TooLong(f"a reply {'line ' if len(line) > MAX_LINE else ''}longer than "
                                  f"{MAX_LINE if len(line) > MAX_LINE else MAX_REPLY} bytes")
                lines.append(line[4:].strip(b" \t\r\n"))
                try:
                    code = int(line[:3])
                except ValueError:
                    code = -1
                    break
                if line[3:4] != b"-":
                    break
            return code, b"\n".join(lines)

    return Bounded


def send(inputs: Mapping, message, password: Secret | None, timeout: float) -> None:
    import smtplib
    import ssl

    from ec2ops.client import tls

    host = inputs.get("smtpHost") or "localhost"
    port = int(inputs.get("smtpPort") or (465 if inputs.get("smtpTls") else 25))
    context = inputs.get("smtpContext")
    expired = threading.Event()
    smtp = None
    sent = False
    try:
        if inputs.get("smtpTls"):
            smtp = _bounded(smtplib.SMTP_SSL)(host, port, timeout=timeout, context=context, expired=expired,
                                              seconds=timeout)
        else:
            smtp = _bounded(smtplib.SMTP)(host, port, timeout=timeout, expired=expired, seconds=timeout)
        if inputs.get("smtpStarttls"):
            smtp.starttls(context=context)
        if inputs.get("smtpUser"):
            smtp.login(inputs["smtpUser"], password.reveal() if password else "")
        refused = smtp.send_message(message)
        sent = True
        if refused:
            raise OperationFailed(f"The SMTP server {host}:{port} refused the recipient"
                                  f"{'s' if len(refused) > 1 else ''} {', '.join(refused)} "
                                  f"({_codes(refused)}); the dashboard e-mail went to the others only.")
    except OperationFailed:
        raise
    except TooLong as exc:
        raise EndpointError(f"The SMTP server {host}:{port} sent {exc}; the dashboard e-mail was not sent.") from None
    except ssl.SSLCertVerificationError as exc:
        raise EndpointError(tls.failure(exc, f"{host}:{port}", inputs.get("smtpCaBundle"), "--smtp-ca-bundle",
                                        "SMTP server")) from None
    except (smtplib.SMTPException, OSError) as exc:
        if expired.is_set():
            raise EndpointError(f"The SMTP server {host}:{port} did not finish within the read timeout "
                                f"({timeout:g} s); the dashboard e-mail was not sent.") from None
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            raise OperationFailed(
                f"The SMTP server {host}:{port} refused the login of {inputs['smtpUser']} ({exc.smtp_code})."
            ) from None
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            raise OperationFailed(f"The SMTP server {host}:{port} refused every recipient "
                                  f"({', '.join(exc.recipients)}: {_codes(exc.recipients)}); the dashboard e-mail "
                                  "was not sent.") from None
        if isinstance(exc, smtplib.SMTPException):
            raise OperationFailed(f"The dashboard e-mail was not sent by {host}:{port}: {exc}.") from None
        raise EndpointError(f"Cannot reach the SMTP server {host}:{port}: {exc.strerror or exc}.") from None
    finally:
        if sent:  # accepted: what QUIT gets back changes nothing
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
        if smtp is not None:
            smtp.watchdog.cancel()
            smtp.close()


def _codes(refused: dict) -> str:
    return ", ".join(dict.fromkeys(str(answer[0]) for answer in refused.values()))

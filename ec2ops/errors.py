"""Exit statuses and the failures that map to them: one place, as conventions.md's table."""

from __future__ import annotations

import enum


class ExitStatus(enum.IntEnum):
    """Each status with what it means: the README's table, `ec2ops --help` and the man pages are
    generated from these texts, never written again elsewhere."""

    # The number, in str() and formats alike, as IntEnum gives from Python 3.11 on; 3.10's gave
    # "ExitStatus.OK" for str(), and so for the code of a SystemExit from main() printed by a caller.
    __str__ = int.__repr__
    __format__ = int.__format__

    def __new__(cls, value: int, short: str, description: str):
        member = int.__new__(cls, value)
        member._value_ = value
        member.short = short  # a few words, for --help and the command pages
        member.description = description  # a sentence, for the README and ec2ops(1)
        return member

    OK = (0, "done", "The operation did what it reports.")
    EC2_REFUSED = (1, "EC2 refused or the operation failed",
                   "EC2 refused (its error is printed as the guide does: <Message>. Error code: <Code>. and the "
                   "requestId), or the operation's result is a failure (e.g. No items found!).")
    BAD_INPUT = (2, "bad input",
                 "Bad input: a usage error, missing credentials, a local check from the guide's list of error "
                 "messages, or a bad configuration file; nothing was sent.")
    UNREACHABLE = (3, "endpoint unreachable or answered nonsense",
                   "The endpoint could not be reached or answered something that is not EC2 XML (connection, "
                   "TLS, proxy, timeout, HTML, truncated XML), or the answer to a change was lost.")
    NOT_WRITTEN = (4, "EC2 did it, but the result could not be written",
                   "EC2 did it, but ec2ops could not write the result (stdout or a file): stderr says what was "
                   "done and how to find it.")
    INTERRUPTED = (130, "interrupted", "Interrupted.")
    PIPE_CLOSED = (141, "the reader closed stdout",
                   "The reader of stdout went away (e.g. | head): ec2ops stops quietly, as coreutils do.")

    @classmethod
    def summary(cls) -> str:
        """One line: "0 done, 1 EC2 refused or the operation failed, ..."."""
        return ", ".join(f"{status.value} {status.short}" for status in cls)


class Ec2opsError(Exception):
    """Base of every failure ec2ops reports itself; `str()` is the one-line message."""

    status = ExitStatus.EC2_REFUSED


class InputError(Ec2opsError):
    """Bad input found before any request: the guide's own message where it has one."""

    status = ExitStatus.BAD_INPUT


class EndpointError(Ec2opsError):
    """The endpoint could not be reached, or answered something that is not EC2 XML."""

    status = ExitStatus.UNREACHABLE


class OperationFailed(Ec2opsError):
    """The call went through but the operation's result is a failure (e.g. "No items found!")."""

    status = ExitStatus.EC2_REFUSED


CLOCK_HINT = (
    "The local clock is the likely cause: every EC2 request carries a timestamp; "
    "set the system clock right (e.g. with NTP) and try again."
)
CLOCK_CODES = {"RequestExpired", "RequestTimeTooSkewed", "SignatureDoesNotMatch-Expired"}


class Ec2Error(Ec2opsError):
    """EC2 answered with an error document."""

    status = ExitStatus.EC2_REFUSED

    def __init__(self, code: str, message: str, request_id: str | None = None, http_status: int = 400):
        self.code = code or "Unknown"
        self.message = (message or "").strip()
        self.request_id = request_id
        self.http_status = http_status
        super().__init__(str(self))

    def __str__(self) -> str:
        # The guide's form: "<Message>. Error code: <Code>." with exactly one period in between.
        message = self.message.rstrip(".") if self.message else self.code
        text = f"{message}. Error code: {self.code}."
        if self.clock_related:
            text += " " + CLOCK_HINT
        return text

    @property
    def clock_related(self) -> bool:
        lowered = self.message.lower()
        return (
            self.code in CLOCK_CODES
            or "request has expired" in lowered
            or "time too skewed" in lowered
            or "clock skew" in lowered
        )

    @property
    def throttled(self) -> bool:
        return self.code in {"RequestLimitExceeded", "Throttling", "ThrottlingException"}


class NotWritten(Ec2opsError):
    """The output (stdout or a file) could not be written; `reason` is the system's word for why."""

    status = ExitStatus.NOT_WRITTEN

    def __init__(self, message: str, reason: str = ""):
        super().__init__(message)
        self.reason = reason or message


class PipeClosed(Ec2opsError):
    """The reader of stdout went away: not an error to report, a status to end with."""

    status = ExitStatus.PIPE_CLOSED


class DryRunDone(Ec2opsError):
    """EC2 answered DryRunOperation: it would have made the change. Success, said on stderr."""

    status = ExitStatus.OK


class OutcomeUnknown(Ec2opsError):
    """A request that is not safe to repeat may have reached EC2, and its answer was lost."""

    status = ExitStatus.UNREACHABLE

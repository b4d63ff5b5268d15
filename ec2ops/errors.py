"""Exit statuses and the failures that map to them: one place, as conventions.md's table."""

from __future__ import annotations

import enum


class ExitStatus(enum.IntEnum):
    OK = 0
    EC2_REFUSED = 1  # an EC2 error document, or the operation's result is a failure
    BAD_INPUT = 2  # usage error, missing credentials, a local validation error from the guide
    UNREACHABLE = 3  # connection, TLS, proxy, timeout, or an answer that is not EC2 XML
    INTERRUPTED = 130


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


class OutcomeUnknown(Ec2opsError):
    """A request that is not safe to repeat may have reached EC2, and its answer was lost."""

    status = ExitStatus.UNREACHABLE

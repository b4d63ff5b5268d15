"""Exit statuses and the failures that map to them, in one place: the README's table of exit statuses,
`ec2ops --help` and the man pages are generated from ExitStatus."""

from __future__ import annotations

import enum
import re


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
                   "EC2 refused (its error is one line on stderr, as the guide prints it: <Message>. Error code: "
                   "<Code>. (requestId: <id>)), or the operation's result is a failure (e.g. No items found!).")
    BAD_INPUT = (2, "bad input",
                 "Bad input: a usage error, missing credentials, a local check from the guide's list of error "
                 "messages, or a bad configuration file; nothing was sent.")
    UNREACHABLE = (3, "endpoint unreachable or answered nonsense",
                   "The endpoint could not be reached or answered something that is not EC2's answer "
                   "(connection, TLS, proxy, read timeout, HTML, a redirect, unreadable XML), or an answer larger "
                   "than a limit ec2ops sets (EC2OPS_MAX_RESPONSE_BYTES, the rows -o table lays out) or than "
                   "the memory there is, or EC2 throttled or failed on its side (HTTP 5xx) past the retries (worth a retry "
                   "later), or the answer to a change was lost or was not EC2's: stderr then says its outcome is "
                   "unknown and how to check.")
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


class Reported(Ec2opsError):
    """Failures already told on stderr, one line each (the regions of a run that failed): only the
    exit status, the worst of them, is left to give."""

    def __init__(self, status: ExitStatus):
        super().__init__("")
        self.status = status


class Interrupted(Ec2opsError):
    """Ctrl-C while a command ran (not a KeyboardInterrupt: click would print a blank line for it)."""

    status = ExitStatus.INTERRUPTED


class InputError(Ec2opsError):
    """Bad input found before any request: the guide's own message where it has one."""

    status = ExitStatus.BAD_INPUT


class EndpointError(Ec2opsError):
    """The endpoint could not be reached, or answered something that is not EC2 XML."""

    status = ExitStatus.UNREACHABLE


class TooLarge(EndpointError):
    """An answer larger than a limit ec2ops sets, which the message names."""


class OperationFailed(Ec2opsError):
    """The call went through but the operation's result is a failure (e.g. "No items found!")."""

    status = ExitStatus.EC2_REFUSED


CLOCK_HINT = (
    "The local clock is the likely cause: every EC2 request carries a timestamp; "
    "set the system clock right (e.g. with NTP) and try again."
)
CLOCK_CODES = {"RequestExpired", "RequestTimeTooSkewed", "SignatureDoesNotMatch-Expired"}


class Ec2Error(Ec2opsError):
    """EC2 answered with an error document. It is printed in the guide's words where the guide has
    some for its code (`in_guide_words`); EC2's own text stays in `message` and in --debug traces.
    Throttling and EC2's own failures (HTTP 5xx) that outlast the retries are exit 3, worth a retry."""

    def __init__(self, code: str, message: str, request_id: str | None = None, http_status: int = 400):
        self.code = code or "Unknown"
        self.message = (message or "").strip()
        self.request_id = request_id
        self.http_status = http_status
        self.guide: str | None = None  # the guide's message, with the ids the user gave
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.guide:
            text = self.guide
        elif self.message:  # the guide's form: "<Message>. Error code: <Code>.", one period in between
            text = f"{self.message.rstrip('.')}. Error code: {self.code}."
        else:  # never "Code. Error code: Code.": the guide's words for the code, else the code alone
            text = next((m.format([]) for m in GUIDE_MESSAGES if m.matches(self.code) and "###" not in m.text),
                        f"Error code: {self.code}.")
        if self.clock_related:
            text += " " + CLOCK_HINT
        return text

    def in_guide_words(self, given: dict[str, list[str]]) -> "Ec2Error":
        """The guide's message for this code, naming the ids the user gave (`given`: query parameter
        -> values): those EC2's text names, or all of them when it names none and is empty."""
        for entry in GUIDE_MESSAGES:
            ids = [i for p in entry.parameters for i in given.get(p, [])] if entry.matches(self.code) else []
            named = [i for i in ids if i and re.search(rf"(?<![\w.-]){re.escape(i)}(?![\w-])", self.message)]
            if named or (ids and not self.message and not entry.named):
                self.guide = entry.format(named or ids)
                self.args = (str(self),)
                break
        return self

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
    def status(self) -> ExitStatus:
        return ExitStatus.UNREACHABLE if self.throttled or self.http_status >= 500 else ExitStatus.EC2_REFUSED

    def one_line(self) -> str:
        """What stderr says: the message, then the requestId to quote to AWS support."""
        return f"{self}" + (f" (requestId: {self.request_id})" if self.request_id else "")

    @property
    def throttled(self) -> bool:
        return self.code in {"RequestLimitExceeded", "Throttling", "ThrottlingException"}


class GuideMessage:
    """One of the guide's error messages: for EC2's `codes` (any case), `text` with ### for the ids
    the user gave in `parameter` (query parameters, without .N, comma-separated: a security group
    by name or by id), printed with the guide's code."""

    def __init__(self, codes: str, text: str, parameter: str | None = None, plural: str | None = None,
                 named: bool = False, code: str | None = None):
        self.codes = {c.strip().lower() for c in codes.split(",")}
        self.text, self.plural = text, plural
        self.parameters = tuple(p.strip() for p in (parameter or "").split(",") if p.strip())  # by name or id
        self.named = named  # a code with other causes too: only when EC2's text names one of the ids
        self.code = code or codes.split(",")[0].strip()

    def matches(self, code: str) -> bool:
        return code.lower() in self.codes

    def format(self, ids: list[str]) -> str:
        text = self.plural if len(ids) > 1 and self.plural else self.text
        return f"{text.replace('###', ', '.join(ids))} Error code: {self.code}."


# The guide's "Error messages" for EC2's codes, word for word (with its spelling of the codes).
GUIDE_MESSAGES = (
    GuideMessage("InvalidAMIID.NotFound", "The AMI ID '###' does not exist.", "ImageId"),
    GuideMessage("InvalidInstanceID.NotFound", "The instance ID '###' does not exist.", "InstanceId",
                 plural="The instance IDs '###' do not exist.", code="InvalidInstanceId.NotFound"),
    GuideMessage("InvalidVolume.NotFound", "The volume '###' does not exist.", "VolumeId"),
    GuideMessage("InvalidSnapshot.NotFound", "The snapshot '###' does not exist.", "SnapshotId"),
    GuideMessage("InvalidGroup.NotFound", "The security group '###' does not exist.", "GroupName, GroupId"),
    GuideMessage("InvalidGroup.Duplicate", "The security group '###' already exists.", "GroupName"),
    GuideMessage("InvalidGroup.Reserved", "The security group '###' is reserved.", "GroupName"),
    GuideMessage("InvalidKeyPair.Duplicate", "The keypair '###' already exists.", "KeyName"),
    GuideMessage("InvalidZone.NotFound", "The zone '###' does not exist.", "AvailabilityZone"),
    GuideMessage("InvalidBundleID.NotFound", "Invalid bundle ids: ###.", "BundleId"),
    GuideMessage("InvalidManifest", "Invalid manifest path: '###'.", "ImageLocation"),
    # An address that is not yours: AuthFailure in 2009, InvalidAddress.NotFound today.
    GuideMessage("AuthFailure,InvalidAddress.NotFound", "The address '###' does not belong to you.", "PublicIp",
                 named=True),
    GuideMessage("AuthFailure", "Not authorized for image: ###.", "ImageId", named=True),
    GuideMessage("InvalidAMIAttributeItemValue", "Invalid attribute item value '###' for UserGroup item type.",
                 "UserGroup", named=True),
    GuideMessage("InvalidAMIAttributeItemValue", "Invalid attribute item value '###' for userId item type.",
                 "UserId", named=True),
    GuideMessage("AuthFailure", "AWS was not able to validate the provided access credentials."),
    GuideMessage("MissingParameter", "The request must contain the parameter ###."),
)


def guide_says(code: str, parameter: str | None = None, ids: str = "###") -> str:
    """The guide's message for `code` (and the parameter its ### is about), for a local check to
    say before sending what EC2 would answer: ### stays for validate's checks to fill in."""
    wanted = (parameter,) if parameter else ()
    return next(m for m in GUIDE_MESSAGES if m.matches(code) and m.parameters[:1] == wanted).format([ids])


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


class NothingGiven(Ec2opsError):
    """Ids were to come from stdin and none came (an empty pipe: nothing matched upstream): nothing
    to do, which is not a failure. Said on stderr, so that a script's log shows it."""

    status = ExitStatus.OK


class OutcomeUnknown(Ec2opsError):
    """A request that is not safe to repeat may have reached EC2, and its answer was lost."""

    status = ExitStatus.UNREACHABLE

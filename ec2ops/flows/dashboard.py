"""EC2 Dashboard (flow): instances running and stopped, elastic IPs, EBS volumes, EBS snapshots
(your own), key pairs and security groups, counted from six Describe calls made concurrently,
then shown, written to a file, e-mailed, or only printed."""

from __future__ import annotations

import datetime as dt
import os
import sys
from typing import TYPE_CHECKING, Mapping

from ec2ops import files, resources
from ec2ops.client import document
from ec2ops.flows import mail
from ec2ops.errors import InputError, NotWritten
from ec2ops.secret import Secret
from ec2ops.session import Session
from ec2ops.spec import Input, Operation, Output, split_list
from ec2ops.values import Table

if TYPE_CHECKING:
    import ssl

# (output name = JSON key, title, the resource counted, parameters of its Describe, the state counted)
COUNTS = [
    ("instancesRunning", "Instances running", resources.INSTANCE, {}, "running"),
    ("instancesStopped", "Instances stopped", resources.INSTANCE, {}, "stopped"),
    ("elasticIps", "Elastic IPs", resources.ADDRESS, {}, None),
    ("ebsVolumes", "EBS volumes", resources.VOLUME, {}, None),
    ("ebsSnapshots", "EBS snapshots", resources.SNAPSHOT, {"Owner.1": "self"}, None),
    ("keyPairs", "Key pairs", resources.KEY_PAIR, {}, None),
    ("securityGroups", "Security groups", resources.SECURITY_GROUP, {}, None),
]
METHODS = {"display": "Display", "writetofile": "Write to File", "email": "Email", "none": "None"}


def _method(value: str) -> str:
    key = value.replace(" ", "").replace("-", "").replace("_", "").lower()
    if key not in METHODS:
        raise InputError("notifyMethod must be one of: Write to File, Email, Display, None.")
    return METHODS[key]


INPUTS = (
    Input("notifyMethod", "How to notify (any case; write-to-file works too).",
          default="Display", check=_method, choices=("Display", "Write to File", "Email", "None", "write-to-file")),
    Input("file", "Write to File: the file the dashboard is appended to, with a timestamp.", metavar="PATH"),
    Input("smtpHost", "Email: the SMTP server.", default="localhost"),
    Input("smtpPort", "Email: its port [default: 25; 465 with --smtp-tls]."),
    Input("smtpFrom", "Email: the sender address."),
    Input("smtpTo", "Email: recipient addresses, comma-separated."),
    Input("smtpStarttls", "Email: switch to TLS with STARTTLS before logging in; the server's certificate is "
          "verified.", flag=True),
    Input("smtpTls", "Email: talk TLS from the start (SMTPS, usually port 465); the server's certificate is "
          "verified.", flag=True),
    Input("smtpCaBundle", "Email: CA certificates (PEM) to verify the SMTP server with (default: certifi's, or "
          "SSL_CERT_FILE / SSL_CERT_DIR).", metavar="FILE"),
    Input("smtpUser", "Email: log in as this user; the password comes from EC2OPS_SMTP_PASSWORD, or from "
          "stdin with --smtp-password-stdin (never a flag)."),
    Input("smtpPasswordStdin", "Email: read the SMTP password from the first line of stdin.", flag=True),
)


def _validate(inputs: Mapping) -> dict:
    method = inputs["notifyMethod"]
    if method == "Write to File" and not inputs.get("file"):
        raise InputError("notifyMethod Write to File needs --file PATH.")
    if method == "Write to File":
        files.check_appendable(inputs["file"], "dashboard file")
    if method == "Email" and not (inputs.get("smtpFrom") and inputs.get("smtpTo")):
        raise InputError("notifyMethod Email needs --smtp-from and --smtp-to.")
    mail.check(inputs)
    # Asked for before any call is made: the SMTP server's TLS context (its CA bundle read) and password.
    return {"smtpContext": smtp_tls(inputs) if method == "Email" else None, "smtpPassword": smtp_password(inputs)}


def count(resource: resources.Resource, params: dict, session: Session, states: list) -> list[int]:
    """How many items a Describe lists in each of `states` (None: in any), following its pages, read
    item by item."""
    if resource.page_list:
        pages = session.pages(resource.describe, dict(params), resource.page_list)
    else:
        pages = [session.call(resource.describe, dict(params), resource.list_path.split("/")[0])]
    counts = dict.fromkeys(states, 0)

    def one(item: dict) -> None:
        state = document.first(item, resource.state_path) if resource.state_path else None
        for wanted in {None, state} & counts.keys():
            counts[wanted] += 1

    for page in pages:
        page.each(resource.list_path, one)
    return [counts[state] for state in states]


def count_region(session: Session, inputs: dict, params: dict) -> dict[str, int]:
    """One region's counts, from its six Describe calls made at once (instances: once, counted twice)."""
    from ec2ops import fanout

    session.client  # noqa: B018 - made here, before the threads share it
    calls: dict[tuple, tuple] = {}
    for name, _, resource, query, state in COUNTS:
        calls.setdefault((resource.describe, tuple(query.items())), (resource, query, []))[2].append((name, state))
    found = fanout.run_all({key: (lambda r=r, q=q, w=w: count(r, q, session, [s for _, s in w]))
                            for key, (r, q, w) in calls.items()})
    counted = {name: n for key, (_, _, wanted) in calls.items() for (name, _), n in zip(wanted, found[key])}
    return {name: counted[name] for name, *_ in COUNTS}


def merge(rows: list[tuple]) -> dict:
    """One row per region (and profile), and a total when there are several; each count is an
    output too (the total)."""
    names = [c[0] for c in COUNTS]
    totals = {name: sum(row[name] for _, row in rows) for name in names}
    where = list(rows[0][0].label) if rows else ["region"]
    table = Table([(key, key.capitalize()) for key in where] + [(c[0], c[1]) for c in COUNTS],
                         [{**target.label, **row} for target, row in rows])
    if len(rows) > 1:
        table.rows.append({**dict.fromkeys(where, "total"), **totals})
    return {"returnResult": table, **totals}


def notify(result: dict, inputs: dict) -> dict:
    text = dashboard_text(result["returnResult"])
    method = inputs["notifyMethod"]
    if method == "Write to File":
        write_to_file(inputs["file"], text)
    elif method == "Email":
        send_email(inputs, text, inputs.get("smtpPassword"))
    return result


def present(session: Session, result: dict, inputs: dict) -> bool:
    """Display on a terminal is a panel; anywhere else, the outputs as every command prints them."""
    if inputs["notifyMethod"] == "Display" and session.form == "plain" and session.get is None \
            and sys.stdout.isatty():
        display(result["returnResult"], session)
        return True
    return False


def dashboard_text(table: Table) -> str:
    """The dashboard as text lines, for a file, an e-mail, or a terminal without rich."""
    when = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    lines = [f"EC2 dashboard, {when}"]
    for row in table.rows:
        lines.append(f"[{where(row)}]")
        lines += [f"  {title}: {row[key]}" for key, title in counted(table)]
    return "\n".join(lines) + "\n"


def where(row: dict) -> str:
    """A row's region, or profile/region; the total row's `total`."""
    profile = row.get("profile")
    return row["region"] if profile in (None, row["region"]) else f"{profile}/{row['region']}"


def counted(table: Table) -> list[tuple[str, str]]:
    return [(key, title) for key, title in table.columns if key not in ("profile", "region")]


def display(table: Table, session: Session) -> None:
    from rich.console import Console
    from rich.panel import Panel
    from rich.table import Table as RichTable

    grid = RichTable(show_header=len(table.rows) > 1, box=None, pad_edge=False)
    grid.add_column("")
    for row in table.rows:
        grid.add_column(where(row), justify="right")
    for key, title in counted(table):
        grid.add_row(title, *(str(row[key]) for row in table.rows))
    title = "EC2 dashboard" + ("" if len(table.rows) != 1 else f" ({where(table.rows[0])})")
    Console(no_color=session.common.color is False or None).print(Panel(grid, title=title, expand=False))


def write_to_file(path: str, text: str) -> None:
    """Appended as `>>` appends, whole or not at all; a file that cannot be written is exit 4, as stdout is."""
    try:
        files.append_once(path, (text + "\n").encode("utf-8"))
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise NotWritten(f"The dashboard could not be written to {path} ({reason}); the file is as it was.",
                         reason) from None


def smtp_tls(inputs: dict) -> ssl.SSLContext | None:
    """The context the SMTP server's certificate is verified with, when TLS is asked for (its CA
    bundle read now, before any call); a password is never sent in the clear beyond this machine."""
    if inputs.get("smtpStarttls") and inputs.get("smtpTls"):
        raise InputError("Give one of --smtp-starttls (port 25 or 587) and --smtp-tls (SMTPS, port 465).")
    from ec2ops.client import tls  # here: ssl is for the e-mail, not for --help

    if not (inputs.get("smtpStarttls") or inputs.get("smtpTls")):
        if inputs.get("smtpCaBundle"):
            raise InputError("--smtp-ca-bundle verifies TLS: give --smtp-starttls or --smtp-tls with it.")
        if inputs.get("smtpUser") and not tls.is_loopback(inputs.get("smtpHost") or "localhost"):
            raise InputError("--smtp-user sends a password, never in the clear beyond this machine: give "
                             "--smtp-starttls or --smtp-tls.")
        return None
    return tls.context(inputs.get("smtpCaBundle"))


def smtp_password(inputs: Mapping) -> Secret | None:
    if inputs.get("notifyMethod") != "Email" or not inputs.get("smtpUser"):
        return None
    if inputs.get("smtpPasswordStdin"):
        from ec2ops.stdin import secret_line

        return Secret(secret_line("SMTP password", "--smtp-password-stdin"))
    password = os.environ.get("EC2OPS_SMTP_PASSWORD")
    if password is None:
        raise InputError("--smtp-user needs a password: set EC2OPS_SMTP_PASSWORD or give --smtp-password-stdin.")
    return Secret(password)


def send_email(inputs: Mapping, text: str, password: Secret | None) -> None:
    """The dashboard as an e-mail (ec2ops.flows.mail), within the run's read timeout as a whole."""
    import click
    from email.message import EmailMessage

    message = EmailMessage()
    message["Subject"] = "EC2 dashboard"
    message["From"] = inputs["smtpFrom"]
    message["To"] = ", ".join(split_list(inputs["smtpTo"], ","))
    message.set_content(text)
    ctx = click.get_current_context(silent=True)
    session = ctx.meta.get("ec2ops.session") if ctx is not None else None
    mail.send(inputs, message, password, session.common.read_timeout if session is not None else 60.0)


OPERATIONS = [
    Operation(
        name="ec2-dashboard",
        action=", ".join(dict.fromkeys(c[2].describe for c in COUNTS)),
        area="dashboard",
        help="""Shows the EC2 dashboard: the number of instances running and stopped, elastic IPs, EBS
        volumes, EBS snapshots (your own), key pairs and security groups. The six Describe calls run
        concurrently; with --regions, every region's too, with a row per region and a total.

        notifyMethod: Display (a panel on a terminal, the plain outputs otherwise), Write to File
        (appended to --file with a timestamp), Email (sent over SMTP), or None. In every case the
        counts are the command's outputs (returnResult is the table; each count also has its own
        output); there is no requestId, the counts coming from several calls.""",
        inputs=INPUTS,
        outputs=(Output("returnResult", help="The counts: one row per region (and a total row)."),
                 *(Output(name, help=f"{title}: the count (the total over the regions).")
                   for name, title, *_ in COUNTS)),
        validate=_validate,
        perform=count_region,
        merge=merge,
        finish=notify,
        present=present,
        request_id=False,  # six calls (in each region): no one requestId
        example="ec2ops ec2-dashboard --notify-method 'Write to File' --file /var/log/ec2-dashboard.log",
    )
]

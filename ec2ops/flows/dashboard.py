"""EC2 Dashboard (flow): instances running and stopped, elastic IPs, EBS volumes, EBS snapshots
(your own), key pairs and security groups, counted from six Describe calls made concurrently,
then shown, written to a file, e-mailed, or only printed."""

from __future__ import annotations

import datetime as dt
import os
import sys
from typing import TYPE_CHECKING

from ec2ops import output
from ec2ops.client import document
from ec2ops.errors import EndpointError, InputError, OperationFailed
from ec2ops.session import Session
from ec2ops.spec import Input, command, options_of, read_inputs, split_list

if TYPE_CHECKING:  # imported where used: threads are for running the dashboard, not for --help (start-up)
    from concurrent.futures import ThreadPoolExecutor

# (output name = JSON key, title, Describe action, its parameters, the list that is counted, a filter)
COUNTS = [
    ("instancesRunning", "Instances running", "DescribeInstances", {}, "reservationSet/instancesSet", "running"),
    ("instancesStopped", "Instances stopped", "DescribeInstances", {}, "reservationSet/instancesSet", "stopped"),
    ("elasticIps", "Elastic IPs", "DescribeAddresses", {}, "addressesSet", None),
    ("ebsVolumes", "EBS volumes", "DescribeVolumes", {}, "volumeSet", None),
    ("ebsSnapshots", "EBS snapshots", "DescribeSnapshots", {"Owner.1": "self"}, "snapshotSet", None),
    ("keyPairs", "Key pairs", "DescribeKeyPairs", {}, "keySet", None),
    ("securityGroups", "Security groups", "DescribeSecurityGroups", {}, "securityGroupInfo", None),
]
METHODS = {"display": "Display", "writetofile": "Write to File", "email": "Email", "none": "None"}
PAGED = {"DescribeInstances": "reservationSet", "DescribeVolumes": "volumeSet", "DescribeSnapshots": "snapshotSet"}


def _method(value: str) -> str:
    key = value.replace(" ", "").replace("-", "").replace("_", "").lower()
    if key not in METHODS:
        raise InputError("notifyMethod must be one of: Write to File, Email, Display, None.")
    return METHODS[key]


INPUTS = (
    Input("notifyMethod", "How to notify (any case; write-to-file works too).",
          default="Display", check=_method, choices=("Display", "Write to File", "Email", "None", "write-to-file")),
    Input("file", "Write to File: the file the dashboard is appended to, with a timestamp.", metavar="PATH"),
    Input("regions", "Regions to count, comma-separated, or all: one row per region and a total.",
          metavar="LIST"),
    Input("smtpHost", "Email: the SMTP server.", default="localhost"),
    Input("smtpPort", "Email: its port.", default="25"),
    Input("smtpFrom", "Email: the sender address."),
    Input("smtpTo", "Email: recipient addresses, comma-separated."),
    Input("smtpStarttls", "Email: switch to TLS with STARTTLS before logging in.", flag=True),
    Input("smtpUser", "Email: log in as this user; the password comes from EC2OPS_SMTP_PASSWORD, or from "
          "stdin with --smtp-password-stdin (never a flag)."),
    Input("smtpPasswordStdin", "Email: read the SMTP password from the first line of stdin.", flag=True),
)


def _validate(values: dict) -> None:
    method = values["notifyMethod"]
    if method == "Write to File" and not values.get("file"):
        raise InputError("notifyMethod Write to File needs --file PATH.")
    if method == "Email" and not (values.get("smtpFrom") and values.get("smtpTo")):
        raise InputError("notifyMethod Email needs --smtp-from and --smtp-to.")
    if not str(values.get("smtpPort") or "25").isdigit():
        raise InputError("smtpPort must be a port number.")


def count_region(session: Session, pool: ThreadPoolExecutor) -> list:
    """Futures of the six Describe calls of one region (instances are described once, counted twice)."""
    calls = {}
    for _, _, action, params, _, _ in COUNTS:
        key = (action, tuple(params.items()))
        if key not in calls:
            if action in PAGED:
                calls[key] = pool.submit(session.call_all, action, dict(params), PAGED[action])
            else:
                calls[key] = pool.submit(session.call, action, dict(params))
    return [(name, calls[(action, tuple(params.items()))], path, state)
            for name, _, action, params, path, state in COUNTS]


def tally(futures: list) -> dict[str, int]:
    row = {}
    for name, future, path, state in futures:
        elements = list(document.walk(future.result().body, path))
        if state:
            elements = [e for e in elements if document.first(e, "instanceState/name") == state]
        row[name] = len(elements)
    return row


def regions_of(session: Session, wanted: str | None) -> list[str]:
    if not wanted:
        return [session.endpoint_and_region()[1]]
    if wanted.strip().lower() == "all":
        body = session.call("DescribeRegions").body
        return [r.get("regionName") for r in document.items(body, "regionInfo")]
    regions = split_list(wanted, ",")
    if not regions:
        raise InputError("--regions needs region names, comma-separated, or all.")
    return regions


def ec2_dashboard(session: Session, **values):
    values = read_inputs(INPUTS, values, _validate)
    session.check_get(["returnResult", *(c[0] for c in COUNTS)])
    password = smtp_password(values)
    regions = regions_of(session, values.get("regions"))
    sessions = {region: session.for_region(region) for region in regions} if values.get("regions") else {
        regions[0]: session}
    for each in sessions.values():
        each.client  # made here, before the threads share it
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(32, 6 * len(regions))) as pool:
        pending = {region: count_region(s, pool) for region, s in sessions.items()}
        rows = {region: tally(futures) for region, futures in pending.items()}
    names = [c[0] for c in COUNTS]
    totals = {name: sum(row[name] for row in rows.values()) for name in names}
    table = output.Table([("region", "Region")] + [(c[0], c[1]) for c in COUNTS],
                         [{"region": r, **row} for r, row in rows.items()])
    if len(rows) > 1:
        table.rows.append({"region": "total", **totals})
    result = {"returnResult": table, **totals}
    text = dashboard_text(table)
    method = values["notifyMethod"]
    if method == "Write to File":
        write_to_file(values["file"], text)
    elif method == "Email":
        send_email(values, text, password)
    if method == "Display" and session.form == "plain" and session.get is None and sys.stdout.isatty():
        display(table, session)
    else:
        session.emit(result)


def dashboard_text(table: output.Table) -> str:
    """The dashboard as text lines, for a file, an e-mail, or a terminal without rich."""
    when = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    lines = [f"EC2 dashboard, {when}"]
    for row in table.rows:
        lines.append(f"[{row['region']}]")
        lines += [f"  {title}: {row[key]}" for key, title in table.columns[1:]]
    return "\n".join(lines) + "\n"


def display(table: output.Table, session: Session) -> None:
    from rich.console import Console
    from rich.panel import Panel
    from rich.table import Table as RichTable

    grid = RichTable(show_header=len(table.rows) > 1, box=None, pad_edge=False)
    grid.add_column("")
    for row in table.rows:
        grid.add_column(row["region"], justify="right")
    for key, title in table.columns[1:]:
        grid.add_row(title, *(str(row[key]) for row in table.rows))
    title = "EC2 dashboard" + ("" if len(table.rows) > 1 else f" ({table.rows[0]['region']})")
    Console(no_color=session.color is False or None).print(Panel(grid, title=title, expand=False))


def write_to_file(path: str, text: str) -> None:
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text + "\n")
    except OSError as exc:
        raise OperationFailed(f"Cannot write the dashboard to {path}: {exc.strerror}.") from None


def smtp_password(values: dict) -> str | None:
    if values.get("notifyMethod") != "Email" or not values.get("smtpUser"):
        return None
    if values.get("smtpPasswordStdin"):
        return sys.stdin.readline().rstrip("\r\n")
    password = os.environ.get("EC2OPS_SMTP_PASSWORD")
    if password is None:
        raise InputError("--smtp-user needs a password: set EC2OPS_SMTP_PASSWORD or give --smtp-password-stdin.")
    return password


def send_email(values: dict, text: str, password: str | None) -> None:
    import smtplib
    from email.message import EmailMessage

    message = EmailMessage()
    message["Subject"] = "EC2 dashboard"
    message["From"] = values["smtpFrom"]
    message["To"] = ", ".join(split_list(values["smtpTo"], ","))
    message.set_content(text)
    host, port = values.get("smtpHost") or "localhost", int(values.get("smtpPort") or 25)
    try:
        with smtplib.SMTP(host, port, timeout=30) as smtp:
            if values.get("smtpStarttls"):
                smtp.starttls()
            if values.get("smtpUser"):
                smtp.login(values["smtpUser"], password or "")
            smtp.send_message(message)
    except smtplib.SMTPAuthenticationError as exc:
        raise OperationFailed(
            f"The SMTP server {host}:{port} refused the login of {values['smtpUser']} ({exc.smtp_code})."
        ) from None
    except smtplib.SMTPException as exc:
        raise OperationFailed(f"The dashboard e-mail was not sent by {host}:{port}: {exc}.") from None
    except OSError as exc:
        raise EndpointError(f"Cannot reach the SMTP server {host}:{port}: {exc.strerror or exc}.") from None


ec2_dashboard.__doc__ = """Shows the EC2 dashboard: the number of instances running and stopped,
elastic IPs, EBS volumes, EBS snapshots (your own), key pairs and security groups. The six
Describe calls run concurrently; with --regions, every region's too, with a row per region and
a total.

notifyMethod: Display (a panel on a terminal, the plain outputs otherwise), Write to File
(appended to --file with a timestamp), Email (sent over SMTP), or None. In every case the counts
are the command's outputs (returnResult is the table; each count also has its own output)."""
ec2_dashboard.__click_params__ = options_of(INPUTS)  # type: ignore[attr-defined]

COMMANDS = [
    command("ec2-dashboard", area="dashboard",
            example="ec2ops ec2-dashboard --notify-method 'Write to File' --file /var/log/ec2-dashboard.log")(
        ec2_dashboard)
]

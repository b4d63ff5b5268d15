"""Man pages in roff: ec2ops(1) and one ec2ops-COMMAND(1) per command, and a strict roff check."""

from __future__ import annotations

import inspect
import re

import click

from ec2ops import __version__, awscli
from ec2ops.docs.tree import HEADER, Node, common_spellings, short, walk
from ec2ops.errors import ExitStatus
from ec2ops.options import SECTIONS
from ec2ops.areas import AREAS


def esc(text: str) -> str:
    """Text for roff: backslashes, hyphens (as copyable minus signs), quotes, and control lines."""
    text = text.replace("\\", "\\e").replace("-", "\\-").replace("'", "\\(aq").replace("`", "\\(ga")
    return "\n".join("\\&" + line if line.startswith(".") else line for line in text.split("\n"))


def bold(text: str) -> str:
    return f"\\fB{esc(text)}\\fR"


def paragraphs(help_text: str) -> list[str]:
    """A click help text as roff: filled paragraphs, and `\\b` blocks kept line by line."""
    out = []
    for block in re.split(r"\n\s*\n", inspect.cleandoc(help_text or "")):
        if block.startswith("\b"):
            body = [line for line in block.split("\n")[1:] if line.strip()]
            if body and body[0].rstrip().endswith(":") and not body[0].startswith(" "):
                out += [".PP", esc(body[0].strip())]
                body = body[1:]
            out += [".PP", ".RS 4", ".nf", *(esc(line.strip()) for line in body), ".fi", ".RE"]
        elif block.strip():
            out += [".PP", esc(" ".join(block.split()))]
    return out


def metavar_of(param: click.Parameter, ctx: click.Context) -> str:
    try:
        return param.make_metavar(ctx)
    except TypeError:  # click < 8.2
        return param.make_metavar()  # type: ignore[call-arg]


def option_items(node: Node, section: str | None) -> list[str]:
    """The options of one --help section (None: the command's own inputs) as .TP items."""
    out = []
    for param in node.command.get_params(node.ctx):
        if not isinstance(param, click.Option):
            continue
        where = "Output" if param is node.command.get_help_option(node.ctx) else SECTIONS.get(param.name)
        if where != section:
            continue
        record = param.get_help_record(node.ctx)
        if not record:
            continue
        spellings = ", ".join(bold(s) for s in list(param.opts) + list(param.secondary_opts))
        metavar = "" if (param.is_flag or param.count) else metavar_of(param, node.ctx)
        head = spellings + (f" \\fI{esc(metavar)}\\fR" if metavar else "")
        out += [".TP", head, esc(" ".join(record[1].split()))]
    return out


OUTPUT_FORMS = [
    ("plain", "The default; a stable layout for scripts. returnResult first, exactly as the guide formats it: "
              "lists joined by --delimiter (default ,), tables with rows separated by --row-delimiter "
              "(default a newline) and columns by --col-delimiter; an empty cell is null and an empty "
              "returnResult table prints nothing. Then every other output as name: value, one a line, an empty "
              "value, list or table null, requestId last; a "
              "multi-line value follows its name: line, indented two spaces. Delimiters may be typed as "
              "\\n, \\t, \\r."),
    ("table", "Tables with the guide's column names as headers; colour only on a terminal, never with "
              "NO_COLOR or --no-color."),
    ("json", "One JSON object per call, keyed by the guide's output names; a table is a list of objects keyed "
             "by the EC2 field names, in the guide's column order, then the fields beyond it (--columns). EC2's integers and booleans are JSON numbers "
             "and booleans (progress a number of percent), a list or table is [] when empty, a missing "
             "scalar null; timestamps are EC2's own, ISO 8601 with their offset."),
    ("--get NAME", "Only that output's raw value, for $(...): a list or table as in plain, an empty value "
                   "as an empty line."),
]

ENVIRONMENT = {  # variables read outside click's options
    "AWS_ACCESS_KEY_ID": "accessKeyId, when --access-key-id is not given.",
    "AWS_SECRET_ACCESS_KEY": "accessKey, when --access-key is not given.",
    "AWS_SESSION_TOKEN": "The session token of temporary credentials.",
    "AWS_DEFAULT_PROFILE": "The profile, when --profile is not given; before AWS_PROFILE, as in the AWS CLI.",
    "AWS_PROFILE": "The profile, when neither --profile nor AWS_DEFAULT_PROFILE is given.",
    "AWS_REGION, AWS_DEFAULT_REGION": "The region, when --region is not given.",
    "AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE": "Where the AWS credentials and config files are.",
    "AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL": "The endpoint, when --service-endpoint and EC2OPS_ENDPOINT are "
                                              "not given (before the profile's endpoint_url), as in the AWS CLI.",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true: the AWS CLI's configured endpoints are not used.",
    "AWS_USE_FIPS_ENDPOINT, AWS_USE_DUALSTACK_ENDPOINT": "true: EC2's FIPS or dual-stack (IPv6) host in the region.",
    "AWS_MAX_ATTEMPTS, AWS_RETRY_MODE": "Tries per call (when --max-attempts is not given) and the retry mode "
                                        "(standard, or adaptive: requests spaced once EC2 throttles).",
    "HTTPS_PROXY, NO_PROXY": "The proxy to go through, when --proxy-host is not given.",
    "NO_COLOR": "When set, never colour (as --no-color).",
    "EC2OPS_CONFIG": "The configuration file to read instead of the default one; empty: none.",
    "XDG_CONFIG_HOME": "The directory of the default configuration file (default ~/.config).",
}

FILES = [
    ("~/.aws/credentials", "Profiles holding aws_access_key_id, aws_secret_access_key and aws_session_token, as "
                           "the AWS CLI writes them."),
    ("~/.aws/config", "The profiles' region (and keys), and the AWS CLI's settings ec2ops honours: endpoint_url "
                      "and a [services] section, use_fips_endpoint, use_dualstack_endpoint, max_attempts, "
                      "retry_mode, ca_bundle."),
    ("${XDG_CONFIG_HOME:-~/.config}/ec2ops/config.toml",
     "Defaults for region, endpoint, output, delimiter, rowDelimiter and colDelimiter, as TOML; a "
     "[profile.NAME] table overrides them for that profile (--profile, AWS_PROFILE, else default). "
     "Flags and the environment beat it; an endpoint in the file is not used when --region is given. "
     "Read only when it exists."),
]

EXAMPLES = """\
ec2ops enumerate-regions --get returnResult | cut -d, -f1
ec2ops enumerate-key-pairs -o json | jq -r '.returnResult[].keyName'
ec2ops enumerate-key-pairs --get returnResult | cut -d, -f1 |
  xargs -n1 ec2ops delete-key-pair --key-name
ec2ops sandbox --port 0 run -- sh ops-script.sh"""


def th(title: str) -> list[str]:
    # No hyphenation and a ragged right margin: names such as describe-instances stay whole.
    return [f'.TH {esc(title.upper())} 1 "" "ec2ops {__version__}" "ec2ops Manual"', ".nh", ".ad l"]


def tp(head: str, body: str) -> list[str]:
    return [".TP", head, body]


def main_page(nodes: list[Node]) -> str:
    top = nodes[0]
    commands = [n for n in nodes if len(n.path) == 1]
    lines = [f'.\\" {HEADER.format(what="man")}', *th("ec2ops"), ".SH NAME",
             "ec2ops \\- Amazon EC2 from a shell, a cron job or a CI step", ".SH SYNOPSIS",
             ".B ec2ops", ".I command", "[\\fIoptions\\fR]", ".br", ".B ec2ops",
             "\\-\\-version | \\-\\-help", ".br", ".B ec2ops", ".I command", "\\-\\-help",
             ".SH DESCRIPTION", *paragraphs(top.command.help), ".SH COMMANDS"]
    lines += [".PP", "Grouped by the guide's areas; each has its own page, e.g. "
              "\\fBman ec2ops\\-run\\-instances\\fR."]
    areas = AREAS + [("", "Other commands")]
    for key, title in areas:
        members = [n for n in commands if getattr(n.command, "area", "") == key]
        if not members:
            continue
        lines += [".SS " + esc(title)]
        for n in members:
            lines += tp(f".BR {esc('ec2ops-' + n.name)} (1)", esc(n.summary(1000)) + ".")
    sample = next((n for n in commands if all(s in [x for o in n.options for x in o.spellings]
                                                  for s in common_spellings())), None)
    if sample:
        for section, title in (("Common inputs", "COMMON INPUTS"), ("Connection", "CONNECTION"),
                               ("Output", "OUTPUT OPTIONS")):
            lines += [".SH " + title]
            if section == "Common inputs":
                lines += [".PP", "Every command takes these. Every guide input also has its camelCase "
                          "spelling as a flag (\\-\\-instanceId as well as \\-\\-instance\\-id). Flags beat "
                          "the environment, which beats the configuration file, which beats the AWS profile."]
            lines += option_items(sample, section)
    lines += [".SH OUTPUT FORMS"]
    for name, text in OUTPUT_FORMS:
        lines += tp(bold(name), esc(text))
    lines += [".SH ENVIRONMENT"]
    envvars: dict[str, str] = {}
    for node in nodes:
        for param in node.command.get_params(node.ctx):
            envvar = getattr(param, "envvar", None)
            if isinstance(envvar, str) and envvar not in envvars:
                flag = param.opts[-1] if param.opts[-1] == param.opts[-1].lower() else param.opts[0]
                envvars[envvar] = esc(short(param.help or "", 200)) + f" (as {bold(flag)})."
    envvars.update({k: esc(v) for k, v in ENVIRONMENT.items()})
    documented = {name for key in envvars for name in key.split(", ")}
    for node in nodes[1:]:  # variables a command's help mentions, e.g. a password kept out of flags
        texts = [node.command.help or ""] + [getattr(p, "help", "") or "" for p in node.command.get_params(node.ctx)]
        for name in sorted(set(re.findall(r"\b(?:EC2OPS|AWS)_[A-Z0-9_]+\b", " ".join(texts))) - documented):
            envvars[name] = f"Read by {bold('ec2ops ' + node.path[0])}; see {bold('ec2ops-' + node.path[0])}(1)."
            documented.add(name)
    for name in sorted(envvars):
        lines += tp(f"\\fB{esc(name)}\\fR", envvars[name])
    lines += [".SH FILES"]
    for name, text in FILES:
        lines += tp(f"\\fI{esc(name)}\\fR", esc(text))
    lines += [".SH EXIT STATUS"]
    for status in ExitStatus:
        lines += tp(f"\\fB{status.value}\\fR", esc(status.description))
    lines += [".SH EXAMPLES", ".PP", "Try the commands on a local sandbox, without an AWS account:",
              ".PP", ".RS 4", ".nf", esc("ec2ops sandbox --port 0 run -- sh -c 'ec2ops enumerate-regions'"),
              ".fi", ".RE", ".PP", "Pipes:", ".PP", ".RS 4", ".nf", *(esc(line) for line in EXAMPLES.split("\n")),
              ".fi", ".RE"]
    lines += [".SH SEE ALSO", "\\fBec2ops\\-\\fIcommand\\fR(1), \\fBjq\\fR(1), \\fBcrontab\\fR(5)"]
    return "\n".join(lines) + "\n"


def command_page(node: Node, nodes: list[Node]) -> str:
    cmd = node.command
    title = "ec2ops-" + node.name
    own = [o for o in node.options if not set(o.spellings) & set(common_spellings())]
    required = [p for p in cmd.get_params(node.ctx) if isinstance(p, click.Option) and p.required]
    synopsis = [".B ec2ops " + esc(node.name)]
    for param in required:
        metavar = metavar_of(param, node.ctx)
        synopsis.append(f"{bold(param.opts[0])} \\fI{esc(metavar)}\\fR")
    if len(own) > len(required):
        synopsis.append("[\\fIinputs\\fR]")
    if node.subcommands:
        synopsis.append("[\\fB" + "\\fR|\\fB".join(esc(s) for s in node.subcommands) + "\\fR]")
    if any(s in common_spellings() for o in node.options for s in o.spellings if s not in ("-h", "--help")):
        synopsis.append("[\\fIcommon inputs\\fR]")
    lines = [f'.\\" {HEADER.format(what="man")}', *th(title), ".SH NAME",
             f"{esc(title)} \\- {esc(node.summary(1000))}", ".SH SYNOPSIS", " ".join(synopsis),
             ".SH DESCRIPTION", *paragraphs(cmd.help)]
    operation = getattr(cmd, "operation", None)
    if operation is not None:
        lines += [".PP", f"EC2 action: {esc(operation.action)}."]
    aliases = awscli.aliases_of(node.name) if len(node.path) == 1 else []
    if aliases:
        lines += [".PP", "Also runs as " + ", ".join(f"\\fBec2ops {esc(a)}\\fR" for a in aliases)
                  + ", the AWS CLI's name" + ("s" if len(aliases) > 1 else "") + "."]
    example = getattr(cmd, "example", "")
    inputs = option_items(node, None)
    if inputs:
        lines += [".SH INPUTS", *inputs]
    if operation is not None:
        lines += [".SH OUTPUTS"]
        for output in list(operation.outputs):
            text = " ".join((output.help or "").split())
            if output.columns:
                guide = [c.title for c in output.columns if not c.extra]
                text += (" " if text else "") + "Columns: " + ", ".join(guide) + "."
                extra = [c.key for c in output.columns if c.extra]
                if extra:
                    text += " Fields beyond the guide (in JSON rows; in plain and table with --columns): " \
                        + ", ".join(extra) + "."
                if output is operation.outputs[0]:  # what --help lists too (ec2ops.command)
                    names = [c.key for c in (*output.columns, *output.asked)]
                    names += ["tag:KEY (a tag's value)"] * ("tags" in names and operation.table is not None)
                    text += " --columns takes: " + ", ".join(names) + "."
            lines += tp(bold(output.name), esc(text) or "\\&")
        if "requestId" in operation.output_names:
            lines += tp(bold("requestId"), "The ID of the request sent to EC2.")
    for section, heading in (("Common inputs", "COMMON INPUTS"), ("Connection", "CONNECTION"),
                             ("Output", "OUTPUT OPTIONS")):
        items = option_items(node, section)
        if items:
            lines += [".SH " + heading, *items]
    for sub in node.subcommands:
        child = next(n for n in nodes if n.path == node.path + (sub,))
        lines += [f".SH {esc(sub.upper())} SUBCOMMAND", ".PP", f".B ec2ops {esc(child.name)}",
                  *(["\\fIargs\\fR ..."] if child.rest else []), *paragraphs(child.command.help)]
        lines += option_items(child, None) + option_items(child, "Output")
    if example:
        lines += [".SH EXAMPLE", ".PP", ".RS 4", ".nf", *(esc(line) for line in example.split("\n")), ".fi", ".RE"]
    lines += [".SH EXIT STATUS", ".PP", esc(ExitStatus.summary()) + "; see \\fBec2ops\\fR(1)."]
    area = getattr(cmd, "area", "")
    siblings = [n.name for n in nodes if len(n.path) == 1 and n is not node and area
                and getattr(n.command, "area", "") == area]
    see = [".BR ec2ops (1)"] + [f".BR {esc('ec2ops-' + s)} (1)" for s in siblings]
    lines += [".SH SEE ALSO", *(s + ("," if i < len(see) - 1 else "") for i, s in enumerate(see))]
    return "\n".join(lines) + "\n"


def man_pages() -> dict[str, str]:
    """Each page by its file name: ec2ops.1 first."""
    nodes = list(walk())
    pages = {"ec2ops.1": main_page(nodes)}
    for node in nodes:
        if len(node.path) == 1:
            pages[f"ec2ops-{node.name}.1"] = command_page(node, nodes)
    return pages


# -- a strict roff check of our own (groff may be absent) -----------------------------------------
MACROS = {"TH", "SH", "SS", "PP", "TP", "RS", "RE", "nf", "fi", "br", "B", "I", "BR", "IP", "nh", "ad", '\\"'}
ESCAPES = re.compile(r"\\(?:f[BIR]|-|e|&|\(aq|\(ga|\"|\(em)")


def lint(text: str) -> list[str]:
    """Problems man/groff would warn about or render wrongly; [] when none."""
    problems = []
    fill = True
    for number, line in enumerate(text.split("\n")[:-1], 1):
        where = f"line {number}"
        if not line.strip():
            problems.append(f"{where}: blank line (use .PP)")
        if line != line.rstrip():
            problems.append(f"{where}: trailing space")
        if line.startswith("'"):
            problems.append(f"{where}: line starts with a quote")
        if line.startswith("."):
            macro = line[1:].split(" ", 1)[0]
            if macro not in MACROS:
                problems.append(f"{where}: unknown request .{macro}")
            fill = {"nf": False, "fi": True}.get(macro, fill)
            if macro == '\\"':
                continue
        leftover = ESCAPES.sub("", line)
        if "\\" in leftover:
            problems.append(f"{where}: unknown escape in {line!r}")
        fonts = re.findall(r"\\f([BIRP])", line)
        if fonts and fonts[-1] not in "RP":
            problems.append(f"{where}: font not set back to roman")
    if not text.startswith(".\\\"") or "\n.TH " not in text:
        problems.append("no .TH header")
    if fill is False:
        problems.append(".nf without .fi")
    return problems


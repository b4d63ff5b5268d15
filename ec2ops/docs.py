"""Shell completions and man pages, generated from the command line itself.

    python -m ec2ops.docs completions [--check] [--into DIR]   # completions/ec2ops.bash, _ec2ops, ec2ops.fish
    python -m ec2ops.docs man [--check] [--into DIR]           # man/ec2ops.1 and man/ec2ops-COMMAND.1

Everything comes from ec2ops.cli.cli at run time (commands, their options, help, examples and
choices), so regenerating picks up every command. The completions are static scripts: pressing
Tab starts no Python. Nothing imports this module at start-up.
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import click

from ec2ops import __version__
from ec2ops.cli import cli
from ec2ops.errors import ExitStatus
from ec2ops.session import COMMON_OPTIONS, SECTIONS
from ec2ops.spec import AREAS

ROOT = Path(__file__).resolve().parent.parent
HEADER = "Generated from the command line by `python -m ec2ops.docs {what}`: do not edit."


# -- what the command line declares --------------------------------------------------------------
@dataclass
class Opt:
    spellings: list[str]  # every spelling the parser accepts, e.g. --instance-id, --instanceId
    value: str | None  # None: a flag; "choice", "file" or "text": it takes a value
    choices: tuple[str, ...] = ()
    help: str = ""
    metavar: str = ""

    @property
    def offered(self) -> list[str]:
        """The spellings Tab offers: the kebab-case ones (camelCase aliases are accepted, not offered)."""
        return [s for s in self.spellings if s == s.lower()]


@dataclass
class Node:
    path: tuple[str, ...]  # () for ec2ops itself, ("sandbox", "run") for a subcommand
    command: click.Command
    ctx: click.Context
    options: list[Opt] = field(default_factory=list)
    subcommands: list[str] = field(default_factory=list)
    rest: str | None = None  # "command" (a command line, as `sandbox run -- CMD`) or "file"

    @property
    def name(self) -> str:
        return " ".join(self.path)

    def summary(self, width: int = 70) -> str:
        return short(self.command.help or self.command.short_help or "", width)


def short(text: str, width: int = 70) -> str:
    """The first sentence of a help text, without its [env: ...] and [default: ...] notes."""
    text = re.sub(r"\s*\[[^\]]*\]", "", " ".join((text or "").split()))
    sentence = re.split(r"(?<!e\.g\.)(?<!i\.e\.)(?<=[.!?])\s+", text, maxsplit=1)[0].rstrip(".")
    return sentence if len(sentence) <= width else sentence[: width - 3].rsplit(" ", 1)[0] + "..."


def describe(param: click.Parameter) -> Opt:
    if isinstance(param.type, click.Choice):
        value, choices = "choice", tuple(str(c) for c in param.type.choices)
    elif getattr(param, "is_flag", False) or getattr(param, "count", False):
        value, choices = None, ()
    elif isinstance(param.type, (click.Path, click.File)) or (param.metavar or "").upper() in ("PATH", "FILE"):
        value, choices = "file", ()
    else:
        value, choices = "text", ()
    return Opt(
        spellings=list(param.opts) + list(getattr(param, "secondary_opts", [])),
        value=value,
        choices=choices,
        help=short(getattr(param, "help", "") or ""),
        metavar=(param.metavar or param.name or "value").strip("[]").split("|")[0],
    )


def walk(command: click.Command = cli, path: tuple[str, ...] = (), parent: click.Context | None = None):
    """Every command and subcommand, in the order --help lists them."""
    ctx = click.Context(command, info_name=path[-1] if path else "ec2ops", parent=parent, **command.context_settings)
    node = Node(path, command, ctx)
    for param in command.get_params(ctx):
        if isinstance(param, click.Option):
            node.options.append(describe(param))
        elif isinstance(param, click.Argument):
            node.rest = "command" if param.type is click.UNPROCESSED else "file"
    if isinstance(command, click.Group):
        node.subcommands = [n for n in command.list_commands(ctx) if not command.get_command(ctx, n).hidden]
    yield node
    for name in node.subcommands:
        yield from walk(command.get_command(ctx, name), path + (name,), ctx)


def common_spellings() -> list[str]:
    spellings = [s for option, _ in COMMON_OPTIONS for s in option.opts if s == s.lower()]
    return spellings + ["-h", "--help"]


# -- bash ----------------------------------------------------------------------------------------
def sh_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def value_kinds(nodes: list[Node]) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """What Tab completes after each option spelling: the same for every command (first dict),
    or per command where two commands disagree (second dict). A kind is a bash statement."""

    def kind(opt: Opt) -> str:
        if opt.value is None:
            return ""  # a flag: takes no value (another command may spell a valued option the same)
        if opt.value == "choice":
            return "_ec2ops_choices " + sh_quote("\n".join(opt.choices))
        if opt.value == "file":
            return "_ec2ops_files"
        return "COMPREPLY=()"  # a free value: nothing to offer, and no options either

    per_spelling: dict[str, dict[str, str]] = {}
    for node in nodes:
        for opt in node.options:
            for spelling in opt.spellings:
                per_spelling.setdefault(spelling, {})[node.name] = kind(opt)
    same = {s: next(iter(k.values())) for s, k in per_spelling.items() if len(set(k.values())) == 1}
    differ = {(n, s): k for s, by in per_spelling.items() if s not in same for n, k in by.items()}
    return {s: k for s, k in same.items() if k}, {key: k for key, k in differ.items() if k}


def case_arms(patterns_by_action: dict[str, list[str]], indent: str) -> list[str]:
    return [f"{indent}{'|'.join(patterns)}) {action} ;;" for action, patterns in patterns_by_action.items()]


def bash() -> str:
    nodes = list(walk())
    common = common_spellings()
    same, differ = value_kinds(nodes)
    values: dict[str, list[str]] = {}
    for (node, spelling), action in differ.items():
        values.setdefault(action, []).append(sh_quote(f"{node} {spelling}"))
    exact = case_arms(values, "        ")
    values = {}
    for spelling, action in same.items():
        values.setdefault(action, []).append(f"*{sh_quote(' ' + spelling)}")
    anywhere = case_arms(values, "        ")

    arms = []
    for node in nodes:
        offered = [s for opt in node.options for s in opt.offered]
        if all(s in offered for s in common):
            offered = [s for s in offered if s not in common] + ["$_ec2ops_common"]
        parts = [f'_opts="{" ".join(offered)}"']
        if node.subcommands:
            parts.append(f'_subs="{" ".join(node.subcommands)}"')
        if node.rest:
            parts.append(f"_rest={node.rest}")
        arms.append(f"        {sh_quote(node.name)}) {' '.join(parts)} ;;")

    return "\n".join([
        "# bash completion for ec2ops.",
        "# " + HEADER.format(what="completions"),
        "# Install: `source /path/to/ec2ops.bash` in ~/.bashrc, or copy this file to",
        "# ~/.local/share/bash-completion/completions/ec2ops (loaded on demand by bash-completion).",
        "",
        f'_ec2ops_common="{" ".join(common)}"',
        "",
        "# The options (_opts), subcommands (_subs) and positional arguments (_rest) of a command.",
        "_ec2ops_node() {",
        "    _opts= _subs= _rest=",
        "    case $1 in",
        *arms,
        "    esac",
        "}",
        "",
        "# Completes the value of option $2 of command $1; fails when $2 takes no value.",
        "_ec2ops_value() {",
        '    case "$1 $2" in',
        *exact,
        *anywhere,
        "        *) return 1 ;;",
        "    esac",
        "}",
        "",
        "_ec2ops_choices() {  # $1: the values, one a line (a value may hold spaces)",
        "    local IFS=$'\\n' word=${cur//\\\\ / }",
        '    COMPREPLY=($(compgen -W "$1" -- "$word"))',
        '    ((${#COMPREPLY[@]})) && COMPREPLY=($(printf \'%q\\n\' "${COMPREPLY[@]}"))',
        "    return 0",
        "}",
        "",
        "_ec2ops_files() {",
        "    local IFS=$'\\n'",
        "    compopt -o filenames 2>/dev/null",
        '    COMPREPLY=($(compgen -f -- "$cur"))',
        "    return 0",
        "}",
        "",
        "_ec2ops() {",
        "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}",
        '    local node="" word i=1 start=0 _opts _subs _rest',
        "    COMPREPLY=()",
        "    # Which (sub)command the words before the cursor name, skipping options and their values.",
        "    while ((i < COMP_CWORD)); do",
        "        word=${COMP_WORDS[i]}",
        '        _ec2ops_node "$node"',
        "        if [[ $word == -- ]]; then",
        "            start=$((i + 1)); break",
        "        elif [[ $word == -* ]]; then",
        '            if _ec2ops_value "$node" "$word"; then',
        "                [[ ${COMP_WORDS[i+1]} == = ]] && ((i++))",
        "                ((i++))",
        "            fi",
        '        elif [[ " $_subs " == *" $word "* ]]; then',
        '            node="${node:+$node }$word"',
        "        else",
        "            start=$i; break",
        "        fi",
        "        ((i++))",
        "    done",
        '    _ec2ops_node "$node"',
        "    if ((start)) || [[ $_rest == command && -z $_subs && $cur != -* ]]; then",
        "        ((start)) || start=$COMP_CWORD",
        "        if [[ $_rest == command ]] && declare -F _command_offset >/dev/null; then",
        "            _command_offset $start",
        "        elif [[ $_rest == command ]] && ((start == COMP_CWORD)); then",
        '            COMPREPLY=($(compgen -c -- "$cur"))',
        "        else",
        "            _ec2ops_files",
        "        fi",
        "        return 0",
        "    fi",
        "    # The value of the option before the cursor (`--output json`, `--output=json`).",
        '    local option=$prev',
        "    if [[ $cur == = ]]; then",
        "        cur=",
        "    elif [[ $prev == = ]]; then",
        "        option=${COMP_WORDS[COMP_CWORD-2]}",
        "    fi",
        '    if [[ $option == -* ]] && _ec2ops_value "$node" "$option"; then',
        "        return 0",
        "    fi",
        "    if [[ $cur != -* && -n $_subs ]]; then",
        '        COMPREPLY=($(compgen -W "$_subs" -- "$cur"))',
        "    else",
        '        COMPREPLY=($(compgen -W "$_opts" -- "$cur"))',
        "    fi",
        "}",
        "",
        "complete -F _ec2ops ec2ops",
        "",
    ])


# -- zsh -----------------------------------------------------------------------------------------
def zsh_words(values) -> str:
    return " ".join(re.sub(r"([\\ ():'\"])", r"\\\1", v) for v in values)


def zsh_spec(opt: Opt) -> list[str]:
    description = opt.help.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    exclusive = f"({' '.join(opt.spellings)})" if len(opt.spellings) > 1 else ""
    if opt.value == "choice":
        action = f"({zsh_words(opt.choices)})"
    elif opt.value == "file":
        action = "_files"
    else:
        action = ""
    message = re.sub(r"[:\\]", "", opt.metavar.lower() or "value")
    specs = []
    for spelling in opt.spellings:
        if opt.value is None:
            specs.append(f"{exclusive}{spelling}[{description}]")
        else:
            equals = "=" if spelling.startswith("--") else ""
            specs.append(f"{exclusive}{spelling}{equals}[{description}]:{message}:{action}")
    return specs


def zsh_function(node: Node) -> str:
    name = "_ec2ops" + "".join("__" + re.sub(r"\W", "_", p) for p in node.path)
    specs = [sh_quote(spec) for opt in node.options for spec in zsh_spec(opt)]
    lines = [f"{name}() {{"]
    if node.subcommands:
        entries = []
        for sub in node.subcommands:
            child = node.command.get_command(node.ctx, sub)
            summary = short(child.help or "", 70)
            entries.append(sh_quote(f"{sub}:{summary}"))
        lines += [
            "    local curcontext=$curcontext state line ret=1",
            "    typeset -A opt_args",
            "    local -a commands",
            "    commands=(",
            *(f"        {e}" for e in entries),
            "    )",
            "    _arguments -C -S \\",
            *(f"        {s} \\" for s in specs),
            "        '1: :->command' \\",
            "        '*:: :->args' && ret=0",
            "    case $state in",
            "        command) _describe -t commands 'ec2ops command' commands && ret=0 ;;",
            "        args)",
            "            curcontext=${curcontext%:*:*}:ec2ops-$words[1]:",
            "            case $words[1] in",
        ]
        for sub in node.subcommands:
            sub_name = name + "__" + re.sub(r"\W", "_", sub)
            lines.append(f"                {sh_quote(sub)}) {sub_name} && ret=0 ;;")
        lines += ["            esac ;;", "    esac", "    return ret"]
    else:
        rest = {"command": "'*:: :_ec2ops_command'", "file": "'*:file:_files'"}.get(node.rest or "")
        lines += ["    _arguments -S \\", *(f"        {s} \\" for s in specs)]
        if rest:
            lines.append(f"        {rest} \\")
        lines[-1] = lines[-1][:-2]
    lines.append("}")
    return "\n".join(lines)


def zsh() -> str:
    functions = [zsh_function(node) for node in walk()]
    return "\n".join([
        "#compdef ec2ops",
        "# zsh completion for ec2ops.",
        "# " + HEADER.format(what="completions"),
        "# Install: copy this file, named _ec2ops, into a directory of $fpath (e.g. ~/.zfunc,",
        "# with `fpath=(~/.zfunc $fpath)` before `compinit` in ~/.zshrc).",
        "",
        "\n\n".join(functions),
        "",
        "_ec2ops_command() {  # a command line of its own (sandbox run -- CMD ...), after an optional --",
        "    if [[ $words[1] == -- ]]; then",
        "        shift words",
        "        (( CURRENT-- ))",
        "    fi",
        "    _normal",
        "}",
        "",
        '_ec2ops "$@"',
        "",
    ])


# -- fish ----------------------------------------------------------------------------------------
def fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def fish() -> str:
    nodes = list(walk())
    lines = [
        "# fish completion for ec2ops.",
        "# " + HEADER.format(what="completions"),
        "# Install: copy this file to ~/.config/fish/completions/ec2ops.fish",
        "",
        "complete -c ec2ops -f",
    ]

    def condition(node: Node) -> str:
        if not node.path:
            return "__fish_use_subcommand"
        parts = [f"__fish_seen_subcommand_from {p}" for p in node.path]
        if node.subcommands:
            parts.append(f"not __fish_seen_subcommand_from {' '.join(node.subcommands)}")
        return "; and ".join(parts)

    # One line per distinct option, naming every command that has it (the common inputs once).
    seen: dict[str, list[Node]] = {}
    order: list[str] = []
    for node in nodes:
        for sub in node.subcommands:
            child = node.command.get_command(node.ctx, sub)
            summary = short(child.help or "", 60)
            lines.append(f"complete -c ec2ops -n {fish_quote(condition(node))} -a {sub} -d {fish_quote(summary)}")
        for opt in node.options:
            flags = []
            for spelling in opt.offered:
                flags.append(f"-l {spelling[2:]}" if spelling.startswith("--") else f"-s {spelling[1:]}")
            if not flags:
                continue
            if opt.value == "choice":
                flags.append("-x -a " + fish_quote(" ".join(re.sub(r"([ '\"\\])", r"\\\1", c) for c in opt.choices)))
            elif opt.value == "file":
                flags.append("-r -F")
            elif opt.value == "text":
                flags.append("-x")
            key = " ".join(flags) + " -d " + fish_quote(opt.help)
            if key not in seen:
                seen[key] = []
                order.append(key)
            seen[key].append(node)
        if node.rest == "command":
            skip = len(node.path) + 1
            lines.append(f"complete -c ec2ops -n {fish_quote(condition(node))} "
                         f"-a {fish_quote(f'(__fish_complete_subcommand --fcs-skip={skip})')}")
    for key in order:
        having = seen[key]
        simple = [n.name for n in having if len(n.path) == 1 and not n.subcommands]  # most: one condition
        conditions = [f"__fish_seen_subcommand_from {' '.join(simple)}"] if simple else []
        conditions += [condition(n) for n in having if n.name not in simple]
        lines += [f"complete -c ec2ops -n {fish_quote(c)} {key}" for c in conditions]
    return "\n".join(lines) + "\n"


# -- man pages -----------------------------------------------------------------------------------
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


EXIT_STATUS = {
    ExitStatus.OK: "The operation did what it reports.",
    ExitStatus.EC2_REFUSED: "EC2 refused (its error is printed as the guide does: "
                            "<Message>. Error code: <Code>.), or the operation's result is a failure "
                            "(e.g. No items found!).",
    ExitStatus.BAD_INPUT: "Bad input: a usage error, missing credentials, a local check from the guide's "
                          "list of error messages, or a bad configuration file.",
    ExitStatus.UNREACHABLE: "The endpoint could not be reached or answered something that is not EC2 XML "
                            "(connection, TLS, proxy, timeout, HTML, truncated XML), or the answer to a "
                            "change was lost.",
    ExitStatus.INTERRUPTED: "Interrupted.",
}

OUTPUT_FORMS = [
    ("plain", "The default; a stable layout for scripts. returnResult first, exactly as the guide formats it: "
              "lists joined by --delimiter (default ,), tables with rows separated by --row-delimiter "
              "(default a newline) and columns by --col-delimiter; an empty cell is null and an empty "
              "table prints nothing. Then every other output as name: value, one a line, requestId last; a "
              "multi-line value follows its name: line, indented two spaces. Delimiters may be typed as "
              "\\n, \\t, \\r."),
    ("table", "Tables with the guide's column names as headers; colour only on a terminal, never with "
              "NO_COLOR or --no-color."),
    ("json", "One JSON object per call, keyed by the guide's output names; a table is a list of objects keyed "
             "by the EC2 field names, in the guide's column order; empty is null."),
    ("--get NAME", "Only that output's raw value, for $(...): a list or table as in plain, an empty value "
                   "as an empty line."),
]

ENVIRONMENT = {  # variables read outside click's options
    "AWS_ACCESS_KEY_ID": "accessKeyId, when --access-key-id is not given.",
    "AWS_SECRET_ACCESS_KEY": "accessKey, when --access-key is not given.",
    "AWS_SESSION_TOKEN": "The session token of temporary credentials.",
    "AWS_REGION, AWS_DEFAULT_REGION": "The region, when --region is not given.",
    "AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE": "Where the AWS credentials and config files are.",
    "HTTPS_PROXY, NO_PROXY": "The proxy to go through, when --proxy-host is not given.",
    "NO_COLOR": "When set, never colour (as --no-color).",
    "EC2OPS_CONFIG": "The configuration file to read instead of the default one; empty: none.",
    "XDG_CONFIG_HOME": "The directory of the default configuration file (default ~/.config).",
}

FILES = [
    ("~/.aws/credentials", "Profiles holding aws_access_key_id, aws_secret_access_key and aws_session_token, as "
                           "the AWS CLI writes them."),
    ("~/.aws/config", "The profiles' region (and keys)."),
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
    for status, text in EXIT_STATUS.items():
        lines += tp(f"\\fB{int(status)}\\fR", esc(text))
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
    example = getattr(cmd, "example", "")
    inputs = option_items(node, None)
    if inputs:
        lines += [".SH INPUTS", *inputs]
    if operation is not None:
        lines += [".SH OUTPUTS"]
        for output in list(operation.outputs):
            text = " ".join((output.help or "").split())
            if output.columns:
                text += (" " if text else "") + "Columns: " + ", ".join(c.title for c in output.columns) + "."
            lines += tp(bold(output.name), esc(text) or "\\&")
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
    lines += [".SH EXIT STATUS", ".PP", "0 done, 1 EC2 refused or the operation failed, 2 bad input, "
              "3 endpoint unreachable or answered nonsense, 130 interrupted; see \\fBec2ops\\fR(1)."]
    area = getattr(cmd, "area", "")
    siblings = [n.name for n in nodes if len(n.path) == 1 and n is not node and area
                and getattr(n.command, "area", "") == area]
    see = [".BR ec2ops (1)"] + [f".BR {esc('ec2ops-' + s)} (1)" for s in siblings]
    lines += [".SH SEE ALSO", *(s + ("," if i < len(see) - 1 else "") for i, s in enumerate(see))]
    return "\n".join(lines) + "\n"


def man_pages() -> dict[str, str]:
    nodes = list(walk())
    pages = {"ec2ops.1": main_page(nodes)}
    for node in nodes:
        if len(node.path) == 1:
            pages[f"ec2ops-{node.name}.1"] = command_page(node, nodes)
    return pages


def completions() -> dict[str, str]:
    return {"ec2ops.bash": bash(), "_ec2ops": zsh(), "ec2ops.fish": fish()}


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


# -- the entry point -------------------------------------------------------------------------------
def generate(kind: str) -> dict[str, str]:
    return completions() if kind == "completions" else man_pages()


def run(kind: str, into: Path, check: bool) -> int:
    """Writes the files (or, with check, compares them); returns the number of stale files."""
    files = generate(kind)
    stale = []
    for name, text in files.items():
        path = into / name
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if kind == "man":
        known = set(files)
        extra = [p for p in into.glob("ec2ops*.1") if p.name not in known] if into.exists() else []
        if check:
            stale += extra
        else:
            for path in extra:  # a command that no longer exists
                path.unlink()
    for path in stale:
        print(f"stale: {path} (run python -m ec2ops.docs {kind})", file=sys.stderr)
    if not check:
        print(f"wrote {len(files)} files into {into}")
    return len(stale)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ec2ops.docs", description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=["completions", "man", "all"])
    parser.add_argument("--check", action="store_true", help="fail when the files are stale; write nothing")
    parser.add_argument("--into", type=Path, help="directory to write into (default: the repository's)")
    args = parser.parse_args(argv)
    stale = 0
    for kind in ("completions", "man") if args.kind == "all" else (args.kind,):
        folder = "completions" if kind == "completions" else "man"
        into = (args.into / folder if args.kind == "all" else args.into) if args.into else ROOT / folder
        stale += run(kind, into, args.check)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())

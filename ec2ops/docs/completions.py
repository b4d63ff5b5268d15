"""Shell completions for bash, zsh and fish: static scripts (pressing Tab starts no Python)."""

from __future__ import annotations

import re

from ec2ops.docs.tree import HEADER, Node, Opt, common_spellings, short, walk


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


def completions() -> dict[str, str]:
    """Each completion script by its file name."""
    return {"ec2ops.bash": bash(), "_ec2ops": zsh(), "ec2ops.fish": fish()}

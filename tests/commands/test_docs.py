"""Shell completions and man pages: generated from the command line, committed, and kept current.

The bash completion is driven in a real bash (COMP_WORDS/COMP_CWORD, as bash sets them on Tab).
The man pages pass a strict roff check of our own, and `groff -man -ww` wherever groff exists
(the man-db/groff packages are not a test dependency)."""

import filecmp
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from ec2ops import docs
from ec2ops.cli import cli
from ec2ops.errors import ExitStatus

ROOT = Path(__file__).resolve().parents[2]
BASH = ROOT / "completions" / "ec2ops.bash"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    into = tmp_path_factory.mktemp("generated")
    assert docs.main(["all", "--into", str(into)]) == 0
    return into


@pytest.mark.parametrize("folder", ["completions", "man"])
def test_committed_files_are_current(generated, folder):
    fresh, committed = generated / folder, ROOT / folder
    names = sorted(p.name for p in fresh.iterdir())
    assert sorted(p.name for p in committed.iterdir() if not p.name.startswith(".")) == names, (
        f"{folder}/ lists other files than the CLI declares: run python -m ec2ops.docs all")
    _, differ, errors = filecmp.cmpfiles(fresh, committed, names, shallow=False)
    assert not differ + errors, f"stale {folder}/ files {differ + errors}: run python -m ec2ops.docs all"


def test_committed_listing_is_current(generated):
    """ec2ops/listing.py, what `ec2ops --help` lists without building the commands, is generated from them."""
    assert sorted(p.name for p in (generated / "ec2ops").iterdir()) == ["listing.py"]
    fresh = (generated / "ec2ops" / "listing.py").read_text(encoding="utf-8")
    assert (ROOT / "ec2ops" / "listing.py").read_text(encoding="utf-8") == fresh, (
        "stale ec2ops/listing.py: run python -m ec2ops.docs listing")
    assert docs.main(["listing", "--check"]) == 0


def test_the_listing_says_what_each_command_says():
    """What the listing holds of a command makes the same line in `ec2ops --help` as the command itself."""
    from ec2ops import listing
    from ec2ops.cli import MODULES, SHORT_HELP, declared

    by_module = {m: [c.name for c in declared(m)] for m in MODULES}
    assert list(listing.COMMANDS) == [name for names in by_module.values() for name in names]
    for name, (module, area, attributes) in listing.COMMANDS.items():
        command = cli.commands[name]
        assert name in by_module[module] and area == getattr(command, "area", ""), name
        assert attributes["help"].split() == command.help.partition("\n\n")[0].split(), name
        line = click.Command(name, **attributes).get_short_help_str(SHORT_HELP)
        assert line == command.get_short_help_str(SHORT_HELP) and line, name


def test_check_mode_reports_a_stale_file(generated, tmp_path, capsys):
    shutil.copytree(generated / "man", tmp_path / "man")
    assert docs.main(["man", "--check", "--into", str(tmp_path / "man")]) == 0
    (tmp_path / "man" / "ec2ops.1").write_text(".TH OLD 1\n")
    (tmp_path / "man" / "ec2ops-gone.1").write_text(".TH GONE 1\n")
    assert docs.main(["man", "--check", "--into", str(tmp_path / "man")]) == 1
    err = capsys.readouterr().err
    assert "ec2ops.1" in err and "ec2ops-gone.1" in err


def complete_all(queries: list[tuple[str, ...]], cwd: Path = ROOT) -> list[list[str]]:
    """What Tab offers in bash for each `ec2ops WORDS...`, the cursor on the last word (one bash for all)."""
    script = [f"source {BASH}"]
    for words in queries:
        quoted = " ".join(shlex.quote(w) for w in ("ec2ops", *words))
        script += [f"COMP_WORDS=({quoted}); COMP_CWORD={len(words)}; COMPREPLY=()", "_ec2ops",
                   'printf "%s\\n" "${COMPREPLY[@]}"; echo "<end>"']
    done = subprocess.run(["bash", "--norc", "-c", "\n".join(script)], capture_output=True, text=True, cwd=cwd,
                          timeout=30)
    assert done.returncode == 0 and not done.stderr, done.stderr
    answers = done.stdout.split("<end>\n")[:-1]
    assert len(answers) == len(queries)
    return [[line for line in answer.splitlines() if line] for answer in answers]


def complete(*words: str, cwd: Path = ROOT) -> list[str]:
    return complete_all([words], cwd)[0]


def test_bash_completes_the_commands():
    run_commands = [name for name in cli.commands if name.startswith("run-")]
    assert {"run-instances", "run-instances-from-template"} <= set(run_commands)
    assert complete("run-") == run_commands
    assert complete("") == cli.list_commands(click.Context(cli))
    assert complete("sandbox", "--port", "5000", "") == ["run"]


def test_bash_completes_options_and_choices():
    assert complete("enumerate-key-pairs", "--row") == ["--row-delimiter"]
    assert "--access-key-id" in complete("enumerate-key-pairs", "--")
    assert "--accessKeyId" not in complete("enumerate-key-pairs", "--")  # accepted, not offered
    for words in (("-o", ""), ("--output", ""), ("--output", "=", ""), ("--outp",)):
        offered = complete("enumerate-regions", *words)
        assert offered == (["plain", "table", "json"] if words[-1] == "" else ["--output"]), words
    assert complete("enumerate-regions", "--output", "=", "j") == ["json"]
    assert complete("enumerate-regions", "--signature-version", "") == ["2", "4"]
    # a camelCase spelling takes its value too: what follows it is not a command
    assert complete("enumerate-regions", "--rowDelimiter", ";", "--col-") == ["--col-delimiter"]  # not --columns
    assert complete("allocate-new-key-pair", "--key-name", "") == []  # a free value: nothing to offer
    # --force is a flag of allocate-new-key-pair but takes true/false in detach-volume
    assert complete("allocate-new-key-pair", "--force", "--key-f") == ["--key-file"]
    assert complete("detach-volume", "--force", "") == []


def test_bash_completes_every_choice_a_command_declares():
    cases = {}  # (spelling, values) -> a command that has it: the script is built the same for all
    for name, command in cli.commands.items():
        for param in command.params:
            if isinstance(param, click.Option) and isinstance(param.type, click.Choice):
                values = tuple(str(c).replace(" ", "\\ ") for c in param.type.choices)
                for spelling in param.opts:
                    cases.setdefault((spelling, values), name)
    assert any(spelling == "--notify-method" for spelling, _ in cases)
    queries = [(name, spelling, "") for (spelling, _), name in cases.items()]
    assert complete_all(queries) == [list(values) for _, values in cases]
    assert complete("ec2-dashboard", "--notify-method", "Wr") == ["Write\\ to\\ File"]


def test_bash_completes_files_and_the_sandbox_command(tmp_path):
    (tmp_path / "deploy.pem").write_text("")
    assert complete("allocate-new-key-pair", "--key-file", "dep", cwd=tmp_path) == ["deploy.pem"]
    assert "echo" in complete("sandbox", "run", "--", "ech")
    assert complete("sandbox", "run", "--", "sh", "dep", cwd=tmp_path) == ["deploy.pem"]


def test_docs_is_not_loaded_at_start_up():
    code = "import sys, ec2ops.cli; print('ec2ops.docs' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def test_man_pages_pass_roff_checks(generated):
    pages = sorted((generated / "man").glob("*.1"))
    assert len(pages) == len(cli.commands) + 1
    for page in pages:
        assert docs.lint(page.read_text()) == [], page.name
    groff = shutil.which("groff")
    if groff:  # where groff is installed, it must not warn either (-ww: every warning)
        done = subprocess.run([groff, "-man", "-ww", "-z", *map(str, pages)], capture_output=True, text=True)
        assert done.returncode == 0 and done.stderr == "", done.stderr


def test_the_roff_check_finds_what_groff_would_warn_about():
    good = '.\\" x\n.TH X 1\n.SH NAME\nx \\- y\n.PP\n\\fBbold\\fR and \\-\\-flag\n'
    assert docs.lint(good) == []
    assert docs.lint(good + "\n") and docs.lint(good + ".XX\n") and docs.lint(good + "\\fBnot closed\n")
    assert docs.lint(good + "a \\q escape\n") and docs.lint(good + "'quote\n") and docs.lint(good + ".nf\n")
    assert docs.esc(".start and 'quote' and -flag \\") == "\\&.start and \\(aqquote\\(aq and \\-flag \\e"


def test_each_command_has_a_page_from_its_declarations(generated):
    for name, command in cli.commands.items():
        page = (generated / "man" / f"ec2ops-{name}.1").read_text()
        assert f"ec2ops\\-{docs.esc(name)}" in page
        ctx = click.Context(command, info_name=name, **command.context_settings)
        for param in command.get_params(ctx):
            for spelling in param.opts:  # a hidden option is there only to refuse itself (--regions on a change)
                assert (docs.bold(spelling) in page) != getattr(param, "hidden", False), (name, spelling)
        example = getattr(command, "example", "") or ""
        assert example or "Example" in (command.help or ""), f"{name} declares no example"
        if example:
            assert docs.esc(example.splitlines()[0]) in page
    main_page = (generated / "man" / "ec2ops.1").read_text()
    for heading in ("SYNOPSIS", "COMMON INPUTS", "OUTPUT FORMS", "ENVIRONMENT", "FILES", "EXIT STATUS", "EXAMPLES"):
        assert f".SH {heading}\n" in main_page
    for name in cli.commands:
        assert f".BR ec2ops\\-{docs.esc(name)} (1)" in main_page
    for variable in ("EC2OPS_ENDPOINT", "EC2OPS_OUTPUT", "NO_COLOR", "EC2OPS_CONFIG", "AWS_SECRET_ACCESS_KEY"):
        assert docs.esc(variable) in main_page


def test_the_readme_exit_status_table_is_generated_and_current(generated, tmp_path, capsys):
    start, end = docs.MARKERS
    committed = (ROOT / "README.md").read_text(encoding="utf-8")
    assert docs.main(["readme", "--check"]) == 0, "stale README.md table: run python -m ec2ops.docs readme"
    assert (generated / "README.md").read_text(encoding="utf-8") == committed
    table = committed.split(start + "\n", 1)[1].split(end, 1)[0]
    assert table.startswith("| exit | when |\n|---|---|\n")
    for status in ExitStatus:
        assert f"\n| {status.value} | " in table, status.name
    # a stale table is found, and regenerating rewrites the table only
    stale = committed.replace(f"| {ExitStatus.OK.value} | ", f"| {ExitStatus.OK.value} | Done, once. ", 1)
    (tmp_path / "README.md").write_text(stale + "A hand-written line.\n", encoding="utf-8")
    assert docs.main(["readme", "--check", "--into", str(tmp_path)]) == 1
    assert "README.md" in capsys.readouterr().err
    assert docs.main(["readme", "--into", str(tmp_path)]) == 0
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == committed + "A hand-written line.\n"
    assert docs.main(["readme", "--check", "--into", str(tmp_path)]) == 0
    (tmp_path / "README.md").write_text("# no markers\n", encoding="utf-8")
    assert docs.main(["readme", "--into", str(tmp_path)]) == 1


def test_the_exit_statuses_come_from_exit_status(generated):
    main_page = (generated / "man" / "ec2ops.1").read_text()
    section = main_page.split(".SH EXIT STATUS\n", 1)[1].split("\n.SH ", 1)[0]
    for status in ExitStatus:
        assert f".TP\n\\fB{status.value}\\fR\n{docs.esc(status.description)}\n" in section + "\n", status.name
    assert section.count(".TP\n") == len(ExitStatus)
    command_page = (generated / "man" / "ec2ops-describe-instances.1").read_text()
    assert f".SH EXIT STATUS\n.PP\n{docs.esc(ExitStatus.summary())}; see \\fBec2ops\\fR(1).\n" in command_page


def test_an_exit_status_prints_as_its_number():
    """What a caller of main() prints of its SystemExit code, and any message naming a status."""
    assert [str(status) for status in ExitStatus] == ["0", "1", "2", "3", "4", "130", "141"]
    assert f"exit {ExitStatus.NOT_WRITTEN}, {ExitStatus.PIPE_CLOSED:>4}" == "exit 4,  141"

"""What ec2ops relies on in click and rich, checked on the installed versions: a failure here names the
behaviour that changed, before it shows as a wrong exit status or a garbled table somewhere else."""

from __future__ import annotations

import io

import click
import pytest
from click.core import ParameterSource
from click.testing import CliRunner


def _command(**option):
    seen = {}

    @click.command()
    @click.option("--force", **option)
    @click.option("--name", envvar="CONTRACT_NAME", default="dflt")
    def cmd(force, name):
        ctx = click.get_current_context()
        seen.update(force=force, name=name, source=ctx.get_parameter_source("name"))

    return cmd, seen


def test_a_flag_value_option_given_alone_takes_its_bare_value():
    """detach-volume's --force and --force true (spec.Input.bare): is_flag=False with flag_value."""
    cmd, seen = _command(is_flag=False, flag_value="true")
    assert CliRunner().invoke(cmd, ["--force"]).exit_code == 0
    assert seen["force"] == "true", "click no longer gives flag_value to an option given without its value"
    CliRunner().invoke(cmd, ["--force", "false"])
    assert seen["force"] == "false", "click no longer takes a value after an option with flag_value"


def test_the_source_of_a_value_is_told():
    """command.Command.invoke refuses an empty value given on the command line, by its source."""
    cmd, seen = _command(is_flag=True)
    CliRunner().invoke(cmd, ["--name", ""])
    assert seen["source"] is ParameterSource.COMMANDLINE and seen["name"] == ""
    CliRunner().invoke(cmd, [], env={"CONTRACT_NAME": "x"})
    assert seen["source"] is ParameterSource.ENVIRONMENT and seen["name"] == "x"
    CliRunner().invoke(cmd, [])
    assert seen["source"] is ParameterSource.DEFAULT and seen["name"] == "dflt"


def test_a_default_map_sets_what_the_command_line_leaves_out():
    """The configuration file's values are click's default_map (ec2ops.config)."""
    cmd, seen = _command(is_flag=True)
    CliRunner().invoke(cmd, [], default_map={"name": "from-file"})
    assert seen["name"] == "from-file" and seen["source"] is ParameterSource.DEFAULT_MAP
    CliRunner().invoke(cmd, ["--name", "typed"], default_map={"name": "from-file"})
    assert seen["name"] == "typed", "a flag no longer beats the default_map"


def test_an_unknown_option_names_its_close_spellings():
    """cli.usage_line's 'did you mean' comes from NoSuchOption.possibilities."""
    cmd, _ = _command(is_flag=True)
    with pytest.raises(click.exceptions.NoSuchOption) as caught:
        cmd.main(["--nam", "x"], standalone_mode=False)
    assert caught.value.option_name == "--nam" and "--name" in (caught.value.possibilities or [])


def test_a_command_is_built_from_params_and_help_as_given():
    """command.build makes click.Command(name, callback, params, help) itself: help shows as given,
    params in the order given."""
    params = [click.Option(["--b"]), click.Option(["--a"])]
    cmd = click.Command("x", callback=lambda **_: None, params=params, help="First line.\n\nMore.")
    assert [p.name for p in cmd.params] == ["b", "a"]
    assert cmd.get_short_help_str(90) == "First line."


def test_rich_writes_plain_text_to_a_file_like_object_without_colour():
    """output.TablePrinter: rich writes through our Sink (its write), with no escapes when colour is off."""
    from rich.console import Console
    from rich.table import Table

    out = io.StringIO()
    table = Table("key", "value")
    table.add_row("a", "1")
    Console(file=out, color_system=None, highlight=False, soft_wrap=False).print(table)
    text = out.getvalue()
    assert "\x1b" not in text and "key" in text and "value" in text and "1" in text

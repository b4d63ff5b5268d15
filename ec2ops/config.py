"""The configuration file: defaults for region, endpoint, output and delimiters.

    # ~/.config/ec2ops/config.toml  ($XDG_CONFIG_HOME/ec2ops/config.toml; EC2OPS_CONFIG=PATH elsewhere)
    region = "eu-west-1"
    output = "json"
    colDelimiter = ";"

    [profile.sandbox]            # used with --profile sandbox or AWS_PROFILE=sandbox
    endpoint = "http://127.0.0.1:5000"

The values become click's default_map, so a flag or an option's environment variable beats them;
AWS_REGION/AWS_DEFAULT_REGION beat `region`, and `endpoint` is left out when --region is given.
The file is read only when it exists (start-up stays fast without one).
"""

from __future__ import annotations

import os

from ec2ops.errors import InputError

# key in the file -> the click parameter it sets
KEYS = {
    "region": "region",
    "endpoint": "service_endpoint",
    "output": "output_form",
    "delimiter": "delimiter",
    "rowDelimiter": "rowDelimiter",
    "colDelimiter": "colDelimiter",
}
FORMS = ("plain", "table", "json")


def path() -> tuple[str | None, bool]:
    """(the file to read, whether the user named it explicitly)."""
    explicit = os.environ.get("EC2OPS_CONFIG")
    if explicit is not None:
        return (os.path.expanduser(explicit) or None), True
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return os.path.join(base, "ec2ops", "config.toml"), False


def _flag_value(args: list[str], flag: str) -> str | None:
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == flag and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(flag + "="):
            return arg.split("=", 1)[1]
    return None


def read(file: str, profile: str) -> dict[str, str]:
    """The settings for `profile`: the file's top level, overridden by its [profile.NAME] table."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    from ec2ops import files

    text = files.read_small(file, "configuration file")
    if text is None:
        raise InputError(f"The configuration file {file} cannot be read: it does not exist.")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"The configuration file {file} is not valid TOML: {exc}.") from None
    profiles = data.pop("profile", {})
    if not isinstance(profiles, dict) or not all(isinstance(t, dict) for t in profiles.values()):
        raise InputError(f"{file}: profile must be tables, [profile.NAME], each with its settings.")
    tables = [("", data)] + [(f"profile.{name}.", table) for name, table in profiles.items()]
    for where, table in tables:
        for key, value in table.items():
            if key not in KEYS or not isinstance(value, str):
                known = ", ".join(KEYS)
                raise InputError(f"{file}: {where}{key} is not a setting ec2ops knows "
                                 f"(a string value of one of: {known}; and [profile.NAME] tables).")
            if not value.strip():
                raise InputError(f"{file}: {where}{key} is empty; leave it out for the default.")
            if key == "output" and value not in FORMS:
                raise InputError(f"{file}: output must be one of {', '.join(FORMS)}, not '{value}'.")
    settings = dict(data)
    settings.update(profiles.get(profile, {}))
    return settings


def default_map(commands, args: list[str]) -> dict | None:
    """click's default_map for every command of `commands` (their names: none is built, see
    ec2ops.cli.Commands), or None when there is no configuration file."""
    file, explicit = path()
    if not file:
        return None
    if not os.path.isfile(file):
        if explicit:
            raise InputError(f"EC2OPS_CONFIG names {file}, which is not a file.")
        return None
    profile = (_flag_value(args, "--profile") or os.environ.get("AWS_DEFAULT_PROFILE") or os.environ.get("AWS_PROFILE")
               or "default")
    settings = read(file, profile)
    if os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"):
        settings.pop("region", None)  # the environment beats the file
    if _flag_value(args, "--region") is not None:
        settings.pop("endpoint", None)  # an explicit region means that region's endpoint
    defaults = {KEYS[key]: value for key, value in settings.items()}
    return {name: defaults for name in commands}

"""One vocabulary: every option explained with its default, one word per idea, examples."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from erfurt.cli import cli

# A synonym of a word the CLI already uses, and the word to use instead.
SYNONYMS = {
    "--workers": "--jobs",
    "--processes": "--jobs",
    "--threads": "--jobs",
    "--parallel": "--jobs",
    "--max": "--limit",
    "--top": "--limit",
    "--count": "--limit",
    "--output": "--out",
    "--format": "--json",
    "--path": "--archive",
    "--archive-dir": "--archive",
    "--silent": "--quiet",
    "--no-progress": "--quiet",
    "--key": "--vkey",
    "--country-code": "--region",
}


def _commands() -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []

    def walk(command: click.Command, path: str) -> None:
        found.append((path, command))
        if isinstance(command, click.Group):
            for name, sub in sorted(command.commands.items()):
                walk(sub, f"{path} {name}")

    walk(cli, "erfurt")
    return found


COMMANDS = _commands()


def _help(path: str) -> str:
    """What ``PATH -h`` prints (through the real entry point: a standalone Context would
    make click cache a help option without -h)."""
    args = [*path.split()[1:], "-h"]
    shown = CliRunner().invoke(cli, args, prog_name="erfurt", terminal_width=100)
    assert shown.exit_code == 0, shown.output
    return shown.stdout


def _options(command: click.Command) -> list[click.Option]:
    return [p for p in command.params if isinstance(p, click.Option) and not p.hidden]


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_option_has_help_and_says_its_default(path: str, command: click.Command) -> None:
    for option in _options(command):
        name = option.opts[-1]
        assert option.help, f"{path} {name}: no help text"
        ctx = click.Context(command, info_name=path)
        _, text = option.get_help_record(ctx) or ("", "")
        default = option.get_default(ctx, call=False)
        has_default = (
            callable(default) or isinstance(default, str | int | float)
        ) and not option.is_flag
        if has_default:
            assert "default" in text, f"{path} {name}: the help does not say the default"


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_no_option_is_a_synonym_of_another(path: str, command: click.Command) -> None:
    for option in command.params:
        for name in option.opts:
            assert name not in SYNONYMS, f"{path} {name}: say {SYNONYMS[name]}"


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_shows_an_example(path: str, command: click.Command) -> None:
    text = _help(path)
    assert "Example" in text, f"{path}: the help shows no example"
    examples = text.split("Example", 1)[1]
    assert "erfurt " in examples, f"{path}: the example is not a command line"


def test_one_option_name_means_one_thing() -> None:
    """The same option has the same type everywhere (e.g. --limit is always a count)."""
    kinds: dict[str, set[str]] = {}
    for _, command in COMMANDS:
        for option in _options(command):
            kind = "flag" if option.is_flag else type(option.type).__name__
            kinds.setdefault(option.opts[-1], set()).add(kind)
    mixed = {name: k for name, k in kinds.items() if len(k) > 1 and name != "--by"}
    assert not mixed, f"options whose meaning changes between commands: {mixed}"


def test_long_commands_take_quiet_and_jobs_where_they_fan_out() -> None:
    by_path = dict(COMMANDS)
    for path in ("erfurt add", "erfurt reextract", "erfurt screen"):
        names = {n for p in by_path[path].params for n in p.opts}
        assert {"--jobs", "--quiet"} <= names, path
    for path in ("erfurt declarations import", "erfurt rebuild", "erfurt log check"):
        assert "--quiet" in {n for p in by_path[path].params for n in p.opts}, path


DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_docs_show_exactly_what_the_program_prints_for_help(
    path: str, command: click.Command
) -> None:
    section = f"## `{path}`\n\n```\n{_help(path)}```\n"
    assert section in DOC.read_text(encoding="utf-8"), f"{path}: run `make docs`"

"""Generate docs/cli.md from the commands' own --help, or check that it is current.

python scripts/gen_cli_docs.py --write   # regenerate
python scripts/gen_cli_docs.py --check   # fail if docs/cli.md is stale (run by make test)
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from erfurt.cli import cli

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def _walk(command: click.Command, path: list[str]) -> list[tuple[list[str], click.Command]]:
    found = [(path, command)]
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            found += _walk(command.commands[name], [*path, name])
    return found


def render() -> str:
    """The whole reference, one section per command, in command-name order."""
    out = [
        "# Command-line reference",
        "",
        "Generated from each command's `--help` by `make docs`; `make test` fails if stale.",
        "",
    ]
    for path, command in _walk(cli, ["erfurt"]):
        with click.Context(command, info_name=" ".join(path), terminal_width=100) as ctx:
            text = command.get_help(ctx)
        out += [f"## `{' '.join(path)}`", "", "```", text, "```", ""]
    return "\n".join(out)


def main() -> int:
    text = render()
    if "--write" in sys.argv:
        DOC.write_text(text, encoding="utf-8")
        return 0
    if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
        print("docs/cli.md is out of date: run `make docs` and commit it", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

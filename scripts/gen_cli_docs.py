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


# The words every command shares: (option or word, what it means, where it is used).
VOCABULARY = [
    (
        "`--archive PATH`",
        "the archive folder (default `$ERFURT_ARCHIVE`, else `./erfurt-archive`)",
        "every command that reads or writes an archive",
    ),
    (
        "`--json`",
        "results as JSON on stdout (JSON Lines for streams); errors as `{ok, error, hint}`",
        "every command that prints results",
    ),
    ("`--jobs N`", "worker processes (default: one per core)", "`add`, `reextract`, `screen`"),
    ("`--limit N`", "the most results shown, best first", "`search`, `match`, `screen`"),
    (
        "`--quiet`",
        "no progress display (failures and the summary are still shown)",
        "`add`, `reextract`, `screen`, `rebuild`, `log check`, `declarations import`",
    ),
    (
        "`--out PATH`",
        "the file or folder written",
        "`prove`, `export`, `screen`, charts, `publish`",
    ),
    (
        "`--collection NAME`",
        "only documents in this collection (an unknown name is an error listing the known ones)",
        "`add`, `search`, `failures`, `reextract`",
    ),
    (
        "`--by PERIOD`",
        "how counts are grouped",
        "`declarations tally`, `outreach stats`, `outreach chart`",
    ),
    (
        "`record`",
        'a record\'s index in the log, in text ("record 7") and JSON (`"record": 7`) alike',
        "everywhere",
    ),
    ("`sha256`", "a file's SHA-256, in hex", "`add`, `search`, `failures`, `lists`, `show`"),
    (
        '`root_hash_b64`, "root hash (base64)"',
        "a Merkle root, in base64 as C2SP checkpoints write it",
        "`show`, `log checkpoint`, `log check`",
    ),
]

CONVENTIONS = """\
Progress goes to stderr: a bar on a terminal; otherwise a line `progress: done/total unit,
MB, rate, ETA` every few seconds, so a job under `nohup` or a scheduler never looks hung.
Tables are aligned by terminal cells (Chinese characters take two) and end with a total;
a missing value reads `(none)`. Every chart is written with its plotted numbers (`.csv`) and
a text description (`.alt.txt`) beside it.
"""


def _vocabulary() -> list[str]:
    rows = [f"| {word} | {means} | {where} |" for word, means, where in VOCABULARY]
    return [
        "## One vocabulary",
        "",
        "Every command uses the same words for the same things:",
        "",
        "| option or word | means | where |",
        "|---|---|---|",
        *rows,
        "",
        CONVENTIONS,
    ]


def _walk(ctx: click.Context) -> list[click.Context]:
    found = [ctx]
    command = ctx.command
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            sub = command.commands[name]
            found += _walk(click.Context(sub, info_name=name, parent=ctx, terminal_width=100))
    return found


def render() -> str:
    """The whole reference, one section per command, in command-name order."""
    out = [
        "# Command-line reference",
        "",
        "Generated from each command's `--help` by `make docs`; `make test` fails if stale.",
        "",
        *_vocabulary(),
    ]
    root = click.Context(cli, info_name="erfurt", terminal_width=100, **cli.context_settings)
    for ctx in _walk(root):
        out += [f"## `{ctx.command_path}`", "", "```", ctx.get_help(), "```", ""]
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

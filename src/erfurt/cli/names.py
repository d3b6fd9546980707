"""Screening commands: ``erfurt lists``, ``erfurt match``, ``erfurt screen``."""

from __future__ import annotations

import contextlib
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from erfurt.archive import JSON
from erfurt.cli.escape import printable
from erfurt.cli.options import (
    archive_option,
    emit_json,
    engine_option,
    jobs_option,
    json_option,
    open_archive,
    quiet_option,
    started_engine,
    who_option,
)
from erfurt.cli.output import echo_table, plural
from erfurt.cli.progress import Progress
from erfurt.errors import InputError
from erfurt.names import (
    DEFAULT_THRESHOLD,
    ImportedList,
    Query,
    ScreenResult,
    explain,
    import_list,
    load_matcher,
    loaded_lists,
    parse_date,
    read_queries,
)
from erfurt.names import screen as screen_rows

__all__ = ["lists", "match", "screen"]

_SCHEMAS = click.Choice(["Person", "Organization"])
_GROUP_ARCHIVE = "erfurt.names.lists_archive"  # --archive given to `lists` before `import`
_THRESHOLD = click.option(
    "--threshold",
    type=click.FloatRange(0.0, 1.0),
    default=DEFAULT_THRESHOLD,
    show_default=True,
    help="Lowest score reported as a match.",
)


def _list_json(item: ImportedList) -> dict[str, JSON]:
    return {
        "list": item.list,
        "format": item.format,
        "record": item.record,
        "entities": item.entities,
        "files": dict(item.files),
        "time": item.time,
        "who": item.who,
    }


@click.group(invoke_without_command=True)
@archive_option
@json_option
@click.pass_context
def lists(ctx: click.Context, archive_path: Path, as_json: bool) -> None:
    """Show the sanctions and watch lists loaded for screening (--json: each file's SHA-256)."""
    if ctx.invoked_subcommand is not None:
        # `erfurt lists --archive A import ...`: the import goes to A.
        ctx.meta[_GROUP_ARCHIVE] = archive_path
        return
    with open_archive(archive_path) as archive:
        found = loaded_lists(archive)
    if as_json:
        emit_json([_list_json(item) for item in found])
        return
    if not found:
        click.echo("No list loaded: erfurt lists import ofac-sdn DIR", err=True)
        return
    echo_table(
        ["list", "format", "entities", "loaded at", "record", "files"],
        [
            [
                item.list,
                item.format,
                item.entities,
                item.time,
                item.record,
                ", ".join(sorted(item.files)),
            ]
            for item in found
        ],
    )


@lists.group(name="import")
def import_group() -> None:
    """Import a list (logged as a record; the files are kept as blobs)."""


def _imported(
    archive_path: Path, fmt: str, path: Path, who: str, name: str | None, as_json: bool
) -> None:
    ctx = click.get_current_context()
    if ctx.get_parameter_source("archive_path") == ParameterSource.DEFAULT:
        archive_path = ctx.meta.get(_GROUP_ARCHIVE, archive_path)
    with open_archive(archive_path) as archive:
        item = import_list(archive, fmt, path, who, name)
    if as_json:
        emit_json({"ok": True, "already_imported": item.already_imported, **_list_json(item)})
    elif item.already_imported:
        click.echo(
            f"{printable(item.list)} is already loaded from these very files (record "
            f"{item.record}, {item.time}): nothing logged",
            err=True,
        )
    else:
        entities = plural(item.entities, "entity", "entities")
        click.echo(f"Imported {printable(item.list)}: {entities} (record {item.record})", err=True)


@import_group.command(name="ofac-sdn")
@archive_option
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--name", help="The list's name [default: ofac-sdn].")
@who_option
@json_option
def import_ofac(
    archive_path: Path, directory: Path, name: str | None, who: str, as_json: bool
) -> None:
    """Import the legacy OFAC SDN CSV files (sdn.csv, alt.csv, add.csv) in DIRECTORY."""
    _imported(archive_path, "ofac-sdn", directory, who, name, as_json)


@import_group.command(name="ftm")
@archive_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", help="The list's name [default: the file name without extension].")
@who_option
@json_option
def import_ftm(archive_path: Path, file: Path, name: str | None, who: str, as_json: bool) -> None:
    """Import FollowTheMoney entities (JSON lines, as OpenSanctions and Aleph export them)."""
    _imported(archive_path, "ftm", file, who, name, as_json)


@click.command()
@archive_option
@click.argument("name")
@click.option("--birth-date", help="Birth date: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--country", help="Country: ISO code or English name.")
@click.option("--schema", type=_SCHEMAS, help="Only persons or only organisations.")
@click.option(
    "--limit", type=click.IntRange(1, 100), default=5, show_default=True, help="Most matches shown."
)
@_THRESHOLD
@json_option
def match(
    archive_path: Path,
    name: str,
    birth_date: str | None,
    country: str | None,
    schema: str | None,
    limit: int,
    threshold: float,
    as_json: bool,
) -> None:
    """Screen one NAME (any script) against the loaded lists."""
    query = Query(name, parse_date(birth_date) if birth_date else None, country, schema)
    with open_archive(archive_path) as archive:
        matcher = load_matcher(archive)
    found = matcher.match(query, limit=limit, threshold=threshold)
    if as_json:
        emit_json({"query": query.to_json(), "matches": [m.to_json() for m in found]})
        return
    if not found:
        click.echo(f"No match at or above {threshold}", err=True)
        return
    echo_table(
        ["score", "entity", "name", "list", "why"],
        [
            [
                f"{m.score:.3f}",
                m.entity_id,
                m.name,
                m.list,
                "; ".join(explain(m.explanation)),
            ]
            for m in found
        ],
    )


def _feature_table(result: ScreenResult) -> str:
    """An alert's features, one line each: what moved the score and what it saw."""
    assert result.query is not None
    lines = [f"row {result.row} {printable(repr(result.query.name))}:"]
    for m in result.matches:
        lines.append(
            f"  {m.score:.3f} {m.entity_id} {printable(repr(m.name))} ({printable(m.list)})"
        )
        lines += [f"    {printable(line)}" for line in explain(m.explanation)]
    return "\n".join(lines)


def _row_json(result: ScreenResult) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": result.id,
        "query": result.query.to_json() if result.query else None,
        "matches": [m.to_json() for m in result.matches],
    }
    if result.error:
        row["error"] = result.error
    return row


@click.command()
@archive_option
@click.argument(
    "input_csv", metavar="INPUT.csv", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write JSON lines here [default: stdout].",
)
@_THRESHOLD
@click.option(
    "--limit", type=click.IntRange(1, 100), default=5, show_default=True, help="Matches per row."
)
@jobs_option
@engine_option
@quiet_option
@click.option("--explain", is_flag=True, help="Show each alert's feature table on stderr.")
def screen(
    archive_path: Path,
    input_csv: Path,
    out: Path | None,
    threshold: float,
    limit: int,
    jobs: int | None,
    engine: str | None,
    quiet: bool,
    explain: bool,
) -> None:
    """Screen every row of INPUT.csv (columns: name; optional id, birth_date, country, schema).

    Writes one JSON object per row, matches ranked by score, and a summary to stderr.
    """
    with open_archive(archive_path) as archive:
        matcher = load_matcher(archive)
        config = archive.config
    pending = list(read_queries(input_csv))
    progress = Progress("names", total=len(pending), quiet=quiet)
    rows = alerts = errors = 0
    by_list: Counter[str] = Counter()
    with contextlib.ExitStack() as stack:
        distributed = stack.enter_context(started_engine(engine, config, jobs))
        stream = stack.enter_context(out.open("w", encoding="utf-8")) if out else None
        stack.callback(progress.close)
        results = screen_rows(
            matcher, iter(pending), threshold, limit, jobs or os.cpu_count(), engine=distributed
        )
        for result in results:
            rows += 1
            alerts += bool(result.matches)
            by_list.update({m.list for m in result.matches})
            if explain and result.matches and result.query:
                progress.message(_feature_table(result))
            if result.error:
                errors += 1
                progress.message(f"SKIPPED: {result.error}")
            line = json.dumps(_row_json(result), ensure_ascii=False)
            if stream:
                stream.write(line + "\n")
            else:
                click.echo(line)
            progress.advance()
    click.echo(
        f"{rows} rows: {alerts} with matches at or above {threshold}, {errors} not screened",
        err=True,
    )
    screened = rows - errors
    for name, count in sorted(by_list.items(), key=lambda kv: (-kv[1], kv[0])):
        share = count / screened if screened else 0.0
        click.echo(f"  {name}: {count} alerts ({share:.1%} of rows screened)", err=True)
    if errors and errors == rows:
        raise InputError(f"{input_csv}: no row could be screened", "see the messages above")

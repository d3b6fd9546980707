"""``erfurt incidents add|edit|show|list|import|merge|copy|publishable`` and
``erfurt figures define|publish|show|list|audit``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from erfurt.archive import Archive, PublishedLog
from erfurt.charts import write_csv
from erfurt.cli.escape import printable
from erfurt.cli.options import (
    archive_option,
    emit_json,
    json_option,
    open_archive,
    published_option,
    quiet_option,
    reading_text,
    unredacted_option,
    who_option,
)
from erfurt.cli.output import echo_chart, echo_table, plural
from erfurt.errors import InputError, IntegrityError
from erfurt.incidents import (
    GROUPINGS,
    AuditReport,
    Incident,
    IncidentRow,
    IncidentText,
    Query,
    add_incident,
    audit_figures,
    audit_published,
    build_incident,
    chart_incidents,
    compute_figure,
    count_incidents,
    current_incident,
    define_figure,
    edit_incident,
    find_passages,
    ftm_entities,
    history,
    import_incidents,
    list_figures,
    mark_copy,
    mark_publishable,
    merge_incidents,
    parse_query,
    passage_json,
    passages,
    publish_figure,
    publishable_names,
    read_figure,
    read_incidents,
    row_json,
    today,
)
from erfurt.redaction import passage_mask

__all__ = ["figures", "incidents"]

_CITES = "VALUE@CITES, CITES being RECORD:START-END or note:TEXT, several joined by |"


_QUERY = click.option(
    "--query", "query_text", default="", help="Filters, as in `figures define` (default: all)."
)


def _fields(command: Any) -> Any:
    """The options that describe an incident (shared by add and edit)."""
    for option in reversed(
        [
            click.option("--kind", help=f"What happened, from incident_kinds: {_CITES}."),
            click.option(
                "--date",
                "dates",
                multiple=True,
                help="YYYY-MM-DD, YYYY-MM, YYYY, A..B or 'before DATE', @CITES; repeat for"
                " sources that disagree.",
            ),
            click.option("--place", help=f"Where: {_CITES}."),
            click.option("--region", help="A coarse region code (e.g. DE-BE)."),
            click.option(
                "--harmed",
                multiple=True,
                help="People harmed, COUNT@CITES; repeat for sources that disagree (a range).",
            ),
            click.option(
                "--responsible", multiple=True, help=f"A unit or person responsible: {_CITES}."
            ),
            click.option(
                "--names-from",
                type=click.File("r", encoding="utf-8"),
                help="Names to seal, one 'harmed: NAME' or 'witness: NAME' a line (- for"
                " stdin: keeps them out of shell history).",
            ),
            click.option("--disputed", help="A reviewer's note saying why it is disputed."),
            click.option(
                "--entity",
                "entities",
                multiple=True,
                help="VALUE=ID: the --responsible VALUE is entity ID (as `erfurt entities"
                " list` shows it, or a list entry's id); repeat for several.",
            ),
        ]
    ):
        command = option(command)
    return command


def _read_names(stream: Any) -> list[tuple[str, str]]:
    names = []
    for number, line in enumerate(stream, start=1):
        role, colon, name = line.partition(":")
        if not line.strip():
            continue
        if not colon or role.strip() not in ("harmed", "witness"):
            raise InputError(
                f"--names-from line {number}: not 'harmed: NAME' or 'witness: NAME'",
                "one name a line, after its role",
            )
        names.append((role.strip(), name.strip()))
    return names


def _build(archive: Archive, base: Incident | None, options: dict[str, Any]) -> Incident:
    given = IncidentText(
        kind=options["kind"],
        dates=options["dates"],
        place=options["place"],
        region=options["region"],
        harmed=options["harmed"],
        responsible=options["responsible"],
        names=_read_names(options["names_from"]) if options["names_from"] else (),
        disputed=options["disputed"],
        entities=[_entity_link(e) for e in options["entities"]],
    )
    return build_incident(archive, base, given, "--")


def _entity_link(text: str) -> tuple[str, str]:
    value, equals, entity = text.rpartition("=")
    if not equals or not value.strip():
        raise InputError(f"--entity {text!r} is not VALUE=ID", "e.g. --entity 'Stasi=ent-12'")
    return value, entity


@click.group()
def incidents() -> None:
    """Incidents: what happened, when, where, to how many, by whom; each value cited."""


@incidents.command()
@_fields
@who_option
@archive_option
@json_option
def add(archive_path: Path, as_json: bool, who: str, **options: Any) -> None:
    """Record an incident: every value cites passages (RECORD:START-END) or a note.

    Two --harmed values from sources that disagree are kept as a range. Names of people
    harmed and witnesses are sealed (--names-from).
    """
    with open_archive(archive_path) as archive:
        incident = _build(archive, None, options)
        [index] = add_incident(archive, [incident], who)
    _done(incident.id, index, "recorded", as_json)


@incidents.command()
@click.argument("incident")
@_fields
@who_option
@archive_option
@json_option
def edit(incident: str, archive_path: Path, as_json: bool, who: str, **options: Any) -> None:
    """Record a new version of INCIDENT: the options given replace those values (the old
    version stays in the log; names given are added, sealed)."""
    with open_archive(archive_path) as archive:
        found = current_incident(archive, incident)
        if found is None:
            raise InputError(f"no incident {incident}", "`erfurt incidents list` shows them")
        [index] = edit_incident(archive, [_build(archive, found[1], options)], who)
    _done(incident, index, "edited", as_json)


def _done(incident: str, index: int, what: str, as_json: bool) -> None:
    if as_json:
        emit_json({"ok": True, "incident": incident, "record": index})
    else:
        click.echo(f"Incident {incident} {what} (record {index})")


def _count(row: IncidentRow) -> str:
    return str(row.low) if row.low == row.high else f"{row.low}-{row.high}"


def _when(row: IncidentRow) -> str:
    if not row.first:
        return f"before {row.last}"
    return row.first if row.first == row.last else f"{row.first}..{row.last}"


def _echo_passages(archive: Archive, incident: Incident, indent: str = "  ") -> None:
    for p in passages(archive, incident):
        where = "reviewer's note" if p.cite.record is None else f"record {p.cite}"
        click.echo(f"{indent}{p.field:<12} {where}: {printable(repr(p.text))}")


@incidents.command()
@click.argument("incident")
@archive_option
@json_option
def show(incident: str, archive_path: Path, as_json: bool) -> None:
    """Show INCIDENT: its values, status, sources, history, and every passage it cites.

    Names stay sealed; only those a reviewer marked publishable are shown.
    """
    with open_archive(archive_path) as archive:
        rows = read_incidents(archive, incident=incident)
        found = current_incident(archive, incident)
        if not rows or found is None:
            raise InputError(f"no incident {incident}", "`erfurt incidents list` shows them")
        row, (_, version) = rows[0], found
        names = publishable_names(archive, (n.ref for n in version.names))
        shown = [{"role": n.role, "name": names.get(n.ref), "ref": n.ref} for n in version.names]
        if as_json:
            emit_json(
                {
                    **row_json(row),
                    "responsible": [r.value for r in version.responsible],
                    "entities": {r.value: r.entity for r in version.responsible if r.entity},
                    "harmed_claims": [h.count for h in version.harmed],
                    "disputed": version.disputed,
                    "names": shown,
                    "history": history(archive, incident),
                    "passages": [passage_json(p) for p in passages(archive, version)],
                }
            )
            return
        click.echo(f"Incident {row.id} (record {row.record}): {printable(row.kind)}")
        click.echo(f"  when:        {_when(row)}")
        region = f" ({printable(row.region)})" if row.region else ""
        click.echo(f"  where:       {printable(row.place)}{region}")
        click.echo(f"  harmed:      {_count(row)}")
        responsible = (
            ", ".join(
                printable(r.value + (f" [{r.entity}]" if r.entity else ""))
                for r in version.responsible
            )
            or "-"
        )
        click.echo(f"  responsible: {responsible}")
        click.echo(f"  status:      {row.status}, {plural(row.sources, 'independent source')}")
        if version.disputed:
            click.echo(f"  disputed:    {printable(version.disputed)}")
        if row.merged_into:
            click.echo(f"  merged into: {row.merged_into} (not counted)")
        for name in shown:
            click.echo(f"  {name['role']}: {printable(name['name'] or '(sealed)')}")
        click.echo(f"  versions:    records {', '.join(map(str, history(archive, incident)))}")
        click.echo("  passages:")
        _echo_passages(archive, version, "    ")


@incidents.command()
@click.argument("phrase")
@click.option("--record", type=int, help="Look only in this text record.")
@click.option(
    "--limit",
    type=click.IntRange(1, 1000),
    default=10,
    show_default=True,
    help="How many passages to print at most.",
)
@archive_option
@json_option
def cite(phrase: str, record: int | None, limit: int, archive_path: Path, as_json: bool) -> None:
    """Find PHRASE in the extracted texts (newest first) and print the cites to use:
    RECORD:START-END, one a line."""
    with open_archive(archive_path) as archive:
        found = find_passages(archive, phrase, record, limit)
    if as_json:
        emit_json({"ok": True, "cites": [str(c) for c in found]})
        return
    if not found:
        raise InputError(f"{phrase!r} is in no extracted text", "check the spelling, or --record")
    for one in found:
        click.echo(str(one))


@incidents.command("list")
@_QUERY
@archive_option
@json_option
def list_command(query_text: str, archive_path: Path, as_json: bool) -> None:
    """List the counted incidents (merged duplicates left out), optionally filtered."""
    with open_archive(archive_path) as archive:
        rows = read_incidents(archive, parse_query(query_text, today(archive)))
    if as_json:
        emit_json({"ok": True, "incidents": [row_json(r) for r in rows]})
        return
    echo_table(
        ["incident", "kind", "when", "place", "harmed", "status", "sources"],
        [[r.id, r.kind, _when(r), r.place, _count(r), r.status, r.sources] for r in rows],
    )


@incidents.command()
@click.option("--by", type=click.Choice(GROUPINGS), required=True, help="What to group by.")
@_QUERY
@click.option(
    "--csv",
    "csv_out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the rows to this CSV file.",
)
@archive_option
@json_option
def counts(
    by: str, query_text: str, csv_out: Path | None, archive_path: Path, as_json: bool
) -> None:
    """Counted incidents and people harmed (lowest-highest) by place, region, kind, month,
    year or responsible unit. The incidents behind a row: `incidents list --query`."""
    with open_archive(archive_path) as archive:
        rows = count_incidents(archive, by, parse_query(query_text, today(archive)))  # type: ignore[arg-type]
    table = [[r.key, r.incidents, r.low, r.high] for r in rows]
    if csv_out is not None:
        write_csv(csv_out, [by, "incidents", "harmed_low", "harmed_high"], table)
    if as_json:
        emit_json(
            {
                "by": by,
                "rows": [
                    {
                        "key": r.key,
                        "incidents": r.incidents,
                        "harmed_low": r.low,
                        "harmed_high": r.high,
                    }
                    for r in rows
                ],
            }
        )
        return
    echo_table([by, "incidents", "harmed (lowest)", "harmed (highest)"], table)


@incidents.command()
@click.argument("unit")
@archive_option
@json_option
def timeline(unit: str, archive_path: Path, as_json: bool) -> None:
    """The incidents UNIT (a unit or person responsible) is named in, earliest first."""
    with open_archive(archive_path) as archive:
        rows = read_incidents(archive, Query(responsible=unit))
    rows.sort(key=lambda r: (r.first or r.last, r.last, r.id))
    if as_json:
        emit_json({"responsible": unit, "incidents": [row_json(r) for r in rows]})
        return
    echo_table(
        ["when", "incident", "kind", "place", "harmed", "status"],
        [[_when(r), r.id, r.kind, r.place, _count(r), r.status] for r in rows],
    )


@incidents.command()
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The chart file: .svg or .png (its numbers go to a .csv beside it).",
)
@_QUERY
@click.option("--title", help="The chart's title [default: names the archive's origin].")
@archive_option
@json_option
def chart(out: Path, query_text: str, title: str | None, archive_path: Path, as_json: bool) -> None:
    """Chart counted incidents per period (SVG or PNG, with CSV and alt text beside it)."""
    with open_archive(archive_path) as archive:
        plotted = chart_incidents(archive, out, parse_query(query_text, today(archive)), title)
    echo_chart(out, plotted, "incident", as_json)


@incidents.command()
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The FollowTheMoney file to write (JSON lines).",
)
@_QUERY
@unredacted_option
@archive_option
@json_option
def export(out: Path, query_text: str, unredacted: bool, archive_path: Path, as_json: bool) -> None:
    """Export incidents as FollowTheMoney entities: an Event each, with the units and
    persons responsible and the people harmed whose names were marked publishable.

    A value held in a redacted stretch of a passage it cites is left out, unless
    --unredacted."""
    written = 0
    with open_archive(archive_path) as archive, out.open("w", encoding="utf-8") as f:
        mask = None if unredacted else passage_mask(archive)
        query = parse_query(query_text, today(archive))
        for entity in ftm_entities(archive, query, mask=mask):
            f.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
            written += 1
    if as_json:
        emit_json({"ok": True, "entities": written, "file": str(out)})
    else:
        click.echo(f"Wrote {plural(written, 'entity', 'entities')} to {printable(str(out))}")


@incidents.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@who_option
@archive_option
@quiet_option
@json_option
def import_csv(csv_file: Path, who: str, archive_path: Path, quiet: bool, as_json: bool) -> None:
    """Import incidents from CSV, one a row keyed by its `key` column.

    Columns: key, kind, date, place, harmed, and optionally region, responsible,
    harmed_names, witnesses, disputed. Values are VALUE@CITES; date, harmed and
    responsible take several separated by ";"; names (sealed) too. Bad rows are reported
    with what to do and the rest go in. Import again after fixing: rows already in the
    log are skipped, changed rows become new versions; nothing counts twice. Exit
    status 1 if any row was not imported.
    """
    with (
        open_archive(archive_path) as archive,
        csv_file.open(encoding="utf-8-sig", newline="") as f,
        reading_text(csv_file, "a CSV file"),
    ):
        report = import_incidents(archive, f, str(csv_file), who)
    if as_json:
        emit_json(
            {
                "ok": not report.problems,
                "recorded": report.recorded,
                "edited": report.edited,
                "unchanged": report.unchanged,
                "problems": [{"row": p.row, "message": p.message} for p in report.problems],
            }
        )
    else:
        for problem in report.problems:
            click.echo(
                f"{printable(str(csv_file))} row {problem.row}: {printable(problem.message)}",
                err=True,
            )
        if not quiet or report.problems:
            click.echo(
                f"Recorded {plural(report.recorded, 'incident')}, edited {report.edited:,},"
                f" {report.unchanged:,} unchanged; {plural(len(report.problems), 'row')} not"
                " imported",
                err=True,
            )
    if report.problems:
        raise click.exceptions.Exit(1)


_REASON = click.option("--reason", required=True, help="Why (recorded with the decision).")


@incidents.command()
@click.argument("duplicate")
@click.argument("into")
@_REASON
@who_option
@archive_option
@json_option
def merge(
    duplicate: str, into: str, reason: str, who: str, archive_path: Path, as_json: bool
) -> None:
    """Merge DUPLICATE into INTO: one event reported twice counts once; the duplicate's
    sources corroborate INTO."""
    with open_archive(archive_path) as archive:
        index = merge_incidents(archive, duplicate, into, reason, who)
    _done(duplicate, index, f"merged into {into}", as_json)


@incidents.command()
@click.argument("copy", type=int)
@click.argument("original", type=int)
@_REASON
@who_option
@archive_option
@json_option
def copy(
    copy: int, original: int, reason: str, who: str, archive_path: Path, as_json: bool
) -> None:
    """Mark the document of text record COPY as a copy of that of ORIGINAL: corroboration
    then counts them as one source."""
    with open_archive(archive_path) as archive:
        index = mark_copy(archive, copy, original, reason, who)
    if as_json:
        emit_json({"ok": True, "record": index})
    else:
        click.echo(f"Marked as a copy (record {index})")


@incidents.command()
@click.argument("name")
@_REASON
@who_option
@archive_option
@json_option
def publishable(name: str, reason: str, who: str, archive_path: Path, as_json: bool) -> None:
    """Allow a sealed NAME to be published (- reads it from stdin). The name goes into the
    log in clear: do this only with the person's or the policy's consent."""
    if name == "-":
        name = sys.stdin.readline().strip()
    with open_archive(archive_path) as archive:
        index = mark_publishable(archive, name, reason, who)
    if as_json:
        emit_json({"ok": True, "record": index})
    else:
        click.echo(f"Name marked publishable (record {index})")


@click.group()
def figures() -> None:
    """Figures: named counts over incidents, published so anyone can recompute them."""


@figures.command()
@click.argument("name")
@click.option(
    "--query",
    "query_text",
    required=True,
    help="count=incidents|harmed and filters kind=, since=, until=, place=, region=,"
    " status=, responsible= (quote values with spaces).",
)
@who_option
@archive_option
@json_option
def define(name: str, query_text: str, who: str, archive_path: Path, as_json: bool) -> None:
    """Define figure NAME, e.g. --query 'count=harmed kind=killing until=1989'."""
    with open_archive(archive_path) as archive:
        index = define_figure(archive, name, parse_query(query_text, today(archive)), who)
    if as_json:
        emit_json({"ok": True, "record": index})
    else:
        click.echo(f"Figure {printable(repr(name))} defined (record {index})")


def _value(low: int, high: int) -> str:
    return f"{low:,}" if low == high else f"{low:,} to {high:,}"


@figures.command()
@click.argument("name")
@who_option
@archive_option
@json_option
def publish(name: str, who: str, archive_path: Path, as_json: bool) -> None:
    """Compute figure NAME and append it with the log size it counts."""
    with open_archive(archive_path) as archive:
        done = publish_figure(archive, name, who)
    if as_json:
        emit_json(
            {
                "ok": True,
                "record": done.record,
                "log_size": done.log_size,
                "low": done.value.low,
                "high": done.value.high,
                "incidents": done.value.count,
                "digest": done.value.digest,
            }
        )
    else:
        click.echo(
            f"{printable(name)}: {_value(done.value.low, done.value.high)} over"
            f" {plural(done.value.count, 'incident')}, counted at log size"
            f" {done.log_size:,} (record {done.record})"
        )


@figures.command("show")
@click.argument("name")
@archive_option
@json_option
def show_figure(name: str, archive_path: Path, as_json: bool) -> None:
    """Figure NAME now: its value, the incidents behind it, and each one's passages."""
    with open_archive(archive_path) as archive:
        figure = read_figure(archive, name)
        rows = read_incidents(archive, figure.query)
        versions = {r.id: (current_incident(archive, r.id) or (0, None))[1] for r in rows}
        _, value = compute_figure(archive, figure.query)
        low, high = value.low, value.high
        if as_json:
            emit_json(
                {
                    "name": name,
                    "measure": figure.query.measure,
                    "filters": figure.query.filters(),
                    "low": low,
                    "high": high,
                    "incidents": [
                        {**row_json(r), "passages": [passage_json(p) for p in passages(archive, v)]}
                        for r in rows
                        if (v := versions[r.id]) is not None
                    ],
                }
            )
            return
        click.echo(f"{printable(name)}: {_value(low, high)} ({figure.query.measure})")
        for row in rows:
            click.echo(
                f"  {row.id}  {printable(row.kind)}, {_when(row)}, {printable(row.place)}:"
                f" {_count(row)} harmed, {row.status}"
            )
            if (version := versions[row.id]) is not None:
                _echo_passages(archive, version, "      ")


@figures.command("list")
@archive_option
@json_option
def list_figures_command(archive_path: Path, as_json: bool) -> None:
    """The defined figures and their queries."""
    with open_archive(archive_path) as archive:
        found = list_figures(archive)
    if as_json:
        emit_json(
            {
                "ok": True,
                "figures": [
                    {"name": f.name, "measure": f.query.measure, "filters": f.query.filters()}
                    for f in found
                ],
            }
        )
        return
    echo_table(
        ["figure", "count", "filters"],
        [
            [f.name, f.query.measure, " ".join(f"{k}={v}" for k, v in f.query.filters().items())]
            for f in found
        ],
    )


@figures.command()
@published_option(
    "Audit a published log (a folder or s3://BUCKET/PREFIX) instead of the archive (with --vkey)."
)
@click.option("--vkey", help="The publisher's verifier key (with --published).")
@archive_option
@json_option
def audit(
    published: Path | str | None, vkey: str | None, archive_path: Path, as_json: bool
) -> None:
    """Recompute every published figure from the log alone and compare.

    With --published, anyone can do it without the archive: the log folder is verified
    in full against --vkey, then every figure.published in it is recomputed from the
    incidents before it. Exit status 1 names the first figure that differs.
    """
    if published is not None:
        if vkey is None:
            raise click.UsageError("--published needs --vkey")
        log = PublishedLog.open(published, vkey)
        report, source = audit_published(log), f"the published log of {log.origin}"
    else:
        with open_archive(archive_path) as archive:
            report, source = audit_figures(archive), "the log"
    _report(report, source, as_json)


def _report(report: AuditReport, source: str, as_json: bool) -> None:
    if not report.ok:
        first = report.mismatches[0]
        low, high, count, _ = first.published
        again = (
            f"; recomputed {_value(first.recomputed[0], first.recomputed[1])} over"
            f" {plural(first.recomputed[2], 'incident')}"
            if first.recomputed
            else ""
        )
        raise IntegrityError(
            f"{plural(len(report.mismatches), 'published figure')} differ from {source}, e.g."
            f" {printable(first.name)} (record {first.record}): published {_value(low, high)}"
            f" over {plural(count, 'incident')}{again} ({first.reason})",
            "the figure was altered, or its incidents were: compare `erfurt figures show`",
        )
    if as_json:
        emit_json({"ok": True, "figures": report.figures, "records": report.records})
    else:
        click.echo(
            f"OK: {plural(report.figures, 'published figure')} recomputed from {source};"
            " every one matches"
        )

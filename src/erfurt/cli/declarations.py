"""``erfurt declare`` and ``erfurt declarations prove|tally|chart|audit|import|publish``."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import click

from erfurt.archive import JSON, PublishedLog, read_small_file
from erfurt.cli.escape import printable
from erfurt.cli.options import (
    EXIT_UNPINNED,
    archive_option,
    archive_vkey,
    emit_json,
    exit_failed_verification,
    exit_unpinned,
    json_option,
    open_archive,
    published_option,
    quiet_option,
    value_or_stdin,
)
from erfurt.cli.output import echo_chart, echo_table, plural
from erfurt.cli.progress import Progress
from erfurt.cli.secret import load_secret, secret_file_option
from erfurt.cli.trust import assess_receipt, echo_assurance, trust_options
from erfurt.declarations import (
    CHANNELS,
    GROUPINGS,
    Grouping,
    Tally,
    audit_published,
    audit_tally,
    chart_registry,
    declare,
    import_declarations,
    prove_receipt,
    publish_registry,
    read_tally,
)
from erfurt.errors import IntegrityError, VerificationError

__all__ = ["declarations", "declare_command"]


@click.command("declare")
@click.option("--alias", required=True, help="Name published with it (a pseudonym is fine).")
@click.option(
    "--organisation",
    "organisations",
    multiple=True,
    required=True,
    help="An organisation left, from the registry's list; repeat for several.",
)
@click.option("--place", help="Coarse place: a city or a province (optional).")
@click.option("--statement", help="The statement, in any language (optional).")
@click.option(
    "--channel",
    type=click.Choice(CHANNELS),
    default="online",
    show_default=True,
    help="How the declaration reached the registry.",
)
@click.option("--volunteer", help="The volunteer who took it on the declarant's behalf.")
@click.option(
    "--identity",
    help='"NAME; BIRTH DATE": committed to and keyed-hashed, never stored; - reads it from'
    " stdin (keeps it out of shell history and the process list).",
)
@click.option(
    "--receipt",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the declarant's private receipt (with --identity; not in the archive).",
)
@secret_file_option
@archive_option
@json_option
def declare_command(
    archive_path: Path,
    as_json: bool,
    secret_file: Path,
    alias: str,
    organisations: tuple[str, ...],
    place: str | None,
    statement: str | None,
    channel: str,
    volunteer: str | None,
    identity: str | None,
    receipt: Path | None,
) -> None:
    """Log one declaration at the archive's time; with --identity, write a receipt."""
    if identity is not None:
        identity = value_or_stdin(identity)
    with open_archive(archive_path) as archive:
        secret = load_secret(secret_file, archive, create=True) if identity else None
        done = declare(
            archive,
            alias=alias,
            organisations=organisations,
            place=place,
            statement=statement,
            channel=channel,
            volunteer=volunteer,
            identity=identity,
            receipt=receipt,
            secret=secret,
        )
    if as_json:
        emit_json(
            {
                "ok": True,
                "number": done.number,
                "record": done.log_index,
                "time": done.time,
                "alias": done.alias,
                "receipt": str(done.receipt) if done.receipt else None,
            }
        )
        return
    click.echo(f"Declaration {done.number} logged at {done.time} (record {done.log_index})")
    if done.receipt:
        click.echo(
            f"Receipt: {printable(str(done.receipt))} "
            "(holds the identity: give it to the declarant)"
        )


@click.group()
def declarations() -> None:
    """The declarations registry: tally, chart, audit, import, publish, prove receipts."""


@declarations.command()
@click.argument("receipt", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--vkey", help="The registry's published verifier key [default: the receipt's].")
@trust_options
@archive_option
@json_option
def prove(
    receipt: Path,
    vkey: str | None,
    witness_vkeys: tuple[str, ...],
    tsa_roots: tuple[Path, ...],
    min_witnesses: int | None,
    archive_path: Path,
    as_json: bool,
) -> None:
    """Check a declarant's receipt offline: who declared, what, and when.

    The key is --vkey if given, else the archive's when --archive names one here, else
    the key inside the receipt: then it exits with 3 (see `erfurt verify`), because a
    signature by a key you have not pinned proves nothing about who signed it. It says
    what is proved and what is still trusted; --tsa-root and --witness require, as in
    `erfurt verify`, a timestamp and cosignatures by parties other than the registry.
    """
    vkey = vkey or archive_vkey(archive_path)
    try:
        proved = prove_receipt(read_small_file(receipt, "receipt"), str(receipt), vkey)
        assurance = assess_receipt(
            proved.checked,
            proved.vkey,
            key_pinned=not proved.vkey_from_receipt,
            witness_vkeys=witness_vkeys,
            min_witnesses=min_witnesses,
            tsa_roots=tsa_roots,
            source=str(receipt),
        )
    except VerificationError as exc:
        exit_failed_verification(exc, as_json)
    d = proved.declaration
    if as_json:
        emit_json(
            {
                "ok": True,
                "name": proved.name,
                "birth_date": proved.birth_date,
                "time": d.time,
                "alias": d.alias,
                "organisations": list(d.organisations),
                "record": proved.log_index,
                "origin": proved.origin,
                "tree_size": proved.tree_size,
                "vkey": proved.vkey,
                "vkey_from_receipt": proved.vkey_from_receipt,
                "assurance": assurance.to_json(),
            }
        )
        if proved.vkey_from_receipt:
            raise click.exceptions.Exit(EXIT_UNPINNED)
        return
    label = "UNPINNED" if proved.vkey_from_receipt else "OK"
    who = printable(f"{receipt}: {proved.name} (born {proved.birth_date})")
    click.echo(f"{label}: {who} declared at {printable(d.time)}")
    leaving = printable(", ".join(d.organisations))
    click.echo(f"  as {printable(repr(d.alias))}, leaving {leaving}; record {proved.log_index}")
    echo_assurance(assurance)
    if proved.vkey_from_receipt:
        exit_unpinned(proved.vkey, False, None)


def _tally_rows(tally: Tally) -> list[tuple[str | None, int, int]]:
    """The rows as shown: for a place, declarations without one under key None, so that
    the rows add up to the total."""
    rows: list[tuple[str | None, int, int]] = [
        (r.key, r.declarations, r.persons) for r in tally.rows
    ]
    if tally.by == "place":
        unplaced = tally.total.declarations - sum(r.declarations for r in tally.rows)
        if unplaced:
            rows.append((None, unplaced, tally.total.persons - sum(r.persons for r in tally.rows)))
    return rows


def _tally_json(tally: Tally) -> JSON:
    return {
        "by": tally.by,
        "declarations": tally.total.declarations,
        "persons": tally.total.persons,
        "rows": [
            {"key": key, "declarations": declarations, "persons": persons}
            for key, declarations, persons in _tally_rows(tally)
        ],
    }


@declarations.command()
@click.option(
    "--by",
    type=click.Choice(GROUPINGS),
    default="total",
    show_default=True,
    help="Group the counts by day, month, organisation or place (or only the total).",
)
@archive_option
@json_option
def tally(by: str, archive_path: Path, as_json: bool) -> None:
    """The tally: declarations and new persons, in total or grouped.

    "New persons" counts declarations by someone not seen before (one without an
    identity counts as new). Declarations without a place are shown as "(none)".
    """
    with open_archive(archive_path) as archive:
        result = read_tally(archive, cast(Grouping, by))
    if as_json:
        emit_json(_tally_json(result))
        return
    rows = _tally_rows(result) if by != "total" else []
    total = result.total
    echo_table(
        ["" if by == "total" else by, "declarations", "new persons"],
        [list(row) for row in rows],
        total=["total", total.declarations, total.persons],
    )
    if by == "organisation":
        click.echo(
            "(a declaration may leave several organisations: the rows add up to more than"
            " the total)",
            err=True,
        )


@declarations.command()
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The chart file: .svg or .png.",
)
@click.option("--title", help="The chart's title [default: names the archive's origin].")
@archive_option
@json_option
def chart(out: Path, title: str | None, archive_path: Path, as_json: bool) -> None:
    """Chart declarations per period and the cumulative total (SVG or PNG).

    The period (day, week, month or year) suits the span of the dates; a date far from
    all the others is left off and named. The plotted numbers go to a .csv and a
    description to an .alt.txt beside the chart.
    """
    with open_archive(archive_path) as archive:
        plotted = chart_registry(archive, out, title)
    echo_chart(out, plotted, "declaration", as_json)


@declarations.command()
@published_option(
    "Audit a published log (a folder or s3://BUCKET/PREFIX) instead of the archive "
    "(with --vkey and --tally)."
)
@click.option("--vkey", help="The registry's published verifier key (with --published).")
@click.option(
    "--tally",
    "tally_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The published tally.json to check (with --published).",
)
@archive_option
@json_option
def audit(
    published: Path | str | None,
    vkey: str | None,
    tally_file: Path | None,
    archive_path: Path,
    as_json: bool,
) -> None:
    """Recount the tally from the log alone and compare it with the view.

    With --published, anyone can do the same without the archive: the published log
    folder is verified in full against --vkey, then recounted and compared with the
    published tally.json.
    """
    if published is not None:
        if vkey is None or tally_file is None:
            raise click.UsageError("--published needs --vkey and --tally")
        log = PublishedLog.open(published, vkey)
        report = audit_published(log, tally_file.read_bytes(), str(tally_file))
        compared, source = str(tally_file), f"the published log of {log.origin}"
    else:
        with open_archive(archive_path) as archive:
            report = audit_tally(archive)
        compared, source = "the view", "the log"
    if not report.ok:
        first, count = report.mismatches[0], len(report.mismatches)
        raise IntegrityError(
            f"the tally in {compared} differs from {source} in {plural(count, 'counter')},"
            f" e.g. {f'{first.grouping} {first.key}'.strip()}: log {first.in_log[0]}"
            f" declarations, {compared} {first.in_view[0]}",
            "the tally was altered or damaged"
            + ("" if published else ": run `erfurt rebuild` to replay the view from the log"),
        )
    if as_json:
        emit_json(
            {
                "ok": True,
                "declarations": report.declarations,
                "persons": report.persons,
                "counters": report.counters,
            }
        )
    else:
        click.echo(
            f"OK: {report.declarations:,} declarations by {report.persons:,} persons recounted"
            f" from {source}; all {report.counters:,} counters match {compared}"
        )


@declarations.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@archive_option
@quiet_option
@json_option
def import_csv(csv_file: Path, archive_path: Path, quiet: bool, as_json: bool) -> None:
    """Move an existing registry in from CSV (bad rows are reported; the rest go in).

    Columns (header row, any order): time, alias, organisations (several separated by
    ";"), and optionally place, statement, channel, volunteer, number (ignored: numbers
    follow the order of the file). Times are ISO 8601, UTC unless an offset is given.
    A byte-order mark (Excel's "CSV UTF-8") is fine. Rows are logged in durable
    batches. Rows whose declaration is already in the log are skipped, so after a crash,
    or to add rows that were refused, correct the file and import the whole file again:
    nothing is counted twice. (A row corrected after it was imported is a new
    declaration.) Times in the future are refused. Exit status 1 if any row was not
    imported.
    """
    progress = Progress("declarations", quiet=quiet)

    def advanced(done: int) -> None:
        while progress.done < done:
            progress.advance()

    with (
        open_archive(archive_path) as archive,
        csv_file.open(encoding="utf-8-sig", newline="") as f,
    ):
        report = import_declarations(archive, f, str(csv_file), progress=advanced)
    progress.close()
    if as_json:
        emit_json(
            {
                "ok": not report.problems,
                "imported": report.imported,
                "first_number": report.first_number,
                "last_number": report.last_number,
                "problems": [{"row": p.row, "message": p.message} for p in report.problems],
                "already_imported": report.already_imported,
            }
        )
    else:
        if report.already_imported:
            click.echo(
                f"{printable(str(csv_file))}: {plural(report.already_imported, 'row')}"
                " already in the log, skipped",
                err=True,
            )
        for problem in report.problems:
            click.echo(
                f"{printable(str(csv_file))} row {problem.row}: {printable(problem.message)}",
                err=True,
            )
        numbers = f" (numbers {report.first_number} to {report.last_number})"
        bad = len(report.problems)
        click.echo(
            f"Imported {plural(report.imported, 'declaration')}"
            f"{numbers if report.imported else ''}; {plural(bad, 'row')} not imported",
            err=True,
        )
    if report.problems:
        raise click.exceptions.Exit(1)


@declarations.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The folder for declarations.jsonl and tally.json.",
)
@archive_option
@json_option
def publish(out: Path, archive_path: Path, as_json: bool) -> None:
    """Write the public listing and tally (no commitment, keyed hash or volunteer)."""
    with open_archive(archive_path) as archive:
        published = publish_registry(archive, out)
    if as_json:
        emit_json(
            {
                "ok": True,
                "declarations": published.declarations,
                "last_log_index": published.last_log_index,
                "files": [str(f) for f in published.files],
            }
        )
    else:
        click.echo(f"Published {published.declarations:,} declarations to {out}", err=True)

"""``erfurt redact`` and ``erfurt redactions list``: what may not leave the archive."""

from __future__ import annotations

from pathlib import Path

import click

from erfurt.cli.escape import printable
from erfurt.cli.options import archive_option, emit_json, json_option, open_archive, who_option
from erfurt.cli.output import echo_table, plural
from erfurt.redaction import (
    Redaction,
    mark_redaction,
    parse_region,
    parse_span,
    redactions,
)

__all__ = ["redact_command", "redactions_group"]


def _marks(redaction: Redaction) -> str:
    spans = [f"{s.start}:{s.end}" for s in redaction.spans]
    boxes = [f"{r.page}:{r.x0},{r.y0},{r.x1},{r.y1}" for r in redaction.regions]
    return " ".join(spans + boxes)


@click.command("redact")
@archive_option
@click.argument("blob")
@click.option(
    "--span",
    "spans",
    multiple=True,
    metavar="START:END",
    help="Characters START to END of the document's extracted text (repeat for more).",
)
@click.option(
    "--box",
    "boxes",
    multiple=True,
    metavar="PAGE:x0,y0,x1,y1",
    help="A place on page PAGE (from 1), in thousandths of the page's width and height "
    "from its top left (repeat for more).",
)
@click.option("--reason", required=True, help="Why it may not be published.")
@click.option(
    "--replace",
    is_flag=True,
    help="These marks replace the document's earlier ones (after its text was extracted "
    "again, or to withdraw a mark) [default: added to them].",
)
@who_option
@json_option
def redact_command(
    archive_path: Path,
    blob: str,
    spans: tuple[str, ...],
    boxes: tuple[str, ...],
    reason: str,
    replace: bool,
    who: str,
    as_json: bool,
) -> None:
    """Mark what of document BLOB (its SHA-256) may not leave the archive.

    Published forms (evidence packages, search passages for the public) then hide the
    marks; the original stays unchanged. Earlier marks of the same document are kept,
    unless --replace.
    """
    with open_archive(archive_path) as archive:
        done = mark_redaction(
            archive,
            blob,
            spans=[parse_span(s) for s in spans],
            regions=[parse_region(b) for b in boxes],
            reason=reason,
            who=who,
            replace=replace,
        )
    if as_json:
        emit_json({"ok": True, **done.to_json()})
    else:
        click.echo(
            f"Logged redaction record {done.record}: {plural(len(done.spans), 'span')}, "
            f"{plural(len(done.regions), 'box', 'boxes')}",
            err=True,
        )


@click.group("redactions")
def redactions_group() -> None:
    """Redactions: what of each document may not leave the archive."""


@redactions_group.command("list")
@archive_option
@click.option("--blob", help="Only the redactions of this document blob (SHA-256).")
@json_option
def list_command(archive_path: Path, blob: str | None, as_json: bool) -> None:
    """List redactions in log order: the document, the marks, who and why."""
    with open_archive(archive_path) as archive, archive.query_views() as db:
        found = redactions(db, blob)
    if as_json:
        emit_json([r.to_json() for r in found])
        return
    echo_table(
        ["record", "original", "marks", "who", "time", "reason"],
        [
            [r.record, r.original[:12], _marks(r), printable(r.who), r.time, printable(r.reason)]
            for r in found
        ],
    )

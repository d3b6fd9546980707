"""``erfurt entities extract|list|show|review`` and ``erfurt dossier export``.

The CLI wires the names engine into entity extraction (features never import each other):
the known-entity finder gets every list entry with the names engine's spellings, and
persons found by the taggers are linked to list entries by its matcher.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from erfurt.archive import Archive, export_bundle, is_sha256
from erfurt.cli.escape import printable
from erfurt.cli.options import (
    archive_option,
    emit_json,
    json_option,
    open_archive,
    quiet_option,
    unredacted_option,
    who_option,
)
from erfurt.cli.output import echo_table, plural
from erfurt.cli.progress import Progress
from erfurt.entities import (
    ACTIONS,
    MAX_PER_PAGE,
    Action,
    Dossier,
    EntityFilter,
    EntityType,
    Extractor,
    KnownEntity,
    KnownIndex,
    Passage,
    ReadingFinder,
    Resolve,
    document_records,
    dossier_to_ftm,
    extract_archive,
    list_entities,
    pending_texts,
    read_dossier,
    review,
)
from erfurt.errors import ErfurtError, InputError
from erfurt.names import (
    DEFAULT_THRESHOLD,
    Matcher,
    Query,
    character_spellings,
    load_matcher,
    loaded_entities,
    name_spellings,
    surname_readings,
)
from erfurt.redaction import passage_mask, published_record

__all__ = ["READING_THRESHOLD", "dossier", "entities", "matcher_extractor", "matcher_resolver"]


READING_THRESHOLD = 0.8
"""The score a stretch proposed by how it reads (not found by a tagger) must reach to be
linked: above the screening threshold, fixed on the development half of
bench/entities_linking.py, where persons on no list score 0.7 against a listed namesake."""


def matcher_resolver(matcher: Matcher, threshold: float = DEFAULT_THRESHOLD) -> Resolve:
    """The list entry ``matcher`` finds for a person's name, when it alone is the best at or
    above ``threshold`` ("" otherwise)."""

    def resolve(name: str) -> str:
        try:
            found = matcher.match(Query(name, schema="Person"))
        except ErfurtError:  # not a name the engine reads (a title alone, digits)
            return ""
        best = [m for m in found if m.score >= threshold]
        if len(best) == 1 or (len(best) > 1 and best[0].score > best[1].score):
            return best[0].entity_id
        return ""

    return resolve


def loaded_entities_exist(archive: Archive) -> bool:
    """Whether any list is loaded (the matcher needs one)."""
    with archive.query_views() as db:
        return db.execute("SELECT 1 FROM names_lists LIMIT 1").fetchone() is not None


def matcher_extractor(known: list[KnownEntity], matcher: Matcher | None) -> Extractor:
    """An extractor over the list entries ``known``, linking persons through ``matcher``."""
    index = KnownIndex(known, name_spellings)
    if matcher is None:
        return Extractor(index)
    strict = matcher_resolver(matcher, READING_THRESHOLD)
    readings = ReadingFinder(known, name_spellings, strict, character_spellings, surname_readings)
    return Extractor(index, matcher_resolver(matcher), readings)


def _extractor(archive: Archive) -> Extractor:
    known = [KnownEntity(e.id, e.schema, e.names) for e in loaded_entities(archive)]
    matcher = load_matcher(archive) if loaded_entities_exist(archive) else None
    return matcher_extractor(known, matcher)


@click.group()
def entities() -> None:
    """Persons, organisations and positions in the texts, each cited to its passage."""


@entities.command("extract")
@archive_option
@click.option("--again", is_flag=True, help="Read every text again, not only new ones.")
@quiet_option
@json_option
def extract_command(archive_path: Path, again: bool, quiet: bool, as_json: bool) -> None:
    """Find entities and position claims in every text not yet read by this extractor.

    Each text's result is appended to the log (a newer extractor appends, never rewrites);
    an interrupted run is finished by running it again.
    """
    with open_archive(archive_path) as archive:
        todo = len(pending_texts(archive, again=again))
        extractor = _extractor(archive)
        progress = Progress("texts", total=todo, quiet=quiet or as_json)
        summary = extract_archive(archive, extractor, again=again,
                                  on_text=lambda _: progress.advance())  # fmt: skip
        progress.close()
    for warning in summary.warnings:
        click.echo(f"Warning: {printable(warning)}", err=True)
    if as_json:
        emit_json({"ok": True, "texts": summary.texts, "mentions": summary.mentions,
                   "claims": summary.claims, "warnings": list(summary.warnings)})  # fmt: skip
        return
    click.echo(
        f"Read {plural(summary.texts, 'text')}: {plural(summary.mentions, 'mention')}, "
        f"{plural(summary.claims, 'position claim')}."
    )


@entities.command("list")
@archive_option
@click.option(
    "--type",
    "kind",
    type=click.Choice(["person", "organisation", "place"]),
    default=None,
    help="Only entities of this type.",
)
@click.option(
    "--name",
    default="",
    help="Only entities with a name form holding this text "
    "(case, traditional and simplified Chinese folded) [default: any].",
)
@click.option(
    "--document",
    default="",
    help="Only entities named in this document (its record number or SHA-256) [default: any].",
)
@click.option("--listed", is_flag=True, help="Only entities linked to a list entry.")
@click.option(
    "--limit",
    type=click.IntRange(1, MAX_PER_PAGE),
    default=100,
    show_default=True,
    help="Entities per page.",
)
@click.option(
    "--page", type=click.IntRange(1), default=1, show_default=True, help="Which page of the list."
)
@json_option
def list_command(
    archive_path: Path,
    kind: EntityType | None,
    name: str,
    document: str,
    listed: bool,
    limit: int,
    page: int,
    as_json: bool,
) -> None:
    """Every entity found (after review), most mentioned first, with its counts: mentions
    (and how many a reviewer accepted), documents and position claims."""
    with open_archive(archive_path) as archive:
        source = _document_blob(archive, document) if document else ""
        wanted = EntityFilter(kind, name, source, listed)
        found = list_entities(archive, wanted, page=page, per_page=limit)
    if as_json:
        emit_json(found.to_json())
        return
    echo_table(
        ["id", "type", "name", "mentions", "accepted", "documents", "positions", "listed"],
        [
            [
                e.id,
                e.type,
                printable(e.name),
                e.mentions,
                e.accepted,
                e.documents,
                e.positions,
                printable(", ".join(e.listed)),
            ]
            for e in found.entities
        ],
    )
    more = f"; --page {page + 1} for more" if page < found.pages else ""
    click.echo(f"Page {page} of {found.pages} ({plural(found.total, 'entity', 'entities')}){more}.")


def _document_blob(archive: Archive, document: str) -> str:
    """The blob of a document given by record number or SHA-256."""
    if is_sha256(document):
        return document
    if document.isascii() and document.isdigit() and int(document) < archive.size:
        record = archive.record(int(document))
        if record.kind == "document.added":
            return str(record["blob"])
    raise InputError(f"no document {document!r}", "give a document record number or SHA-256")


def _echo_passage(p: Passage) -> None:
    click.echo(f"      {printable(p.document)}, page {p.page} [{p.status}, {p.method}]")
    if p.boxes:
        places = "; ".join(",".join(str(v) for v in box) for box in p.boxes)
        click.echo(f"      on the page image (left,top,right,bottom in 1/1000): {places}")
    click.echo(f"      {printable(p.snippet)}")
    click.echo(f"      key: {printable(p.key)}")


@entities.command("show")
@click.argument("entity_id")
@archive_option
@json_option
def show_command(entity_id: str, archive_path: Path, as_json: bool) -> None:
    """An entity's dossier: every name form, positions with dates, each fact followed by the
    passages that state it (quoted snippet, document, page) and its review key."""
    with open_archive(archive_path) as archive:
        found = read_dossier(archive, entity_id)
    if as_json:
        emit_json(found.to_json())
        return
    click.echo(f"{found.id} ({found.type})")
    click.echo("  names: " + "; ".join(printable(n) for n in found.names))
    if len(found.members) > 1:
        click.echo("  merged or linked: " + ", ".join(printable(m) for m in found.members))
    click.echo(f"  positions ({len(found.positions)}):")
    for position in found.positions:
        dates = " – ".join(d for d in (position.start, position.end) if d) or "dates not stated"
        click.echo(f"    {printable(position.post)} ({dates})")
        _echo_passage(position.passage)
    click.echo(f"  mentions ({len(found.mentions)}):")
    for passage in found.mentions:
        click.echo(f"    {printable(passage.surface)}")
        _echo_passage(passage)


@entities.command("review")
@click.argument("action", type=click.Choice(ACTIONS))
@click.argument("target")
@click.argument("other", required=False, default="")
@click.option("--reason", required=True, help="Why: recorded in the log with the decision.")
@archive_option
@who_option
@json_option
def review_command(
    action: Action, target: str, other: str, reason: str, archive_path: Path, who: str,
    as_json: bool,
) -> None:  # fmt: skip
    """Record a review decision (it holds for later extraction runs too).

    \b
    accept KEY / reject KEY   a mention or claim (KEY from `entities show`)
    merge ID OTHER-ID         OTHER-ID is the same entity as ID
    split KEY NAME            the mention KEY names someone else, called NAME
    link ID LIST-ID           the entity is that list entry (e.g. ofac-29249)
    """
    with open_archive(archive_path) as archive:
        index = review(archive, action, target, other=other, who=who, reason=reason)
    if as_json:
        emit_json({"ok": True, "record": index})
    else:
        click.echo(f"Recorded: {action} (record {index}).")


@click.group()
def dossier() -> None:
    """Export an entity's dossier for other tools."""


@dossier.command("export")
@click.argument("entity_id")
@click.option(
    "--unreviewed",
    is_flag=True,
    help="Include mentions and claims no one has reviewed (never rejected ones).",
)
@click.option(
    "--package",
    "as_package",
    is_flag=True,
    help="Write an evidence package (a new BagIt folder, --out) instead of FtM JSON lines.",
)
@click.option(
    "--out",
    "output",
    type=click.Path(path_type=Path),
    default=None,
    help="Write to this file (a new folder for a package) [default: standard output].",
)
@unredacted_option
@archive_option
def export_command(
    entity_id: str,
    unreviewed: bool,
    as_package: bool,
    output: Path | None,
    unredacted: bool,
    archive_path: Path,
) -> None:
    """Write the dossier as FollowTheMoney entities (JSON lines), or as an evidence package.

    The Person or Organization, Positions, Occupancies, and the Documents that prove them.
    Only reviewed (accepted) facts unless --unreviewed. Redactions in force apply: passages
    are quoted masked, and a mention or position whose name or statement is redacted is
    left out, unless --unredacted. A package (--package --out FOLDER) holds the
    dossier (JSON and FtM), and the evidence package of every document it cites (a
    redacted one as its redaction record, unless --unredacted), all proved against one
    checkpoint; `erfurt verify FOLDER` checks it.
    """
    if as_package and output is None:
        raise InputError("a package is a folder", "give --out FOLDER (a new folder)")
    with open_archive(archive_path) as archive:
        mask = None if unredacted else passage_mask(archive)
        found = read_dossier(archive, entity_id, mask=mask).cited(unreviewed)
        lines = list(dossier_to_ftm(found, unreviewed=unreviewed))
        if not lines:
            click.echo(
                "Nothing to export: no accepted mention (review some, or add --unreviewed).",
                err=True,
            )
        if as_package and output is not None:
            if lines:
                _export_package(archive, found, lines, output, unredacted)
            return
    text = "".join(f"{line}\n" for line in lines)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {plural(len(lines), 'entity', 'entities')} to {printable(str(output))}.")


def _export_package(
    archive: Archive, found: Dossier, lines: list[str], out: Path, unredacted: bool
) -> None:
    documents = document_records(archive, found.sources())
    packaged = {
        source: index if unredacted else published_record(archive, index)
        for source, index in documents.items()
    }
    summary = {**found.to_json(), "documents": packaged}
    attachments = {
        "dossier.json": (json.dumps(summary, ensure_ascii=False, indent=1) + "\n").encode(),
        "dossier.ftm.json": "".join(f"{line}\n" for line in lines).encode(),
    }
    export_bundle(archive, list(packaged.values()), attachments, out)
    click.echo(
        f"Wrote the dossier of {printable(found.id)} and "
        f"{plural(len(packaged), 'document')} it cites to {printable(str(out))}."
    )

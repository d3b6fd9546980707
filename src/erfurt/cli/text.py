"""Commands on extracted text: failures, reextract."""

from __future__ import annotations

from pathlib import Path

import click

from erfurt.cli.archive import extracted_json, extraction_runner
from erfurt.cli.escape import printable
from erfurt.cli.options import (
    archive_option,
    emit_json,
    engine_option,
    jobs_option,
    json_option,
    open_archive,
    quiet_option,
    who_option,
)
from erfurt.cli.output import plural
from erfurt.cli.progress import Progress
from erfurt.ingest import (
    LOW_CONFIDENCE,
    Extracted,
    ExtractOptions,
    ExtractOutcome,
    extract_pending,
    failures,
    low_confidence,
    require_collection,
    require_extractor,
)

__all__ = ["failures_command", "reextract"]


@click.command("failures")
@archive_option
@click.option("--collection", help="Only documents in this collection.")
@click.option(
    "--low-confidence",
    "below",
    is_flag=False,
    flag_value=LOW_CONFIDENCE,
    type=click.IntRange(1, 101),
    help=f"Instead, list OCR pages read with a confidence (0-100) under N [N: {LOW_CONFIDENCE}].",
    metavar="[N]",
)
@json_option
def failures_command(
    archive_path: Path, collection: str | None, below: int | None, as_json: bool
) -> None:
    """List files whose text could not be extracted, with the reasons (or OCR pages to check)."""
    if below is not None:
        _low_confidence(archive_path, collection, below, as_json)
        return
    with open_archive(archive_path) as archive, archive.query_views() as db:
        require_collection(db, collection)
        found = failures(db, collection)
    for failure in found:
        if as_json:
            emit_json(
                {
                    "document": failure.document,
                    "name": failure.name,
                    "collection": failure.collection,
                    "sha256": failure.source,
                    "record": failure.record,
                    "extractor": failure.extractor,
                    "reason": failure.reason,
                    "hint": failure.hint or None,
                }
            )
        else:
            click.echo(
                f"#{failure.document}  {printable(failure.name)}"
                f"  (collection {printable(failure.collection)}): {printable(failure.reason)}"
            )
            if failure.hint:
                click.echo(f"    hint: {printable(failure.hint)}")
    if not as_json:
        click.echo(f"{plural(len(found), 'file')} without text", err=True)


def _low_confidence(archive_path: Path, collection: str | None, below: int, as_json: bool) -> None:
    with open_archive(archive_path) as archive, archive.query_views() as db:
        require_collection(db, collection)
        found = low_confidence(db, below, collection)
    for doubt in found:
        if as_json:
            emit_json(
                {
                    "document": doubt.document,
                    "name": doubt.name,
                    "collection": doubt.collection,
                    "sha256": doubt.source,
                    "record": doubt.record,
                    "pages": [{"page": n, "confidence": c} for n, c in doubt.pages],
                }
            )
        else:
            pages = ", ".join(f"page {n} ({c})" for n, c in doubt.pages)
            click.echo(
                f"#{doubt.document}  {printable(doubt.name)}"
                f"  (collection {printable(doubt.collection)}): {pages}"
            )
    if not as_json:
        click.echo(f"{plural(len(found), 'file')} with OCR confidence under {below}", err=True)


@click.command()
@archive_option
@click.option(
    "--extractor", required=True, help="Re-extract texts made by this extractor (e.g. ocr)."
)
@click.option("--collection", help="Only documents in this collection.")
@jobs_option
@engine_option
@quiet_option
@who_option
@json_option
def reextract(
    archive_path: Path,
    extractor: str,
    collection: str | None,
    jobs: int | None,
    engine: str | None,
    quiet: bool,
    who: str,
    as_json: bool,
) -> None:
    """Extract again the texts one extractor made; old and new both stay in the log."""
    progress = Progress("texts", quiet=quiet)

    def on_text(result: Extracted) -> None:
        if as_json:
            emit_json(extracted_json(result))
        progress.advance()

    with open_archive(archive_path) as archive:
        with archive.query_views() as db:
            require_collection(db, collection)
            require_extractor(db, extractor)
        with extraction_runner(archive, (), engine, jobs) as pool:
            done = extract_pending(
                archive,
                ExtractOptions.from_config(archive.config),
                who=who,
                extractor=extractor,
                collection=collection,
                pool=pool,
                on_file=on_text,
            )
    progress.close()
    failed = sum(d.outcome is ExtractOutcome.FAILED for d in done)
    click.echo(f"re-extracted {len(done) - failed}, failed {failed}", err=True)

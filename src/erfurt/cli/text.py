"""Commands on extracted text: failures, reextract."""

from __future__ import annotations

from pathlib import Path

import click

from erfurt.cli.archive import extract_options, extracted_json
from erfurt.cli.options import archive_option, emit_json, json_option, open_archive, who_option
from erfurt.cli.progress import Progress
from erfurt.ingest import Extracted, ExtractOutcome, extract_pending, failures

__all__ = ["failures_command", "reextract"]


@click.command("failures")
@archive_option
@click.option("--collection", help="Only documents in this collection.")
@json_option
def failures_command(archive_path: Path, collection: str | None, as_json: bool) -> None:
    """List files whose text could not be extracted, with the reasons."""
    with open_archive(archive_path) as archive, archive.read_views() as db:
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
                f"#{failure.document}  {failure.collection}/{failure.name}: {failure.reason}"
            )
            if failure.hint:
                click.echo(f"    hint: {failure.hint}")
    if not as_json:
        click.echo(f"{len(found)} failed", err=True)


@click.command()
@archive_option
@click.option(
    "--extractor", required=True, help="Re-extract texts made by this extractor (e.g. ocr)."
)
@click.option("--collection", help="Only documents in this collection.")
@click.option(
    "--jobs", type=click.IntRange(min=1), help="Worker processes [default: one per core]."
)
@who_option
@json_option
def reextract(
    archive_path: Path,
    extractor: str,
    collection: str | None,
    jobs: int | None,
    who: str,
    as_json: bool,
) -> None:
    """Extract again the texts one extractor made; old and new both stay in the log."""
    progress = Progress("texts")

    def on_text(result: Extracted) -> None:
        if as_json:
            emit_json(extracted_json(result))
        progress.advance()

    with open_archive(archive_path) as archive:
        done = extract_pending(
            archive,
            extract_options(archive),
            who=who,
            extractor=extractor,
            collection=collection,
            workers=jobs,
            on_file=on_text,
        )
    progress.close()
    failed = sum(d.outcome is ExtractOutcome.FAILED for d in done)
    click.echo(f"re-extracted {len(done) - failed}, failed {failed}", err=True)

"""``erfurt log``: the verifier key, the checkpoint, a full check, consistency proofs."""

from __future__ import annotations

from pathlib import Path

import click

from erfurt.archive import (
    PublishedLog,
    check_archive,
    check_views,
    publish_log,
    read_small_file,
)
from erfurt.cli.attest import log_attest
from erfurt.cli.options import (
    archive_option,
    archive_vkey,
    emit_json,
    json_option,
    open_archive,
    published_option,
    quiet_option,
)
from erfurt.cli.output import b64
from erfurt.cli.progress import Progress
from erfurt.cli.timestamps import log_timestamp, log_tsa
from erfurt.cli.witness import log_monitor, log_witness

__all__ = ["log"]


@click.group()
def log() -> None:
    """The archive's transparency log."""


log.add_command(log_witness)
log.add_command(log_monitor)
log.add_command(log_tsa)
log.add_command(log_timestamp)
log.add_command(log_attest)


@log.command()
@archive_option
def vkey(archive_path: Path) -> None:
    """Print the log's verifier key (one line)."""
    with open_archive(archive_path) as archive:
        click.echo(archive.vkey)


@log.command()
@archive_option
@json_option
def checkpoint(archive_path: Path, as_json: bool) -> None:
    """Print the latest signed checkpoint."""
    with open_archive(archive_path) as archive:
        note = archive.checkpoint_note()
        cp = archive.checkpoint
    if as_json:
        emit_json(
            {
                "origin": cp.origin,
                "tree_size": cp.tree_size,
                "root_hash_b64": b64(cp.root_hash),
                "note": note.decode("utf-8"),
            }
        )
    else:
        click.echo(note.decode("utf-8"), nl=False)


VIEWS_CHECK_AUTO_LIMIT = 10_000
"""Up to this many records, ``log check`` also replays the log to check the views."""


@log.command()
@archive_option
@click.option(
    "--out",
    type=click.Path(path_type=str),
    metavar="s3://BUCKET/PREFIX",
    help="Where to publish the log [default: the `publish` setting of erfurt.toml].",
)
@json_option
def publish(archive_path: Path, out: str | None, as_json: bool) -> None:
    """Copy the log to an S3-compatible store, the checkpoint last.

    Files keep their paths under the prefix (`checkpoint`, `tile/...`), so anyone can
    read and check the copy as they would the folder. Only what is new, or was lost by
    the store, is uploaded; a file already there with other bytes is never overwritten
    (exit 1). Credentials come from the AWS environment (AWS_ACCESS_KEY_ID, AWS_PROFILE,
    AWS_ENDPOINT_URL_S3).
    """
    with open_archive(archive_path, catch_up=False) as archive:
        destination = out or archive.config.publish
        if not destination:
            raise click.UsageError(
                'give --out s3://BUCKET/PREFIX, or set publish = "s3://..." in erfurt.toml'
            )
        published = publish_log(archive, destination)
    if as_json:
        emit_json(
            {
                "ok": True,
                "destination": published.destination,
                "tree_size": published.tree_size,
                "uploaded": published.uploaded,
                "already_there": published.already,
            }
        )
    else:
        click.echo(
            f"Published the log of {published.tree_size} records to {published.destination}: "
            f"{published.uploaded} files uploaded, {published.already} already there",
            err=True,
        )


@log.command()
@archive_option
@published_option(
    "Check a published log (a folder or s3://BUCKET/PREFIX) instead of the archive: its "
    "every tile, entry and signature, against --vkey."
)
@click.option(
    "--vkey",
    help="The key the published log must be signed with [default: the archive's].",
)
@click.option(
    "--views/--no-views",
    "with_views",
    default=None,
    help="Also replay the log and compare every view with it "
    f"[default: only for logs of up to {VIEWS_CHECK_AUTO_LIMIT:,} records].",
)
@quiet_option
@json_option
def check(
    archive_path: Path,
    published: Path | str | None,
    vkey: str | None,
    with_views: bool | None,
    quiet: bool,
    as_json: bool,
) -> None:
    """Recompute and verify everything stored: tiles, entries, checkpoint, blobs, views.

    Blobs are read back from where they are kept (the blobs folder, or the S3 store of
    the `blobs` setting). With --published, the published copy of a log is checked
    instead. Exits 0 when everything matches the signed log, 1 naming what does not (a
    file of the log, a blob, or a view of views/views.sqlite or views/search.sqlite).
    """
    if published is not None:
        check_published(published, vkey or archive_vkey(archive_path), as_json)
        return
    progress = Progress("blobs", quiet=quiet)
    with open_archive(archive_path, catch_up=False) as archive:
        result = check_archive(archive, on_blob=progress.advance)
        progress.close()
        if with_views is None:
            with_views = archive.size <= VIEWS_CHECK_AUTO_LIMIT
        views = check_views(archive) if with_views else None
    problems = [*result.problems, *(views.problems if views else ())]
    if as_json:
        emit_json(
            {
                "ok": not problems,
                "tree_size": result.tree_size,
                "root_hash_b64": b64(bytes.fromhex(result.root_hash_hex)),
                "tiles": result.tiles,
                "blobs_checked": result.blobs_checked,
                "views_checked": list(views.matching) if views else None,
                "problems": problems,
            }
        )
    else:
        for problem in problems:
            click.echo(f"FAIL: {problem}", err=True)
        views_note = (
            f", {len(views.matching)} views match the log" if views else ", views not checked"
        )
        click.echo(
            f"{'FAIL' if problems else 'OK'}: {result.tree_size} records, "
            f"{result.tiles} tiles and {result.blobs_checked} blobs checked{views_note}; "
            f"root hash (base64, as in checkpoints) {b64(bytes.fromhex(result.root_hash_hex))}",
            err=True,
        )
    if problems:
        raise click.exceptions.Exit(1)


@log.command()
@archive_option
@click.argument("old_checkpoint", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@json_option
def consistency(archive_path: Path, old_checkpoint: Path, as_json: bool) -> None:
    """Prove the current log extends OLD_CHECKPOINT (a checkpoint someone kept)."""
    with open_archive(archive_path) as archive:
        old = read_small_file(old_checkpoint, "checkpoint")
        result = archive.prove_consistency(old, source=str(old_checkpoint))
    proof = [b64(h) for h in result.proof]
    if as_json:
        emit_json(
            {
                "ok": True,
                "old_size": result.old.tree_size,
                "new_size": result.new.tree_size,
                "consistency_proof": proof,
            }
        )
    else:
        for number, hash_b64 in enumerate(proof, 1):
            click.echo(f"consistency_proof hash {number} of {len(proof)} (base64): {hash_b64}")
        click.echo(
            f"OK: the log at size {result.new.tree_size} extends {old_checkpoint} "
            f"(size {result.old.tree_size})",
            err=True,
        )


def check_published(source: Path | str, vkey: str | None, as_json: bool) -> None:
    """``log check --published``: verify a published log in full, or exit 1 naming why."""
    if vkey is None:
        raise click.UsageError("--published needs --vkey (or an --archive whose key it is)")
    published = PublishedLog.open(source, vkey)
    root = b64(published.checkpoint.root_hash)
    if as_json:
        emit_json(
            {
                "ok": True,
                "published": str(published.store),
                "tree_size": published.tree_size,
                "root_hash_b64": root,
            }
        )
    else:
        click.echo(
            f"OK: the published log {published.store} of {published.tree_size} records "
            f"verifies; root hash (base64) {root}",
            err=True,
        )

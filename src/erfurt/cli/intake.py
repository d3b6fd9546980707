"""``erfurt intake keygen|enable|export|open|reply|deliver|custody``: secure intake."""

from __future__ import annotations

import base64
from pathlib import Path

import click

from erfurt.archive import Archive
from erfurt.cli.escape import printable
from erfurt.cli.options import (
    archive_option,
    emit_json,
    json_option,
    key_file_option,
    open_archive,
    who_option,
)
from erfurt.errors import InputError
from erfurt.ingest import ExtractOptions, Outcome, add_paths, extract_pending
from erfurt.intake import (
    IntakeDesk,
    OpenedSubmission,
    export_submissions,
    generate_key,
    intake_fields,
    open_submissions,
    public_key_path,
    read_private_key,
    read_public_key,
    strip_metadata,
    verify_intake_custody,
    write_reply,
)

__all__ = ["intake"]

_key_option = key_file_option("The intake private key file (on the offline machine only).")


@click.group()
def intake() -> None:
    """Secure intake: submissions encrypted on arrival, opened offline (docs/intake.md)."""


@intake.command("keygen")
@click.argument("key_file", type=click.Path(dir_okay=False, path_type=Path))
def keygen(key_file: Path) -> None:
    """Create an intake key: KEY_FILE (private, 0600) and KEY_FILE.pub for the server.

    Run it on the offline machine; carry only the .pub file to the server.

    """
    key = generate_key(key_file)
    public = key_file.with_name(key_file.name + ".pub")
    public.write_text(key.public().to_text(), encoding="ascii")
    click.echo(f"Wrote the private key {key_file} (mode 0600) and the public key {public}.")


@intake.command("enable")
@archive_option
@click.argument("public_key", type=click.Path(dir_okay=False, exists=True, path_type=Path))
def enable(archive_path: Path, public_key: Path) -> None:
    """Take submissions on this archive's server, encrypted to PUBLIC_KEY (a .pub file)."""
    key = read_public_key(public_key)
    with Archive.open(archive_path, catch_up=False) as archive:
        target = public_key_path(archive)
        if target.exists() and target.read_text(encoding="ascii") != key.to_text():
            raise InputError(
                f"{target} already holds another intake key",
                "remove it first if you really mean to change keys (export first!)",
            )
        target.write_text(key.to_text(), encoding="ascii")
    click.echo(f"Submissions to this archive are now encrypted to {public_key}.")


@intake.command("export")
@archive_option
@click.argument("dest", type=click.Path(file_okay=False, exists=True, path_type=Path))
@json_option
def export_command(archive_path: Path, dest: Path, as_json: bool) -> None:
    """Copy new encrypted submissions (with receipts) to DEST, e.g. removable media."""
    with Archive.open(archive_path) as archive:
        records = export_submissions(archive, dest)
    if as_json:
        emit_json({"ok": True, "exported": list(records)})
        return
    click.echo(f"Exported {len(records)} new submission(s) to {dest / 'erfurt-intake'}.")


def _preserve(
    archive: Archive, opened: OpenedSubmission, *, collection: str, who: str, strip: bool
) -> tuple[int, int]:
    envelope = archive.put_file(opened.envelope)
    receipt = archive.put_bytes(opened.receipt)
    folder = opened.folder.parent / f"submission-{opened.record}"
    opened.folder.rename(folder)
    if strip:
        stripped_folder = folder / "metadata-stripped"
        for name in opened.files:
            stripped = strip_metadata(folder / name)
            if stripped is not None:
                stripped_folder.mkdir(exist_ok=True)
                (stripped_folder / name).write_bytes(stripped)
    cites = intake_fields(envelope.sha256, receipt.sha256, opened.vkey)
    # The parent is given so that names say which submission they came from.
    report = add_paths(archive, [folder.parent], collection=collection, who=who, cites=cites)
    return report.count(Outcome.ADDED) + report.count(Outcome.SIGHTED), report.count(Outcome.FAILED)


@intake.command("open")
@click.argument("source", type=click.Path(file_okay=False, exists=True, path_type=Path))
@_key_option
@click.option(
    "--into",
    "archive_path",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The archive (on this offline machine) to add the documents to.",
)
@click.option("--collection", default="intake", show_default=True, help="Collection to add to.")
@click.option(
    "--strip-metadata",
    "strip",
    is_flag=True,
    help="Also keep a copy of each file without EXIF, PDF info/XMP or office properties.",
)
@click.option("--vkey", help="The server log's verifier key [default: the one exported].")
@who_option
@json_option
def open_command(
    source: Path,
    key_path: Path,
    archive_path: Path,
    collection: str,
    strip: bool,
    vkey: str | None,
    who: str,
    as_json: bool,
) -> None:
    """Decrypt the submissions exported to SOURCE and add their files to an archive.

    Each document cites the envelope and the server's receipt of its arrival: check it
    with `erfurt intake custody`. An altered envelope is refused; the others go on.

    """
    key = read_private_key(key_path)
    rows: list[dict[str, object]] = []
    with open_archive(archive_path) as archive:
        for opened in open_submissions(source, key, vkey=vkey):
            if isinstance(opened, Exception):
                rows.append({"ok": False, "error": opened.message, "hint": opened.hint})
                continue
            added, failed = _preserve(archive, opened, collection=collection, who=who, strip=strip)
            rows.append(
                {"ok": True, "record": opened.record, "added": added, "failed": failed}
                | {"source": opened.source, "reply_key": opened.reply_key}
            )
        extract_pending(archive, ExtractOptions.from_config(archive.config), who=who, workers=1)
    if as_json:
        emit_json({"ok": all(r["ok"] for r in rows), "submissions": rows})
    else:
        for row in rows:
            if row["ok"]:
                click.echo(
                    f"Submission {row['record']}: {row['added']} file(s) added; reply to it with "
                    f"--to {row['source']} --reply-key {row['reply_key']}"
                )
            else:
                click.echo(f"Refused: {printable(str(row['error']))}", err=True)
    if not all(r["ok"] for r in rows):
        raise click.exceptions.Exit(1)


@intake.command("reply")
@_key_option
@click.option("--to", "source", required=True, help="The source id (from `intake open`).")
@click.option("--reply-key", required=True, help="The source's reply key (from `intake open`).")
@click.option(
    "--message-file",
    required=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="File holding the reply's text (UTF-8).",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write the encrypted, signed reply to.",
)
def reply_command(
    key_path: Path, source: str, reply_key: str, message_file: Path, out: Path
) -> None:
    """Write a signed reply for a source to OUT (offline); deliver it with `intake deliver`."""
    key = read_private_key(key_path)
    try:
        public = base64.b64decode(reply_key, validate=True)
    except ValueError as exc:
        raise InputError("--reply-key is not base64", "copy it from `intake open`") from exc
    if len(public) != 32:
        raise InputError("--reply-key is not a reply key", "copy it from `intake open`")
    out.write_bytes(write_reply(key, source, public, message_file.read_text(encoding="utf-8")))
    click.echo(f"Wrote the reply to {out}; carry it to the server and run `intake deliver`.")


@intake.command("deliver")
@archive_option
@click.argument("reply_file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
def deliver_command(archive_path: Path, reply_file: Path) -> None:
    """Put a signed reply where its source can read it (on the server)."""
    with Archive.open(archive_path, catch_up=False) as archive:
        desk = IntakeDesk(archive)
        try:
            reply = desk.deliver(reply_file.read_bytes())
        finally:
            desk.close()
    click.echo(f"Delivered reply {reply}.")


@intake.command("custody")
@archive_option
@click.argument("record", type=int)
@click.option("--vkey", help="Pin the server log's verifier key [default: the one recorded].")
@json_option
def custody_command(archive_path: Path, record: int, vkey: str | None, as_json: bool) -> None:
    """Verify that document RECORD came from a submission the server logged."""
    with open_archive(archive_path) as archive:
        if record < 0 or record >= archive.size:
            raise InputError(f"there is no record {record}", "give a document's record index")
        chain = verify_intake_custody(archive, record, vkey=vkey)
    if as_json:
        emit_json(
            {"ok": True, "document": chain.document, "envelope": chain.envelope}
            | {"received": chain.received, "day": chain.received_day}
            | {"server_origin": chain.server_origin, "server_size": chain.server_size}
        )
        return
    click.echo(
        f"Record {chain.document} was decrypted from envelope {chain.envelope}, which "
        f"{printable(chain.server_origin)} logged as received on {chain.received_day} (record "
        f"{chain.received}, verified against its checkpoint of {chain.server_size} records)."
    )

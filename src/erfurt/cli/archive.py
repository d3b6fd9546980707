"""Commands on the archive as a whole: init, add, show, rebuild, prove, export, verify."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from erfurt.archive import (
    JSON,
    Archive,
    BundleCheck,
    Record,
    describe,
    export_package,
    followed,
    is_bundle,
    is_receipt,
    load_verifier,
    read_small_file,
    verify_bundle,
    verify_package,
)
from erfurt.archive import verify_receipt as verify_receipt_file
from erfurt.cli.escape import printable
from erfurt.cli.options import (
    all_views,
    archive_option,
    archive_vkey,
    emit_json,
    engine_option,
    exit_failed_verification,
    exit_unpinned,
    jobs_option,
    json_option,
    key_file,
    open_archive,
    quiet_option,
    reading_text,
    started_engine,
    unredacted_option,
    who_option,
)
from erfurt.cli.output import b64, echo_fields, plural
from erfurt.cli.progress import Progress
from erfurt.cli.trust import assess_receipt, echo_assurance, trust_options
from erfurt.errors import InputError, VerificationError
from erfurt.ingest import (
    DEFAULT_COLLECTION,
    INLINE_TEXT_BYTES,
    Added,
    DocumentText,
    EngineExtraction,
    Extracted,
    ExtractionPool,
    ExtractionRunner,
    ExtractOptions,
    ExtractOutcome,
    InlineTexts,
    Outcome,
    add_paths,
    document_text,
    extract_pending,
)
from erfurt.redaction import published_record
from erfurt.search import FOLLOWER

__all__ = ["add", "export", "init", "prove", "rebuild", "show", "verify"]


@click.command()
@archive_option
@click.option("--origin", help="The log's origin line [default: erfurt.local/<folder name>].")
@who_option
@json_option
def init(archive_path: Path, origin: str | None, who: str, as_json: bool) -> None:
    """Create a new archive."""
    key = key_file()
    with Archive.init(
        archive_path, origin=origin, who=who, views=all_views(), key_file=key
    ) as archive:
        if as_json:
            emit_json(
                {
                    "ok": True,
                    "archive": str(archive_path),
                    "origin": archive.config.origin,
                    "vkey": archive.vkey,
                }
            )
        else:
            click.echo(f"Created {archive_path} (origin {archive.config.origin})", err=True)
            click.echo(f"Verifier key (keep a copy elsewhere): {archive.vkey}", err=True)
            if key is None:
                click.echo(
                    f"The signing key is inside the archive ({archive.paths.signing_key}): "
                    "for production, keep it outside with --key-file (see docs/signing-key.md)",
                    err=True,
                )


@click.command()
@archive_option
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--collection",
    default=DEFAULT_COLLECTION,
    show_default=True,
    help="The collection the files belong to.",
)
@click.option("--retry-failed", is_flag=True, help="Also retry files whose extraction failed.")
@click.option(
    "--pdf-passwords",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file with one password per line, tried on encrypted PDFs.",
)
@jobs_option
@engine_option
@quiet_option
@click.option(
    "--follow-symlinks",
    is_flag=True,
    help="Follow symbolic links inside the folders given, to targets inside the paths given "
    "[default: links are skipped and reported].",
)
@who_option
@json_option
def add(
    archive_path: Path,
    paths: tuple[Path, ...],
    collection: str,
    retry_failed: bool,
    pdf_passwords: Path | None,
    jobs: int | None,
    engine: str | None,
    follow_symlinks: bool,
    quiet: bool,
    who: str,
    as_json: bool,
) -> None:
    """Preserve files and folders (recursively), log each one, and extract their text.

    Each file is recorded under its path relative to the folder given (or its own name).
    Nothing inside the archive folder, and no Erfurt key or secret, is ever preserved.

    With --retry-failed, files whose extraction failed are tried again: those among
    PATHS when PATHS are given, else every one in the archive (or the --collection).
    A file already kept, added to a collection that held no copy of it, is extracted
    again, so that readers of that collection alone find it by its text.
    """
    if not paths and not retry_failed:
        raise click.UsageError("give files or folders to add, or --retry-failed")
    passwords: tuple[str, ...] = ()
    if pdf_passwords:
        with reading_text(pdf_passwords, "a text file with one password per line"):
            passwords = tuple(p for p in pdf_passwords.read_text("utf-8").splitlines() if p)
    texts_progress = Progress("texts", quiet=quiet)
    texts_progress.held = True  # counted on the files' line until every file is in
    progress = Progress("files", quiet=quiet, also=lambda: f"; {texts_progress.done:,} texts")
    # With PATHS, --retry-failed retries their failures only, not the whole archive's,
    # and only they are extracted again when added to a collection that held no copy.
    only: set[str] | None = set() if paths else None

    def on_file(result: Added) -> None:
        # A file added for the first time has no extraction yet, so it is extracted
        # whatever ``only`` says: only the others are listed, and a folder of new files
        # lists none (100,000 digests held, and sent with every page of pending blobs).
        if only is not None and result.sha256 and result.outcome is not Outcome.ADDED:
            only.add(result.sha256)
        if as_json:
            emit_json(
                {
                    "path": result.path,
                    "outcome": result.outcome.value,
                    "record": result.record,
                    "sha256": result.sha256,
                    "size": result.size,
                    "reason": result.reason or None,
                    "warning": result.warning or None,
                }
            )
        elif result.outcome is Outcome.FAILED:
            progress.message(f"FAILED: {result.path}: {result.reason}")
        elif result.outcome is Outcome.SKIPPED:
            progress.message(f"SKIPPED: {result.path}: {result.reason}")
        elif result.warning:
            progress.message(f"WARNING: {result.path}: {result.warning}")
        progress.advance(result.size)

    with (
        open_archive(archive_path) as archive,
        extraction_runner(archive, passwords, engine, jobs) as pool,
        followed(archive, FOLLOWER),
    ):
        texts = _Texts(archive, who, passwords, pool, texts_progress, as_json=as_json)

        def on_batch(first: int) -> None:
            # The texts of each batch's new files as soon as it is durable (those files
            # alone: no pass over the archive), so the search index's follower indexes
            # them while the next batch is read, not after every file.
            texts.extract(retry_failed=False, only=None, after=first - 1)

        report = add_paths(
            archive,
            list(paths),
            collection=collection,
            who=who,
            follow_symlinks=follow_symlinks,
            on_file=on_file,
            keep=False,
            on_batch=on_batch if paths else None,
            # Where the pool would read small UTF-8 texts itself: from the batch's bytes.
            texts=texts.inline() if isinstance(pool, ExtractionPool) else None,
        )
        progress.close()
        texts_progress.held = False
        # Then the rest: failures retried, copies in a new collection, files left
        # pending by an earlier run (among PATHS' files when given).
        texts.extract(retry_failed, only)
        texts_progress.close()
        extracted = texts.counts
    summary = ", ".join(f"{report.count(o)} {o.value}" for o in Outcome)
    click.echo(
        f"{plural(report.total, 'file')}: {summary}; text: "
        f"{extracted[ExtractOutcome.EXTRACTED]} extracted, "
        f"{extracted[ExtractOutcome.FAILED]} failed (see `erfurt failures`)",
        err=True,
    )
    if not report.ok:
        raise click.exceptions.Exit(1)


@contextmanager
def extraction_runner(
    archive: Archive, passwords: tuple[str, ...], engine: str | None, jobs: int | None
) -> Iterator[ExtractionRunner]:
    """Where `add` and `reextract` extract: a local pool of ``jobs`` processes, or the
    workers of the engine ``engine`` (else the archive's ``engine``) names."""
    options = ExtractOptions.from_config(archive.config, passwords)
    with started_engine(engine, archive.config, jobs) as distributed:
        if distributed is not None:
            yield EngineExtraction(distributed, options)
            return
        with ExtractionPool(options, workers=jobs, inline_bytes=INLINE_TEXT_BYTES) as pool:
            # One worker loads its parsers while the files are preserved; one, so that
            # adding a single file costs no more than before. The others start when
            # texts wait (small UTF-8 texts are read here, never by a worker).
            pool.start(1)
            yield pool


class _Texts:
    """The texts `add` extracts, batch by batch: their counts, told to ``progress``."""

    def __init__(
        self,
        archive: Archive,
        who: str,
        passwords: tuple[str, ...],
        pool: ExtractionRunner,
        progress: Progress,
        *,
        as_json: bool,
    ) -> None:
        self._archive = archive
        self._who = who
        self._options = ExtractOptions.from_config(archive.config, passwords)
        self._pool = pool
        self._as_json = as_json
        self.progress = progress
        self.counts: Counter[ExtractOutcome] = Counter()

    def extract(self, retry_failed: bool, only: set[str] | None, after: int = -1) -> None:
        """Extract the pending texts (and retry failures, among ``only`` when given), of
        the files logged after record ``after`` when given."""
        extract_pending(
            self._archive,
            self._options,
            who=self._who,
            retry_failed=retry_failed,
            only=only,
            pool=self._pool,
            keep=False,
            on_file=self._on_text,
            on_round=self._on_round,
            resighted=after < 0,  # as the server does: search holds such a copy back until then
            after=after,
        )

    def inline(self) -> InlineTexts:
        """The texts `add` extracts from the bytes of each batch, counted here too."""
        return InlineTexts(self._options, who=self._who, on_file=self._on_inline_text)

    def _on_inline_text(self, result: Extracted) -> None:
        self.progress.total = (self.progress.total or 0) + 1
        self._on_text(result)

    def _on_text(self, result: Extracted) -> None:
        self.counts[result.outcome] += 1
        if self._as_json:
            emit_json(extracted_json(result))
        elif result.outcome is ExtractOutcome.FAILED:
            self.progress.message(f"NO TEXT: {result.name}: {result.reason}")
        self.progress.advance(result.size)

    def _on_round(self, count: int, _size: int) -> None:
        self.progress.total = (self.progress.total or 0) + count


def extracted_json(result: Extracted) -> dict[str, JSON]:
    """One extraction outcome as a JSON Lines row."""
    return {
        "document": result.document,
        "name": result.name,
        "extraction": result.outcome.value,
        "record": result.record,
        "extractor": result.extractor,
        "chars": result.chars,
        "children": result.children,
        "reason": result.reason or None,
    }


@click.command()
@archive_option
@click.argument("index", type=int)
@json_option
def show(archive_path: Path, index: int, as_json: bool) -> None:
    """Show record INDEX and its custody chain."""
    with open_archive(archive_path) as archive:
        record = archive.record(index)
        logged = archive.record(index, as_logged=True)
        chain = archive.custody(index)
        checkpoint = archive.checkpoint
        text = document_text(archive, index) if record.kind == "document.added" else None
    if as_json:
        emit_json(
            {
                "index": index,
                "record": record.to_json(),
                "logged": logged.to_json(),
                "custody": [{"index": i, "record": r.to_json()} for i, r in chain],
                "checkpoint": {
                    "origin": checkpoint.origin,
                    "tree_size": checkpoint.tree_size,
                    "root_hash_b64": b64(checkpoint.root_hash),
                },
                "text": _text_json(text),
            }
        )
        return
    click.echo(f"record {index}: {record.kind} (version {record.version})")
    if logged.kind != record.kind:
        click.echo(
            f"logged as {logged.kind}: the published log shows only its time; the "
            f"fields below are in the private blob {logged['sealed']}"
        )
    blobs = record.blobs()
    echo_fields(
        {
            name: f"{value} (SHA-256, hex)" if name in blobs else value
            for name, value in sorted(record.fields.items())
        }
    )
    click.echo("custody chain:")
    for i, r in chain:
        click.echo(f"  #{i}  {printable(str(r.get('time', '')))}  {printable(_summary(r))}")
    size = plural(checkpoint.tree_size, "record")
    click.echo(
        f"in the log of {printable(checkpoint.origin)}: checkpoint of {size},"
        f" root hash (base64) {b64(checkpoint.root_hash)}"
    )
    if text is not None:
        _echo_text(text)


def _text_json(text: DocumentText | None) -> JSON:
    if text is None:
        return None
    return {
        "status": text.status,
        "extractor": text.extractor or None,
        "extractor_version": text.extractor_version or None,
        "record": text.record,
        "pages": list(text.pages),
        "warnings": list(text.warnings),
        "reason": text.reason or None,
        "hint": text.hint or None,
        "children": [{"index": i, "name": n} for i, n in text.children],
        "ocr": {
            "engines": list(text.ocr_engines),
            "models": list(text.ocr_models),
            "confidence": list(text.ocr_confidence),
        }
        if text.ocr_engines
        else None,
    }


def _echo_text(text: DocumentText) -> None:
    if text.status == "pending":
        click.echo("text: not extracted yet (run `erfurt add` again)")
    elif text.status == "failed":
        click.echo(f"text: extraction failed (record {text.record}): {printable(text.reason)}")
        if text.hint:
            click.echo(f"  hint: {printable(text.hint)}")
    else:
        click.echo(
            f"text: record {text.record}, {plural(len(text.pages), 'page')}, extracted by"
            f" {text.extractor} version {text.extractor_version}"
        )
        if text.ocr_engines:
            click.echo(f"  ocr: {'; '.join(text.ocr_engines)}")
            click.echo(f"  ocr models: {', '.join(text.ocr_models)}")
        for warning in text.warnings:
            click.echo(f"  warning: {printable(warning)}")
        for number, page in enumerate(text.pages, 1):
            confidence = dict(enumerate(text.ocr_confidence, 1)).get(number)
            sure = f" (OCR confidence {confidence})" if confidence is not None else ""
            click.echo(f"--- page {number}{sure} ---")
            click.echo(printable(page.strip(), multiline=True) or "(no text)")
    for child_index, name in text.children:
        click.echo(f"child: #{child_index}  {printable(name)}")


def _summary(record: Record) -> str:
    parts = [record.kind] + [str(record.get(k)) for k in ("name", "collection") if record.get(k)]
    if record.get("who"):
        parts.append(f"by {record['who']}")
    return "  ".join(parts)


@click.command()
@archive_option
@quiet_option
@json_option
def rebuild(archive_path: Path, quiet: bool, as_json: bool) -> None:
    """Empty every view and replay the log into it.

    The views database is emptied in place, so a running `erfurt serve` or writer goes
    on with it. A damaged one is moved aside (views.sqlite.damaged-N), not deleted.
    """
    with open_archive(archive_path, catch_up=False) as archive:
        progress = Progress("records", total=archive.size, quiet=quiet)
        damaged = archive.rebuild(on_record=lambda _index: progress.advance())
        progress.close()
        size = archive.size
    if as_json:
        emit_json({"ok": True, "records": size, "damaged_moved_to": damaged and str(damaged)})
    else:
        if damaged:
            click.echo(f"The views database was damaged: moved it to {damaged}", err=True)
        click.echo(f"Rebuilt every view from {size} records", err=True)


@click.command()
@archive_option
@click.argument("index", type=int)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write the receipt (.tlog-proof); - for stdout.",
)
def prove(archive_path: Path, index: int, out: Path) -> None:
    """Write a tlog-proof receipt for record INDEX."""
    with open_archive(archive_path) as archive:
        receipt = archive.prove(index)
    if str(out) == "-":
        click.echo(receipt.decode("utf-8"), nl=False)
    else:
        out.write_bytes(receipt)
        click.echo(f"Wrote the receipt for record {index} to {out}", err=True)


@click.command()
@archive_option
@click.argument("index", type=int)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="The new folder for the evidence package.",
)
@unredacted_option
@json_option
def export(archive_path: Path, index: int, out: Path, unredacted: bool, as_json: bool) -> None:
    """Export record INDEX, its original and its proofs as an evidence package (BagIt).

    A document with a redaction in force is exported as its redaction record, whose
    package holds the redacted forms and names the original by hash only.
    """
    with open_archive(archive_path) as archive:
        exported = index if unredacted else published_record(archive, index)
        export_package(archive, exported, out)
    if as_json:
        emit_json({"ok": True, "package": str(out), "record": exported, "document": index})
    elif exported != index:
        click.echo(
            f"Record {index} is redacted: wrote the package of redaction record {exported} "
            f"(redacted forms, the original named by hash only) to {out}",
            err=True,
        )
    else:
        click.echo(f"Wrote the evidence package for record {index} to {out}", err=True)


@click.command()
@archive_option
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--vkey", help="The log's verifier key to pin (see `erfurt log vkey`).")
@trust_options
@json_option
def verify(
    archive_path: Path,
    path: Path,
    vkey: str | None,
    witness_vkeys: tuple[str, ...],
    tsa_roots: tuple[Path, ...],
    min_witnesses: int | None,
    as_json: bool,
) -> None:
    """Verify a receipt (.tlog-proof) or an evidence package (folder), offline.

    It says what is proved and what is still trusted, not proved. The key trusted is
    --vkey, else the key of the archive at --archive when there is one. With --witness,
    the log's checkpoint must also carry cosignatures by those witnesses (all, or
    --min-witnesses of them): proof that the log shown to you is the one they saw. With
    --tsa-root, it must carry a timestamp by a TSA under that root: proof, by a clock
    other than the operator's, that the record was logged no later than that time. Exit
    codes: 0 verified with a pinned key; 1 it does not verify (or an error, too few
    witnesses, no timestamp); 2 usage error; 3 no key pinned: a package verified only
    with the key it carries, a receipt (which carries none) not at all.
    """
    key = vkey or archive_vkey(archive_path)
    try:
        if path.is_dir():
            check = (
                verify_bundle(path, vkey=key) if is_bundle(path) else verify_package(path, vkey=key)
            )
            first = check.packages[0] if isinstance(check, BundleCheck) else check
            # A bundle's receipts are all for its one checkpoint: the first stands for all.
            receipt, proved = first.receipt, list(check.proved)
            if not check.key_pinned:
                exit_unpinned(check.vkey, as_json, proved)
            key = check.vkey
        else:
            data = read_small_file(path, "receipt")
            if not is_receipt(data):
                raise InputError(
                    f"{path} is neither a receipt nor an evidence package: it {describe(data)}",
                    "give a receipt (.tlog-proof, from `erfurt prove`) or the folder of an "
                    "evidence package (from `erfurt export`)",
                )
            if key is None:
                exit_unpinned(None, as_json, [])
            receipt = verify_receipt_file(data, load_verifier(key), source=str(path))
            proved = []
        assurance = assess_receipt(
            receipt,
            key,
            key_pinned=True,
            witness_vkeys=witness_vkeys,
            min_witnesses=min_witnesses,
            tsa_roots=tsa_roots,
            source=str(path),
        )
    except VerificationError as exc:
        exit_failed_verification(exc, as_json)
    if as_json:
        emit_json(
            {
                "ok": True,
                "path": str(path),
                "record": receipt.index,
                "proved": [*proved, *assurance.proved()],
                "assurance": assurance.to_json(),
            }
        )
    else:
        echo_assurance(assurance, proved)
        click.echo(f"OK: {printable(str(path))}", err=True)

"""Extract the text of preserved files in worker processes and log each outcome.

The work list comes from the views (blobs with no extraction yet), so a run that was
killed at any moment is finished by running again: nothing done is done twice, and no
file is lost. A file's outcome is its child documents (attachments, zip members) and
then its ``text.extracted`` record, or one ``extraction.failed``, always in the same
append batch, so a child is never logged without its parent's text record.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import partial

from erfurt.archive import JSON, Archive, Record, StagedBlobs, is_erfurt_secret
from erfurt.extractors import (
    BUDGET_HINT,
    INLINE_TEXT_BYTES,
    Extraction,
    ExtractionJob,
    ExtractionPool,
    ExtractionRunner,
    ExtractOptions,
    extract_inline_bytes,
    media_type_of_bytes,
    sniff_media_type,
)
from erfurt.ingest.budget import Budgets
from erfurt.ingest.documents import document_record, find_sighting
from erfurt.ingest.extractions import pending_blobs
from erfurt.ingest.groupcommit import BatchLimits, GroupCommit

__all__ = ["ExtractOutcome", "Extracted", "InlineTexts", "extract_pending"]

_logger = logging.getLogger(__name__)

# Records stay far below the log's entry limit whatever a hostile file makes a parser say.
_MAX_WARNINGS = 20
_MAX_WARNING_CHARS = 300
_MAX_REASON_CHARS = 1200
_PAGE = 2048  # pending blobs read from the views at a time


class ExtractOutcome(StrEnum):
    """What happened to one blob's extraction."""

    EXTRACTED = "extracted"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Extracted:
    """The outcome for one blob: its record, how many child documents it gave, its size."""

    document: int
    name: str
    source: str
    outcome: ExtractOutcome
    record: int
    extractor: str
    chars: int
    children: int
    reason: str = ""
    size: int = 0


def extract_pending(
    archive: Archive,
    options: ExtractOptions,
    *,
    who: str,
    retry_failed: bool = False,
    only: Collection[str] | None = None,
    collection: str | None = None,
    extractor: str | None = None,
    workers: int | None = None,
    pool: ExtractionRunner | None = None,
    keep: bool = True,
    on_file: Callable[[Extracted], None] | None = None,
    on_round: Callable[[int, int], None] | None = None,
    limits: BatchLimits | None = None,
    resighted: bool = False,
    after: int = -1,
) -> list[Extracted]:
    """Extract every pending blob, then the children they yield, until none is left.

    ``retry_failed`` also retries blobs whose last extraction failed (only the blobs
    ``only`` names, when given: the files just added); ``extractor``
    re-extracts blobs whose current text came from that extractor (``collection`` narrows
    either); ``resighted`` also extracts again the blobs added to a new collection since
    their latest extraction. ``after`` limits them to blobs first logged after that record
    (the files of a batch just logged: no pass over the whole archive). Failures are
    logged with their reasons, never raised. The
    pending blobs are read from the views a page at a time, so memory does not grow with
    their number.
    ``on_round`` is told how many blobs, and bytes, each page will extract; ``on_file``
    each outcome once logged. Returns every outcome, or none with ``keep=False`` (use
    ``on_file`` then). ``pool`` is a pool already started (see
    :meth:`ExtractionPool.start`), or an :class:`EngineExtraction` (a distributed
    engine's workers extract, this process logs); else a pool of ``workers`` is
    started here, which reads small UTF-8 texts itself. Outcomes
    are logged in batches (``limits``, see :mod:`~erfurt.ingest.groupcommit`).
    """
    done: list[Extracted] = []
    batch = _Batch(archive, on_file, done if keep else None, limits)
    budgets = Budgets(archive, options)
    with contextlib.ExitStack() as stack:
        if pool is None:
            pool = stack.enter_context(
                ExtractionPool(options, workers=workers, inline_bytes=INLINE_TEXT_BYTES)
            )
        runner: ExtractionRunner = pool
        stack.enter_context(batch)
        first = True
        while True:
            pages = _Pages(
                archive,
                retry_failed and first,
                only,
                collection,
                extractor if first else None,
                resighted and first,
                after,
            )
            jobs = pages.jobs(budgets, on_round)
            for job, result in runner.run(jobs):
                _, blob, name, coll, size = pages.take(job.key)
                kept, over = budgets.accept(job.key, result.children)
                if over:
                    result = replace(
                        result,
                        failure=f"{over}; the {len(kept)} files within the limit are kept",
                        hint=BUDGET_HINT,
                    )
                if len(kept) != len(result.children):  # a plain text has none: no copy
                    result = replace(result, children=tuple(kept))
                records, outcome = _outcome_records(
                    archive, batch.blobs, job.key, blob, name, coll, result, who, size
                )
                batch.add(records, outcome)
            batch.flush()
            if not pages.found:
                return done
            first = False


class InlineTexts:
    """The texts of small UTF-8 files, extracted as their files are committed and logged
    in the same append as their ``document.added`` records (see
    :func:`~erfurt.ingest.add_paths`).

    A batch of files being added holds their bytes already: read from there, their
    texts cost no second read and no append of their own. Each outcome is the one
    :func:`extract_pending` logs for the file (the same extraction as its pool's,
    :func:`~erfurt.extractors.extract_inline_bytes`); any other file stays pending, for
    :func:`extract_pending`. ``on_file`` is told each outcome once logged.
    """

    def __init__(
        self,
        options: ExtractOptions,
        *,
        who: str,
        on_file: Callable[[Extracted], None] | None = None,
        limit: int = INLINE_TEXT_BYTES,
    ) -> None:
        self._options = options
        self._who = who
        self._on_file = on_file
        self._limit = limit

    def records(
        self,
        archive: Archive,
        blobs: StagedBlobs,
        data: bytes,
        blob: str,
        name: str,
        collection: str,
        media_type: str,
    ) -> tuple[list[Record], Extracted] | None:
        """The records of the text of the file ``name`` holding ``data`` (staged in
        ``blobs`` as ``blob``; ``media_type`` as sniffed from ``data``), and its outcome;
        None unless it is extracted here."""
        result = extract_inline_bytes(data, name, self._options, self._limit, media_type)
        if result is None:
            return None
        if not result.media_type:  # a failure: sniffed from the bytes, the blob not yet stored
            result = replace(result, media_type=media_type_of_bytes(data))
        return _outcome_records(
            archive, blobs, -1, blob, name, collection, result, self._who, len(data)
        )

    def logged(self, outcome: Extracted, document: int, record: int) -> None:
        """Tell ``on_file`` of an outcome :meth:`records` made, now logged: its document's
        index and its own."""
        if self._on_file is not None:
            self._on_file(replace(outcome, document=document, record=record))


class _Pages:
    """The blobs of one extraction round, read from the views a page at a time."""

    def __init__(
        self,
        archive: Archive,
        retry_failed: bool,
        only: Collection[str] | None,
        collection: str | None,
        extractor: str | None,
        resighted: bool = False,
        after: int = -1,
    ) -> None:
        self._archive = archive
        self._after = after
        self._query = partial(
            pending_blobs,
            retry_failed=retry_failed,
            only=only,
            collection=collection,
            extractor=extractor,
            resighted=resighted,
        )
        self._in_flight: dict[int, tuple[int, str, str, str, int]] = {}
        self.found = 0

    def jobs(
        self, budgets: Budgets, on_round: Callable[[int, int], None] | None
    ) -> Iterator[ExtractionJob]:
        """The jobs, page after page; a page is read once the one before is handed out."""
        after = self._after
        while True:
            with self._archive.query_views() as db:
                page = self._query(db, after=after, limit=_PAGE)
            if not page:
                return
            self.found += len(page)
            budgets.read_ahead([pending[0] for pending in page])
            if on_round is not None:
                on_round(len(page), sum(p[4] for p in page))
            for pending in page:
                self._in_flight[pending[0]] = pending
                path = self._archive.blob_path(pending[1])
                yield ExtractionJob(pending[0], path, pending[2], budgets.for_document(pending[0]))
            after = page[-1][0]

    def take(self, key: int) -> tuple[int, str, str, str, int]:
        """The pending row of job ``key``, which is done with."""
        return self._in_flight.pop(key)


class _Batch:
    """Outcomes waiting to be appended, with the text blobs they cite (group commit).

    One round of fsyncs and one signed checkpoint per batch, not per file (see
    :mod:`~erfurt.ingest.groupcommit`); a crash loses only unflushed outcomes, which the
    next run extracts again (they are still pending in the views). Use as a context
    manager: temp files of a batch never flushed are deleted on the way out.
    """

    def __init__(
        self,
        archive: Archive,
        on_file: Callable[[Extracted], None] | None,
        done: list[Extracted] | None,
        limits: BatchLimits | None,
    ) -> None:
        self._archive = archive
        self._on_file = on_file
        self._done = done
        self.blobs = archive.stage_blobs()
        self._policy = GroupCommit(limits)
        self._records: list[Record] = []
        self._outcomes: list[tuple[Extracted, int]] = []

    def __enter__(self) -> _Batch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.blobs.discard()

    def add(self, records: list[Record], outcome: Extracted) -> None:
        self._records += records
        self._outcomes.append((outcome, len(self._records) - 1))
        self._policy.add(outcome.size)
        if self._policy.due():
            self.flush()

    def flush(self) -> None:
        if not self._records:
            return
        with self._policy.committing():
            indexes = self._archive.append(self._records, blobs=self.blobs)
        for outcome, position in self._outcomes:
            logged = replace(outcome, record=indexes[position])
            if self._done is not None:
                self._done.append(logged)
            if self._on_file is not None:
                self._on_file(logged)
        self._records, self._outcomes = [], []


def _outcome_records(
    archive: Archive,
    blobs: StagedBlobs,
    document: int,
    blob: str,
    name: str,
    collection: str,
    result: Extraction,
    who: str,
    size: int,
) -> tuple[list[Record], Extracted]:
    """The records for one file's outcome (the outcome's own record last); ``size`` is
    the source blob's, for the outcome."""
    now = archive.now()
    media_type = result.media_type or sniff_media_type(archive.blob_path(blob))
    children, refused = _child_records(archive, blobs, document, name, collection, result, who, now)
    if not result.ok:
        _logger.info("extraction failed: %s: %s", name, result.failure)
        failure = Record(
            "extraction.failed",
            {
                "source": blob,
                "extractor": result.extractor,
                "extractor_version": result.version,
                "media_type": media_type,
                "reason": result.failure[:_MAX_REASON_CHARS],
                "hint": result.hint,
                "time": now,
            },
        )
        outcome = Extracted(
            document,
            name,
            blob,
            ExtractOutcome.FAILED,
            -1,
            result.extractor,
            0,
            len(children),
            result.failure,
            size,
        )
        return [*children, failure], outcome
    text = result.text
    fields: dict[str, JSON] = {
        "source": blob,
        "text": blobs.put_bytes(text.encode("utf-8")).sha256,
        "extractor": result.extractor,
        "extractor_version": result.version,
        "media_type": media_type,
        "pages": len(result.pages),
        "chars": len(text),
        "time": now,
    }
    layout = _layout(result)
    if layout is not None:
        fields["layout"] = blobs.put_bytes(layout).sha256
    fields.update(_ocr_fields(result))
    warnings = [*refused, *result.warnings]
    if warnings:
        fields["warnings"] = [w[:_MAX_WARNING_CHARS] for w in warnings[:_MAX_WARNINGS]]
    outcome = Extracted(
        document,
        name,
        blob,
        ExtractOutcome.EXTRACTED,
        -1,
        result.extractor,
        len(text),
        len(children),
        size=size,
    )
    return [*children, Record("text.extracted", fields)], outcome


def _child_records(
    archive: Archive,
    blobs: StagedBlobs,
    document: int,
    name: str,
    collection: str,
    result: Extraction,
    who: str,
    now: str,
) -> tuple[list[Record], list[str]]:
    """The ``document.added`` records of the children, and warnings for those refused."""
    records: list[Record] = []
    refused: list[str] = []
    if not result.children:
        return records, refused
    with archive.query_views() as db:
        for child in result.children:
            if is_erfurt_secret(child.data):
                refused.append(f"{child.name}: an Erfurt signing key or registry secret; not kept")
                continue
            ref = blobs.put_bytes(child.data)
            child_name = f"{name}/{child.name}"
            if find_sighting(db, ref.sha256, child_name, collection) is not None:
                continue  # logged by an earlier run that was stopped before its text record
            records.append(
                document_record(
                    ref,
                    media_type=sniff_media_type(blobs.path(ref.sha256)),
                    name=child_name,
                    collection=collection,
                    who=who,
                    time=now,
                    parent=document,
                    name_fields=child.name_fields,
                )
            )
    return records, refused


def _layout(result: Extraction) -> bytes | None:
    if not any(page.words for page in result.pages):
        return None
    pages = [
        {
            "width": page.width,
            "height": page.height,
            "language": page.language,
            "confidence": page.confidence,
            "rotation": page.rotation,
            "words": [[w.text, w.left, w.top, w.width, w.height, w.confidence] for w in page.words],
        }
        for page in result.pages
    ]
    return json.dumps({"pages": pages}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _ocr_fields(result: Extraction) -> dict[str, JSON]:
    """Which OCR engines and models read the pages, and how sure they were, page by page."""
    if not any(page.engines for page in result.pages):
        return {}
    return {
        "ocr_engines": list(dict.fromkeys(e for page in result.pages for e in page.engines)),
        "ocr_models": list(dict.fromkeys(m for page in result.pages for m in page.models)),
        "ocr_confidence": [page.confidence for page in result.pages],
    }

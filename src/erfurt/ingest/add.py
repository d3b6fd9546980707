"""Preserve files: each one as a blob, each sighting as a ``document.added`` record."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from erfurt.archive import Archive, BlobRef, Record
from erfurt.errors import ErfurtError
from erfurt.extractors import media_type_of_bytes, sniff_media_type
from erfurt.ingest.documents import document_record, find_sighting, is_preserved
from erfurt.ingest.groupcommit import BatchLimits, GroupCommit
from erfurt.ingest.opening import Opened, Refused, open_to_preserve
from erfurt.ingest.pipeline import Extracted, InlineTexts
from erfurt.ingest.walk import walk_paths

__all__ = ["AddReport", "Added", "Outcome", "add_paths", "add_staged"]

_logger = logging.getLogger(__name__)

DEFAULT_COLLECTION = "default"


class Outcome(StrEnum):
    """What happened to one file."""

    ADDED = "added"
    """Preserved and logged for the first time."""
    SIGHTED = "sighted"
    """Already preserved; this new name or collection was logged as a new sighting."""
    PRESENT = "present"
    """Already preserved under this name in this collection: nothing new to log."""
    SKIPPED = "skipped"
    """Not preserved on purpose (a link not followed, the archive itself, a key): see why."""
    FAILED = "failed"
    """Not preserved: see the reason."""


@dataclass(frozen=True, slots=True)
class Added:
    """The outcome for one file given to :func:`add_paths`."""

    path: str
    outcome: Outcome
    record: int | None = None
    sha256: str | None = None
    size: int = 0
    reason: str = ""
    warning: str = ""


@dataclass(frozen=True, slots=True)
class AddReport:
    """What :func:`add_paths` did: how many files ended each way, and the failures.

    ``files`` holds every file's outcome in the order found, unless the caller asked
    not to keep them (a large folder: they are streamed to ``on_file`` instead).
    """

    counts: Mapping[Outcome, int]
    failures: tuple[Added, ...]
    files: tuple[Added, ...] = ()

    def count(self, outcome: Outcome) -> int:
        """How many files ended with ``outcome``."""
        return self.counts.get(outcome, 0)

    @property
    def total(self) -> int:
        """How many files were given (found under the paths)."""
        return sum(self.counts.values())

    @property
    def ok(self) -> bool:
        """Whether every file was preserved (or skipped on purpose)."""
        return self.count(Outcome.FAILED) == 0


class _Tally:
    """The outcomes so far: counts and failures, and every file's when kept."""

    def __init__(self, keep: bool, on_file: Callable[[Added], None] | None) -> None:
        self._counts: Counter[Outcome] = Counter()
        self._failures: list[Added] = []
        self._files: list[Added] | None = [] if keep else None
        self._on_file = on_file

    def done(self, result: Added) -> None:
        """Count one file's outcome and pass it on."""
        if result.outcome in (Outcome.FAILED, Outcome.SKIPPED):
            _logger.info("not preserved: %s: %s", result.path, result.reason)
        self._counts[result.outcome] += 1
        if result.outcome is Outcome.FAILED:
            self._failures.append(result)
        if self._files is not None:
            self._files.append(result)
        if self._on_file is not None:
            self._on_file(result)

    def report(self) -> AddReport:
        """The report of every file counted."""
        return AddReport(dict(self._counts), tuple(self._failures), tuple(self._files or ()))


def add_paths(
    archive: Archive,
    paths: Sequence[Path],
    *,
    collection: str = DEFAULT_COLLECTION,
    who: str,
    follow_symlinks: bool = False,
    on_file: Callable[[Added], None] | None = None,
    cites: Mapping[str, str] | None = None,
    limits: BatchLimits | None = None,
    keep: bool = True,
    on_batch: Callable[[int], None] | None = None,
    texts: InlineTexts | None = None,
) -> AddReport:
    """Preserve every file under ``paths`` in ``collection``, logging each new sighting.

    A file that cannot be preserved is reported with its reason and the rest go on;
    nothing already in the archive changes. Symbolic links inside folders are skipped
    unless ``follow_symlinks`` (see :func:`~erfurt.ingest.walk.walk_paths`); nothing in
    the archive folder and no Erfurt key or secret is ever preserved. Files are committed
    in batches (``limits``, see :mod:`~erfurt.ingest.groupcommit`): one round of fsyncs
    and one log append per batch. ``on_file`` is told about each file, in the order
    found, once its batch is durable (for progress). ``cites`` are fields every new
    ``document.added`` carries (the intake submission a file was opened from). With
    ``keep=False`` the report holds counts and failures only, so that memory does not
    grow with the number of files. ``on_batch`` is given the index of the first record
    of each batch that logged any, once it is durable and its files told (`erfurt add`
    extracts their texts then). With ``texts``, the texts of the small UTF-8 files a
    batch adds are extracted from the bytes it holds and logged in its append (see
    :class:`~erfurt.ingest.pipeline.InlineTexts`); the other files' stay pending.
    """
    tally = _Tally(keep, on_file)
    batch = _Batch(archive, collection, who, tally.done, texts)
    policy = GroupCommit(limits)
    found_files = walk_paths(
        paths, archive_root=archive.paths.root, follow_symlinks=follow_symlinks
    )
    try:
        for found in found_files:
            if found.problem is not None:
                outcome = Outcome.SKIPPED if found.skipped else Outcome.FAILED
                batch.note(Added(found.shown, outcome, reason=found.problem))
            else:
                name_fields = (*found.name_fields, *(cites or {}).items())
                policy.add(batch.stage(found.path, found.shown, found.name, name_fields))
            if policy.due():
                with policy.committing():
                    first = batch.commit()
                if on_batch is not None and first is not None:
                    on_batch(first)
        first = batch.commit()
        if on_batch is not None and first is not None:
            on_batch(first)
    finally:
        batch.discard()
    return tally.report()


def add_staged(archive: Archive, staged: Path, name: str, *, collection: str, who: str) -> Added:
    """Preserve one file that Erfurt itself wrote (an upload staged in ``private/``).

    It is recorded as ``name`` (the uploaded file's own name, checked by the caller),
    never by where it was staged; the staging folder may lie inside the archive. Every
    check on the open file still applies (a regular file, not a key or secret).
    """
    results: list[Added] = []
    batch = _Batch(archive, collection, who, results.append)
    try:
        batch.stage(staged, name, name, ())
        batch.commit()
    finally:
        batch.discard()
    return results[0]


@dataclass(frozen=True, slots=True)
class _Staged:
    """A file whose blob is staged, waiting for its batch to be logged."""

    shown: str
    name: str
    name_fields: tuple[tuple[str, str], ...]
    blob: BlobRef
    media_type: str
    warning: str


class _Batch:
    """The files of one batch, in the order found: staged blobs, then one durable append.

    A file that fails or is refused is reported in its place; the others go on.
    """

    def __init__(
        self,
        archive: Archive,
        collection: str,
        who: str,
        done: Callable[[Added], None],
        texts: InlineTexts | None = None,
    ) -> None:
        self._archive = archive
        self._collection = collection
        self._who = who
        self._done = done
        self._texts = texts
        self._blobs = archive.stage_blobs()
        self._items: list[Added | _Staged] = []
        self._logged_blobs: set[str] = set()

    def note(self, result: Added) -> None:
        """A file with no blob to log (skipped or failed), reported in its turn."""
        self._items.append(result)

    def stage(
        self, path: Path, shown: str, name: str, name_fields: tuple[tuple[str, str], ...]
    ) -> int:
        """Read the file at ``path`` into a staged blob; return how many bytes it holds."""
        try:
            opened: Opened = open_to_preserve(self._archive, path, self._blobs)
        except Refused as exc:
            self.note(Added(shown, Outcome.SKIPPED, reason=exc.message))
            return 0
        except ErfurtError as exc:
            self.note(Added(shown, Outcome.FAILED, reason=exc.message))
            return 0
        except OSError as exc:
            self.note(Added(shown, Outcome.FAILED, reason=f"cannot be read: {exc.strerror}"))
            return 0
        blob, warning = opened.blob, opened.warning
        if blob.size == 0:
            warning = "an empty file (0 bytes): preserved, but it holds nothing"
        held = self._blobs.held(blob.sha256)
        media_type = (
            sniff_media_type(self._blobs.path(blob.sha256))
            if held is None
            else media_type_of_bytes(held)
        )
        self._items.append(_Staged(shown, name, name_fields, blob, media_type, warning))
        return blob.size

    def commit(self) -> int | None:
        """Make the batch's blobs durable, log its new sightings, then report every file;
        the index of the first record logged (None when none was)."""
        if not self._items:
            return None
        records: list[Record] = []
        # Per file: its outcome, and the record that logged it (an earlier one) or the
        # position of its new record in this batch.
        planned: list[tuple[Added | _Staged, Outcome, int | None, int | None]] = []
        positions: dict[tuple[str, str], int] = {}  # (blob, name) logged by this batch
        with self._archive.query_views() as db:
            for item in self._items:
                if isinstance(item, Added):
                    planned.append((item, item.outcome, None, None))
                    continue
                key = (item.blob.sha256, item.name)
                existing = find_sighting(db, *key, self._collection)
                if existing is not None or key in positions:
                    planned.append((item, Outcome.PRESENT, existing, positions.get(key)))
                    continue
                seen = key[0] in self._logged_blobs or is_preserved(db, key[0])
                self._logged_blobs.add(key[0])
                positions[key] = len(records)
                records.append(self._record(item))
                outcome = Outcome.SIGHTED if seen else Outcome.ADDED
                planned.append((item, outcome, None, positions[key]))
        texts = self._inline_texts(planned, records)
        indexes = self._archive.append(records, blobs=self._blobs)
        self._items, self._logged_blobs = [], set()
        for item, outcome, existing, position in planned:
            if isinstance(item, Added):
                self._done(item)
                continue
            index = existing if position is None else indexes[position]
            blob = item.blob
            self._done(
                Added(item.shown, outcome, index, blob.sha256, blob.size, warning=item.warning)
            )
        if self._texts is not None:
            for document, record, extracted in texts:
                self._texts.logged(extracted, indexes[document], indexes[record])
        return indexes[0] if indexes else None

    def _inline_texts(
        self,
        planned: list[tuple[Added | _Staged, Outcome, int | None, int | None]],
        records: list[Record],
    ) -> list[tuple[int, int, Extracted]]:
        """Add to ``records`` (after the documents') those of the texts :class:`InlineTexts`
        extracts from the bytes of the new files the batch holds; for each text, the
        positions of its document's record and its own, and its outcome."""
        made: list[tuple[int, int, Extracted]] = []
        if self._texts is None:
            return made
        for item, outcome, _, position in planned:
            if outcome is not Outcome.ADDED or not isinstance(item, _Staged) or position is None:
                continue
            data = self._blobs.held(item.blob.sha256)
            if data is None:  # a file too large to hold: left to the workers
                continue
            blob, name = item.blob.sha256, item.name
            text = self._texts.records(
                self._archive, self._blobs, data, blob, name, self._collection, item.media_type
            )
            if text is not None:
                records += text[0]
                made.append((position, len(records) - 1, text[1]))
        return made

    def _record(self, item: _Staged) -> Record:
        return document_record(
            item.blob,
            media_type=item.media_type,
            name=item.name,
            collection=self._collection,
            who=self._who,
            time=self._archive.now(),
            name_fields=item.name_fields,
        )

    def discard(self) -> None:
        """Delete the temp files of blobs never committed (the batch was abandoned)."""
        self._blobs.discard()

"""Preserve files: each one as a blob, each sighting as a ``document.added`` record."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from erfurt.archive import Archive
from erfurt.errors import ErfurtError
from erfurt.ingest.documents import document_record, find_sighting, is_preserved
from erfurt.ingest.opening import Opened, Refused, open_to_preserve
from erfurt.ingest.walk import Found, walk_paths

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
    """Everything :func:`add_paths` did, file by file."""

    files: tuple[Added, ...]

    def count(self, outcome: Outcome) -> int:
        """How many files ended with ``outcome``."""
        return sum(1 for f in self.files if f.outcome is outcome)

    @property
    def ok(self) -> bool:
        """Whether every file was preserved (or skipped on purpose)."""
        return self.count(Outcome.FAILED) == 0


def add_paths(
    archive: Archive,
    paths: Sequence[Path],
    *,
    collection: str = DEFAULT_COLLECTION,
    who: str,
    follow_symlinks: bool = False,
    on_file: Callable[[Added], None] | None = None,
    cites: Mapping[str, str] | None = None,
) -> AddReport:
    """Preserve every file under ``paths`` in ``collection``, logging each new sighting.

    A file that cannot be preserved is reported with its reason and the rest go on;
    nothing already in the archive changes. Symbolic links inside folders are skipped
    unless ``follow_symlinks`` (see :func:`~erfurt.ingest.walk.walk_paths`); nothing in
    the archive folder and no Erfurt key or secret is ever preserved. ``on_file`` is told
    about each file as it is done (for progress). Each record is durable before the next
    file starts. ``cites`` are fields every new ``document.added`` carries (the intake
    submission a file was opened from).
    """
    results: list[Added] = []
    found_files = walk_paths(
        paths, archive_root=archive.paths.root, follow_symlinks=follow_symlinks
    )
    for found in found_files:
        result = _add_one(archive, found, collection=collection, who=who, cites=cites or {})
        if result.outcome in (Outcome.FAILED, Outcome.SKIPPED):
            _logger.info("not preserved: %s: %s", result.path, result.reason)
        results.append(result)
        if on_file is not None:
            on_file(result)
    return AddReport(tuple(results))


def add_staged(archive: Archive, staged: Path, name: str, *, collection: str, who: str) -> Added:
    """Preserve one file that Erfurt itself wrote (an upload staged in ``private/``).

    It is recorded as ``name`` (the uploaded file's own name, checked by the caller),
    never by where it was staged; the staging folder may lie inside the archive. Every
    check on the open file still applies (a regular file, not a key or secret).
    """
    return _preserve(archive, staged, name, name, (), collection=collection, who=who)


def _add_one(
    archive: Archive, found: Found, *, collection: str, who: str, cites: Mapping[str, str]
) -> Added:
    if found.problem is not None:
        outcome = Outcome.SKIPPED if found.skipped else Outcome.FAILED
        return Added(found.shown, outcome, reason=found.problem)
    return _preserve(
        archive,
        found.path,
        found.shown,
        found.name,
        (*found.name_fields, *cites.items()),
        collection=collection,
        who=who,
    )


def _preserve(
    archive: Archive,
    path: Path,
    shown: str,
    name: str,
    name_fields: tuple[tuple[str, str], ...],
    *,
    collection: str,
    who: str,
) -> Added:
    """Preserve the file at ``path`` and log it as ``name`` unless already logged so."""
    try:
        opened: Opened = open_to_preserve(archive, path)
    except Refused as exc:
        return Added(shown, Outcome.SKIPPED, reason=exc.message)
    except ErfurtError as exc:
        return Added(shown, Outcome.FAILED, reason=exc.message)
    except OSError as exc:
        return Added(shown, Outcome.FAILED, reason=f"cannot be read: {exc.strerror}")
    blob, warning = opened.blob, opened.warning
    if blob.size == 0:
        warning = "an empty file (0 bytes): preserved, but it holds nothing"
    with archive.read_views() as db:
        existing = find_sighting(db, blob.sha256, name, collection)
        seen_before = is_preserved(db, blob.sha256)
    if existing is not None:
        return Added(shown, Outcome.PRESENT, existing, blob.sha256, blob.size, warning=warning)
    record = document_record(
        archive,
        blob,
        name=name,
        collection=collection,
        who=who,
        time=archive.now(),
        name_fields=name_fields,
    )
    [index] = archive.append([record])
    outcome = Outcome.SIGHTED if seen_before else Outcome.ADDED
    return Added(shown, outcome, index, blob.sha256, blob.size, warning=warning)

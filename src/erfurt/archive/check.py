"""Check a whole archive against its log: every tile, entry and cited blob, and the views."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from erfurt.archive.archive import Archive
from erfurt.archive.logerrors import log_errors
from erfurt.archive.records import Record
from erfurt.archive.sealing import is_sealed
from erfurt.archive.views import DamagedViewsError
from erfurt.archive.viewstore import ViewStore
from erfurt.errors import IntegrityError
from erfurt.log import check_log

__all__ = ["ArchiveCheck", "ViewsCheck", "check_archive", "check_views"]


@dataclass(frozen=True, slots=True)
class ArchiveCheck:
    """The outcome of a full check: sizes verified and any damaged blobs."""

    tree_size: int
    root_hash_hex: str
    tiles: int
    blobs_checked: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """Whether nothing was found wrong."""
        return not self.problems


def check_archive(
    archive: Archive, *, on_blob: Callable[[int], None] | None = None
) -> ArchiveCheck:
    """Recompute the log from its tiles and entries, verify its checkpoint, re-hash blobs.

    A damaged log raises :class:`IntegrityError` naming the file; missing or altered
    blobs are listed in :attr:`ArchiveCheck.problems` (each blob once). ``on_blob`` is
    told the size of each blob re-hashed (for progress).
    """
    with log_errors("checking the log"):
        log = check_log(archive.paths.log, archive.verifier)
    problems: list[str] = []
    seen: set[str] = set()
    for index, record in archive.records(as_logged=True):
        for field, sha256 in _cited(archive, index, record).items():
            if sha256 in seen:
                continue
            seen.add(sha256)
            size = 0  # a missing blob is a problem listed
            try:
                size = archive.check_blob(sha256)
            except IntegrityError as exc:
                problems.append(f"record {index} ({record.kind}, {field}): {exc.message}")
            if on_blob is not None:
                on_blob(size)
    return ArchiveCheck(log.tree_size, log.root_hash.hex(), log.tiles, len(seen), tuple(problems))


@dataclass(frozen=True, slots=True)
class ViewsCheck:
    """The outcome of :func:`check_views`: the views that match a replay, and those that don't."""

    matching: tuple[str, ...]
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """Whether every view matched."""
        return not self.problems


def check_views(archive: Archive) -> ViewsCheck:
    """Replay the whole log into fresh views and compare each view's digest with the live one.

    The replay goes to a temporary database inside the archive's views folder (views hold
    document texts: they stay where the archive keeps them) and is deleted afterwards. A
    damaged live database, or a replay stopped by an altered record or blob, is one
    problem naming the file; nothing is changed in the live database.
    """
    try:
        archive.catch_up()
        # The replay is SQLite: views in PostgreSQL compare what both backends share.
        portable = archive.view_dialect != "sqlite"
        live = archive.view_digests(portable=portable)
    except DamagedViewsError as exc:
        return ViewsCheck((), (exc.message,))
    archive.paths.views.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".check-", dir=archive.paths.views) as scratch:
        fresh = ViewStore(Path(scratch) / "views.sqlite", archive.views)
        try:
            fresh.prepare(rebuild=True)
            fresh.apply(archive.records(), archive, start=0, end=archive.size)
            replayed = fresh.digests(portable=portable)
        except IntegrityError as exc:  # an altered blob or record: the replay cannot finish
            return ViewsCheck((), (f"views not checked: replaying the log failed: {exc.message}",))
        finally:
            fresh.close()
    problems = tuple(
        f"view {name}: its tables in {archive.view_file_of(name)} differ from a replay of the log "
        f"(run `erfurt rebuild`)"
        for name in replayed
        if live.get(name) != replayed[name]
    )
    matching = tuple(name for name in replayed if live.get(name) == replayed[name])
    return ViewsCheck(matching, problems)


def _cited(archive: Archive, index: int, logged: Record) -> dict[str, str]:
    """The blobs record ``index`` cites: a sealed one's private blob and, if it opens, its own."""
    cited = logged.blobs()
    if is_sealed(logged):
        # a sealed blob altered or missing is listed as a problem by the caller
        with contextlib.suppress(IntegrityError):
            cited = {**archive.record(index).blobs(), **cited}
    return cited

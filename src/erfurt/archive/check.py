"""Check a whole archive against its log: every tile, every entry, every cited blob."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from erfurt.archive.archive import Archive, log_errors
from erfurt.errors import IntegrityError
from erfurt.log import check_log

__all__ = ["ArchiveCheck", "check_archive"]


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
    for index, record in archive.records():
        for field, sha256 in record.blobs().items():
            if sha256 in seen:
                continue
            seen.add(sha256)
            try:
                archive.check_blob(sha256)
            except IntegrityError as exc:
                problems.append(f"record {index} ({record.kind}, {field}): {exc.message}")
            if on_blob is not None:
                on_blob(_size(archive, sha256))
    return ArchiveCheck(log.tree_size, log.root_hash.hex(), log.tiles, len(seen), tuple(problems))


def _size(archive: Archive, sha256: str) -> int:
    try:
        return archive.blob_path(sha256).stat().st_size
    except OSError:  # a missing blob is already a problem listed
        return 0

"""A published log folder, read by anyone: verified in full first, then its records."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from erfurt.archive.receipts import load_verifier
from erfurt.archive.records import Record
from erfurt.errors import VerificationError
from erfurt.log import LogError, LogReader, check_log

__all__ = ["PublishedLog"]


@dataclass(frozen=True, slots=True)
class PublishedLog:
    """A log folder (``checkpoint``, ``tile/...``) whose every tile, entry and signature checked.

    Open it with :meth:`open`; then :meth:`records` reads what it holds, with no archive,
    signing key or view involved.
    """

    directory: Path
    origin: str
    tree_size: int

    @classmethod
    def open(cls, directory: Path, vkey: str) -> PublishedLog:
        """Verify the whole log in ``directory`` against the pinned ``vkey``.

        Raises VerificationError naming what failed (signature, a tile, an entry bundle),
        InputError for a malformed ``vkey``.
        """
        verifier = load_verifier(vkey, source="--vkey")
        try:
            checked = check_log(directory, verifier)
            checkpoint = LogReader(directory).checkpoint(verifier)
        except (LogError, OSError) as exc:
            raise VerificationError(
                f"published log {directory}: {exc}",
                "fetch the log again from the publisher, or ask which key signs it",
            ) from exc
        if checkpoint.tree_size != checked.tree_size:
            raise VerificationError(
                f"published log {directory} changed while it was being checked",
                "check it again once it is no longer being written",
            )
        return cls(directory, checkpoint.origin, checked.tree_size)

    def records(self, *, kinds: Iterable[str] | None = None) -> Iterator[tuple[int, Record]]:
        """Its records in log order (optionally only some kinds), up to the checked size."""
        wanted = frozenset(kinds) if kinds is not None else None
        reader = LogReader(self.directory)
        try:
            for index, data in enumerate(reader.entries(0, self.tree_size, self.tree_size)):
                record = Record.from_bytes(data, source=f"{self.directory} record {index}")
                if wanted is None or record.kind in wanted:
                    yield index, record
        except LogError as exc:
            raise VerificationError(f"published log {self.directory}: {exc}") from exc

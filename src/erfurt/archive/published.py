"""A published log folder, read by anyone: verified in full first, then its records."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from erfurt.archive.receipts import load_verifier
from erfurt.archive.records import Record
from erfurt.errors import VerificationError
from erfurt.log import Checkpoint, LogError, LogReader, check_log

__all__ = ["PublishedLog"]


@dataclass(frozen=True, slots=True)
class PublishedLog:
    """A log folder (``checkpoint``, ``tile/...``) whose every tile, entry and signature checked.

    Open it with :meth:`open`; then :meth:`records` reads what it holds, with no archive,
    signing key or view involved.
    """

    directory: Path
    checkpoint: Checkpoint

    @property
    def origin(self) -> str:
        """The log's origin line, from its verified checkpoint."""
        return self.checkpoint.origin

    @property
    def tree_size(self) -> int:
        """How many records were checked."""
        return self.checkpoint.tree_size

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
        return cls(directory, checkpoint)

    def records(self, *, kinds: Iterable[str] | None = None) -> Iterator[tuple[int, Record]]:
        """Its records in log order (optionally only some kinds), up to the checked size.

        Read again from the folder, so each bundle is verified again against the checked
        checkpoint as it is read: a file replaced since :meth:`open` raises
        VerificationError naming it.
        """
        wanted = frozenset(kinds) if kinds is not None else None
        reader = LogReader(self.directory)
        try:
            for index, data in enumerate(
                reader.verified_entries(0, self.tree_size, self.checkpoint)
            ):
                record = Record.from_bytes(data, source=f"{self.directory} record {index}")
                if wanted is None or record.kind in wanted:
                    yield index, record
        except LogError as exc:
            raise VerificationError(f"published log {self.directory}: {exc}") from exc

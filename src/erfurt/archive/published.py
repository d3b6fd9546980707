"""A published log (a folder, or an ``s3://`` prefix), read by anyone: verified in full
first, then its records."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from erfurt.archive.publishing import S3TileStore
from erfurt.archive.receipts import load_verifier
from erfurt.archive.records import Record
from erfurt.errors import VerificationError
from erfurt.log import Checkpoint, FileTileStore, LogError, LogReader, TileStore, check_log
from erfurt.objectstore import is_s3_url

__all__ = ["PublishedLog"]


@dataclass(frozen=True, slots=True)
class PublishedLog:
    """A log (``checkpoint``, ``tile/...``) whose every tile, entry and signature checked.

    Open it with :meth:`open`; then :meth:`records` reads what it holds, with no archive,
    signing key or view involved.
    """

    store: TileStore
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
    def open(cls, source: Path | str, vkey: str) -> PublishedLog:
        """Verify the whole log in ``source`` (a folder or ``s3://bucket/prefix``) against
        the pinned ``vkey``.

        Raises VerificationError naming what failed (signature, a tile, an entry bundle,
        an object the store does not have), InputError for a malformed ``vkey``,
        StorageError when the store cannot be read.
        """
        verifier = load_verifier(vkey, source="--vkey")
        text = str(source)
        store: TileStore = S3TileStore(text) if is_s3_url(text) else FileTileStore(Path(source))
        try:
            checked = check_log(store, verifier)
            checkpoint = LogReader(Path(), store=store).checkpoint(verifier)
        except (LogError, OSError) as exc:
            raise VerificationError(
                f"published log {store}: {exc}",
                "fetch the log again from the publisher (or publish it again), or ask which "
                "key signs it",
            ) from exc
        if checkpoint.tree_size != checked.tree_size:
            raise VerificationError(
                f"published log {store} changed while it was being checked",
                "check it again once it is no longer being written",
            )
        return cls(store, checkpoint)

    def records(self, *, kinds: Iterable[str] | None = None) -> Iterator[tuple[int, Record]]:
        """Its records in log order (optionally only some kinds), up to the checked size.

        Read again from the folder, so each bundle is verified again against the checked
        checkpoint as it is read: a file replaced since :meth:`open` raises
        VerificationError naming it.
        """
        wanted = frozenset(kinds) if kinds is not None else None
        reader = LogReader(Path(), store=self.store)
        try:
            for index, data in enumerate(
                reader.verified_entries(0, self.tree_size, self.checkpoint)
            ):
                record = Record.from_bytes(data, source=f"{self.store} record {index}")
                if wanted is None or record.kind in wanted:
                    yield index, record
        except LogError as exc:
            raise VerificationError(f"published log {self.store}: {exc}") from exc

"""Monitoring a published log: every checkpoint seen must extend the one seen before.

A monitor reads a C2SP log over HTTP (``<url>/checkpoint`` and ``<url>/tile/...``),
verifies the checkpoint with the log's key, and proves from the published tiles that it
extends the last checkpoint the monitor kept. A smaller tree, a different root at the
same size, or a consistency proof that fails is a fork or a rollback: both signed
checkpoints are kept as evidence, and :class:`LogForkError` names them.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .checkpoint import Checkpoint, open_checkpoint
from .durable import DurableWriter
from .errors import LogError, ProofError
from .exchange import HttpUnreachableError, http_exchange
from .note import Verifier, split_note
from .prover import TileProver
from .reader import CHECKPOINT
from .tiles import TILE_WIDTH
from .verify import verify_consistency

__all__ = ["HttpTileStore", "LogForkError", "LogUnavailableError", "Monitor", "MonitorResult"]

_MAX_CHECKPOINT = 64 * 1024
_MAX_TILE = 32 * TILE_WIDTH


class LogUnavailableError(LogError):
    """The published log could not be read (network, HTTP error, a file too large)."""


class LogForkError(LogError):
    """The log now shown is not an extension of the one seen before; ``evidence`` holds both."""

    def __init__(self, message: str, evidence: Path) -> None:
        super().__init__(f"{message}; both signed checkpoints are kept in {evidence}")
        self.evidence = evidence


class HttpTileStore:
    """A read-only :class:`~erfurt.log.tiles.TileStore` over a log published at ``base_url``."""

    def __init__(self, base_url: str, *, timeout: float = 30.0) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise LogUnavailableError(f"{base_url!r} is not an http:// or https:// address")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def fetch(self, path: str, limit: int) -> bytes | None:
        """The file at ``path`` (None if the server says 404), at most ``limit`` bytes."""
        url = f"{self.base_url}/{path}"
        try:
            answer = http_exchange(url, limit=limit, timeout=self.timeout)
        except HttpUnreachableError as exc:
            raise LogUnavailableError(f"{url}: {exc.reason}") from exc
        if answer.status == 404:
            return None
        if not 200 <= answer.status < 300:
            raise LogUnavailableError(f"{url}: HTTP {answer.status}")
        if len(answer.body) > limit:
            raise LogUnavailableError(f"{url}: larger than {limit} bytes")
        return answer.body

    def read(self, path: str) -> bytes | None:
        """A tile (TileStore protocol)."""
        return self.fetch(path, _MAX_TILE)

    def list_widths(self, partial_dir: str) -> Iterator[int]:
        """HTTP cannot list a folder: no partial widths are known (TileStore protocol)."""
        return iter(())


@dataclass(frozen=True, slots=True)
class MonitorResult:
    """One look at the log: the checkpoint kept before (None the first time) and now."""

    previous: Checkpoint | None
    current: Checkpoint


class Monitor:
    """Follows one published log; what it saw is kept in ``state`` (one file per origin)."""

    def __init__(self, base_url: str, verifier: Verifier, state: Path) -> None:
        self.store = HttpTileStore(base_url)
        self.verifier = verifier
        self.state = state
        (state / "tmp").mkdir(parents=True, exist_ok=True)
        self._files = DurableWriter(state, state / "tmp")
        self._seen = f"seen-{hashlib.sha256(verifier.name.encode()).hexdigest()[:16]}"

    def _previous(self) -> tuple[bytes, Checkpoint] | None:
        try:
            note = (self.state / self._seen).read_bytes()
        except FileNotFoundError:
            return None
        return note, open_checkpoint(note, self.verifier)

    def check(self) -> MonitorResult:
        """Fetch the checkpoint, prove it extends the one kept, and keep it.

        Raises :class:`LogUnavailableError` if the log cannot be read or its checkpoint
        does not verify with the key (nothing is kept then), :class:`LogForkError` on a
        rollback or fork (the kept checkpoint is not replaced).
        """
        note = self.store.fetch(CHECKPOINT, _MAX_CHECKPOINT)
        if note is None:
            raise LogUnavailableError(f"{self.store.base_url}/{CHECKPOINT}: not found")
        try:
            current = open_checkpoint(note, self.verifier)
        except LogError as exc:
            raise LogUnavailableError(f"{self.store.base_url}/{CHECKPOINT}: {exc}") from exc
        kept = self._previous()
        if kept is None:
            self._keep(note)
            return MonitorResult(None, current)
        old_note, previous = kept
        problem = self._inconsistency(previous, current)
        if problem:
            raise LogForkError(problem, self._evidence(old_note, note))
        if split_note(note)[0] != split_note(old_note)[0]:
            self._keep(note)
        return MonitorResult(previous, current)

    def _inconsistency(self, old: Checkpoint, new: Checkpoint) -> str:
        if new.tree_size < old.tree_size:
            return (
                f"rollback: the log now has {new.tree_size} records, but {old.tree_size} "
                "were seen before"
            )
        if new.tree_size == old.tree_size:
            if new.root_hash != old.root_hash:
                return f"fork: two different trees of {new.tree_size} records, both signed"
            return ""
        prover = TileProver(self.store, cache_tiles=64)
        try:
            proof = prover.consistency_proof(old.tree_size, new.tree_size)
        except LogUnavailableError:
            raise
        except LogError as exc:
            return f"fork: the published tiles give no consistency proof ({exc})"
        try:
            verify_consistency(old, new, proof)
        except ProofError as exc:
            return f"fork: the log of {new.tree_size} records does not extend the one seen ({exc})"
        return ""

    def _keep(self, note: bytes) -> None:
        self._files.write({self._seen: note})

    def _evidence(self, old_note: bytes, new_note: bytes) -> Path:
        folder = f"evidence-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}"
        self._files.write(
            {
                f"{folder}/seen-before.checkpoint": old_note,
                f"{folder}/seen-now.checkpoint": new_note,
            }
        )
        return self.state / folder

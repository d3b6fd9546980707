"""When a batch of ingested files is due to be made durable and logged (group commit).

Each batch costs one round of fsyncs, one log append and one signed checkpoint, however
many files it holds, and nothing in it is reported done before that. A batch is closed
when it holds enough files or bytes, or when its first file has waited long enough, so
that progress keeps moving on large or slow files and a crash loses at most one batch of
unreported work.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["BatchLimits", "GroupCommit"]


@dataclass(frozen=True, slots=True)
class BatchLimits:
    """The most files, bytes and seconds one batch gathers before it is committed."""

    files: int = 256
    bytes: int = 8 * 1024 * 1024
    seconds: float = 0.5


class GroupCommit:
    """Counts what the open batch holds and says when it is due (see :class:`BatchLimits`)."""

    def __init__(
        self, limits: BatchLimits | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits or BatchLimits()
        self._clock = clock
        self.files = 0
        self.bytes = 0
        self._opened = 0.0

    def add(self, nbytes: int) -> None:
        """Count one more file of ``nbytes`` bytes in the open batch."""
        if not self.files:
            self._opened = self._clock()
        self.files += 1
        self.bytes += nbytes

    def due(self) -> bool:
        """Whether the open batch should be committed now."""
        limits = self.limits
        return self.files > 0 and (
            self.files >= limits.files
            or self.bytes >= limits.bytes
            or self._clock() - self._opened >= limits.seconds
        )

    def reset(self) -> None:
        """Start a new, empty batch."""
        self.files = self.bytes = 0

"""When a batch of ingested files is due to be made durable and logged (group commit).

Each batch costs one round of fsyncs, one log append and one signed checkpoint, however
many files it holds, and nothing in it is reported done before that. A batch is closed
when it holds enough files or bytes, or when its first file has waited long enough, so
that progress keeps moving on large or slow files and a crash loses at most one batch of
unreported work. Long enough is ``seconds``, or four times what the last commit took if
that is longer: on a loaded machine commits slow down, and batches that closed after a
fixed time would shrink until their fixed costs took most of the time.

    >>> policy = GroupCommit(BatchLimits(files=2))
    >>> policy.add(100)
    >>> policy.due()
    False
    >>> policy.add(100)
    >>> policy.due()
    True
    >>> with policy.committing():
    ...     pass  # make the batch durable and log it here
    >>> policy.files
    0
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

__all__ = ["BatchLimits", "GroupCommit"]

# A batch waits at least this many times as long as the last commit took, so that the
# commits' fixed costs (fsync rounds, opening the log, a signed checkpoint) take at most
# about a fifth of the time, however slow the machine.
_WAIT_PER_COMMIT = 4


@dataclass(frozen=True, slots=True)
class BatchLimits:
    """The most files, bytes and seconds one batch gathers before it is committed.

    ``seconds`` is the shortest wait: a batch waits longer when commits are slow (see
    :mod:`~erfurt.ingest.groupcommit`).
    """

    # Each batch also costs about 20 ms whatever its size (two appends: the documents,
    # then their texts; the views' transactions and counts): at 256 small files that was
    # a tenth of the time (docs/performance.md, "Small files, ninth step").
    files: int = 1024
    bytes: int = 32 * 1024 * 1024
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
        self._last_commit = 0.0  # seconds the last commit took

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
            or self._clock() - self._opened
            >= max(limits.seconds, _WAIT_PER_COMMIT * self._last_commit)
        )

    @contextmanager
    def committing(self) -> Iterator[None]:
        """Wrap the commit of the open batch: it is timed, then a new, empty batch starts."""
        started = self._clock()
        try:
            yield
        finally:
            self._last_commit = self._clock() - started
            self.files = self.bytes = 0

"""Extraction on a distributed engine's workers, each file under the same limits as here.

Each engine worker keeps its own one-process :class:`ExtractionPool`, so a file's time
and memory limits, and a parser that crashes, are handled there as on this machine; a
task is a chunk of files, and its results come back to the driver, which alone logs
them. Every worker must read the blobs at the paths the driver gives (a cluster's
workers mount the archive at the same path: see docs/engine.md).
"""

from __future__ import annotations

import atexit
import itertools
import threading
from collections.abc import Iterable, Iterator
from typing import Protocol

from erfurt.engine import Engine
from erfurt.extractors.pool import ExtractionJob, ExtractionPool
from erfurt.extractors.result import Extraction, ExtractOptions

__all__ = ["EngineExtraction", "ExtractionRunner"]

# Files per task: small files cost a few ms each, so a task's own cost (about 10 ms of
# scheduling and transfer) stays small beside them, while a slow file holds up few others.
_CHUNK = 16


class ExtractionRunner(Protocol):
    """What extracts a stream of jobs: :class:`ExtractionPool` or :class:`EngineExtraction`."""

    def run(self, jobs: Iterable[ExtractionJob]) -> Iterator[tuple[ExtractionJob, Extraction]]:
        """Extract every job; yield (job, result) as each finishes, in no fixed order."""
        ...


class EngineExtraction:
    """Extracts jobs on ``engine``'s workers, chunks of files at a time."""

    def __init__(self, engine: Engine, options: ExtractOptions) -> None:
        self._engine = engine
        self._options = options

    def run(self, jobs: Iterable[ExtractionJob]) -> Iterator[tuple[ExtractionJob, Extraction]]:
        """Extract every job; yield (job, result) as each chunk finishes, in no fixed order."""
        pending = iter(jobs)
        chunks = iter(lambda: list(itertools.islice(pending, _CHUNK)), [])
        for done in self._engine.map(_extract_chunk, chunks, self._options, ordered=False):
            yield from done


_POOLS = threading.local()  # in an engine worker: each thread's pool, by options


def _extract_chunk(
    jobs: list[ExtractionJob], options: ExtractOptions
) -> list[tuple[ExtractionJob, Extraction]]:
    """One engine task, run in an engine worker: a chunk of files through its own pool."""
    pools: dict[ExtractOptions, ExtractionPool] = _POOLS.__dict__.setdefault("by_options", {})
    pool = pools.get(options)
    if pool is None:
        pool = pools[options] = ExtractionPool(options, workers=1)
        atexit.register(pool.__exit__, None, None, None)
    return list(pool.run(jobs))

"""Benchmark of what waiting one's turn costs a writer (issue 8).

Since issue 8 the archive opens the log writer for each append (taking the lock in turn
and checking the right edge against the checkpoint) and closes it once the batch is
durable, so that a short write (a declaration) gets in between the batches of a long one
(``add``). Measured: durable one-record appends per second, each through its own
``LogWriter.open(wait=...)``. Baseline in the same run, on the same log: the same appends
through one ``LogWriter`` held open, as the archive did before. Rounds alternate between
the two, and medians are reported, because the machine is shared.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from erfurt.log import LogWriter, Signer

ORIGIN = "bench.example/writers"


def _entry(n: int) -> bytes:
    return b'{"kind":"declaration.made","n":%d,"pad":"%s"}' % (n, b"x" * 120)


def run(*, quick: bool = False) -> list[dict[str, Any]]:
    """One row for bench/run.py: appends/s with the lock per batch, and held throughout."""
    rounds, per_round = (2, 5) if quick else (9, 100)
    per_batch: list[float] = []
    held: list[float] = []
    signer = Signer.generate(ORIGIN)
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch) / "log"
        with LogWriter.open(log, signer, ORIGIN) as writer:
            writer.append([_entry(n) for n in range(1000)])  # a log with partial tiles
        for _ in range(rounds):
            start = time.perf_counter()
            for n in range(per_round):
                with LogWriter.open(log, signer, wait=60) as writer:
                    writer.append([_entry(n)])
            per_batch.append(per_round / (time.perf_counter() - start))
            with LogWriter.open(log, signer) as writer:
                start = time.perf_counter()
                for n in range(per_round):
                    writer.append([_entry(n)])
                held.append(per_round / (time.perf_counter() - start))
    return [
        {
            "area": "writers",
            "metric": "one-record durable appends/s, lock taken per batch",
            "erfurt": statistics.median(per_batch),
            "baseline": statistics.median(held),
            "notes": f"baseline: one LogWriter held open; medians of {rounds} rounds "
            f"of {per_round}",
        }
    ]

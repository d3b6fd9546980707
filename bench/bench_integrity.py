"""Benchmark of verified reads: what checking every bundle against the checkpoint costs.

Every record the archive reads from ``log/`` is verified (its bundle's leaf hashes, one
inclusion proof per 256 records, against the signed checkpoint). The baseline, measured
in the same run on the same log, is the unverified read of the same entries, and for the
archive the same replay through the unverified reader.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from erfurt.archive import Archive, Record
from erfurt.log import LogReader, LogWriter, Signer

ORIGIN = "bench.example/integrity"
BATCH = 4096
REPEATS = 3


def _records(start: int, count: int, rng: random.Random) -> list[bytes]:
    return [
        b'{"kind":"document.added","n":%d,"pad":"%s"}' % (i, b"x" * rng.randint(50, 150))
        for i in range(start, start + count)
    ]


def _median_seconds(work: Callable[[], Iterable[object]]) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _item in work():
            pass
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _row(metric: str, value: float, baseline: float | None, notes: str) -> dict[str, Any]:
    return {
        "area": "integrity",
        "metric": metric,
        "erfurt": value,
        "baseline": baseline,
        "notes": notes,
    }


def _log_rows(total: int, rng: random.Random, tmp: Path) -> list[dict[str, Any]]:
    signer = Signer.generate(ORIGIN)
    directory = tmp / "log"
    with LogWriter.open(directory, signer, ORIGIN) as writer:
        while writer.tree_size < total:
            writer.append(_records(writer.tree_size, min(BATCH, total - writer.tree_size), rng))
    checkpoint = LogReader(directory).checkpoint(signer.verifier)
    size = checkpoint.tree_size
    plain = _median_seconds(lambda: LogReader(directory).entries(0, size, size))
    verified = _median_seconds(lambda: LogReader(directory).verified_entries(0, size, checkpoint))
    indices = [rng.randrange(size) for _ in range(200)]
    reader = LogReader(directory)
    one_plain = _median_seconds(lambda: (reader.entry(i, size) for i in indices))
    one_verified = _median_seconds(lambda: (reader.verified_entry(i, checkpoint) for i in indices))
    return [
        _row(
            f"verified sequential read, records/s ({size:,} records)",
            size / verified,
            size / plain,
            f"baseline: unverified read of the same log; median of {REPEATS}",
        ),
        _row(
            "verified read of one random record, ms",
            one_verified / len(indices) * 1000,
            one_plain / len(indices) * 1000,
            "baseline: unverified; hashes the record's whole bundle (256 leaves) and one proof",
        ),
    ]


def _archive_rows(total: int, tmp: Path) -> list[dict[str, Any]]:
    with Archive.init(tmp / "archive", origin=ORIGIN, who="bench") as archive:
        done = 1
        while done < total:
            count = min(BATCH, total - done)
            archive.append(
                [
                    Record(
                        "document.added",
                        {
                            "blob": f"{n:064x}",
                            "size": n,
                            "name": f"doc-{n}.pdf",
                            "media_type": "application/pdf",
                            "collection": "bench",
                            "time": "2026-12-01T00:00:00Z",
                            "who": "bench",
                        },
                    )
                    for n in range(done, done + count)
                ]
            )
            done += count
        size = archive.size
        raw = LogReader(archive.paths.log)

        def unverified() -> Iterable[Record]:
            for n, data in enumerate(raw.entries(0, size, size)):
                yield Record.from_bytes(data, source=f"record {n}")

        plain = _median_seconds(unverified)
        verified = _median_seconds(lambda: archive.records())
    return [
        _row(
            f"archive replay (Archive.records), records/s ({size:,} document.added)",
            size / verified,
            size / plain,
            "baseline: the same records decoded from the unverified reader; the replay of "
            "`rebuild` and catch-up",
        )
    ]


def run(quick: bool) -> list[dict[str, Any]]:
    rng = random.Random(8)
    with tempfile.TemporaryDirectory(prefix="erfurt-bench-integrity-") as name:
        tmp = Path(name)
        rows = _log_rows(5_000 if quick else 1_000_000, rng, tmp)
        rows += _archive_rows(2_000 if quick else 200_000, tmp)
    return rows

"""Benchmark of erfurt.log: durable appends, proofs from tiles, memory, full check.

The baseline measured in the same run is the machine's RFC 6962 node-hash rate
(hashlib SHA-256 over 0x01 || left || right), the ceiling for any Merkle log writer.
"""

from __future__ import annotations

import hashlib
import random
import resource
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from erfurt.log import (
    LogReader,
    LogWriter,
    Signer,
    check_log,
    leaf_hash,
    open_checkpoint,
    verify_consistency,
    verify_inclusion,
)

ORIGIN = "bench.example/log"
BATCH = 4096
CACHE_TILES = 4096  # holds every tile of a 1M-entry log (about 16 KiB each)


def _records(start: int, count: int, rng: random.Random) -> list[bytes]:
    """Small records of 100-200 bytes, like the archive's canonical JSON records."""
    return [
        b'{"kind":"document.added","n":%d,"pad":"%s"}' % (i, b"x" * rng.randint(50, 150))
        for i in range(start, start + count)
    ]


def node_hash_rate(seconds: float) -> float:
    """RFC 6962 node hashes per second with hashlib (the ceiling)."""
    left, right = hashlib.sha256(b"l").digest(), hashlib.sha256(b"r").digest()
    sha256 = hashlib.sha256
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(10_000):
            sha256(b"\x01" + left + right).digest()
        count += 10_000
    return count / (time.perf_counter() - start)


def _append(writer: LogWriter, total: int, rng: random.Random) -> Iterator[float]:
    """Append up to ``total`` entries in batches; yield each batch's seconds."""
    while writer.tree_size < total:
        batch = _records(writer.tree_size, min(BATCH, total - writer.tree_size), rng)
        start = time.perf_counter()
        writer.append(batch)
        yield time.perf_counter() - start


def _one_append_peak(writer: LogWriter, rng: random.Random) -> int:
    """Peak bytes allocated (tracemalloc) by one append of a batch, beyond the batch."""
    batch = _records(writer.tree_size, BATCH, rng)
    tracemalloc.start()
    writer.append(batch)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def run(quick: bool) -> list[dict[str, Any]]:
    total = 10_000 if quick else 1_000_000
    small = total // 10
    rng = random.Random(7)
    ceiling = node_hash_rate(0.2 if quick else 2.0)
    signer = Signer.generate(ORIGIN)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="erfurt-bench-") as tmp:
        directory = Path(tmp) / "log"
        with LogWriter.open(directory, signer, ORIGIN) as writer:
            seconds = sum(_append(writer, small, rng))
            peak_small = _one_append_peak(writer, rng)
            rss_small = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            seconds += sum(_append(writer, total, rng))
            appended = writer.tree_size - BATCH
            peak_big = _one_append_peak(writer, rng)
            rss_big = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            size = writer.tree_size
        rate = appended / seconds
        rows.append(
            _row(
                f"durable appends/s ({total:,} records of 100-200 B, batch {BATCH})",
                rate,
                ceiling,
                f"{rate / ceiling:.1%} of the node-hash rate (baseline, hashlib, same run); "
                "target >= 50,000/s",
            )
        )
        rows.append(
            _row(
                f"peak memory of one append at {small:,} vs {size - BATCH:,} entries (KiB)",
                peak_big / 1024,
                peak_small / 1024,
                f"tracemalloc; process max RSS {rss_small // 1024} MiB -> {rss_big // 1024} MiB",
            )
        )
        rows += _proofs(directory, signer, size, rng, quick)
        for batch, count in ((1, 30 if quick else 1000), (256, 2_048 if quick else 100_000)):
            rows.append(_small_batches(Path(tmp) / f"batch{batch}", signer, batch, count, rng))
        start = time.perf_counter()
        check_log(directory, signer.verifier)
        elapsed = time.perf_counter() - start
        rows.append(
            _row(
                f"check_log entries/s ({size:,} entries)",
                size / elapsed,
                ceiling,
                f"{elapsed:.1f} s; recomputes every leaf and tile from the bundles",
            )
        )
    return rows


def _small_batches(
    directory: Path, signer: Signer, batch: int, count: int, rng: random.Random
) -> dict[str, Any]:
    """Durable appends/s when each append carries only ``batch`` entries."""
    with LogWriter.open(directory, signer, ORIGIN) as writer:
        start = time.perf_counter()
        while writer.tree_size < count:
            writer.append(_records(writer.tree_size, batch, rng))
        elapsed = time.perf_counter() - start
    return _row(
        f"durable appends/s, batch {batch} ({count:,} entries)",
        count / elapsed,
        None,
        f"{elapsed / (count // batch) * 1000:.2f} ms per append (fsync round + signed checkpoint)",
    )


def _proofs(
    directory: Path, signer: Signer, size: int, rng: random.Random, quick: bool
) -> list[dict[str, Any]]:
    reader = LogReader(directory, cache_tiles=CACHE_TILES)
    checkpoint = reader.checkpoint(signer.verifier)
    indices = [rng.randrange(size) for _ in range(300 if quick else 3000)]
    cold, warm, proofs = [], [], []
    for index in indices:
        start = time.perf_counter()
        proofs.append(reader.inclusion_proof(index, size))
        cold.append(time.perf_counter() - start)
    for index in indices:
        start = time.perf_counter()
        reader.inclusion_proof(index, size)
        warm.append(time.perf_counter() - start)
    leaves = [reader.leaf_hash(i, size) for i in indices]
    start = time.perf_counter()
    for index, leaf, proof in zip(indices, leaves, proofs, strict=True):
        verify_inclusion(leaf, index, proof, checkpoint)
    verify_rate = len(indices) / (time.perf_counter() - start)
    assert leaves[0] == leaf_hash(reader.entry(indices[0], size))
    consistency = []
    old_note = reader.checkpoint_note()
    for _ in range(len(indices) // 10):
        old_size = rng.randrange(1, size)
        start = time.perf_counter()
        proof = reader.consistency_proof(old_size, size)
        consistency.append(time.perf_counter() - start)
    verify_consistency(open_checkpoint(old_note, signer.verifier), checkpoint, [])
    depth = len(proofs[0])
    return [
        _row(
            f"inclusion proof from tiles, ms (median, {len(indices)} random leaves of {size:,})",
            _median_ms(cold),
            None,
            f"first touch of a tile reads it and hashes its 255 inner nodes; {depth} hashes",
        ),
        _row(
            "inclusion proof from tiles, ms (same leaves again, tiles memoised)",
            _median_ms(warm),
            None,
            f"target < 0.1 ms; in-tile subtree hashes memoised, LRU of {CACHE_TILES} tiles",
        ),
        _row("inclusion proofs verified/s", verify_rate, None, "verify_inclusion, strict"),
        _row(
            f"consistency proof from tiles, ms (median, random old size to {size:,})",
            _median_ms(consistency),
            None,
            "warm LogReader",
        ),
    ]


def _row(metric: str, value: float, baseline: float | None, notes: str) -> dict[str, Any]:
    return {"area": "log", "metric": metric, "erfurt": value, "baseline": baseline, "notes": notes}

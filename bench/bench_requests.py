"""Benchmark of idempotency keys in the one writer: what checking a request costs.

A served archive's writes go through one ``WriteQueue``. Writes sent with an
``Idempotency-Key`` carry a request tag, and the queue looks each tagged batch up in the
``requests`` view under the log's lock before appending (``erfurt.archive.requests``).
Measured: declarations per second from ``writers`` threads at once, each submitting
``per_writer`` one-declaration writes, every write with its own key; and the same with a
retry of each write (the second submission of a tag is answered, not appended). Baseline
in the same run, on a fresh archive each time: the same writes without keys. Rounds
alternate between the three, and medians are reported, because the machine is shared.

    python bench/bench_requests.py            # 40 writers x 25 writes, 6 rounds
    python bench/bench_requests.py --quick    # 4 writers x 5 writes, 1 round
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from erfurt.archive import Archive, Record, RegistrySecret, RequestTag, WriteQueue, tagged
from erfurt.cli.options import all_views

_SECRET = RegistrySecret(bytes(range(32)))
_MODES = ("no key", "a key each", "a key each, sent twice")


def _declaration(n: int) -> Record:
    return Record(
        "declaration.made",
        {"alias": f"alias {n}", "organisations": ["Party"], "channel": "online",
         "time": "2026-12-01T00:00:00Z"},
    )  # fmt: skip


def _write(n: int, mode: str) -> list[Record]:
    if mode == "no key":
        return [_declaration(n)]
    tag = RequestTag.of(_SECRET, principal="bench", route="POST /b", key=str(n), body=b"")
    return tagged([_declaration(n)], tag)


def _round(folder: Path, mode: str, writers: int, per_writer: int) -> tuple[float, int]:
    """Declarations/s for one fresh archive, and how many records it ends with."""
    path = folder / "archive"
    Archive.init(path, origin="bench.example/requests", who="bench", views=all_views()).close()
    sends = 2 if mode.endswith("twice") else 1
    with WriteQueue(path, views=all_views()) as queue:
        start = threading.Barrier(writers + 1)

        def send(writer: int) -> None:
            start.wait()
            for i in range(per_writer):
                for _ in range(sends):
                    queue.submit(_write(writer * per_writer + i, mode))

        threads = [threading.Thread(target=send, args=(w,)) for w in range(writers)]
        for thread in threads:
            thread.start()
        start.wait()
        began = time.perf_counter()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - began
    with Archive.open(path) as archive:
        size = archive.size
    return writers * per_writer / seconds, size


def measure(writers: int, per_writer: int, rounds: int) -> list[dict[str, Any]]:
    """One row per keyed mode against the keyless baseline: medians of ``rounds``."""
    rates: dict[str, list[float]] = {mode: [] for mode in _MODES}
    for _ in range(rounds):
        for mode in _MODES:
            with tempfile.TemporaryDirectory() as scratch:
                rate, size = _round(Path(scratch), mode, writers, per_writer)
            if size != writers * per_writer + 1:  # the archive.created record
                raise AssertionError(f"{mode}: {size - 1} declarations logged")
            rates[mode].append(rate)
    baseline = statistics.median(rates["no key"])
    return [
        {
            "area": "requests",
            "metric": f"declarations/s through the queue, {mode} ({writers} writers)",
            "erfurt": statistics.median(rates[mode]),
            "baseline": baseline,
            "notes": f"median of {rounds}; baseline: no key, same rounds",
        }
        for mode in _MODES[1:]
    ]


def run(*, quick: bool = False) -> list[dict[str, Any]]:
    """Rows for bench/run.py."""
    return measure(4, 5, 1) if quick else measure(40, 25, 6)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    for row in run(quick=args.quick):
        ratio = row["erfurt"] / row["baseline"]
        print(f"{row['metric']}: {row['erfurt']:,.0f} vs {row['baseline']:,.0f} ({ratio:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of ``rebuild`` into PostgreSQL against the same rebuild into SQLite, same run.

An archive of ``document.added`` records (each cites one blob: rows in ``documents``
and ``citations``, three indexes) is rebuilt into the default SQLite file (the
baseline) and into a PostgreSQL 15 cluster started for the run (tests/pg_cluster.py:
loopback, fsync on, ``synchronous_commit = off``, which is as durable as SQLite's WAL
with ``synchronous = NORMAL``: a crash of the machine may lose the last commits, never
corrupt). Reported: records/s by wall time (median of the runs), the CPU seconds of
this process, and for PostgreSQL the CPU seconds of the server processes too (the
work SQLite does inside this process). The records cite blobs that are not stored:
neither view reads blobs, so the rebuild is the same.

    $ python bench/bench_views_pg.py          # 50,000 records, 3 runs
    $ python bench/bench_views_pg.py --quick  # 3,000 records, 1 run
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from erfurt.archive import Archive, Record
from erfurt.ingest import DocumentsView

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from pg_cluster import PgCluster, running_cluster

_BATCH = 1000


def _document(n: int) -> Record:
    return Record(
        "document.added",
        {
            "blob": hashlib.sha256(str(n).encode()).hexdigest(),
            "size": 1000 + n % 5000,
            "name": f"folder {n % 97}/file {n}.txt",
            "media_type": "text/plain",
            "collection": f"collection {n % 7}",
            "time": "2026-12-01T12:00:00Z",
            "who": "bench",
        },
    )


def _build(folder: Path, records: int) -> Path:
    path = folder / "archive"
    with Archive.init(path, origin="bench.example/views", who="bench") as archive:
        for start in range(0, records, _BATCH):
            archive.append([_document(n) for n in range(start, min(start + _BATCH, records))])
    return path


def _server_cpu(cluster: PgCluster) -> float:
    """CPU seconds of the cluster's processes: the postmaster's finished children and
    every live process under it."""
    tick = os.sysconf("SC_CLK_TCK")
    postmaster = int((cluster.folder / "data" / "postmaster.pid").read_text().split()[0])
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent, utime, stime, cutime, cstime = (int(fields[i]) for i in (1, 11, 12, 13, 14))
        if int(pid) == postmaster:
            total += cutime + cstime
        elif parent == postmaster:
            total += utime + stime
    return total / tick


def _timed(rebuild: Callable[[], None], runs: int, server: Callable[[], float]) -> list[float]:
    wall: list[float] = []
    cpu: list[float] = []
    server_cpu: list[float] = []
    for _ in range(runs):
        before = (time.perf_counter(), time.process_time(), server())
        rebuild()
        wall.append(time.perf_counter() - before[0])
        cpu.append(time.process_time() - before[1])
        server_cpu.append(server() - before[2])
    return [statistics.median(wall), statistics.median(cpu), statistics.median(server_cpu)]


def run(
    *, quick: bool = False, records: int | None = None, cluster: PgCluster | None = None
) -> list[dict[str, Any]]:
    """Rebuild rates into SQLite and PostgreSQL, in records per second of wall time, into
    ``cluster`` (else one started for the run)."""
    with ExitStack() as stack:
        if cluster is None:
            cluster = stack.enter_context(running_cluster(durable=True))
        return _run(cluster, records or (3_000 if quick else 50_000), 1 if quick else 3)


def _run(cluster: PgCluster, records: int, runs: int) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as scratch:
        path = _build(Path(scratch), records)
        views = [DocumentsView()]
        with Archive.open(path, views=views) as local:
            sqlite = _timed(local.rebuild, runs, lambda: 0.0)
        url = cluster.create_database()
        with Archive.open(path, views=views, database=url) as remote:
            postgres = _timed(remote.rebuild, runs, lambda: _server_cpu(cluster))
            assert remote.view_digests() == Archive.open(path, views=views).view_digests()
    size = records + 1  # and archive.created
    return [
        {
            "area": "views",
            "metric": "rebuild into PostgreSQL, records/s (wall)",
            "erfurt": size / postgres[0],
            "baseline": size / sqlite[0],
            "notes": f"{size:,} records; baseline: the same rebuild into SQLite; CPU s: "
            f"client {postgres[1]:.2f} + server {postgres[2]:.2f} vs SQLite {sqlite[1]:.2f}",
        }
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3,000 records, one run")
    parser.add_argument("--records", type=int, help="how many records")
    args = parser.parse_args()
    for row in run(quick=args.quick, records=args.records):
        print(row)


if __name__ == "__main__":
    main()

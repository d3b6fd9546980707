"""Benchmark of readers of views in PostgreSQL: pooled sessions against a new session per read.

A served page reads the views a few times per request. Each read here is what a
document page asks of the views (``document_text``: its extraction and its children)
through ``Archive.query_views()``, which lends an idle session from the pool; the
baseline, measured in the same run, opens a session per read, as ``query_views()`` did
before the pool (``connect_postgresql`` and ``SET SESSION ... READ ONLY``, then close).
Reported: reads/s by wall time (median of the runs) and CPU seconds per read, of this
process and of the server's processes (a new session forks a backend).

    $ python bench/bench_pg_reads.py          # 2,000 reads, 3 runs
    $ python bench/bench_pg_reads.py --quick  # 200 reads, 1 run
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from erfurt.archive import Archive, ViewConnection
from erfurt.archive.viewdb import connect_postgresql
from erfurt.ingest import DocumentsView, ExtractionsView, ExtractOptions, add_paths, extract_pending

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from bench_views_pg import _server_cpu, _timed
from pg_cluster import PgCluster, running_cluster

VIEWS = [DocumentsView(), ExtractionsView()]
_EXTRACTION = (
    "SELECT record, ok, extractor, extractor_version, text, reason, hint, warnings"
    " FROM extractions WHERE source = ?"
)
_CHILDREN = (
    "SELECT record, name FROM documents WHERE parent IN"
    " (SELECT record FROM documents WHERE blob = ?) ORDER BY record"
)


def _build(folder: Path) -> tuple[Path, str]:
    (folder / "files").mkdir()
    (folder / "files" / "order.txt").write_text("The order was signed.\n", encoding="utf-8")
    path = folder / "archive"
    with Archive.init(path, origin="bench.example/reads", who="bench", views=VIEWS) as archive:
        add_paths(archive, [folder / "files"], collection="main", who="bench")
        extract_pending(archive, ExtractOptions(), who="bench", workers=1)
        blob = str(archive.record(1)["blob"])
    return path, blob


def _read(db: ViewConnection, blob: str) -> None:
    db.execute(_EXTRACTION, (blob,)).fetchone()
    db.execute(_CHILDREN, (blob,)).fetchall()


def _repeat(read: Callable[[], None], times: int) -> None:
    for _ in range(times):
        read()


def run(
    *, quick: bool = False, reads: int | None = None, cluster: PgCluster | None = None
) -> list[dict[str, Any]]:
    """Reads/s through the pool and with a session per read, into ``cluster`` (else one
    started for the run)."""
    with ExitStack() as stack:
        if cluster is None:
            cluster = stack.enter_context(running_cluster())
        return _run(cluster, reads or (200 if quick else 2_000), 1 if quick else 3)


def _run(cluster: PgCluster, reads: int, runs: int) -> list[dict[str, Any]]:
    url = cluster.create_database()
    server = lambda: _server_cpu(cluster)  # noqa: E731 (a one-line reading)
    with tempfile.TemporaryDirectory() as scratch:
        path, blob = _build(Path(scratch))
        with Archive.open(path, views=VIEWS, database=url) as archive:

            def pooled() -> None:
                with archive.query_views() as db:
                    _read(db, blob)

            @contextmanager
            def fresh_session() -> Iterator[ViewConnection]:
                db = connect_postgresql(url)
                try:
                    db.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
                    yield db
                finally:
                    db.close()

            def unpooled() -> None:
                with fresh_session() as db:
                    _read(db, blob)

            baseline = _timed(lambda: _repeat(unpooled, reads), runs, server)
            pool = _timed(lambda: _repeat(pooled, reads), runs, server)
    per_read = 1000 / reads
    return [
        {
            "area": "views",
            "metric": "document page reads from PostgreSQL, reads/s (wall)",
            "erfurt": reads / pool[0],
            "baseline": reads / baseline[0],
            "notes": f"{reads:,} reads; baseline: a new session per read; CPU ms per read: "
            f"client {pool[1] * per_read:.2f} + server {pool[2] * per_read:.2f} vs "
            f"{baseline[1] * per_read:.2f} + {baseline[2] * per_read:.2f}",
        }
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 reads, one run")
    parser.add_argument("--reads", type=int, help="how many reads per run")
    args = parser.parse_args()
    for row in run(quick=args.quick, reads=args.reads):
        print(row)


if __name__ == "__main__":
    main()

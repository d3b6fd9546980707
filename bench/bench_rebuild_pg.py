"""Rebuild of documents and their texts into PostgreSQL: the bulk path (COPY) against the
row-by-row path and against SQLite, same run.

An archive of ``search_corpus`` documents (English and Chinese), each a
``document.added`` record and a ``text.extracted`` record with its text stored, is
replayed into the documents, citations and search views: into an SQLite file (the
baseline), into PostgreSQL writing a statement per row (``bulk`` off), and into
PostgreSQL writing the search index with COPY (the default). PostgreSQL 15 runs in a
cluster started for the run (tests/pg_cluster.py: loopback, fsync on,
``synchronous_commit = off``). Each replay is what ``erfurt rebuild`` does after
emptying the views: the view store applies the log in transactions of
``CATCH_UP_CHUNK`` records. Reported: records/s by wall time, the CPU seconds of this
process and of the server; the two PostgreSQL databases must have the same digests
(every table, the search index too) and the same portable digests as SQLite.

    $ python bench/bench_rebuild_pg.py              # 20,000 documents, 40,003 records
    $ python bench/bench_rebuild_pg.py --docs 500   # a quick look
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from erfurt.archive import Archive, Record, View
from erfurt.archive.viewstore import ViewStore
from erfurt.archive.viewsync import CATCH_UP_CHUNK
from erfurt.ingest import DocumentsView
from erfurt.search import SearchView

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from bench_views_pg import _server_cpu
from pg_cluster import PgCluster, running_cluster
from search_corpus import documents

DOCS = 20_000
_APPEND = 1_000
_TIME = "2026-12-01T12:00:00Z"


def _build(folder: Path, docs: int) -> Path:
    path = folder / "archive"
    with Archive.init(path, origin="bench.example/rebuild", who="bench") as archive:
        batch: list[Record] = []
        for doc in documents(docs, seed=29):
            text = doc.text.encode("utf-8")
            source = archive.put_bytes(b"source of " + text).sha256
            batch.append(Record("document.added", {
                "blob": source, "size": len(text) + 10, "name": doc.name,
                "media_type": "text/plain", "collection": f"c{doc.doc % 5}", "time": _TIME,
                "who": "bench"}))  # fmt: skip
            batch.append(Record("text.extracted", {
                "source": source, "text": archive.put_bytes(text).sha256, "extractor": "text",
                "extractor_version": "1", "media_type": "text/plain", "pages": 1,
                "chars": len(doc.text), "time": _TIME}))  # fmt: skip
            if len(batch) >= _APPEND:
                archive.append(batch)
                batch = []
        if batch:
            archive.append(batch)
    return path


def _replay(archive: Archive, store: ViewStore) -> tuple[dict[str, str], dict[str, str]]:
    try:
        store.prepare(rebuild=True)
        for start in range(0, archive.size, CATCH_UP_CHUNK):
            stop = min(start + CATCH_UP_CHUNK, archive.size)
            store.apply(archive.records(start, stop=stop), archive, start=start, end=stop)
        return store.digests(), store.digests(portable=True)
    finally:
        store.close()


def _timed(replay: Any, server: Any) -> tuple[Any, float, float, float]:
    before = (time.perf_counter(), time.process_time(), server())
    digests = replay()
    after = (time.perf_counter(), time.process_time(), server())
    return digests, after[0] - before[0], after[1] - before[1], after[2] - before[2]


def run(*, docs: int = DOCS, cluster: PgCluster | None = None) -> list[dict[str, Any]]:
    """Rebuild rates (records/s of wall time) of SQLite, PostgreSQL row by row and
    PostgreSQL in bulk, into ``cluster`` (else one started for the run)."""
    with ExitStack() as stack:
        if cluster is None:
            cluster = stack.enter_context(running_cluster(durable=True))
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        path = _build(scratch, docs)
        views: list[View] = [DocumentsView(), SearchView()]
        archive = stack.enter_context(Archive.open(path, views=views))

        def replay(database: str, bulk: bool) -> Any:
            store = ViewStore(scratch / "views.sqlite", archive.views, database=database, bulk=bulk)
            return lambda: _replay(archive, store)

        server = lambda: _server_cpu(cluster)  # noqa: E731
        sqlite = _timed(replay("", True), lambda: 0.0)
        rows = _timed(replay(cluster.create_database(), False), server)
        bulk = _timed(replay(cluster.create_database(), True), server)
        size = archive.size
    if bulk[0][0] != rows[0][0] or bulk[0][1] != sqlite[0][1]:
        raise AssertionError("the bulk rebuild wrote other rows than the row-by-row one")
    note = f"{size:,} records ({docs:,} documents with their texts); CPU s client + server"
    return [
        {
            "area": "views",
            "metric": "rebuild into PostgreSQL with COPY, records/s (wall)",
            "erfurt": size / bulk[1],
            "baseline": size / rows[1],
            "notes": f"{note}: {bulk[2]:.1f} + {bulk[3]:.1f}; baseline: row by row, "
            f"{rows[2]:.1f} + {rows[3]:.1f}",
        },
        {
            "area": "views",
            "metric": "rebuild into PostgreSQL with COPY vs SQLite, records/s (wall)",
            "erfurt": size / bulk[1],
            "baseline": size / sqlite[1],
            "notes": f"{note}; baseline: SQLite, CPU s {sqlite[2]:.1f}",
        },
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=DOCS, help="how many documents")
    args = parser.parse_args()
    for row in run(docs=args.docs):
        print(row)


if __name__ == "__main__":
    main()

"""Rebuild of a mixed archive into PostgreSQL: the bulk path against the row-by-row path
and against SQLite, same run; and the bulk path alone at a million records.

The archive is a mix of what an archive holds most of: per ten records, six
``document.added`` (a file in one of seven collections; one in five is a second copy of
an earlier file, under another name), two ``text.extracted`` (the text of a third of the
files: 300-900 characters of ``search_corpus``, English or Chinese) and two
``declaration.made`` (organisations, a place, a declarant seen before for one in four,
imported for one in three). Every default view is rebuilt (documents, citations,
extractions, search, entities, incidents, declarations, and the views these records do
not touch), as ``erfurt rebuild`` does: the views emptied, then the log applied in
transactions of ``CATCH_UP_CHUNK`` records. Into an SQLite file (the baseline), into
PostgreSQL a statement per row (``bulk`` off) and into PostgreSQL in bulk (the
default: rows held back and written by COPY, secondary indexes made after the load).
PostgreSQL 15 runs in a cluster started for the run (tests/pg_cluster.py: loopback,
fsync on, ``synchronous_commit = off``). Reported: records/s by wall time, the CPU
seconds of this process and of the server (the digests are read after the clock
stops). The two PostgreSQL databases must have the
same digests (every table) and the same portable digests as SQLite (asserted).

    $ python bench/bench_rebuild_pg.py                      # 20,000 records, 3 ways
    $ python bench/bench_rebuild_pg.py --records 1000000 --bulk-only
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from erfurt.archive import Archive, Record
from erfurt.archive.viewstore import ViewStore
from erfurt.archive.viewsync import CATCH_UP_CHUNK
from erfurt.cli.options import all_views
from erfurt.declarations.model import DECLARATION_KIND, Declaration

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from bench_views_pg import _server_cpu
from pg_cluster import PgCluster, running_cluster
from search_corpus import documents

RECORDS = 20_000
_APPEND = 5_000
_TEXTS = 2_000  # distinct texts: a file's text is one of these blobs
_TIME = "2026-12-01T12:00:00Z"
_ORGANISATIONS = ("Party", "Youth League", "Young Pioneers", "Union", "Army")
_PLACES = ("Wuhan", "Beijing", "Hong Kong", None)


def _declaration(n: int) -> Record:
    person = hashlib.sha256(f"declarant {n // 4}".encode()).hexdigest() if n % 4 == 0 else None
    declaration = Declaration(
        alias=f"declarant {n}",
        organisations=tuple(_ORGANISATIONS[(n + i) % 5] for i in range(1 + n % 3)),
        channel="online",
        time=f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}T12:00:00Z",
        place=_PLACES[n % 4],
        person=person,
        imported=n % 3 == 0,
    )
    return Record(DECLARATION_KIND, declaration.to_fields())


def _records(archive: Archive, count: int) -> Iterator[Record]:
    """``count`` records of the mix (see the module's docstring); texts stored."""
    texts = []
    for doc in documents(_TEXTS, seed=29):
        text = doc.text[: 300 + (doc.doc * 37) % 600]
        texts.append((archive.put_bytes(text.encode("utf-8")).sha256, len(text)))
    files: list[str] = []
    for n in range(count):
        slot = n % 10
        if slot < 6:
            again = len(files) % 5 == 4
            blob = files[-3] if again else hashlib.sha256(f"file {n}".encode()).hexdigest()
            files.append(blob)
            yield Record("document.added", {
                "blob": blob, "size": 1000 + n % 9000, "name": f"folder {n % 97}/file {n}.txt",
                "media_type": "text/plain", "collection": f"collection {n % 7}",
                "time": _TIME, "who": "bench"})  # fmt: skip
        elif slot < 8 and files:
            text, chars = texts[n % _TEXTS]
            yield Record("text.extracted", {
                "source": files[(n * 7) % len(files)], "text": text, "extractor": "text",
                "extractor_version": "1", "media_type": "text/plain", "pages": 1,
                "chars": chars, "time": _TIME})  # fmt: skip
        else:
            yield _declaration(n)


def build(folder: Path, records: int) -> Path:
    """An archive of ``records`` records of the mix (and ``archive.created``)."""
    path = folder / "archive"
    with Archive.init(path, origin="bench.example/rebuild", who="bench") as archive:
        batch: list[Record] = []
        for record in _records(archive, records):
            batch.append(record)
            if len(batch) >= _APPEND:
                archive.append(batch)
                batch = []
        if batch:
            archive.append(batch)
    return path


def replay(archive: Archive, store: ViewStore) -> None:
    """Rebuild ``store`` from ``archive``'s log as ``erfurt rebuild`` does."""
    started = time.perf_counter()
    store.prepare(rebuild=True)
    for start in range(0, archive.size, CATCH_UP_CHUNK):
        stop = min(start + CATCH_UP_CHUNK, archive.size)
        store.apply(archive.records(start, stop=stop), archive, start=start, end=stop)
        if stop % 50_000 < CATCH_UP_CHUNK:
            print(f"  {stop:,} records in {time.perf_counter() - started:.0f} s", flush=True)
    store.finish_load()


def _timed(
    archive: Archive, store: ViewStore, server: Callable[[], float], *, digests: bool = True
) -> tuple[Any, float, float, float]:
    """The store's digests (unless not ``digests``) after a timed rebuild, and its wall
    time, this process's CPU seconds and the server's; the store is closed."""
    try:
        before = (time.perf_counter(), time.process_time(), server())
        replay(archive, store)
        after = (time.perf_counter(), time.process_time(), server())
        found = (store.digests(), store.digests(portable=True)) if digests else None
    finally:
        store.close()
    return found, after[0] - before[0], after[1] - before[1], after[2] - before[2]


def run(
    *, records: int = RECORDS, cluster: PgCluster | None = None, bulk_only: bool = False
) -> list[dict[str, Any]]:
    """Rebuild rates (records/s of wall time) of PostgreSQL in bulk against PostgreSQL row
    by row and against SQLite (with ``bulk_only``, the bulk path alone), into
    ``cluster`` (else one started for the run)."""
    with ExitStack() as stack:
        if cluster is None:
            cluster = stack.enter_context(running_cluster(durable=True))
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        started = time.perf_counter()
        path = build(scratch, records)
        print(f"built {records:,} records in {time.perf_counter() - started:.0f} s", flush=True)
        archive = stack.enter_context(Archive.open(path, views=all_views(), catch_up=False))

        def timed(database: str, bulk: bool, server: Callable[[], float]) -> Any:
            store = ViewStore(scratch / "views.sqlite", archive.views, database=database, bulk=bulk)
            return _timed(archive, store, server, digests=not bulk_only)

        server = lambda: _server_cpu(cluster)  # noqa: E731
        bulk = timed(cluster.create_database(), True, server)
        print(f"bulk: {bulk[1:]}", flush=True)
        if bulk_only:
            return [_row(archive.size, bulk, None, "")]
        rows = timed(cluster.create_database(), False, server)
        print(f"row by row: {rows[1:]}", flush=True)
        sqlite = timed("", True, lambda: 0.0)
        size = archive.size
    if bulk[0][0] != rows[0][0] or bulk[0][1] != sqlite[0][1]:
        raise AssertionError("the bulk rebuild wrote other rows than the row-by-row one")
    return [_row(size, bulk, rows, "PostgreSQL row by row"), _row(size, bulk, sqlite, "SQLite")]


def _row(size: int, bulk: Any, baseline: Any | None, name: str) -> dict[str, Any]:
    note = f"{size:,} records (the mix); CPU s client + server {bulk[2]:.1f} + {bulk[3]:.1f}"
    if baseline is None:
        return {"area": "views", "metric": "rebuild into PostgreSQL in bulk, records/s (wall)",
                "erfurt": size / bulk[1], "baseline": None, "notes": note}  # fmt: skip
    return {
        "area": "views",
        "metric": f"rebuild into PostgreSQL in bulk vs {name}, records/s (wall)",
        "erfurt": size / bulk[1],
        "baseline": size / baseline[1],
        "notes": f"{note}; baseline: {name}, CPU s {baseline[2]:.1f} + {baseline[3]:.1f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=RECORDS, help="how many records")
    parser.add_argument("--bulk-only", action="store_true", help="the bulk path alone")
    args = parser.parse_args()
    for row in run(records=args.records, bulk_only=args.bulk_only):
        print(row, flush=True)


if __name__ == "__main__":
    main()

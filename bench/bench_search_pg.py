"""Search on PostgreSQL against search on SQLite: index build rate and query latency, same run.

The documents of ``search_corpus`` (English and Chinese, a share traditional, names in
several spellings), each a ``document.added`` and a ``text.extracted`` record, are
rebuilt into the search view as ``erfurt rebuild`` does (``ViewStore.prepare(rebuild=True)``,
transactions of 2,000 documents, then ``finish_load``), into an SQLite file (the
baseline, FTS5 and its top-k table counted per transaction) and into a PostgreSQL 15
cluster started for the run (tests/pg_cluster.py: loopback, fsync on,
``synchronous_commit = off``; statements pipelined and the index written with COPY before
each commit, the load's deferred work done at its end, as a rebuild writes).
Reported: documents/s of each build (wall, and CPU seconds: this process's, plus the
server's for PostgreSQL), then p50/p95 milliseconds per query class (the latency classes
of bench_search: a common English word, a phrase, Chinese, a name expanded by the names
engine), facets on, rounds alternating which backend runs first after one untimed round
that warms both backends' caches. Every query's answer
(documents, order, totals, facets) is compared between the two backends and the
benchmark fails on any difference.

    $ python bench/bench_search_pg.py              # 100,000 documents
    $ python bench/bench_search_pg.py --docs 1000  # a quick look
    $ python bench/bench_search_pg.py --docs 1000000 --keep /var/tmp/search-1m
    $ python bench/bench_search_pg.py --reuse /var/tmp/search-1m  # queries only, later
    $ python bench/bench_search_pg.py --docs 10000 --rounds 0      # the build alone

``--keep DIR`` builds into DIR (``views.sqlite``, the cluster's folder ``pg``, the
database's name and the count of documents) and leaves it there; ``--reuse DIR`` starts
that cluster again and runs the queries without building. ``--shared-buffers 4GB``
gives the server that page cache instead of PostgreSQL's default 128 MB, as a
deployment of a large index would (docs/deployment.md).
"""

from __future__ import annotations

import argparse
import signal
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any, cast

from erfurt.archive import Record
from erfurt.archive.viewdb import PgConnection, connect_postgresql
from erfurt.archive.viewstore import ViewStore
from erfurt.search import SearchView, search

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from bench_search import _LATENCY_CLASSES, _at, _expander, _ours
from bench_views_pg import _server_cpu
from pg_cluster import PgCluster, running_cluster
from search_corpus import Doc, documents, queries

BATCH = 2_000
DOCS = 100_000
QUICK_DOCS = 1_500
ROUNDS = 4
PROGRESS = 25  # batches between progress lines


class _Texts:
    """The blobs of the texts of the batch being applied (a view's BlobReader)."""

    def __init__(self) -> None:
        self.texts: dict[str, bytes] = {}

    def read_blob(self, sha256: str) -> bytes:
        return self.texts[sha256]


def _records(docs: list[Doc], texts: _Texts) -> list[tuple[int, Record]]:
    """Each document as a document.added and a text.extracted record (log indexes 2n
    and 2n + 1), its text among ``texts``."""
    texts.texts = {f"t{doc.doc}": doc.text.encode("utf-8") for doc in docs}
    records = []
    for doc in docs:
        added = {"blob": f"b{doc.doc}", "size": len(doc.text), "name": doc.name,
                 "media_type": "text/plain", "collection": "bench",
                 "time": f"{2020 + doc.doc % 5}-01-01T00:00:00Z", "who": "bench"}  # fmt: skip
        extracted = {"source": f"b{doc.doc}", "text": f"t{doc.doc}", "extractor": "text",
                     "extractor_version": "1", "media_type": "text/plain", "pages": 1,
                     "chars": len(doc.text), "time": added["time"]}  # fmt: skip
        records.append((2 * doc.doc, Record("document.added", added)))
        records.append((2 * doc.doc + 1, Record("text.extracted", extracted)))
    return records


def _batches(count: int) -> Iterator[list[Doc]]:
    batch: list[Doc] = []
    for doc in documents(count, seed=23):
        batch.append(doc)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _progress(line: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {line}", file=sys.stderr, flush=True)


def _rebuild(path: Path, database: str, count: int) -> None:
    """Rebuild the search view from ``count`` documents' records, as ``erfurt rebuild``
    does: into SQLite at ``path``, or into PostgreSQL at ``database`` (in bulk)."""
    store = ViewStore(path, [SearchView()], database=database)
    system = "PostgreSQL" if database else "SQLite"
    try:
        store.prepare(rebuild=True)
        texts = _Texts()
        for number, batch in enumerate(_batches(count), start=1):
            records = _records(batch, texts)
            store.apply(records, texts, start=records[0][0], end=records[-1][0] + 1)
            if number % PROGRESS == 0:
                _progress(f"{system}: {number * BATCH:,} documents")
        store.finish_load()
    finally:
        store.close()


def _build_sqlite(path: Path, count: int) -> sqlite3.Connection:
    _rebuild(path, "", count)
    return sqlite3.connect(path, isolation_level=None)


def _build_postgresql(url: str, count: int) -> PgConnection:
    _rebuild(Path("unused.sqlite"), url, count)
    db = connect_postgresql(url)
    db.execute("ANALYZE")
    return db


def _timed(
    build: Callable[[], Any], server: Callable[[], float]
) -> tuple[Any, float, float, float]:
    before = (time.perf_counter(), time.process_time(), server())
    built = build()
    return (
        built,
        time.perf_counter() - before[0],
        time.process_time() - before[1],
        server() - before[2],
    )


def run(
    *,
    quick: bool = False,
    docs: int | None = None,
    rounds: int = ROUNDS,
    cluster: PgCluster | None = None,
    keep: Path | None = None,
    reuse: Path | None = None,
    shared_buffers: str | None = None,
) -> list[dict[str, Any]]:
    """Build rates and latency per class at ``docs`` documents (quick: 1,500), ``rounds``
    runs of each query per backend, into ``cluster`` (else one started for the run);
    built into and left in ``keep``, or not built but read from ``reuse`` (see above);
    a cluster started here gets ``shared_buffers`` if given."""
    with ExitStack() as stack:
        if reuse is not None:
            docs = int((reuse / "documents").read_text())
            cluster = stack.enter_context(
                running_cluster(durable=True, kept=reuse / "pg", shared_buffers=shared_buffers)
            )
            local = sqlite3.connect(reuse / "views.sqlite", isolation_level=None)
            stack.callback(local.close)
            name = (reuse / "database").read_text().strip()
            remote = connect_postgresql(cluster.url(name))
            stack.callback(remote.close)
            return _latency(local, cast(sqlite3.Connection, remote), docs, rounds)
        docs = docs or (QUICK_DOCS if quick else DOCS)
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            (keep / "documents").write_text(f"{docs}\n")
        if cluster is None:
            kept = None if keep is None else keep / "pg"
            cluster = stack.enter_context(
                running_cluster(durable=True, kept=kept, shared_buffers=shared_buffers)
            )
        folder = keep or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        local, *sqlite = _timed(lambda: _build_sqlite(folder / "views.sqlite", docs), float)
        stack.callback(local.close)
        url = cluster.create_database()
        if keep is not None:
            (keep / "database").write_text(url.rsplit("/", 1)[1] + "\n")
        remote, *postgres = _timed(
            lambda: _build_postgresql(url, docs), lambda: _server_cpu(cluster)
        )
        stack.callback(remote.close)
        rows = [
            {
                "area": "search",
                "metric": f"index build into PostgreSQL, documents/s (wall, {docs:,} docs)",
                "erfurt": round(docs / postgres[0], 1),
                "baseline": round(docs / sqlite[0], 1),
                "notes": f"baseline: SQLite FTS5; CPU s: client {postgres[1]:.1f} + server "
                f"{postgres[2]:.1f} vs SQLite {sqlite[1]:.1f}",
            }
        ]
        _progress(f"{rows[0]['metric']}: {rows[0]['erfurt']} vs {rows[0]['baseline']}")
        if not rounds:
            return rows
        return rows + _latency(local, cast(sqlite3.Connection, remote), docs, rounds)


def _latency(
    local: sqlite3.Connection, remote: sqlite3.Connection, docs: int, rounds: int
) -> list[dict[str, Any]]:
    judged = [q for q in queries() if q.kind in _LATENCY_CLASSES]
    expand = _expander()
    timings: dict[tuple[str, str], list[float]] = defaultdict(list)
    answers: dict[tuple[str, str], str] = {}
    # Round 0 is not timed: it warms both backends' caches, as a server that has run a
    # while has them (a cluster just started reads its first pages through the kernel).
    for round_ in range(rounds + 1):
        for system, db in (("sqlite", local), ("postgresql", remote))[:: 1 if round_ % 2 else -1]:
            for query in judged:
                start = time.perf_counter()
                found = search(db, _ours(query), names=expand, facets=True)
                if round_:
                    timings[(query.kind, system)].append(time.perf_counter() - start)
                answers[(query.text, system)] = repr(found)
    differing = [
        q.text for q in judged if answers[(q.text, "sqlite")] != answers[(q.text, "postgresql")]
    ]
    assert not differing, f"the backends answer these differently: {differing}"
    rows = []
    for kind in _LATENCY_CLASSES:
        mine = sorted(timings[(kind, "postgresql")])
        base = sorted(timings[(kind, "sqlite")])
        for label, share in (("p50", 0.5), ("p95", 0.95)):
            rows.append(
                {
                    "area": "search",
                    "metric": f"{label} ms {kind} on PostgreSQL ({docs:,} docs)",
                    "erfurt": round(1000 * _at(mine, share), 2),
                    "baseline": round(1000 * _at(base, share), 2),
                    "notes": f"baseline: SQLite FTS5 + top-k, same index; {len(mine)} runs;"
                    " answers identical",
                }
            )
    return rows


def main() -> None:
    # Killed (a long run stopped early): unwind, so the cluster started is stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped by SIGTERM"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--docs", type=int, default=DOCS, help="how many documents")
    parser.add_argument("--keep", type=Path, help="build into this folder and leave it there")
    parser.add_argument("--reuse", type=Path, help="query what --keep built there, no build")
    parser.add_argument(
        "--rounds", type=int, default=ROUNDS, help="runs of each query (0: the build alone)"
    )
    parser.add_argument(
        "--shared-buffers", help="the server's shared_buffers (default: PostgreSQL's, 128MB)"
    )
    args = parser.parse_args()
    rows = run(
        docs=args.docs,
        keep=args.keep,
        reuse=args.reuse,
        rounds=args.rounds,
        shared_buffers=args.shared_buffers,
    )
    for row in rows:
        print(row["metric"], row["erfurt"], row["baseline"], row["notes"])


if __name__ == "__main__":
    main()

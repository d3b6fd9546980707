"""Incidents: figures over a million incidents from the view, and audits of a published log.

Through the log: one archive is grown through each size by ``erfurt incidents import``
(the library call behind it, through the real archive: log, checkpoint, view). At each size
it reports incidents imported per second, the time to compute a figure (count of people
harmed by killings, with the list of incidents behind it and its digest) from the view,
against the baseline of recomputing the same figure from the log alone in the same run,
and the rate of a full audit of the published log folder (verification of every tile and
bundle, then the recount), against the baseline of verifying and reading the same log
without recounting.

From the view alone: an archive's view table is filled with generated incidents by SQL
(a million imports through the log take hours on a shared machine), and figures are
computed by ``compute_figure`` against the baseline of the same call on the view as it was
before its partial covering indexes (the same rows, in the same run).

    python bench/bench_incidents.py          # 100 thousand through the log, 1 million in the view
    python bench/bench_incidents.py --quick  # 10k and 50k through the log, 100k in the view
"""

from __future__ import annotations

import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from erfurt.archive import Archive, PublishedLog, Record
from erfurt.incidents import (
    BOOK_KINDS,
    IncidentBook,
    IncidentsView,
    Query,
    audit_published,
    compute_figure,
    define_figure,
    figure_value,
    import_incidents,
    publish_figure,
)
from rows import csv_lines, result_row, size_label

KINDS = ("killing", "detention", "disappearance", "torture")
PLACES = tuple(f"Place {i}" for i in range(200))
UNITS = tuple(f"Unit {i}" for i in range(50))
DOCUMENTS = 40
CHUNK = 50_000
REPEATS = 5
FIGURE = Query("harmed", kind="killing")
VIEW_FIGURES = {
    "harmed by killings": FIGURE,
    "incidents in the 1960s": Query("incidents", since="1960-01-01", until="1969-12-31"),
    "harmed, all incidents": Query("harmed"),
}
# The view's indexes before this benchmark's target was met: the baseline.
_INDEXES_BEFORE = (
    "DROP INDEX incidents_counted",
    "DROP INDEX incidents_counted_by_kind",
    "DROP INDEX incidents_by_merge",
    "CREATE INDEX incidents_by_merge ON incidents_incident (merged_into)",
)


def _texts(archive: Archive) -> list[int]:
    """Log the texts of :data:`DOCUMENTS` documents for the incidents to cite."""
    records = []
    for n in range(DOCUMENTS):
        text = f"Document {n}: " + "a report of what happened. " * 20
        source, blob = archive.put_bytes(f"doc {n}".encode()), archive.put_bytes(text.encode())
        fields = {
            "source": source.sha256,
            "text": blob.sha256,
            "extractor": "bench",
            "extractor_version": "1",
            "media_type": "text/plain",
            "pages": 1,
            "chars": len(text),
            "time": archive.now(),
        }
        records.append(Record("text.extracted", fields))
    return archive.append(records)


def generate(count: int, texts: list[int], seed: int, start: int = 0) -> Iterator[list[str]]:
    """``count`` CSV rows of incidents, each citing one or two of ``texts``."""
    rng = random.Random(seed)
    for n in range(start, start + count):
        cites = "|".join(f"{t}:0-20" for t in rng.sample(texts, rng.choice((1, 1, 2))))
        harmed = f"{rng.randrange(1, 6)}@{cites}"
        if rng.random() < 0.05:
            harmed += f";{rng.randrange(6, 12)}@note:a later count"
        yield [
            f"row-{n}",
            f"{rng.choice(KINDS)}@{cites}",
            f"{rng.randrange(1950, 1990)}-{rng.randrange(1, 13):02d}@{cites}",
            f"{rng.choice(PLACES)}@{cites}",
            harmed,
            f"{rng.choice(UNITS)}@{cites}",
        ]


def _medians_ms(run: Callable[[], object], repeats: int = REPEATS) -> tuple[float, float]:
    """Median wall and CPU milliseconds: on a shared machine the CPU time says what one
    uncontended core would take."""
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def _median_ms(run: Callable[[], object], repeats: int = REPEATS) -> float:
    return _medians_ms(run, repeats)[0]


def _figure_from_log(archive: Archive) -> object:
    """The baseline: the same figure recomputed from the log's records, no view."""
    book = IncidentBook()
    for index, record in archive.records(kinds=BOOK_KINDS):
        book.apply(index, record)
    return book.figure(FIGURE)


def _figure_row_by_row(archive: Archive, query: Query) -> object:
    """The baseline of ``compute_figure``: the same rows, folded in Python one by one (the
    code before SQLite summed them and joined the ids)."""
    where, params = query.where()
    with archive.read_views() as db:
        rows = db.execute(
            f"SELECT id, low, high FROM incidents_incident WHERE {where} ORDER BY id", params
        )
        return figure_value(((str(i), int(lo), int(hi)) for i, lo, hi in rows), query.measure)


def measure(sizes: list[int], folder: Path) -> list[dict[str, object]]:
    """Grow one archive through ``sizes``; import rate, figure time and audit rate at each."""
    rows: list[dict[str, object]] = []
    archive = Archive.init(
        folder / "archive", origin="bench.example/incidents", who="bench", views=[IncidentsView()]
    )
    with archive:
        texts = _texts(archive)
        define_figure(archive, "killed", FIGURE, "bench")
        done, importing = 0, 0.0
        for size in sizes:
            while done < size:
                chunk = list(generate(min(CHUNK, size - done), texts, seed=done, start=done))
                start = time.perf_counter()
                report = import_incidents(
                    archive,
                    csv_lines(["key", "kind", "date", "place", "harmed", "responsible"], chunk),
                    "generated.csv",
                    "bench",
                )
                importing += time.perf_counter() - start
                assert report.recorded == len(chunk) and not report.problems, report.problems[:3]
                done += len(chunk)
            label = size_label(size)
            rows.append(
                result_row(
                    "incidents",
                    f"import incidents/s (n={label})",
                    round(size / importing),
                    None,
                    "CSV through cite checks, log (signed checkpoint per batch) and view",
                )
            )
            figure = _median_ms(lambda: compute_figure(archive, FIGURE))
            published = publish_figure(archive, "killed", "bench")
            from_log = _median_ms(lambda: _figure_from_log(archive), repeats=1)
            rows.append(
                result_row(
                    "incidents",
                    f"figure p50 ms (n={label})",
                    round(figure, 3),  # a small view answers in well under 0.05 ms
                    round(from_log, 3),
                    f"harmed by killings over {published.value.count:,} incidents, with"
                    " their ids and digest, from the view; baseline: recomputed from the log",
                )
            )
            vkey = archive.vkey
            start = time.perf_counter()
            report_audit = audit_published(PublishedLog.open(archive.paths.log, vkey))
            audit = time.perf_counter() - start
            assert report_audit.ok, report_audit.mismatches
            start = time.perf_counter()
            read = sum(1 for _ in PublishedLog.open(archive.paths.log, vkey).records())
            verify = time.perf_counter() - start
            rows.append(
                result_row(
                    "incidents",
                    f"published audit incidents/s (n={label})",
                    round(size / audit),
                    round(size / verify),
                    f"{report_audit.figures} figures recomputed from a verified log of {read:,}"
                    " records; baseline: verifying and reading the log without recounting",
                )
            )
    return rows


def _view_rows(count: int, seed: int) -> Iterator[tuple[object, ...]]:
    """``count`` rows of ``incidents_incident`` as the view holds them (1% merged away)."""
    rng = random.Random(seed)
    for n in range(count):
        year, month = rng.randrange(1950, 1990), rng.randrange(1, 13)
        low = rng.randrange(1, 6)
        high = low + (rng.randrange(1, 6) if rng.random() < 0.05 else 0)
        sources = rng.choice((1, 1, 2))
        status = "disputed" if high > low else ("corroborated" if sources > 1 else "reported")
        yield (
            f"I-{n * 4093 + rng.randrange(4093):012x}",  # in id order: a fast fill
            n,
            rng.choice(KINDS),
            f"{year}-{month:02d}-01",
            f"{year}-{month:02d}-28",
            rng.choice(PLACES),
            None,
            low,
            high,
            int(high > low),
            sources,
            status,
            "I-000000000000" if rng.random() < 0.01 else None,
            f"row-{n}",
            None,
        )


def measure_view(count: int, folder: Path) -> list[dict[str, object]]:
    """Figures over ``count`` incidents put straight into the view, with and without its
    covering indexes (the baseline, on the same rows)."""
    archive = Archive.init(
        folder / "view-archive", origin="bench.example/view", who="bench", views=[IncidentsView()]
    )
    with archive:
        with sqlite3.connect(archive.paths.views_db) as db:
            db.executemany(
                "INSERT OR IGNORE INTO incidents_incident VALUES"
                " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                _view_rows(count, seed=count),
            )
        timings = {
            name: _medians_ms(partial(compute_figure, archive, q))
            for name, q in VIEW_FIGURES.items()
        }
        row_by_row = {
            name: _medians_ms(partial(_figure_row_by_row, archive, q))
            for name, q in VIEW_FIGURES.items()
        }
        counted = {name: compute_figure(archive, q)[1].count for name, q in VIEW_FIGURES.items()}
        with sqlite3.connect(archive.paths.views_db) as db:
            for statement in _INDEXES_BEFORE:
                db.execute(statement)
        before = {
            name: _medians_ms(partial(compute_figure, archive, q), repeats=1)
            for name, q in VIEW_FIGURES.items()
        }
    return [
        result_row(
            "incidents",
            f"figure from view CPU p50 ms ({name}, n={size_label(count)})",
            round(timings[name][1], 2),
            round(row_by_row[name][1], 2),
            f"{counted[name]:,} incidents behind it, ids and digest; wall p50"
            f" {timings[name][0]:.0f} ms; baseline: the same rows folded in Python one by one;"
            f" without the view's partial covering indexes: CPU {before[name][1]:.0f} ms",
        )
        for name in VIEW_FIGURES
    ]


def run(quick: bool) -> list[dict[str, object]]:
    """Rows for bench/run.py."""
    sizes, view = ([10_000, 50_000], 100_000) if quick else ([100_000], 1_000_000)
    with tempfile.TemporaryDirectory(prefix="erfurt-bench-") as folder:
        return measure_view(view, Path(folder)) + measure(sizes, Path(folder))


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(json.dumps(row), flush=True)

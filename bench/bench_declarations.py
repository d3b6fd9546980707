"""Declarations: tally queries stay flat as the registry grows; import throughput.

Tally queries read the view's counters (``erfurt.declarations`` tally tables); the
baseline, measured in the same run over the same declarations, is the obvious schema
(one row per declaration, one per organisation left) queried with COUNT(*) / GROUP BY.

    python bench/bench_declarations.py          # full run (10 million declarations)
    python bench/bench_declarations.py --quick  # 10 thousand and 100 thousand
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
from pathlib import Path

from erfurt.declarations import Declaration, count_declaration, create_tally_tables, query_tally

ORGANISATIONS = ("Party", "Youth League", "Young Pioneers")
PLACES = tuple(f"Place {i}" for i in range(60))
DAYS = 3 * 365  # the generated registry spans three years
QUERY_REPEATS = 200
BASELINE_REPEATS = 10  # the scans take seconds at 10 million


def generate(count: int, seed: int) -> Iterator[Declaration]:
    """``count`` declarations spread over :data:`DAYS` days (so a bigger registry has the
    same days, more densely); 90% with an identity, 5% of those repeats."""
    rng = random.Random(seed)
    persons: list[str] = []
    for n in range(count):
        day = rng.randrange(DAYS)
        seconds = rng.randrange(86_400)
        when = time.strftime(
            "%Y-%m-%dT%H:%M:%SZ", time.gmtime(1_600_000_000 + day * 86_400 + seconds)
        )
        person: str | None = None
        if rng.random() < 0.9:
            if persons and rng.random() < 0.05:
                person = rng.choice(persons)
            else:
                person = rng.randbytes(32).hex()
                if len(persons) < 100_000:
                    persons.append(person)
        organisations = tuple(o for o in ORGANISATIONS if rng.random() < 0.5) or ("Party",)
        yield Declaration(
            alias=f"alias {n}",
            organisations=organisations,
            channel="online",
            time=when,
            place=rng.choice(PLACES) if rng.random() < 0.7 else None,
            person=person,
        )


def _percentiles(run: Callable[[], object], repeats: int) -> tuple[float, float]:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return statistics.median(timings), timings[max(0, round(len(timings) * 0.95) - 1)]


def _naive_tables(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE naive_declaration (number INTEGER PRIMARY KEY, day TEXT, place TEXT)")
    db.execute("CREATE TABLE naive_organisation (number INTEGER, organisation TEXT)")


def _naive_add(db: sqlite3.Connection, first: int, batch: list[Declaration]) -> None:
    db.executemany(
        "INSERT INTO naive_declaration VALUES (?, ?, ?)",
        [(first + i, d.time[:10], d.place) for i, d in enumerate(batch)],
    )
    db.executemany(
        "INSERT INTO naive_organisation VALUES (?, ?)",
        [(first + i, o) for i, d in enumerate(batch) for o in d.organisations],
    )


def _queries(
    db: sqlite3.Connection,
) -> dict[str, tuple[Callable[[], object], Callable[[], object]]]:
    """Each tally query: (counters, naive baseline)."""

    def naive(sql: str) -> Callable[[], object]:
        return lambda: db.execute(sql).fetchall()

    return {
        "total": (
            lambda: query_tally(db, "total"),
            naive("SELECT COUNT(*) FROM naive_declaration"),
        ),
        "by day": (
            lambda: query_tally(db, "day"),
            naive("SELECT day, COUNT(*) FROM naive_declaration GROUP BY day"),
        ),
        "by organisation": (
            lambda: query_tally(db, "organisation"),
            naive("SELECT organisation, COUNT(*) FROM naive_organisation GROUP BY organisation"),
        ),
    }


def measure_tally(sizes: list[int]) -> list[dict[str, object]]:
    """Grow one registry through ``sizes`` and time every tally query at each size."""
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as folder:
        db = sqlite3.connect(Path(folder) / "views.sqlite", isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        create_tally_tables(db)
        _naive_tables(db)
        source = generate(sizes[-1], seed=5)
        done = 0
        for size in sizes:
            start = time.perf_counter()
            while done < size:
                batch = [next(source) for _ in range(min(50_000, size - done))]
                db.execute("BEGIN")
                for declaration in batch:
                    count_declaration(db, declaration)
                _naive_add(db, done + 1, batch)
                db.execute("COMMIT")
                done += len(batch)
            rows.append(
                {
                    "case": "view counters applied",
                    "n": size,
                    "value": round(size / (time.perf_counter() - start)),
                    "unit": "declarations/s (incl. baseline table inserts)",
                }
            )
            for name, (fast, slow) in _queries(db).items():
                p50, p95 = _percentiles(fast, QUERY_REPEATS)
                b50, b95 = _percentiles(slow, BASELINE_REPEATS)
                rows.append(
                    {
                        "case": f"tally {name}",
                        "n": size,
                        "p50_ms": round(p50, 3),
                        "p95_ms": round(p95, 3),
                        "baseline_p50_ms": round(b50, 3),
                        "baseline_p95_ms": round(b95, 3),
                        "speedup": round(b50 / p50, 1),
                    }
                )
        db.close()
    return rows


def run(quick: bool) -> list[dict[str, object]]:
    """Rows for bench/run.py: tally query percentiles against the naive scan."""
    sizes = [10_000, 100_000] if quick else [1_000_000, 10_000_000]
    return [{"area": "declarations", **row} for row in measure_tally(sizes)]


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(json.dumps(row))

"""Benchmark of the log append path for records: encoding, then durable appends.

- Encoding: ``canonical_json`` of an incident-shaped record (what ``incidents import``
  logs), against the baseline of the careful pure-Python encoder it falls back to for
  values the standard encoder cannot hold exactly (the only encoder before), same run.
- Appends: records through ``Archive.append`` (encode, check, log, checkpoint, views),
  against the baseline of ``LogWriter.append`` of the same bytes (the bare log: the
  floor any record path pays), both in batches of 1,000, same run.

    $ python bench/bench_records.py          # 100,000 records
    $ python bench/bench_records.py --quick  # 5,000
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from erfurt.archive import Archive, Record, canonical_json
from erfurt.archive.canonical import _encode
from erfurt.log import LogWriter, Signer

_BATCH = 1000


def _incident(n: int) -> Record:
    cite = [f"{n % 40}:0-40"]
    return Record(
        "incident.recorded",
        {
            "incident": f"I-{n:012x}",
            "incident_kind": {"value": "killing", "cite": cite},
            "dates": [{"from": "1962-08-17", "to": "1962-08-17", "precision": "day", "cite": cite}],
            "place": {"value": f"Place {n % 200}", "region": "DE-BE", "cite": cite},
            "harmed": [{"count": n % 7 + 1, "cite": cite}],
            "responsible": [{"value": f"Unit {n % 50}", "cite": cite}],
            "time": "2026-12-01T12:00:00Z",
            "who": "bench",
        },
    )


def _careful(value: Any) -> bytes:
    out: list[str] = []
    _encode(value, out, "$", 0)
    return "".join(out).encode("utf-8")


def _rate(encode: Callable[[Any], bytes], values: list[Any], repeats: int) -> float:
    """Median encodings per second over ``repeats`` passes."""
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        for value in values:
            encode(value)
        rates.append(len(values) / (time.perf_counter() - start))
    return statistics.median(rates)


def run(quick: bool, records: int | None = None) -> list[dict[str, Any]]:
    """Encodings/s and appended records/s, each with its same-run baseline."""
    count = records or (5_000 if quick else 100_000)
    values = [_incident(n).to_json() for n in range(min(count, 20_000))]
    assert all(canonical_json(v) == _careful(v) for v in values[:100])
    fast, careful = _rate(canonical_json, values, 3), _rate(_careful, values, 3)
    rows = [
        {
            "area": "records",
            "metric": "canonical JSON encodings/s (incident record)",
            "erfurt": fast,
            "baseline": careful,
            "notes": f"baseline: the careful encoder alone (before); {len(values):,} records",
        }
    ]
    with tempfile.TemporaryDirectory() as tmp:
        archive = Archive.init(Path(tmp) / "a", origin="bench.example/records", who="bench")
        start = time.perf_counter()
        for first in range(0, count, _BATCH):
            archive.append([_incident(n) for n in range(first, min(count, first + _BATCH))])
        archive_s = time.perf_counter() - start
        archive.close()
        signer = Signer.generate("bench.example/bare")
        with LogWriter.open(Path(tmp) / "bare", signer, signer.name) as writer:
            start = time.perf_counter()
            for first in range(0, count, _BATCH):
                batch = range(first, min(count, first + _BATCH))
                writer.append([canonical_json(_incident(n).to_json()) for n in batch])
            bare_s = time.perf_counter() - start
    rows.append(
        {
            "area": "records",
            "metric": f"records/s through Archive.append ({count:,} incidents, batch {_BATCH})",
            "erfurt": count / archive_s,
            "baseline": count / bare_s,
            "notes": "baseline: LogWriter.append of the same records' bytes (the bare log)",
        }
    )
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 records, for a smoke run")
    parser.add_argument("--records", type=int, help="how many records [default: 100000]")
    args = parser.parse_args()
    for row in run(args.quick, args.records):
        print(row)

"""The names benchmark runs end to end in quick mode and is typed, so bench code cannot rot."""

from __future__ import annotations

import sys
from typing import Any

from benches import BENCH, load_bench


def _load(name: str) -> Any:
    sys.path.insert(0, str(BENCH))  # the names scripts import each other
    return load_bench(name)


def test_the_error_printer_prints_only_what_is_on_the_wrong_side() -> None:
    errors = _load("names_errors")
    same = {"name1": "Hans Breg", "name2": "BERG, Hans", "schema": "Person"}
    printed = list(errors.pair_errors([{**same, "is_match": "true"}]))
    assert printed == []
    printed = list(errors.pair_errors([{**same, "is_match": "false"}]))
    assert len(printed) == 1 and printed[0].startswith("FP ")


def test_names_bench_quick_mode_runs() -> None:
    module = _load("bench_names")
    rows = module.run(quick=True, smoke=True)
    metrics = " | ".join(row["metric"] for row in rows)
    for wanted in (
        "F1 on cases.csv, evaluation half",
        "F1 on our Chinese pairs, evaluation half",
        "OFAC recall",
        "alert rate on yente negatives_global, names only",
        "with birth dates and nationalities",
        "our generated negatives",
        "right entity first, evaluation half",
        "queries/s",
    ):
        assert wanted in metrics
    assert all(row["area"] == "names" and row["erfurt"] >= 0 for row in rows)


def test_the_wide_typo_sample_holds_development_persons_only() -> None:
    errors = _load("names_errors")
    halves = _load("names_halves")
    persons = [
        errors.Entity(f"p{k}", "Person", (f"NAME{k}, Given",), "test", ("1970",)) for k in range(40)
    ]
    queries = errors.wide_typo_queries(persons, 100)
    assert queries and all(halves.half(wanted) == "development" for _, wanted in queries)
    assert len(queries) == sum(halves.half(p.id) == "development" for p in persons)

"""The joined worker's account-check benchmark runs a few checks, so bench code cannot rot."""

from __future__ import annotations

from benches import load_bench


def test_joined_accounts_bench_runs_tiny() -> None:
    module = load_bench("bench_joined_accounts")
    [row] = module.run(quick=True, checks=20)
    assert row["area"] == "serve" and row["erfurt"] > 0 and row["baseline"] > 0

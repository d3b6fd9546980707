"""The entity reads benchmark runs end to end in quick mode; figures are reported, never
asserted, but the reader with a collection hidden must be shown less."""

from __future__ import annotations

import re

from benches import load_bench


def test_entity_reads_bench_quick_mode_runs() -> None:
    rows = load_bench("bench_entity_reads").run(quick=True)
    assert [r["metric"].split(",")[0] for r in rows] == [
        "entity list",
        "entity dossier",
        "replay into documents and entities views (records/s)",
    ]
    assert all(r["erfurt"] > 0 for r in rows)
    shown, held = map(int, re.findall(r"(\d+) mentions, (\d+) of them", rows[0]["notes"])[0])
    assert 0 < held < shown

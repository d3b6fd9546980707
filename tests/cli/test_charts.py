"""Charts through the command line at any span: one day, a month, three years, an outlier.

Each test checks what was plotted (the CSV written beside the chart, and the JSON summary),
not pixels; the images were looked at by a person when this was written.
"""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from erfurt.cli import cli

TITLE = "Declarations in 沈阳"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def _registry(tmp_path: Path, days: list[date]) -> Path:
    arch = tmp_path / "arch"
    assert run("init", "--archive", arch, "--origin", "test.example/registry").exit_code == 0
    rows = ["time,alias,organisations,place"]
    rows += [f"{day.isoformat()}T12:00:00Z,a{n},Party,沈阳" for n, day in enumerate(sorted(days))]
    old = tmp_path / "old.csv"
    old.write_text("\n".join(rows) + "\n", encoding="utf-8")
    imported = run("declarations", "import", "--archive", arch, "--quiet", old)
    assert imported.exit_code == 0, imported.output
    return arch


def _chart(arch: Path, out: Path) -> tuple[dict[str, object], list[dict[str, str]]]:
    done = run("declarations", "chart", "--archive", arch, "--out", out, "--json", "--title", TITLE)
    assert done.exit_code == 0, done.output
    summary = json.loads(done.stdout)
    with Path(str(summary["csv"])).open(encoding="utf-8") as f:
        plotted = list(csv.DictReader(f))
    assert Path(str(summary["alt_text"])).read_text(encoding="utf-8").startswith("Declarations in")
    return summary, plotted


def test_one_day_is_one_bar_labelled_with_its_date(tmp_path: Path) -> None:
    arch = _registry(tmp_path, [date(2026, 11, 20)] * 3)
    summary, plotted = _chart(arch, tmp_path / "day.png")
    assert summary["unit"] == "day" and summary["bins"] == 1 and summary["left_off"] == []
    assert plotted == [
        {"period_start": "2026-11-20", "day": "2026-11-20", "declarations": "3", "cumulative": "3"}
    ]
    assert (tmp_path / "day.png").read_bytes()[:4] == b"\x89PNG"


def test_a_month_has_a_bar_for_every_day_empty_days_as_zero(tmp_path: Path) -> None:
    days = [date(2026, 11, 1) + timedelta(days=i) for i in range(30) if i % 4 != 2]
    arch = _registry(tmp_path, days)
    summary, plotted = _chart(arch, tmp_path / "month.svg")
    assert summary["unit"] == "day" and summary["bins"] == 30
    assert [int(r["declarations"]) for r in plotted] == [0 if i % 4 == 2 else 1 for i in range(30)]
    assert [int(r["cumulative"]) for r in plotted][-1] == len(days)
    svg = (tmp_path / "month.svg").read_text(encoding="utf-8")
    assert "2026-11-01" in svg and "labelled every 2 days" in svg  # 30 labels thinned evenly
    assert TITLE in svg  # the title keeps its Chinese as text


def test_three_years_are_monthly_bars(tmp_path: Path) -> None:
    days = [date(2023, 12, 1) + timedelta(days=i) for i in range(0, 3 * 365, 10)]
    arch = _registry(tmp_path, days)
    summary, plotted = _chart(arch, tmp_path / "years.png")
    assert summary["unit"] == "month" and summary["bins"] == 36
    assert plotted[0]["month"] == "2023-12" and plotted[-1]["month"] == "2026-11"
    assert sum(int(r["declarations"]) for r in plotted) == len(days)


def test_a_far_outlying_date_is_reported_not_plotted(tmp_path: Path) -> None:
    # A mistyped year (import refuses dates in the future, so the outlier is in the past).
    days = [date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 23), date(1999, 1, 1)]
    arch = _registry(tmp_path, days)
    summary, plotted = _chart(arch, tmp_path / "outlier.png")
    assert summary["left_off"] == [{"date": "1999-01-01", "count": 1}]
    assert [r["day"] for r in plotted] == ["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23"]
    alt = (tmp_path / "outlier.alt.txt").read_text(encoding="utf-8")
    assert "1 declaration dated 1999-01-01" in alt
    human = run("declarations", "chart", "--archive", arch, "--out", tmp_path / "again.svg")
    assert (
        "WARNING: left off the chart, far from the other dates: 1 declaration dated 1999-01-01"
        in human.stderr
    )
    assert "1 declaration dated 1999-01-01" in (tmp_path / "again.svg").read_text(encoding="utf-8")


@pytest.mark.parametrize("by", ["week", "month"])
def test_the_outreach_chart_shows_counts_and_empty_periods(tmp_path: Path, by: str) -> None:
    arch = tmp_path / "arch"
    assert run("init", "--archive", arch).exit_code == 0
    secret = tmp_path / "secret"
    for number, outcome in (("+86 139 1234 5678", "thanked"), ("+86 186 0000 1111", "listened")):
        logged = run(
            "outreach", "log", "--archive", arch, "--secret-file", secret,
            "--number", number, "--outcome", outcome,
        )  # fmt: skip
        assert logged.exit_code == 0, logged.output
    out = tmp_path / "outreach.svg"
    done = run("outreach", "chart", "--archive", arch, "--out", out, "--by", by, "--json")
    summary = json.loads(done.stdout)
    assert summary["unit"] == by and summary["bins"] == 1
    with (tmp_path / "outreach.csv").open(encoding="utf-8") as f:
        [row] = list(csv.DictReader(f))
    assert (row["calls"], row["thanked"], row["listened"], row["abusive"]) == ("2", "1", "1", "0")
    svg = out.read_text(encoding="utf-8")
    assert "n=2" in svg and "(2 calls)" in svg

"""The charts the pages show are worded in the page's language, and values drawn as typed."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

import pytest

from erfurt.declarations import DAILY_CHART_WORDS, TallyRow, render_daily_chart
from erfurt.outreach import (
    OUTCOME_CHART_WORDS,
    OUTCOMES,
    OutcomeStats,
    PeriodRow,
    render_outcome_chart,
)
from erfurt.web.i18n import chart_words

DAYS = [TallyRow("2026-11-01", 3, 3), TallyRow("2026-11-02", 5, 4)]
TYPED = 'a<b>&"$1$'


@pytest.mark.parametrize(
    ("prefix", "english"),
    [("calls_chart_", OUTCOME_CHART_WORDS), ("tally_chart_", DAILY_CHART_WORDS)],
)
def test_the_pages_english_is_the_command_lines(prefix: str, english: dict[str, str]) -> None:
    words = chart_words(prefix, english, "en")
    assert {key: words[key] for key in english} == dict(english)
    assert words["week"] == "week"


def _texts(svg: Path) -> str:
    root = ET.fromstring(svg.read_bytes())  # well-formed: every value escaped
    return "".join(root.itertext())


@pytest.mark.parametrize(
    ("language", "alt_start", "axis"),
    [("en", f"{TYPED}. Bars: declarations per day, 2 days", "Day (UTC)"),
     ("zh-Hans", f"{TYPED}。条形：每日声明数，共2个日", "日期（UTC）"),
     ("zh-Hant", f"{TYPED}。長條：每日聲明數，共2個日", "日期（UTC）")],
)  # fmt: skip
def test_the_daily_chart_in_each_language(
    tmp_path: Path, language: str, alt_start: str, axis: str
) -> None:
    out = tmp_path / "tally.svg"
    render_daily_chart(DAYS, out, TYPED, chart_words("tally_chart_", DAILY_CHART_WORDS, language))
    alt = out.with_suffix(".alt.txt").read_text(encoding="utf-8")
    assert alt.startswith(alt_start)
    texts = _texts(out)
    assert TYPED in texts, "the title is drawn as typed: no markup, no mathtext"
    assert axis in texts and ("累计总数" in texts) == (language == "zh-Hans")


def test_an_axis_labelled_every_few_periods_says_so_in_the_language(tmp_path: Path) -> None:
    days = [TallyRow((date(2026, 1, 1) + timedelta(days=n)).isoformat(), 1, 1) for n in range(200)]
    out = tmp_path / "tally.svg"
    render_daily_chart(days, out, "t", chart_words("tally_chart_", DAILY_CHART_WORDS, "zh-Hant"))
    assert re.search(r"ISO 週（UTC），每\d+週標註一次", _texts(out)), _texts(out)


@pytest.mark.parametrize(
    ("language", "alt_start", "axis"),
    [("en", "Outreach call outcomes by week: stacked bars", "ISO week (UTC)"),
     ("zh-Hans", "外展通话结果（按周）：堆叠条形", "ISO 周（UTC）"),
     ("zh-Hant", "外展通話結果（按週）：堆疊長條", "ISO 週（UTC）")],
)  # fmt: skip
def test_the_calls_chart_in_each_language(
    tmp_path: Path, language: str, alt_start: str, axis: str
) -> None:
    counts = tuple((outcome, 2 if outcome == "thanked" else 0) for outcome in OUTCOMES)
    stats = OutcomeStats("week", (PeriodRow("2026-W45", 2, counts),))
    out = tmp_path / "calls.svg"
    words = chart_words("calls_chart_", OUTCOME_CHART_WORDS, language)
    render_outcome_chart(stats, out, {**words, "title": TYPED + " {calls}"})
    alt = out.with_suffix(".alt.txt").read_text(encoding="utf-8")
    assert alt.startswith(alt_start) and "2026-W45" in alt, alt
    assert f"{TYPED} 2" in _texts(out) and axis in _texts(out)


def test_dates_left_off_are_named_in_the_language(tmp_path: Path) -> None:
    days = [
        TallyRow("2026-11-20", 3, 3),
        TallyRow("2026-11-21", 2, 2),
        TallyRow("2099-01-01", 1, 1),
    ]
    out = tmp_path / "tally.svg"
    render_daily_chart(days, out, "t", chart_words("tally_chart_", DAILY_CHART_WORDS, "zh-Hans"))
    alt = out.with_suffix(".alt.txt").read_text(encoding="utf-8")
    assert "离其他日期太远、未画入图中：2099-01-01的1项。" in alt, alt
    assert "Left off" not in _texts(out) and "2099-01-01的1项" in _texts(out)

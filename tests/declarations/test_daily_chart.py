"""The daily chart is written as SVG or PNG with a title and labelled axes."""

from __future__ import annotations

from pathlib import Path

import pytest

from erfurt.declarations import TallyRow, render_daily_chart
from erfurt.errors import InputError

DAYS = [TallyRow("2026-11-01", 3, 3), TallyRow("2026-11-02", 5, 4), TallyRow("2026-11-04", 1, 1)]


def test_svg_has_title_and_axis_labels(tmp_path: Path) -> None:
    out = tmp_path / "chart.svg"
    render_daily_chart(DAYS, out, "Declarations in the test registry")
    text = out.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml")
    for words in ["Declarations in the test registry", "Declarations per day", "Cumulative total"]:
        assert words in text


def test_png_is_a_png(tmp_path: Path) -> None:
    out = tmp_path / "chart.png"
    render_daily_chart(DAYS, out, "t")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_other_formats_and_empty_registries_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="SVG or PNG"):
        render_daily_chart(DAYS, tmp_path / "chart.pdf", "t")
    with pytest.raises(InputError, match="no declarations"):
        render_daily_chart([], tmp_path / "chart.svg", "t")

"""The incidents chart: counted incidents per period, by the first day each may have happened."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from erfurt.archive import Archive
from erfurt.charts import (
    Timeline,
    add_note,
    bars_alt_text,
    check_chart_path,
    draw_bars,
    font_context,
    new_figure,
    outlier_note,
    save_chart,
    set_bin_labels,
    timeline,
)
from erfurt.errors import InputError
from erfurt.incidents.query import Query
from erfurt.incidents.view import read_incidents

__all__ = ["chart_incidents"]


def chart_incidents(
    archive: Archive, out: Path, query: Query | None = None, title: str | None = None
) -> Timeline:
    """Chart the incidents ``query`` counts per period into ``out`` (.svg or .png), with
    the plotted numbers (.csv) and a description (.alt.txt) beside it.

    Incidents dated only "before" a day are left off and named in the note. Raises
    InputError for another file type or when no incident has a first day.
    """
    chart = check_chart_path(out)
    rows = read_incidents(archive, query)
    dated = [r for r in rows if r.first]
    if not dated:
        raise InputError("no dated incidents to chart", "record incidents, or widen the query")
    line = timeline(((date.fromisoformat(r.first), (1,)) for r in dated), ["incidents"])
    counts = [one.total for one in line.bins]
    undated = len(rows) - len(dated)
    note = " ".join(
        n
        for n in (
            outlier_note(line, "incident"),
            f"Left off: {undated:,} dated only 'before' a day." if undated else "",
        )
        if n
    )
    title = title or f"Incidents in {archive.config.origin}"
    with font_context():
        figure, axes = new_figure()
        draw_bars(axes, counts, f"Incidents per {line.unit}")
        set_bin_labels(axes, line)
        axes.set_title(title)
        add_note(axes, note)
        bars = f"incidents per {line.unit} by the first day each may have happened"
        alt_text = bars_alt_text(title, line, bars, "", note)
        save_chart(
            figure,
            chart,
            alt_text,
            ["period_start", line.unit, "incidents"],
            [(one.start.isoformat(), one.label, one.total) for one in line.bins],
        )
    return line

"""Charts of counts over time, shared by the features that draw them.

    >>> from datetime import date
    >>> from erfurt.charts import timeline
    >>> line = timeline([(date(2026, 11, 20), [3]), (date(2099, 1, 1), [1])], ["declarations"])
    >>> line.unit, [b.label for b in line.bins], [o.day.year for o in line.outliers]
    ('day', ['2026-11-20'], [2099])

:func:`timeline` bins dates (a unit that suits the span, empty periods as zero, far
outliers set apart); :mod:`erfurt.charts.figure` helpers draw it with readable labels and
write the plotted numbers (CSV) and alt text beside every image. Below the features,
above nothing but :mod:`erfurt.errors`; matplotlib is imported only when drawing.
"""

from erfurt.charts.cells import spreadsheet_cell, write_csv
from erfurt.charts.figure import (
    BAR_COLOUR,
    BARS_ALT,
    CHART_FORMATS,
    MAX_LABELS,
    MOST_ANNOTATED,
    TIMELINE_WORDS,
    Chart,
    add_note,
    as_typed,
    bars_alt_text,
    check_chart_path,
    draw_bars,
    font_context,
    label_every,
    new_figure,
    number_bars,
    outlier_note,
    save_chart,
    set_bin_labels,
)
from erfurt.charts.timeline import UNITS, Bin, Outlier, Timeline, Unit, period_start, timeline

__all__ = [
    "BARS_ALT",
    "BAR_COLOUR",
    "CHART_FORMATS",
    "MAX_LABELS",
    "MOST_ANNOTATED",
    "TIMELINE_WORDS",
    "UNITS",
    "Bin",
    "Chart",
    "Outlier",
    "Timeline",
    "Unit",
    "add_note",
    "as_typed",
    "bars_alt_text",
    "check_chart_path",
    "draw_bars",
    "font_context",
    "label_every",
    "new_figure",
    "number_bars",
    "outlier_note",
    "period_start",
    "save_chart",
    "set_bin_labels",
    "spreadsheet_cell",
    "timeline",
    "write_csv",
]

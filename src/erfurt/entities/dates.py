"""Dates as positions state them ("since March 2020", "自2020年3月起"), as ISO 8601 prefixes."""

from __future__ import annotations

import re

__all__ = ["DATE_EN", "DATE_ZH", "iso_date"]

_MONTHS = {
    m: n + 1
    for n, names in enumerate(
        ("jan january", "feb february", "mar march", "apr april", "may", "jun june",
         "jul july", "aug august", "sep sept september", "oct october", "nov november",
         "dec december")
    )
    for m in names.split()
}  # fmt: skip
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
DATE_EN = (
    rf"(?:\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}|{_MONTH}\s+\d{{1,2}},\s*\d{{4}}"
    rf"|{_MONTH}\s+\d{{4}}|(?<!\d)(?:19|20)\d{{2}}(?!\d))"
)
"""An English date: 3 March 2020, March 3, 2020, March 2020, 2020."""
DATE_ZH = r"(?:19|20)\d{2}年(?:\d{1,2}月(?:\d{1,2}日)?)?"
"""A Chinese date in Arabic numerals: 2020年3月1日, 2020年3月, 2020年."""

_PARTS = re.compile(r"\d+|[A-Za-z]+")


def iso_date(text: str) -> str:
    """The ISO 8601 prefix a date phrase states ("March 2020" -> "2020-03"), or ""."""
    year = month = day = 0
    numbers: list[int] = []
    for part in _PARTS.findall(text):
        if part.isdigit():
            numbers.append(int(part))
        elif part.lower() in _MONTHS:
            month = _MONTHS[part.lower()]
    for n in numbers:
        if n >= 1000:
            year = n
        elif "年" in text and month == 0 and n <= 12:
            month = n
        elif n <= 31:
            day = n
    if not year:
        return ""
    if not month:
        return f"{year:04d}"
    return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")

"""Which script a page is written in, and traditional lines made whole.

PP-OCR's recogniser was trained mostly on simplified text: on a traditional page it reads
many characters in their simplified form, and cannot output the traditional characters
missing from its dictionary at all. It does output the traditional characters it knows,
and it almost never does so on a simplified page; so a line or page whose Han characters
include a fair share of traditional-only ones is traditional. Such a line is converted to
traditional (OpenCC ``s2t``), then aligned with tesseract ``chi_tra``'s reading of the
same crop: where tesseract reads a character PP-OCR could not have produced, it wins.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

import opencc
from rapidfuzz.distance import Levenshtein

from erfurt.extractors.ocr.tesseract import is_han

__all__ = [
    "ENGLISH",
    "MIN_AGREEMENT",
    "SIMPLIFIED",
    "TRADITIONAL",
    "is_traditional",
    "merge_traditional",
    "script_tag",
    "to_traditional",
]

SIMPLIFIED = "zh-Hans"
TRADITIONAL = "zh-Hant"
ENGLISH = "en"
TRADITIONAL_SHARE = 0.2
"""A text is traditional when at least this share of its script-marked Han characters
are traditional-only (chosen on the dev half)."""
MIN_AGREEMENT = 0.5
"""Share of characters PP-OCR's and tesseract's readings of a line must have in common
for tesseract to complete it (dev half)."""
_MIN_MARKED = 2


@functools.cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


@functools.cache
def _marking(char: str) -> int:
    """+1 for a traditional-only character, -1 for a simplified-only one, else 0."""
    if not is_han(char):
        return 0
    if _converter("t2s").convert(char) != char:
        return 1
    if _converter("s2t").convert(char) != char:
        return -1
    return 0


def is_traditional(text: str, default: bool = False) -> bool:
    """Whether ``text`` reads as traditional Chinese; ``default`` when it has too few
    script-marked characters to tell."""
    marks = [m for m in map(_marking, text) if m]
    if len(marks) < _MIN_MARKED:
        return default
    return marks.count(1) >= TRADITIONAL_SHARE * len(marks)


def script_tag(texts: Iterable[str], traditional: bool) -> str:
    """``zh-Hant``, ``zh-Hans``, ``en``, or ``zh-Hant+en``/``zh-Hans+en`` for mixed pages."""
    han = latin = 0
    for text in texts:
        han += sum(1 for c in text if is_han(c))
        latin += sum(1 for c in text if c.isascii() and c.isalpha())
    chinese = TRADITIONAL if traditional else SIMPLIFIED
    if not han:
        return ENGLISH if latin else ""
    return f"{chinese}+{ENGLISH}" if latin > han else chinese


def to_traditional(text: str) -> str:
    """``text`` with simplified characters turned traditional (OpenCC ``s2t``)."""
    return str(_converter("s2t").convert(text))


def merge_traditional(
    pp_text: str,
    tesseract_text: str,
    known: frozenset[str],
    confidences: Sequence[float] | None = None,
    min_substitution: float = 0.0,
) -> str:
    """PP-OCR's reading of a traditional line, in traditional characters, with the
    characters PP-OCR does not know (not in ``known``) taken from tesseract's reading:
    those PP-OCR dropped, and those it read as another character where tesseract's
    confidence in them (``confidences``, one per character of ``tesseract_text``; none
    given: always) is at least ``min_substitution``.

    When the two readings share less than ``MIN_AGREEMENT`` of their characters,
    tesseract read something else: PP-OCR's reading stands alone.
    """
    base = to_traditional(pp_text)
    other = tesseract_text.replace(" ", "") if _han_share(tesseract_text) else tesseract_text
    if Levenshtein.normalized_similarity(base, other) < MIN_AGREEMENT:
        return base
    sure = [c >= min_substitution for c in confidences or [min_substitution] * len(other)]
    out: list[str] = []
    for step in Levenshtein.opcodes(base, other):
        theirs = other[step.dest_start : step.dest_end]
        ours = base[step.src_start : step.src_end]
        if step.tag in {"equal", "delete"}:
            out.append(ours)
            continue
        if step.tag == "insert":
            out.append(theirs if _unknown(theirs, known) else "")
            continue
        confident = sure[step.dest_start : step.dest_end]
        if len(ours) == len(theirs):
            pairs = zip(ours, theirs, confident, strict=True)
            out.append("".join(t if ok and _unknown(t, known) else o for o, t, ok in pairs))
        else:
            out.append(theirs if all(confident) and _unknown(theirs, known) else ours)
    return "".join(out)


def _unknown(text: Sequence[str], known: frozenset[str]) -> bool:
    """All Han characters PP-OCR's dictionary lacks."""
    return bool(text) and all(is_han(c) and c not in known for c in text)


def _han_share(text: str) -> float:
    letters = [c for c in text if not c.isspace()]
    return sum(1 for c in letters if is_han(c)) / max(1, len(letters))

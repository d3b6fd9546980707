"""The OCR stage for one page image: orientation, lines, script, text and boxes.

0. A page that tesseract ``eng`` reads as English it is sure of is taken from it alone
   (:mod:`.english`: PP-OCR's recogniser costs twice as much on Latin letters).
1. PP-OCR finds the text lines. A page whose ink profiles say its lines run up or down
   it is turned a quarter clockwise first; if most of the lines found still run up or
   down the page, it is turned a quarter clockwise (again) and the lines found again; if
   the direction model then finds most of the text upside down, the page and the lines'
   outlines are turned half a turn more (before any line is read).
2. PP-OCR reads each line (lines across a page not turned a quarter narrowed first, see
   ``PpOcr.read``); lines it is not sure hold text are dropped.
3. The page's script, and each line's where it says clearly, is decided from the
   characters read (see :mod:`.script`); traditional lines are completed with tesseract
   (:mod:`.completion`; columns of vertical writing cut into upright characters first).
4. Lines are put in reading order (column by column; a line detection joined across the
   gap between two columns is cut there and read again) and joined.
"""

from __future__ import annotations

import numpy as np

from erfurt.extractors.ocr.completion import complete_traditional
from erfurt.extractors.ocr.english import ENGLISH_MODEL, EnglishLine, read_english
from erfurt.extractors.ocr.layout import (
    gutter,
    half_turned,
    is_sideways,
    looks_sideways,
    reading_order,
    split_quad,
)
from erfurt.extractors.ocr.ppocr import Image, Line, crop, pp_ocr
from erfurt.extractors.ocr.script import is_traditional, script_tag
from erfurt.extractors.ocr.tesseract import tesseract_version
from erfurt.extractors.result import Page, WordBox

__all__ = ["MIN_LINE_SCORE", "read_page"]

MIN_LINE_SCORE = 0.5
"""Lines PP-OCR reads with a lower score are noise (specks, stamps, pictures) (dev half)."""
_INK = 128  # darker pixels are ink
_SPECKS = 0.1  # a pixel column with less ink than this share of its height is blank (noise)


def read_page(image: Image, time_limit_s: int) -> Page:
    """OCR one page (RGB pixels). Raises IngestError if tesseract is needed and fails."""
    engine = pp_ocr()
    rotation = 0
    if looks_sideways(image):  # turned before detection: one detection, not two
        image, rotation = _quarter_turned(image), 90
    english = read_english(image, time_limit_s)
    if english is not None:
        return _english_page(image, english, rotation)
    quads = engine.detect(image)
    if is_sideways(quads):  # the detector, trained on lines across, splits lines running down
        image, rotation = _quarter_turned(image), rotation + 90
        quads = engine.detect(image)
    if engine.upside_down([crop(image, quad) for quad in quads]):
        image, quads = half_turned(image, quads)
        rotation += 180
    # columns of vertical writing come turned a quarter; narrowed, they read worse
    across = rotation % 180 == 0
    lines = engine.read(image, quads, narrowed=across)
    lines = [line for line in lines if line.text.strip() and line.score >= MIN_LINE_SCORE]
    gap = gutter([line.box for line in lines])
    if gap is not None:
        lines = _split_across_gutter(image, lines, gap, across)
    rows = reading_order([line.box for line in lines], gap)
    lines = [lines[i] for row in rows for i in row]
    texts = [line.text for line in lines]
    page_traditional = is_traditional("".join(texts))
    traditional = [is_traditional(text, page_traditional) for text in texts]
    engines, models = [engine.version], list(engine.models)
    if any(traditional):
        chosen = [i for i, t in enumerate(traditional) if t]
        completed, tesseract_models = complete_traditional(
            image,
            [lines[i] for i in chosen],
            [texts[i] for i in chosen],
            rotation,
            engine.characters,
            time_limit_s,
        )
        for i, text in zip(chosen, completed, strict=True):
            texts[i] = text
        engines.append(tesseract_version())
        models += tesseract_models
    height, width = image.shape[:2]
    return Page(
        _joined(texts, [len(row) for row in rows]),
        words=tuple(_box(line, text) for line, text in zip(lines, texts, strict=True)),
        language=script_tag(texts, page_traditional or any(traditional)),
        width=width,
        height=height,
        confidence=_confidence(lines),
        rotation=rotation % 360,
        engines=tuple(engines),
        models=tuple(models),
    )


def _english_page(image: Image, lines: list[EnglishLine], rotation: int) -> Page:
    """The page as :func:`read_english` read it (``image`` turned by ``rotation``)."""
    height, width = image.shape[:2]
    weight = sum(len(line.text) for line in lines)
    confidence = sum(line.confidence * len(line.text) for line in lines) / max(1, weight)
    return Page(
        "\n".join(line.text for line in lines),
        words=tuple(WordBox(line.text, *line.box, round(line.confidence)) for line in lines),
        language="en",
        width=width,
        height=height,
        confidence=round(confidence) if weight else None,
        rotation=rotation,
        engines=(tesseract_version(),),
        models=(ENGLISH_MODEL,),
    )


def _quarter_turned(image: Image) -> Image:
    return np.ascontiguousarray(np.rot90(image, k=-1))


def _split_across_gutter(image: Image, lines: list[Line], gap: int, narrowed: bool) -> list[Line]:
    """Lines of two columns that detection joined across the ``gap`` between them, cut in
    the blank band there and read again (``narrowed`` or not, see ``PpOcr.read``). A line
    with no blank band there (a heading across the columns) stays whole."""
    out: list[Line] = []
    for line in lines:
        left, _, width, _ = line.box
        cut = _blank_band(image, line.box, gap) if left < gap < left + width else None
        if cut is not None:
            out += pp_ocr().read(image, list(split_quad(line.quad, cut)), narrowed)
        else:
            out.append(line)
    return [line for line in out if line.text.strip() and line.score >= MIN_LINE_SCORE]


def _blank_band(image: Image, box: tuple[int, int, int, int], near: int) -> int | None:
    """The middle x of the widest band without ink (but specks) across ``box`` within
    two line heights of ``near``, at least half the line's height wide, or None."""
    left, top, width, height = box
    low, high = max(left, near - 2 * height), min(left + width, near + 2 * height)
    if high <= low:
        return None
    ink = (image[top : top + height, low:high].min(axis=2) < _INK).mean(axis=0) > _SPECKS
    best, run_start = (0, 0), None
    for offset, inked in enumerate([*ink.tolist(), True]):
        if not inked and run_start is None:
            run_start = offset
        elif inked and run_start is not None:
            best = max(best, (offset - run_start, run_start))
            run_start = None
    length, at = best
    return low + at + length // 2 if length >= height // 2 else None


def _joined(texts: list[str], row_lengths: list[int]) -> str:
    """Lines of one row joined by spaces, rows by newlines."""
    rows, start = [], 0
    for length in row_lengths:
        rows.append(" ".join(texts[start : start + length]))
        start += length
    return "\n".join(rows)


def _box(line: Line, text: str) -> WordBox:
    left, top, width, height = line.box
    return WordBox(text, left, top, width, height, round(line.score * 100))


def _confidence(lines: list[Line]) -> int | None:
    """The mean line score weighted by length, 0-100; None for a page with no text."""
    weight = sum(len(line.text) for line in lines)
    if not weight:
        return None
    return round(100 * sum(line.score * len(line.text) for line in lines) / weight)

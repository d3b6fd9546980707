"""The OCR stage for one page image: orientation, lines, script, text and boxes.

1. PP-OCR finds the text lines. If most of the text runs up or down the page, the page
   is turned a quarter clockwise and the lines found again; if most lines then read
   upside down, it is turned half a turn more.
2. PP-OCR reads each line; lines it is not sure hold text are dropped.
3. The page's script, and each line's where it says clearly, is decided from the
   characters read (see :mod:`.script`); traditional lines are completed with tesseract.
4. Lines are put in reading order (column by column) and joined.
"""

from __future__ import annotations

import numpy as np

from erfurt.ingest.extractors.ocr.layout import is_sideways, reading_order
from erfurt.ingest.extractors.ocr.ppocr import Image, Line, crop, pp_ocr
from erfurt.ingest.extractors.ocr.script import (
    is_traditional,
    merge_traditional,
    script_tag,
)
from erfurt.ingest.extractors.ocr.tesseract import read_lines, tesseract_version
from erfurt.ingest.extractors.result import Page, WordBox

__all__ = ["MIN_LINE_SCORE", "read_page"]

MIN_LINE_SCORE = 0.5
"""Lines PP-OCR reads with a lower score are noise (specks, stamps, pictures) (dev half)."""
_TRADITIONAL_PACK = "chi_tra"


def read_page(image: Image, time_limit_s: int) -> Page:
    """OCR one page (RGB pixels). Raises IngestError if tesseract is needed and fails."""
    engine = pp_ocr()
    rotation = 0
    quads = engine.detect(image)
    if is_sideways(quads):
        image, rotation = np.ascontiguousarray(np.rot90(image, k=-1)), 90
        quads = engine.detect(image)
    lines = engine.read(image, quads)
    if sum(line.flipped for line in lines) * 2 > len(lines):
        image, rotation = np.ascontiguousarray(image[::-1, ::-1]), rotation + 180
        lines = engine.read(image, engine.detect(image))
    lines = [line for line in lines if line.text.strip() and line.score >= MIN_LINE_SCORE]
    rows = reading_order([line.box for line in lines])
    lines = [lines[i] for row in rows for i in row]
    texts = [line.text for line in lines]
    page_traditional = is_traditional("".join(texts))
    traditional = [is_traditional(text, page_traditional) for text in texts]
    engines, models = [engine.version], list(engine.models)
    if any(traditional):
        chosen = [i for i, t in enumerate(traditional) if t]
        second = read_lines(
            [crop(image, lines[i].quad) for i in chosen], _TRADITIONAL_PACK, time_limit_s
        )
        for i, other in zip(chosen, second, strict=True):
            texts[i] = merge_traditional(texts[i], other, engine.characters)
        engines.append(tesseract_version())
        models.append(f"{_TRADITIONAL_PACK}.traineddata")
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

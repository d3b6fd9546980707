"""Traditional lines completed by tesseract ``chi_tra``: the characters PP-OCR's
recogniser lacks (舉, 屬, 審, 稱, ...) taken from tesseract's reading of the same line.

Lines across a page are given to tesseract as they stand. On a page turned a quarter,
the lines are either lines across a page scanned sideways (characters upright once the
page is turned) or columns of vertical writing (characters lying on their side, which
tesseract cannot read): tesseract's orientation detection, given the two longest lines
cut into upright character cells (:mod:`.cells`), tells which. Columns are then read
cell by cell, and from that reading only the characters PP-OCR dropped, and those it
replaced where tesseract is confident, are taken.
"""

from __future__ import annotations

from erfurt.extractors.ocr.cells import upright_cells
from erfurt.extractors.ocr.ppocr import Image, Line, crop
from erfurt.extractors.ocr.script import merge_traditional
from erfurt.extractors.ocr.tesseract import Reading, character_orientation, read_lines

__all__ = ["CELL_SUBSTITUTION_CONFIDENCE", "complete_traditional"]

CELL_SUBSTITUTION_CONFIDENCE = 90.0
"""Tesseract's confidence (0-100) in a character read from a column's cells at which it
replaces the character PP-OCR read there (dev half); below it, tesseract only fills
characters PP-OCR dropped."""
_PACK = "chi_tra"
_ORIENTATION = "osd"
_PROBE_LINES = 2


def complete_traditional(
    image: Image,
    lines: list[Line],
    texts: list[str],
    rotation: int,
    known: frozenset[str],
    time_limit_s: int,
) -> tuple[list[str], tuple[str, ...]]:
    """``texts`` (PP-OCR's readings of ``lines``, all traditional, on ``image`` turned by
    ``rotation`` degrees) completed by tesseract, and the tesseract models used.
    ``known``: the characters PP-OCR can produce. Raises IngestError if tesseract fails."""
    crops = [crop(image, line.quad) for line in lines]
    models: tuple[str, ...] = (f"{_PACK}.traineddata",)
    if rotation % 180 == 90:
        cells = [upright_cells(line, rotation // 90) for line in crops]
        probe = sorted(cells, key=lambda line: line.shape[1], reverse=True)[:_PROBE_LINES]
        models += (f"{_ORIENTATION}.traineddata",)
        if character_orientation(probe) == 0:
            readings = read_lines(cells, _PACK, time_limit_s)
            return [
                _merged_cells(t, r, known) for t, r in zip(texts, readings, strict=True)
            ], models
    readings = read_lines(crops, _PACK, time_limit_s)
    return [
        merge_traditional(t, r.text, known) for t, r in zip(texts, readings, strict=True)
    ], models


def _merged_cells(text: str, reading: Reading, known: frozenset[str]) -> str:
    """``text`` completed from tesseract's reading of its cells, punctuation left out (the
    gaps between cells give tesseract dots and colons that are not on the page)."""
    kept = [(c, confidence) for word, confidence in reading.words for c in word if c.isalnum()]
    return merge_traditional(
        text,
        "".join(c for c, _ in kept),
        known,
        [confidence for _, confidence in kept],
        CELL_SUBSTITUTION_CONFIDENCE,
    )

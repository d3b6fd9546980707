"""Debian's tesseract (in this process, :mod:`.libtesseract`) on a sheet of text-line crops.

PP-OCR's recogniser has no glyph for many traditional characters (稱, 審, 從, 遷, ...), so
on traditional pages each line PP-OCR found is also read by tesseract's ``chi_tra``
model. The lines are pasted one under the other, scaled to one height, into one image:
one tesseract call per page, not per line.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from erfurt.extractors.ocr.libtesseract import library_version, tesseract

__all__ = [
    "LINE_HEIGHT",
    "Reading",
    "character_orientation",
    "read_lines",
    "tesseract_version",
    "word_rows",
]

LINE_HEIGHT = 64
"""Pixel height each line crop is scaled to before tesseract reads it (dev half)."""
_PSM_SINGLE_BLOCK = 6
_TSV_COLUMNS = 12
_MARGIN = 24
_ORIENTATION_HEIGHT = 48  # line height on the sheet orientation detection reads
_ORIENTATION_CHARACTERS = 8  # fewer found, and it does not tell (its default: 50)
_ORIENTATION_DPI = 300


@functools.cache
def tesseract_version() -> str:
    """The tesseract library's version, e.g. ``tesseract 5.3.0``. Raises IngestError."""
    return f"tesseract {library_version()}"


@dataclass(frozen=True, slots=True)
class Reading:
    """Tesseract's reading of one line: its words, left to right, each with tesseract's
    confidence in it (0-100)."""

    words: tuple[tuple[str, float], ...]

    @property
    def text(self) -> str:
        """The words joined: a space between words, none between Han characters."""
        return _joined(word for word, _ in self.words)


def read_lines(crops: list[NDArray[np.uint8]], language: str, time_limit_s: int) -> list[Reading]:
    """Tesseract's reading of each line crop (RGB or grey), in order; no words where it
    found nothing.

    Raises IngestError when tesseract or its pack is missing or it runs past
    ``time_limit_s``.
    """
    if not crops:
        return []
    sheet, step = _sheet(crops, LINE_HEIGHT)
    table = tesseract(language).tsv(sheet, _PSM_SINGLE_BLOCK, time_limit_s)
    words: list[list[tuple[int, str, float]]] = [[] for _ in crops]
    for cells in word_rows(table):
        left, top, _, height = (int(c) for c in cells[6:10])
        number = (top + height // 2 - _MARGIN) // step
        if 0 <= number < len(words):
            words[number].append((left, cells[11], float(cells[10])))
    return [Reading(tuple((w, c) for _, w, c in sorted(line))) for line in words]


def word_rows(table: str) -> list[list[str]]:
    """The rows of words (level 5, with text) of tesseract's TSV ``table``, split into
    its columns (level, page, block, paragraph, line, word, left, top, width, height,
    confidence, text), the text stripped."""
    rows = []
    for row in table.splitlines():
        cells = row.split("\t")
        if len(cells) >= _TSV_COLUMNS and cells[0] == "5" and cells[11].strip():
            rows.append([*cells[:11], cells[11].strip()])
    return rows


def character_orientation(crops: list[NDArray[np.uint8]]) -> int | None:
    """Which way tesseract's orientation detection (``osd``) finds the characters of these
    line crops turned: 0 (upright), 90, 180 or 270 degrees; None when it finds too few
    characters to tell. Raises IngestError when tesseract or its ``osd`` pack is missing."""
    sheet, _ = _sheet(crops, _ORIENTATION_HEIGHT)
    detector = tesseract("osd")
    detector.set_variable("min_characters_to_try", str(_ORIENTATION_CHARACTERS))
    found = detector.orientation(sheet, _ORIENTATION_DPI)
    return None if found is None else found.degrees


def _sheet(crops: list[NDArray[np.uint8]], height: int) -> tuple[NDArray[np.uint8], int]:
    """The crops scaled to ``height`` and pasted one under the other (grey pixels), and
    the step in pixels from one line's top to the next."""
    scaled = [_scaled(c, height) for c in crops]
    width = max(c.width for c in scaled) + 2 * _MARGIN
    step = height + _MARGIN
    sheet = Image.new("L", (width, _MARGIN + step * len(scaled)), 255)
    for number, line in enumerate(scaled):
        sheet.paste(line, (_MARGIN, _MARGIN + number * step))
    return np.asarray(sheet, dtype=np.uint8), step


def _scaled(crop: NDArray[np.uint8], height: int) -> Image.Image:
    image = Image.fromarray(crop).convert("L")
    width = max(1, round(image.width * height / max(1, image.height)))
    return image.resize((width, height), Image.Resampling.LANCZOS)


def _joined(words: Iterable[str]) -> str:
    """Tesseract's tokens of one line: a space between words, none between Han characters."""
    line = ""
    for text in words:
        if line and not (is_han(line[-1]) and is_han(text[0])):
            line += " "
        line += text
    return line


def is_han(char: str) -> bool:
    """Whether ``char`` is a CJK ideograph."""
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"

"""English pages read by tesseract ``eng`` alone, where it is sure of them.

PP-OCR's recogniser sees a line of Latin letters as about 20 pixel columns a letter: an
English page costs it 2.4-3.3 CPU s, while tesseract ``eng`` reads the whole page in about
1.3 s. So, before any PP-OCR model runs:

1. a probe: tesseract reads a band of the page (the first lines with ink); only if it reads
   enough words there, nearly all of them English dictionary words, does it go on (a
   Chinese or mixed page pays only for the band);
2. tesseract reads the page; its lines are put in reading order
   (:func:`.layout.reading_order`: tesseract's own block order breaks lines of a photo's
   perspective into columns);
3. the reading is kept only if nearly all its words are dictionary words and its mean word
   confidence is high (a stamp or pen stroke over the text makes tesseract misread words
   that PP-OCR reads right); otherwise the page goes through PP-OCR like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import fmean

import cv2
import numpy as np
from numpy.typing import NDArray

from erfurt.extractors.ocr.layout import ink_copy, reading_order
from erfurt.extractors.ocr.libtesseract import tesseract
from erfurt.extractors.ocr.ppocr import Image
from erfurt.extractors.ocr.tesseract import word_rows

__all__ = [
    "ENGLISH_MODEL",
    "MIN_DICTIONARY_SHARE",
    "MIN_MEAN_CONFIDENCE",
    "EnglishLine",
    "read_english",
    "word_share",
]

ENGLISH_MODEL = "eng.traineddata"
MIN_DICTIONARY_SHARE = 0.9
"""Share of a page's words (letters, ASCII only) that must be in tesseract's English
dictionary for its reading to be kept (dev half)."""
MIN_MEAN_CONFIDENCE = 75.0
"""Tesseract's mean word confidence (0-100) a page's reading must reach to be kept (dev half)."""
PROBE_HEIGHT = 0.1
"""Height of the band the probe reads (its left half), as a share of the page's longer
side (about four lines of an A4 page at 150 dpi)."""
PROBE_SHARE = 0.75
"""Share of the probe's words that must be English dictionary words (dev half)."""
PROBE_CONFIDENCE = 50.0
"""Tesseract's mean word confidence the probe must reach (dev half: 59-76 on English
bands, 24-40 on Chinese and mixed ones, whose garbage is often dictionary words)."""
MIN_PROBE_WORDS = 4
_PSM_AUTO = 3
_INKED_ROW = 0.02  # a row of the small copy with this share of ink holds text
_PIECE_OVERLAP = 0.25


_Word = tuple[str, tuple[int, ...], float]
"""A word's text, where it is (block, paragraph, line, left, top, width, height) and
tesseract's confidence in it."""


@dataclass(frozen=True, slots=True)
class EnglishLine:
    """One line tesseract read: its text, box (left, top, width, height) and mean word
    confidence (0-100)."""

    text: str
    box: tuple[int, int, int, int]
    confidence: float


def read_english(image: Image, time_limit_s: int) -> list[EnglishLine] | None:
    """The lines of ``image`` (RGB, upright) in reading order if tesseract ``eng`` reads
    it as English it is sure of (see the module's doc), else None.

    Raises IngestError when tesseract is missing or runs past ``time_limit_s``."""
    grey = np.asarray(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), dtype=np.uint8)
    band = _probe_band(grey)
    if band is None:
        return None
    probe = _words(grey[band[0] : band[1], : grey.shape[1] // 2], time_limit_s)
    if len(probe) < MIN_PROBE_WORDS or not _sure(probe, PROBE_SHARE, PROBE_CONFIDENCE):
        return None
    words = _words(grey, time_limit_s)
    return _ordered(words) if _sure(words, MIN_DICTIONARY_SHARE, MIN_MEAN_CONFIDENCE) else None


def _sure(words: list[_Word], share: float, confidence: float) -> bool:
    """Whether at least ``share`` of ``words`` are English words and tesseract's mean
    confidence in them reaches ``confidence``."""
    return bool(words) and (
        word_share([w for w, _, _ in words]) >= share
        and fmean(c for _, _, c in words) >= confidence
    )


def word_share(words: list[str]) -> float:
    """Share of ``words`` (punctuation around them left out; numbers not counted) that
    are ASCII words in tesseract's English dictionary; 0 with no word to judge."""
    cores = [_core(word) for word in words]
    judged = [core for core in cores if core and not core.isdigit()]
    if not judged:
        return 0.0
    english = tesseract("eng")
    return sum(1 for core in judged if core.isascii() and english.is_word(core)) / len(judged)


def _words(grey: NDArray[np.uint8], time_limit_s: int) -> list[_Word]:
    """Tesseract's words, as it finds them on the page."""
    table = tesseract("eng").tsv(grey, _PSM_AUTO, time_limit_s)
    return [
        (cells[11], tuple(int(c) for c in (*cells[2:5], *cells[6:10])), float(cells[10]))
        for cells in word_rows(table)
    ]


def _ordered(words: list[_Word]) -> list[EnglishLine]:
    """Tesseract's words gathered into its lines, in reading order."""
    lines: dict[tuple[int, ...], list[_Word]] = {}
    for word in words:
        lines.setdefault(word[1][:3], []).append(word)
    found: list[EnglishLine] = []
    for line in lines.values():
        left = min(w[1][3] for w in line)
        top = min(w[1][4] for w in line)
        right = max(w[1][3] + w[1][5] for w in line)
        bottom = max(w[1][4] + w[1][6] for w in line)
        text = " ".join(w[0] for w in sorted(line, key=lambda w: w[1][3]))
        box = (left, top, max(1, right - left), max(1, bottom - top))
        found.append(EnglishLine(text, box, fmean(w[2] for w in line)))
    found = _pieces_joined(found)
    rows = reading_order([line.box for line in found])
    return [found[i] for row in rows for i in row]


def _pieces_joined(lines: list[EnglishLine]) -> list[EnglishLine]:
    """Lines that tesseract cut in pieces (a photo's perspective slants a line, and it
    puts the pieces in different blocks) joined again: a piece that starts where another
    ends (within half a line's height) beside it (overlapping by ``_PIECE_OVERLAP`` of
    the lower one's height). The gap between two columns is wider than that."""
    pieces = sorted(lines, key=lambda line: line.box[0])
    joined: list[EnglishLine] = []
    for piece in pieces:
        left, top, _, height = piece.box
        for number, line in enumerate(joined):
            l_left, l_top, l_width, l_height = line.box
            gap = left - (l_left + l_width)
            overlap = min(top + height, l_top + l_height) - max(top, l_top)
            if abs(gap) <= max(height, l_height) / 2 and overlap >= _PIECE_OVERLAP * min(
                height, l_height
            ):
                joined[number] = _join(line, piece)
                break
        else:
            joined.append(piece)
    return joined


def _join(first: EnglishLine, second: EnglishLine) -> EnglishLine:
    left, top = min(first.box[0], second.box[0]), min(first.box[1], second.box[1])
    right = max(first.box[0] + first.box[2], second.box[0] + second.box[2])
    bottom = max(first.box[1] + first.box[3], second.box[1] + second.box[3])
    weights = len(first.text), len(second.text)
    confidence = (first.confidence * weights[0] + second.confidence * weights[1]) / sum(weights)
    return EnglishLine(
        f"{first.text} {second.text}", (left, top, right - left, bottom - top), confidence
    )


def _probe_band(grey: NDArray[np.uint8]) -> tuple[int, int] | None:
    """Rows of ``grey`` from the first that holds text, ``PROBE_HEIGHT`` of its longer side;
    None on a page with no ink."""
    height, width = grey.shape
    ink, scale = ink_copy(grey)
    inked = np.flatnonzero(ink.mean(axis=1) > _INKED_ROW)
    if inked.size == 0:
        return None
    top = max(0, int(inked[0] / scale) - 8)
    return top, min(height, top + max(1, round(PROBE_HEIGHT * max(height, width))))


def _core(word: str) -> str:
    """``word`` without the punctuation before and after it."""
    start, end = 0, len(word)
    while start < end and not word[start].isalnum():
        start += 1
    while end > start and not word[end - 1].isalnum():
        end -= 1
    return word[start:end]

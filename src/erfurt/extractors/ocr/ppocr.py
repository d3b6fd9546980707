"""PP-OCRv4 text detection, direction and recognition, as shipped in ``rapidocr-onnxruntime``.

The models are files inside the wheel (nothing is downloaded at run time) and are loaded
once per worker process. Detection runs on a copy of the page scaled so that its longer
side is at most ``DETECT_SIDE`` pixels (the detector's cost grows with the area, and text
lines stay found at that size); each line is then cut from the full-resolution page
(lines of Chinese written across narrowed to ``LINE_SQUEEZE`` of their width) and
recognised, one line per call. One thread
per session: parallelism comes from one worker per core.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

__all__ = ["DETECT_SIDE", "LINE_SQUEEZE", "Line", "PpOcr", "pp_ocr"]

DETECT_SIDE = 1280
"""Longer side, in pixels, of the image text detection sees (chosen on the dev half)."""
LINE_SQUEEZE = 0.75
"""Share of its width a line crop of Chinese is narrowed to (its height kept) before the
recogniser reads it: the recogniser's cost grows with a line's width, and it reads lines
of Chinese written across narrowed this much as well as whole ones (chosen on the dev
half; at 0.6, traditional lines and columns read worse)."""
_UPRIGHT = "0"
_DIRECTION_ASPECT = 4  # the direction model's input, 192×48
_DIRECTION_PIECES = 3

Image = NDArray[np.uint8]
Quad = NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Line:
    """One text line found on a page: its corners (clockwise from top left), text, score 0-1."""

    quad: Quad
    text: str
    score: float

    @property
    def box(self) -> tuple[int, int, int, int]:
        """The upright bounding box as (left, top, width, height) in page pixels."""
        left, top = self.quad.min(axis=0)
        right, bottom = self.quad.max(axis=0)
        return int(left), int(top), max(1, int(right - left)), max(1, int(bottom - top))


class PpOcr:
    """The three PP-OCR models of one process; build it with :func:`pp_ocr`."""

    def __init__(self) -> None:
        # the package logs every call at INFO; its outcome is ours to report
        logging.getLogger("RapidOCR").setLevel(logging.WARNING)
        from rapidocr_onnxruntime import RapidOCR

        engine = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
        self._detector: Any = engine.text_det
        self._detector.limit_type, self._detector.limit_side_len = "min", 32  # no resizing
        self._classifier: Any = engine.text_cls
        self._recogniser: Any = engine.text_rec
        # one line per call: batched lines are padded to the widest, which costs CPU time
        # and makes a line's reading depend on the lines read beside it
        self._recogniser.rec_batch_num = 1
        self._sort: Any = engine.sorted_boxes
        self.characters = frozenset(self._recogniser.postprocess_op.character)
        self.version = f"PP-OCRv4 (rapidocr-onnxruntime {version('rapidocr-onnxruntime')}, " + (
            f"onnxruntime {version('onnxruntime')})"
        )
        self.models = (
            "ch_PP-OCRv4_det_infer.onnx",
            "ch_ppocr_mobile_v2.0_cls_infer.onnx",
            "ch_PP-OCRv4_rec_infer.onnx",
        )

    def detect(self, page: Image) -> list[Quad]:
        """Text line corners in ``page`` (RGB), top to bottom, left to right."""
        height, width = page.shape[:2]
        scale = min(1.0, DETECT_SIDE / max(height, width))
        small = page
        if scale < 1.0:
            size = (max(32, round(width * scale)), max(32, round(height * scale)))
            small = np.asarray(cv2.resize(page, size, interpolation=cv2.INTER_AREA), np.uint8)
        quads, _ = self._detector(small)
        if quads is None or len(quads) == 0:
            return []
        factor = np.array([width / small.shape[1], height / small.shape[0]], dtype=np.float32)
        return [np.asarray(q, dtype=np.float32) * factor for q in self._sort(quads)]

    def upside_down(self, crops: list[Image]) -> bool:
        """Whether most of the text in these line crops reads upside down.

        The direction model sees 48×192 pixels: a whole line squeezed into that is often
        misjudged (English lines about half the time), so it judges up to
        ``_DIRECTION_PIECES`` pieces of each line, each as wide as the model's input, and
        their confidences are summed, for upside down against upright.
        """
        pieces = [piece for line in crops for piece in _pieces(line)]
        if not pieces:
            return False
        _, turns, _ = self._classifier(pieces)
        votes = [float(score) * (1 if label != _UPRIGHT else -1) for label, score in turns]
        return sum(votes) > 0

    def read(self, page: Image, quads: list[Quad], narrowed: bool = False) -> list[Line]:
        """Recognise each line ``quads`` outline in ``page`` (read as it stands), in order.

        ``narrowed``: lines are read narrowed (:data:`LINE_SQUEEZE`): Chinese characters,
        about as wide as high, read the same. Latin letters and digits are narrower and do
        not: a line whose narrowed reading has any is read again whole, and once such a
        line reads mostly Latin, the lines after it are read whole from the start.
        """
        lines: list[Line] = []
        squeeze = narrowed
        for quad in quads:
            line = crop(page, quad)
            text, score = self._recognised(squeezed(line) if squeeze else line)
            if squeeze and _has_latin(text):
                text, score = self._recognised(line)
                squeeze = not _mostly_latin(text)
            lines.append(Line(quad, text, score))
        return lines

    def _recognised(self, line: Image) -> tuple[str, float]:
        ((text, score),), _ = self._recogniser([line])
        return str(text), float(score)


def _pieces(line: Image) -> list[Image]:
    """Up to ``_DIRECTION_PIECES`` pieces of a line crop, spread along it, each as wide as
    the direction model's input is (relative to the line's height)."""
    height, width = line.shape[:2]
    piece = _DIRECTION_ASPECT * height
    if width <= piece:
        return [line]
    count = min(_DIRECTION_PIECES, width // piece)
    starts = np.linspace(0, width - piece, count).astype(int)
    return [line[:, start : start + piece] for start in starts]


def crop(page: Image, quad: Quad) -> Image:
    """The line inside ``quad``, straightened to an upright rectangle."""
    width = int(max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[2] - quad[3])))
    height = int(max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2])))
    width, height = max(width, 1), max(height, 1)
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    out = cv2.warpPerspective(
        page, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC
    )
    return np.asarray(out, dtype=np.uint8)


def _has_latin(text: str) -> bool:
    return any(c.isascii() and c.isalnum() for c in text)


def _mostly_latin(text: str) -> bool:
    letters = [c for c in text if c.isalnum()]
    return 2 * sum(1 for c in letters if c.isascii()) >= len(letters)


def squeezed(line: Image) -> Image:
    """``line`` scaled to ``LINE_SQUEEZE`` of its width, keeping its height."""
    height, width = line.shape[:2]
    size = (max(1, round(width * LINE_SQUEEZE)), height)
    return np.asarray(cv2.resize(line, size, interpolation=cv2.INTER_AREA), np.uint8)


@functools.cache
def pp_ocr() -> PpOcr:
    """This process's PP-OCR models, loaded on first use."""
    return PpOcr()

"""Debian's tesseract, run as a subprocess on a sheet of text-line crops.

PP-OCR's recogniser has no glyph for many traditional characters (稱, 審, 從, 遷, ...), so
on traditional pages each line PP-OCR found is also read by tesseract's ``chi_tra``
model. The lines are pasted one under the other, scaled to one height, into one image:
one tesseract start per page, not per line. ``OMP_THREAD_LIMIT=1``: parallelism comes
from one worker per core, and tesseract's own threads make it slower here.
"""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from erfurt.errors import IngestError
from erfurt.extractors.result import TIME_LIMIT_HINT

__all__ = ["LINE_HEIGHT", "Reading", "character_orientation", "read_lines", "tesseract_version"]

LINE_HEIGHT = 64
"""Pixel height each line crop is scaled to before tesseract reads it (dev half)."""
_ENV = {"OMP_THREAD_LIMIT": "1"}
_TSV_COLUMNS = 12
_MARGIN = 24
_ORIENTATION_HEIGHT = 48  # line height on the sheet orientation detection reads
_ORIENTATION_CHARACTERS = 8  # fewer found, and it does not tell (its default: 50)


@functools.cache
def _tesseract() -> str:
    exe = shutil.which("tesseract")
    if exe is None:
        raise IngestError(
            "OCR of traditional Chinese needs the tesseract program, which is not installed",
            "install it with: sudo bash scripts/system-packages.sh "
            "(tesseract-ocr and its chi-tra pack)",
        )
    return exe


@functools.cache
def tesseract_version() -> str:
    """The installed tesseract's version, e.g. ``tesseract 5.3.0``. Raises IngestError."""
    done = subprocess.run(
        [_tesseract(), "--version"], capture_output=True, env=_ENV, check=False, timeout=30
    )
    lines = (done.stdout or done.stderr).decode("utf-8", "replace").splitlines()
    return lines[0].strip() if lines else "tesseract (unknown version)"


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

    Raises IngestError when tesseract fails or runs past ``time_limit_s``.
    """
    if not crops:
        return []
    sheet, step = _sheet(crops, LINE_HEIGHT)
    done = _run(sheet, ["-l", language, "--psm", "6", "tsv"], time_limit_s)
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise IngestError(
            f"tesseract failed: {detail[-1] if detail else done.returncode}",
            "check that tesseract and its language packs are installed "
            "(sudo bash scripts/system-packages.sh)",
        )
    words: list[list[tuple[int, str, float]]] = [[] for _ in crops]
    for row in done.stdout.decode("utf-8", "replace").splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < _TSV_COLUMNS or cells[0] != "5" or not cells[11].strip():
            continue
        left, top, _, height = (int(c) for c in cells[6:10])
        number = (top + height // 2 - _MARGIN) // step
        if 0 <= number < len(words):
            words[number].append((left, cells[11].strip(), float(cells[10])))
    return [Reading(tuple((w, c) for _, w, c in sorted(line))) for line in words]


def character_orientation(crops: list[NDArray[np.uint8]], time_limit_s: int) -> int | None:
    """Which way tesseract's orientation detection (``osd``) finds the characters of these
    line crops turned: 0 (upright), 90, 180 or 270 degrees; None when it finds too few
    characters to tell. Raises IngestError when tesseract runs past ``time_limit_s``."""
    sheet, _ = _sheet(crops, _ORIENTATION_HEIGHT)
    args = ["--psm", "0", "--dpi", "300", "-c", f"min_characters_to_try={_ORIENTATION_CHARACTERS}"]
    done = _run(sheet, args, time_limit_s)
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("Orientation in degrees:"):
            return int(line.split(":")[1])
    return None


def _sheet(crops: list[NDArray[np.uint8]], height: int) -> tuple[bytes, int]:
    """The crops scaled to ``height`` and pasted one under the other (PNG), and the step
    in pixels from one line's top to the next."""
    scaled = [_scaled(c, height) for c in crops]
    width = max(c.width for c in scaled) + 2 * _MARGIN
    step = height + _MARGIN
    sheet = Image.new("L", (width, _MARGIN + step * len(scaled)), 255)
    for number, line in enumerate(scaled):
        sheet.paste(line, (_MARGIN, _MARGIN + number * step))
    buffer = io.BytesIO()
    sheet.save(buffer, format="PNG")
    return buffer.getvalue(), step


def _scaled(crop: NDArray[np.uint8], height: int) -> Image.Image:
    image = Image.fromarray(crop).convert("L")
    width = max(1, round(image.width * height / max(1, image.height)))
    return image.resize((width, height), Image.Resampling.LANCZOS)


def _run(image: bytes, args: list[str], time_limit_s: int) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            [_tesseract(), "stdin", "stdout", *args],
            input=image,
            capture_output=True,
            env=_ENV,
            check=False,
            timeout=time_limit_s,
        )
    except subprocess.TimeoutExpired as exc:
        raise IngestError(
            f"OCR took longer than the limit of {time_limit_s} s and was stopped",
            TIME_LIMIT_HINT,
        ) from exc


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

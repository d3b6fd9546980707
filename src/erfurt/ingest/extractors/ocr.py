"""OCR with Debian's tesseract, run as a subprocess, keeping word boxes.

Each page is read with one Chinese pack plus English: a mixed ``chi_sim+chi_tra`` run turns
simplified text into traditional, and with English first, lines of Chinese on a scan come
out as Latin garbage. The first pass uses ``chi_sim+eng`` (it reads English pages as well
as ``eng`` alone); when it finds Han text, a second pass uses ``chi_tra+eng`` and the pass
whose Han words have the higher mean confidence wins (each pack outputs its own script
whatever the page's script, so only the confidence tells them apart).

``OMP_THREAD_LIMIT=1``: parallelism comes from one worker process per core, and
tesseract's own threads make it several times slower here.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from erfurt.errors import IngestError
from erfurt.ingest.extractors.result import (
    TIME_LIMIT_HINT,
    Extraction,
    ExtractOptions,
    Page,
    WordBox,
)

__all__ = ["extract_image", "ocr_image", "tesseract_version"]

NAME = "ocr"
_ENV = {"OMP_THREAD_LIMIT": "1"}
_TSV_COLUMNS = 12


@dataclass(frozen=True, slots=True)
class _Word:
    page: int
    block: int
    paragraph: int
    line: int
    box: WordBox


@functools.cache
def _tesseract() -> str:
    exe = shutil.which("tesseract")
    if exe is None:
        raise IngestError(
            "OCR needs the tesseract program, which is not installed",
            "install it with: sudo bash scripts/system-packages.sh "
            "(tesseract-ocr and its eng, chi-sim, chi-tra, osd packs)",
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


def extract_image(path: Path, options: ExtractOptions, media_type: str) -> Extraction:
    """OCR an image file (every frame of a multi-page TIFF). Raises IngestError."""
    pages = ocr_image(path.read_bytes(), options)
    warnings = () if any(p.text for p in pages) else ("OCR found no text in the image",)
    return Extraction(NAME, tesseract_version(), media_type, pages=pages, warnings=warnings)


def ocr_image(image: bytes, options: ExtractOptions) -> tuple[Page, ...]:
    """OCR encoded image bytes (PNG, JPEG, TIFF, ...); one Page per image frame.

    Raises IngestError when tesseract cannot read the image.
    """
    chinese = [lang for lang in options.ocr_languages if lang.startswith("chi_")]
    others = [lang for lang in options.ocr_languages if not lang.startswith("chi_")] or ["eng"]
    first_language = "+".join([*chinese[:1], *others])
    first = _by_page(_run(image, first_language, options.time_limit_s))
    second: dict[int, list[_Word | tuple[int, int, int]]] | None = None
    pages: list[Page] = []
    for number, words in sorted(first.items()):
        language = first_language
        if len(chinese) > 1 and _han_confidence(words) is not None:
            other_language = "+".join([chinese[1], *others])
            if second is None:
                second = _by_page(_run(image, other_language, options.time_limit_s))
            other = second.get(number, [])
            if (_han_confidence(other) or 0.0) > (_han_confidence(words) or 0.0):
                words, language = other, other_language
        pages.append(_page(words, language))
    return tuple(pages)


def _run(image: bytes, language: str, time_limit_s: int) -> list[_Word | tuple[int, int, int]]:
    try:
        done = subprocess.run(
            [_tesseract(), "stdin", "stdout", "-l", language, "--psm", "1", "tsv"],
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
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise IngestError(
            f"tesseract could not read the image: {detail[-1] if detail else done.returncode}",
            "check that the file is a valid image",
        )
    return list(_parse_tsv(done.stdout.decode("utf-8", "replace")))


def _parse_tsv(tsv: str) -> Iterable[_Word | tuple[int, int, int]]:
    """Words (level 5) and page sizes (level 1, as (page, width, height))."""
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < _TSV_COLUMNS:
            continue
        level, page, block, paragraph, line = (int(c) for c in cells[:5])
        left, top, width, height = (int(c) for c in cells[6:10])
        if level == 1:
            yield (page, width, height)
        elif level == 5 and cells[11].strip():
            confidence = round(float(cells[10]))
            box = WordBox(cells[11].strip(), left, top, width, height, confidence)
            yield _Word(page, block, paragraph, line, box)


def _by_page(
    parsed: list[_Word | tuple[int, int, int]],
) -> dict[int, list[_Word | tuple[int, int, int]]]:
    pages: dict[int, list[_Word | tuple[int, int, int]]] = {}
    for item in parsed:
        number = item.page if isinstance(item, _Word) else item[0]
        pages.setdefault(number, []).append(item)
    return pages


def _han_confidence(items: list[_Word | tuple[int, int, int]]) -> float | None:
    han = [i.box.confidence for i in items if isinstance(i, _Word) and _has_han(i.box.text)]
    return sum(han) / len(han) if han else None


def _page(items: list[_Word | tuple[int, int, int]], language: str) -> Page:
    words = [i for i in items if isinstance(i, _Word)]
    size = next((i for i in items if isinstance(i, tuple)), (0, 0, 0))
    paragraphs: list[str] = []
    lines: list[str] = []
    line = ""
    key: tuple[int, int, int] | None = None
    for word in words:
        here = (word.block, word.paragraph, word.line)
        if key is not None and here != key:
            lines.append(line)
            line = ""
            if here[:2] != key[:2]:
                paragraphs.append("\n".join(lines))
                lines = []
        line = _join(line, word.box.text)
        key = here
    if line:
        lines.append(line)
    if lines:
        paragraphs.append("\n".join(lines))
    return Page(
        "\n\n".join(paragraphs),
        words=tuple(w.box for w in words),
        language=language,
        width=size[1],
        height=size[2],
    )


def _join(line: str, word: str) -> str:
    """Join OCR tokens: a space between words, none between Han characters."""
    if not line:
        return word
    if _has_han(line[-1]) and _has_han(word[0]):
        return line + word
    return f"{line} {word}"


def _has_han(text: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" for c in text)

"""Where an OCR page's CPU time goes: seconds per stage of the pipeline, page by page.

Each stage's functions are wrapped with a CPU clock (this process, user and system);
time is charged to the innermost stage running, so the stages add up to the page's
total, and ``other`` is what no stage claims (layout, script, joining, the image's
encoding as a file). Stages:

- ``decode``: the image file decoded into RGB pixels;
- ``orientation``: the ink profiles that turn a page a quarter before detection;
- ``english``: tesseract ``eng`` on a band of the page and, if it is sure of it, on the
  page (the whole page's cost when it keeps the reading);
- ``detection``: PP-OCR's text detection (the page scaled, the model, its outlines);
- ``crops``: line crops straightened out of the page;
- ``direction``: the direction model on pieces of the lines;
- ``recognition``: PP-OCR's recogniser;
- ``tesseract``: tesseract's ``chi_tra`` reading and ``osd`` orientation of line sheets;
- ``cells``: columns cut into upright character cells;
- ``merging``: PP-OCR's and tesseract's readings aligned.

``python bench/ocr_stages.py [--half dev] [--only hant]`` prints a table per page.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from bench_ocr import cpu_seconds
from erfurt.extractors import ocr
from erfurt.extractors.ocr import completion, ppocr
from erfurt.extractors.ocr import page as ocr_page
from erfurt.ingest import ExtractOptions, extract_file
from ocr_pages import Sample, cer, evaluation_set, half_of, sample

STAGES = (
    "decode",
    "orientation",
    "english",
    "detection",
    "crops",
    "direction",
    "recognition",
    "tesseract",
    "cells",
    "merging",
    "other",
)
_WRAPPED: tuple[tuple[Any, str, str], ...] = (
    (ocr, "frames", "decode"),
    (ocr_page, "looks_sideways", "orientation"),
    (ocr_page, "read_english", "english"),
    (ppocr.PpOcr, "detect", "detection"),
    (ppocr.PpOcr, "upside_down", "direction"),
    (ppocr.PpOcr, "read", "recognition"),
    (ocr_page, "crop", "crops"),
    (ppocr, "crop", "crops"),
    (completion, "crop", "crops"),
    (completion, "read_lines", "tesseract"),
    (completion, "character_orientation", "tesseract"),
    (completion, "upright_cells", "cells"),
    (completion, "merge_traditional", "merging"),
)


class StageClock:
    """CPU seconds charged to the innermost stage running (see the module's doc)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self._running = ["other"]
        self._since = cpu_seconds()

    def _switch(self, stage: str | None) -> None:
        now = cpu_seconds()
        self.seconds[self._running[-1]] += now - self._since
        self._since = now
        if stage is None:
            self._running.pop()
        else:
            self._running.append(stage)

    def timed(self, stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        """``function`` charging its time to ``stage`` (a generator: while it runs)."""

        def call(*args: Any, **kwargs: Any) -> Any:
            self._switch(stage)
            try:
                result = function(*args, **kwargs)
                return list(result) if isinstance(result, Iterator) else result
            finally:
                self._switch(None)

        return call

    def total(self) -> dict[str, float]:
        """Seconds per stage so far, ``other`` included."""
        self._switch("other")
        self._switch(None)
        return dict(self.seconds)


@contextmanager
def stage_clock() -> Iterator[StageClock]:
    """A clock wrapped around the pipeline's stages while the block runs."""
    clock = StageClock()
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in _WRAPPED]
    try:
        for owner, name, stage in _WRAPPED:
            setattr(owner, name, clock.timed(stage, getattr(owner, name)))
        yield clock
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)


def profile(pages: list[Sample]) -> Iterator[tuple[Sample, float, dict[str, float]]]:
    """Each page, the pipeline's CER on it and its CPU seconds per stage."""
    options = ExtractOptions()
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "page"
        path.write_bytes(sample("hans", "clean", lines=1).image)
        extract_file(path, "page", options)  # models load before any clock starts
        for page in pages:
            path.write_bytes(page.image)
            with stage_clock() as clock:
                text = extract_file(path, "page", options).text
            yield page, cer(text, page.gold), clock.total()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=("dev", "eval"))
    parser.add_argument(
        "--only", help="page ids containing this text (or any of these, comma-separated)"
    )
    args = parser.parse_args(argv)
    pages = evaluation_set(
        lambda page: (
            (args.half in {None, half_of(page)})
            and (not args.only or any(o in page for o in args.only.split(",")))
        )
    )
    os.nice(5)
    print("| page | CER | total | " + " | ".join(STAGES) + " |")
    print("|---|---|---|" + "---|" * len(STAGES))
    for page, error, seconds in profile(pages):
        cells = " | ".join(f"{seconds.get(s, 0.0):.2f}" for s in STAGES)
        print(f"| {page.id} | {error:.3f} | {sum(seconds.values()):.2f} | {cells} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Tesseract called in this process through its C library reads as the program does."""

from __future__ import annotations

import io
import subprocess
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from PIL import Image

from erfurt.errors import IngestError
from erfurt.extractors.ocr.libtesseract import library_version, tesseract
from ocr_pages import render


def test_in_process_reading_is_the_programs_reading() -> None:
    lines = ["監獄醫生的報告顯示他身上有多處瘀傷", "Witness statement, 4 June"]
    page, _ = render(lines, "ming-tw", a4=False)
    grey = np.asarray(page.convert("L").resize((1240, page.height // 2)))
    buffer = io.BytesIO()
    Image.fromarray(grey).save(buffer, format="PNG")
    program = subprocess.run(
        ["tesseract", "stdin", "stdout", "-l", "chi_tra", "--psm", "6", "tsv"],
        input=buffer.getvalue(),
        capture_output=True,
        env={"OMP_THREAD_LIMIT": "1"},
        check=True,
    )
    rows = program.stdout.decode().splitlines()[1:]  # the program adds a header
    assert any("監獄" in row for row in rows)
    assert tesseract("chi_tra").tsv(grey, 6, 60).splitlines() == rows
    # the engine is reused, and a second page reads the same
    assert tesseract("chi_tra").tsv(grey, 6, 60).splitlines() == rows
    assert library_version().split(".")[0] == "5"


def test_a_missing_language_pack_is_a_clear_error() -> None:
    with pytest.raises(IngestError) as raised:
        tesseract("xx_no_such_pack")
    assert "xx_no_such_pack" in raised.value.message
    assert "system-packages.sh" in raised.value.hint


def test_threads_sharing_an_engine_take_turns() -> None:
    page, _ = render(["The police detained twelve people at the station."], "serif", a4=False)
    grey = np.asarray(page.convert("L"))
    alone = tesseract("eng").tsv(grey, 6, 60)
    with ThreadPoolExecutor(2) as pool:
        readings = list(pool.map(lambda _: tesseract("eng").tsv(grey, 6, 60), range(4)))
    assert "detained" in alone and readings == [alone] * 4

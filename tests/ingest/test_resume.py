"""Kill `erfurt add` with SIGKILL at any moment; running it again loses and repeats nothing."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from erfurt.archive import Archive
from erfurt.ingest import DocumentsView, ExtractionsView
from erfurt.search import SearchView
from ingest_samples import (
    EN_LINES,
    HANS_LINES,
    email_with_attachment,
    image_bytes,
    scan_image,
    text_pdf,
)

CLI = [sys.executable, "-c", "from erfurt.cli import main; main()"]
FILES = 40


def _corpus(folder: Path) -> None:
    folder.mkdir()
    for n in range(30):
        text = f"Note {n}: {HANS_LINES[n % 3]} statement number {n}."
        (folder / f"note-{n:02}.txt").write_bytes(text.encode("gb18030" if n % 2 else "utf-8"))
    for n in range(7):
        text_pdf(folder / f"report-{n}.pdf", [[*EN_LINES, f"report {n}"]] * 3)
    for n in range(2):
        (folder / f"scan-{n}.png").write_bytes(image_bytes(scan_image([*EN_LINES, f"scan {n}"])))
    email_with_attachment(folder / "mail.eml", b"attached note")


def _log_size(archive: Path) -> int:
    try:
        return int((archive / "log" / "checkpoint").read_text("utf-8").splitlines()[1])
    except (OSError, IndexError, ValueError):
        return 0


def _add(archive: Path, corpus: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*CLI, "add", "--archive", str(archive), "--who", "t", "--jobs", "2", str(corpus)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


@pytest.mark.parametrize("kill_at", [8, FILES + 2], ids=["while-adding", "while-extracting"])
def test_sigkill_then_resume_loses_and_repeats_nothing(tmp_path: Path, kill_at: int) -> None:
    corpus, archive = tmp_path / "corpus", tmp_path / "archive"
    _corpus(corpus)
    init = subprocess.run([*CLI, "init", "--archive", str(archive), "--who", "t"], check=False)
    assert init.returncode == 0
    running = _add(archive, corpus)
    while _log_size(archive) < kill_at and running.poll() is None:
        time.sleep(0.005)  # a polling interval: the loop waits for the log, not the clock
    assert running.poll() is None, "the run ended before it could be killed"
    os.killpg(running.pid, signal.SIGKILL)
    running.wait()
    assert _log_size(archive) < FILES * 2 + 3, "the kill came after the work was done"

    assert _add(archive, corpus).wait() == 0

    views = [DocumentsView(), ExtractionsView(), SearchView()]
    with Archive.open(archive, views=views) as opened:
        records = [r for _, r in opened.records()]
    added = collections.Counter(r["name"] for r in records if r.kind == "document.added")
    expected = {p.name for p in corpus.iterdir()} | {"mail.eml/證據.pdf"}
    assert set(added) == expected  # no file lost
    assert set(added.values()) == {1}  # none logged twice
    texts = collections.Counter(r["source"] for r in records if r.kind == "text.extracted")
    blobs = {r["blob"] for r in records if r.kind == "document.added"}
    assert set(texts) == blobs  # every file has its text
    assert set(texts.values()) == {1}  # extracted once
    assert not [r for r in records if r.kind == "extraction.failed"]

"""Kill `erfurt add` with SIGKILL at any moment, or stop it with Ctrl-C; running it again
loses and repeats nothing."""

from __future__ import annotations

import collections
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from erfurt.archive import Archive
from erfurt.ingest import DocumentsView, ExtractionsView
from erfurt.log import LogWriter, Signer
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


def _processes_naming(text: str) -> list[str]:
    """The command lines of the running processes that mention ``text``."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # not a process, or one that ended meanwhile
            continue
        if text in line:
            found.append(line)
    return found


def _interruptible() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_stops_add_with_a_word_on_what_is_kept_and_no_traceback(tmp_path: Path) -> None:
    """Ctrl-C at the terminal (SIGINT to the process group) while `add` runs, its search
    follower started and its first batch waiting for the log's lock: every process
    stops, the user reads one message (not a traceback from each process), and the same
    command run again adds everything."""
    corpus, archive = tmp_path / "corpus", tmp_path / "archive"
    corpus.mkdir()
    for n in range(5):
        (corpus / f"note-{n}.txt").write_text(f"statement {n} taken at the station", "utf-8")
    init = subprocess.run([*CLI, "init", "--archive", str(archive), "--who", "t"], check=False)
    assert init.returncode == 0
    with Archive.open(archive) as opened:
        signer = Signer.from_skey(opened.paths.signing_key.read_text().strip())
        holder = LogWriter.open(opened.paths.log, signer, state=opened.paths.log_state)
    try:
        running = subprocess.Popen(
            [*CLI, "add", "--archive", str(archive), "--who", "t", str(corpus)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own group, as a terminal's foreground job
            # and Ctrl-C's default action, as a terminal gives it: a test run started in
            # the background (as CI starts it) ignores SIGINT, and its children would too.
            preexec_fn=_interruptible,
        )
        assert running.stderr is not None
        line = running.stderr.readline().decode()
        while line and "waiting for its batch to end" not in line:
            line = running.stderr.readline().decode()
        assert line, "`add` ended without waiting for the lock"
        assert _processes_naming(f"erfurt.search.follower {archive}")  # started
        os.killpg(running.pid, signal.SIGINT)
        try:
            _, err = running.communicate(timeout=600)  # ends at once; a bound, not a wait
        except subprocess.TimeoutExpired:
            os.killpg(running.pid, signal.SIGKILL)
            raise
    finally:
        holder.close()
    message = err.decode()
    assert running.returncode == 130, message
    assert "Interrupted: stopped before the end; nothing logged is lost" in message
    assert "run the same command again" in message
    assert "Traceback" not in message and "KeyboardInterrupt" not in message
    assert not _processes_naming(str(archive))  # the follower was stopped with it

    again = subprocess.run([*CLI, "add", "--archive", str(archive), "--who", "t", str(corpus)],
                           capture_output=True, text=True)  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert "5 added" in again.stderr and "text: 5 extracted" in again.stderr
    found = subprocess.run([*CLI, "search", "--archive", str(archive), "--json", "station"],
                           capture_output=True, text=True)  # fmt: skip
    assert json.loads(found.stdout)["total"] == 5
    checked = subprocess.run([*CLI, "log", "check", "--archive", str(archive), "--views"],
                             capture_output=True, text=True)  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr

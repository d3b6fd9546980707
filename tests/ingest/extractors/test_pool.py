from __future__ import annotations

import os
import subprocess
import sys
from multiprocessing import Pipe
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from erfurt.errors import IngestError
from erfurt.extractors import ExtractionJob, ExtractionPool, ExtractOptions
from erfurt.extractors import pool as pool_module
from erfurt.extractors.worker import COMMAND
from ingest_samples import EN_LINES, HANS_LINES, image_bytes, scan_image, scanned_pdf, text_pdf

# No test here depends on the machine's speed: a job that must be stopped reads a FIFO
# nobody writes to (it never ends, however fast the machine), and jobs that must finish
# get a limit far beyond any load (issue 8: a 1 s limit failed under load).
_NO_LIMIT = ExtractOptions(time_limit_s=3600)


def _never_ending(path: Path) -> Path:
    os.mkfifo(path)  # opening it for reading blocks until a writer comes: none will
    return path


def test_pool_stops_a_job_at_the_limit_and_goes_on_with_a_new_worker(tmp_path: Path) -> None:
    jobs = [
        ExtractionJob(n, _never_ending(tmp_path / f"stuck{n}.txt"), f"stuck{n}.txt")
        for n in range(2)
    ]
    with ExtractionPool(ExtractOptions(time_limit_s=1), workers=1) as pool:
        results = dict((job.key, result) for job, result in pool.run(jobs))
    assert sorted(results) == [0, 1]  # the second job ran on a worker started after the kill
    for result in results.values():
        assert not result.ok and "longer than the limit of 1 s" in result.failure


def test_pool_extracts_every_job(tmp_path: Path) -> None:
    tiff = tmp_path / "scan.tif"
    frames = [scan_image(HANS_LINES, degrade=False) for _ in range(2)]
    frames[0].save(tiff, format="TIFF", save_all=True, append_images=frames[1:])
    pdf = scanned_pdf(tmp_path / "scan.pdf", [scan_image(EN_LINES, degrade=False)] * 2)
    jobs = [ExtractionJob(0, tiff, tiff.name), ExtractionJob(5, pdf, pdf.name)]
    for n in range(1, 5):
        jobs.append(ExtractionJob(n, text_pdf(tmp_path / f"{n}.pdf", [[f"document {n}"]]), "x.pdf"))
    with ExtractionPool(_NO_LIMIT, workers=2) as pool:
        results = dict((job.key, result) for job, result in pool.run(jobs))
    assert sorted(results) == [0, 1, 2, 3, 4, 5]
    assert all(result.ok for result in results.values()), results
    for n in range(1, 5):
        assert f"document {n}" in results[n].text


def test_pool_reuses_workers_across_runs(tmp_path: Path) -> None:
    path = tmp_path / "s.png"
    path.write_bytes(image_bytes(scan_image(EN_LINES)))
    blank = tmp_path / "b.png"
    blank.write_bytes(image_bytes(Image.new("L", (200, 200), 255)))
    with ExtractionPool(_NO_LIMIT, workers=1) as pool:
        first = [r for _, r in pool.run([ExtractionJob(1, path, "s.png")])]
        second = [r for _, r in pool.run([ExtractionJob(2, blank, "b.png")])]
    assert "Witness" in first[0].text
    assert second[0].ok and second[0].text == ""


def _notes(folder: Path, numbers: range, ending: str = "\n") -> list[ExtractionJob]:
    """Jobs for text files ``n.txt`` that read ``note n``, one per number."""
    jobs = []
    for n in numbers:
        (folder / f"{n}.txt").write_text(f"note {n}{ending}")
        jobs.append(ExtractionJob(n, folder / f"{n}.txt", f"{n}.txt"))
    return jobs


def test_jobs_queued_behind_a_stopped_job_are_extracted(tmp_path: Path) -> None:
    stuck = ExtractionJob(0, _never_ending(tmp_path / "stuck.txt"), "stuck.txt")
    texts = _notes(tmp_path, range(1, 4))
    # One worker: the three texts are queued behind the stuck job when it is killed.
    with ExtractionPool(ExtractOptions(time_limit_s=2), workers=1) as pool:
        results = dict((job.key, result) for job, result in pool.run([stuck, *texts]))
    assert sorted(results) == [0, 1, 2, 3]
    assert "longer than the limit" in results[0].failure
    for n in range(1, 4):  # on a machine too loaded for 2 s, a text may hit the limit too
        assert results[n].ok or "longer than the limit" in results[n].failure
        assert not results[n].ok or results[n].text == f"note {n}\n"


def test_a_started_pool_that_is_never_used_closes(tmp_path: Path) -> None:
    with ExtractionPool(_NO_LIMIT, workers=2) as pool:
        pool.start()
        assert pool.started == 2
    (tmp_path / "a.txt").write_text("after")
    with ExtractionPool(_NO_LIMIT, workers=1) as pool:
        pool.start()
        [(_, result)] = list(pool.run([ExtractionJob(1, tmp_path / "a.txt", "a.txt")]))
        assert pool.started == 1
    assert result.text == "after"


def test_a_worker_whose_memory_grew_is_replaced(tmp_path: Path) -> None:
    scan = tmp_path / "s.png"
    scan.write_bytes(image_bytes(scan_image(EN_LINES)))
    jobs = [ExtractionJob(0, scan, "s.png"), *_notes(tmp_path, range(1, 5), ending="")]
    # Growth 0: reading the scan loads the OCR models, so the worker takes no job after
    # the three queued behind the scan, and a new worker extracts the last text.
    with ExtractionPool(_NO_LIMIT, workers=1, recycle_growth_bytes=0) as pool:
        results = dict((job.key, result) for job, result in pool.run(jobs))
        assert pool.started == 2
    assert "Witness" in results[0].text
    assert [results[n].text for n in range(1, 5)] == [f"note {n}" for n in range(1, 5)]


def _worker_pids() -> list[int]:
    """The extraction workers among this process's children (from /proc)."""
    children = " ".join(p.read_text() for p in Path("/proc/self/task").glob("*/children"))
    return [int(pid) for pid in children.split() if b"erfurt.extractors.worker" in _command(pid)]


def _command(pid: str) -> bytes:
    """The command line of process ``pid``; empty once it has gone (another test's child
    may exit between the listing and this read)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _libraries_of_workers() -> str:
    """The shared libraries mapped into this process's worker processes (/proc maps)."""
    workers = _worker_pids()
    assert workers
    return "".join(Path(f"/proc/{pid}/maps").read_text() for pid in workers)


def test_a_worker_imports_the_extractors_but_not_the_archive_or_the_cli(tmp_path: Path) -> None:
    # Whatever this process's main script is (pytest here, the erfurt CLI for a user),
    # a worker is a fresh interpreter that imports only its entry point's package: no
    # SQLite (the archive and its views) and no cryptography (the log's signatures).
    jobs = _notes(tmp_path, range(4))
    with ExtractionPool(_NO_LIMIT, workers=2) as pool:
        texts = dict((job.key, result.text) for job, result in pool.run(jobs))
        libraries = _libraries_of_workers()
    assert texts == {n: f"note {n}\n" for n in range(4)}
    assert "charset_normalizer" in libraries  # the text parser, loaded by the first file
    assert "_sqlite3" not in libraries and "cryptography" not in libraries


def test_text_files_never_load_the_ocr_engine_in_the_workers_and_a_scan_does(
    tmp_path: Path,
) -> None:
    jobs = _notes(tmp_path, range(6))
    scan = tmp_path / "s.png"
    scan.write_bytes(image_bytes(scan_image(EN_LINES)))
    with ExtractionPool(_NO_LIMIT, workers=2) as pool:
        texts = dict((job.key, result.text) for job, result in pool.run(jobs))
        libraries = _libraries_of_workers()
        assert "onnxruntime" not in libraries and "cv2" not in libraries
        [(_, scanned)] = list(pool.run([ExtractionJob(9, scan, "s.png")]))
        libraries = _libraries_of_workers()
    assert texts == {n: f"note {n}\n" for n in range(6)}
    assert "Witness" in scanned.text
    assert "onnxruntime" in libraries and "cv2" in libraries


def test_the_first_ready_worker_extracts_while_another_is_still_starting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jobs = _notes(tmp_path, range(9))
    # The second worker stops itself as its interpreter starts (Python imports any
    # sitecustomize on its path first), before it can say it is ready: a start that never
    # ends, however fast or loaded the machine. (Stopping it from the test raced its start.)
    stops = tmp_path / "stops-at-start"
    stops.mkdir()
    (stops / "sitecustomize.py").write_text(
        "import os, signal\nos.kill(os.getpid(), signal.SIGSTOP)\n"
    )
    with ExtractionPool(_NO_LIMIT, workers=2) as pool:
        [(_, first)] = list(pool.run(jobs[:1]))  # one worker, ready now
        monkeypatch.setenv("PYTHONPATH", str(stops))
        pool.start()
        monkeypatch.undo()
        texts = dict((job.key, result.text) for job, result in pool.run(jobs[1:]))
        assert pool.started == 2
    # Leaving the pool killed the stopped worker (a kill reaches a stopped process).
    assert first.text == "note 0\n"
    assert texts == {n: f"note {n}\n" for n in range(1, 9)}


def test_a_worker_that_ends_before_it_reads_its_options_is_reaped_and_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spawned: list[subprocess.Popen[bytes]] = []

    class EndedFirst(subprocess.Popen[bytes]):
        """The worker as started, handed back only once it has ended (not reaped): the
        order a loaded machine sometimes gives, made certain."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            spawned.append(self)
            os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOWAIT)  # ended, left unreaped

    # No standard library where the worker looks for it: its interpreter ends at once.
    monkeypatch.setenv("PYTHONHOME", str(tmp_path / "no-python-here"))
    monkeypatch.setattr(pool_module.subprocess, "Popen", EndedFirst)
    with (
        pytest.raises(IngestError, match="an extraction worker exited while starting"),
        ExtractionPool(_NO_LIMIT, workers=1) as pool,
    ):
        pool.start()
    assert len(spawned) == 1 and spawned[0].returncode is not None  # reaped, not leaked


@pytest.mark.parametrize("when", ["before its options", "with its answer unread"])
def test_a_worker_whose_parent_goes_away_ends_quietly(tmp_path: Path, when: str) -> None:
    """A parent that dies (killed, or Ctrl-C) closes its end of the connection, perhaps
    with the worker's last answer unread (the worker then reads a reset, not an end):
    either way the worker ends at once, with status 0 and no traceback."""
    parent, child = Pipe()
    worker = subprocess.Popen(
        [sys.executable, *COMMAND, str(child.fileno())],
        pass_fds=(child.fileno(),),
        stderr=subprocess.PIPE,
    )
    child.close()
    if when == "with its answer unread":
        parent.send(_NO_LIMIT)
        assert parent.poll(600), "the worker never said it was ready"  # its True, unread
    parent.close()
    _, err = worker.communicate(timeout=600)
    assert worker.returncode == 0, err
    assert err == b""

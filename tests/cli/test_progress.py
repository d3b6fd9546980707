"""Progress: a bar on a terminal, a line every few seconds otherwise, nothing with --quiet."""

from __future__ import annotations

import io
import re
from pathlib import Path

from click.testing import CliRunner, Result

from erfurt.cli import cli
from erfurt.cli.progress import Progress


class Clock:
    """A clock moved by hand: the tests never depend on how fast the machine is."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_not_a_terminal_a_line_every_interval_with_done_bytes_rate_and_eta() -> None:
    clock, out = Clock(), io.StringIO()
    progress = Progress("files", total=10, stream=out, clock=clock, interval_s=5.0)
    for _ in range(3):
        clock.now += 1.0
        progress.advance(1_000_000)
    assert out.getvalue() == ""  # 3 s in: not yet
    clock.now += 2.0
    progress.advance(1_000_000)  # 5 s in: 4 files at 0.8 files/s, 6 left
    assert out.getvalue() == "progress: 4/10 files, 4.0 MB, 0.8 files/s, ETA 8 s\n"
    clock.now += 1.0
    progress.advance()
    assert out.getvalue().count("\n") == 1  # the next line comes 5 s after the last
    clock.now += 4.0
    progress.advance()
    assert out.getvalue().count("\n") == 2
    progress.close()
    last = out.getvalue().splitlines()[-1]
    assert last == "progress: 6/10 files, 4.0 MB, 0.6 files/s, ETA 7 s"
    assert "\r" not in out.getvalue() and "\x1b" not in out.getvalue()


def test_on_a_terminal_a_bar_redrawn_in_place() -> None:
    clock, out = Clock(), Terminal()
    progress = Progress("names", total=4, stream=out, clock=clock)
    for _ in range(2):
        clock.now += 1.0
        progress.advance()
    assert out.getvalue().startswith("\r[" + "#" * 6 + "." * 18 + "] 1/4 names")
    progress.close()
    assert "[" + "#" * 12 + "." * 12 + "] 2/4 names" in out.getvalue()
    assert out.getvalue().endswith("\n")


def test_quiet_shows_no_progress_but_still_shows_messages() -> None:
    clock, out = Clock(), Terminal()
    progress = Progress("files", stream=out, clock=clock, quiet=True)
    clock.now += 60.0
    progress.advance(10)
    progress.message("FAILED: a.pdf: encrypted")
    progress.close()
    assert out.getvalue() == "FAILED: a.pdf: encrypted\n"


def _run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_add_reports_progress_on_stderr_when_not_a_terminal(tmp_path: Path) -> None:
    """`erfurt add` under nohup or a scheduler: progress lines, never bar escapes."""
    arch = tmp_path / "arch"
    assert _run("init", "--archive", arch).exit_code == 0
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(3):
        (folder / f"note-{n}.txt").write_text(f"note {n}\n", encoding="utf-8")
    added = _run("add", "--archive", arch, folder)
    assert added.exit_code == 0, added.output
    lines = added.stderr.splitlines()
    assert any(
        re.fullmatch(r"progress: 3 files, 0\.0 MB, [\d.,]+ files/s; 3 texts", x) for x in lines
    )
    assert any(re.fullmatch(r"progress: 3/3 texts, .*, ETA \d+ s", x) for x in lines), lines
    assert "\x1b" not in added.stderr and "\r" not in added.stderr
    quiet = _run("add", "--archive", arch, "--quiet", "--retry-failed", folder)
    assert quiet.exit_code == 0 and "progress" not in quiet.stderr
    assert "3 files: 0 added" in quiet.stderr  # the summary is not progress: still shown
    # The other long commands: replaying the log, re-hashing every blob.
    rebuilt = _run("rebuild", "--archive", arch)
    assert re.search(r"^progress: 7/7 records, ", rebuilt.stderr, re.M), rebuilt.stderr
    checked = _run("log", "check", "--archive", arch)
    assert re.search(r"^progress: 3 blobs, ", checked.stderr, re.M), checked.stderr


def test_a_job_beside_another_is_counted_on_its_line_until_shown_on_its_own() -> None:
    # `add` extracts each batch's texts while it reads the next: one line says both.
    clock, out = Clock(), io.StringIO()
    texts = Progress("texts", stream=out, clock=clock, interval_s=5.0)
    files = Progress(
        "files", stream=out, clock=clock, interval_s=5.0, also=lambda: f"; {texts.done} texts"
    )
    texts.held = True
    for _ in range(10):
        clock.now += 1.0
        files.advance(100)
        texts.advance(50)
    assert out.getvalue().splitlines() == [
        "progress: 5 files, 0.0 MB, 1.0 files/s; 4 texts",  # the files first, then their texts
        "progress: 10 files, 0.0 MB, 1.0 files/s; 9 texts",
    ]
    texts.held = False
    clock.now += 5.0
    texts.advance(50)
    assert out.getvalue().splitlines()[-1] == "progress: 11 texts, 0.0 MB, 0.7 texts/s"

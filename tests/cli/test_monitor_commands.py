"""`erfurt log monitor` following a log published by a real HTTP server (python -m http.server)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from erfurt.cli import cli


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def _add(archive: Path, folder: Path, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "statement.txt").write_text(text, encoding="utf-8")
    added = run("add", "--archive", archive, folder)
    assert added.exit_code == 0, added.output


@pytest.fixture
def published(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served over HTTP on loopback; yields it and its base URL."""
    folder = tmp_path / "published"
    folder.mkdir()
    server = subprocess.Popen(
        [sys.executable, "-u", "-m", "http.server", "--bind", "127.0.0.1",
         "--directory", str(folder), "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    assert server.stdout is not None
    match = re.search(rb"port (\d+)", server.stdout.readline())
    assert match
    yield folder, f"http://127.0.0.1:{int(match.group(1))}/log"
    server.terminate()
    server.wait(timeout=30)
    server.stdout.close()


def _publish(archive: Path, folder: Path) -> None:
    shutil.rmtree(folder / "log", ignore_errors=True)
    shutil.copytree(archive / "log", folder / "log")


def test_the_monitor_follows_growth_and_catches_a_fork_and_a_rollback(
    tmp_path: Path, published: tuple[Path, str]
) -> None:
    folder, url = published
    archive = tmp_path / "archive"
    assert run("init", "--archive", archive, "--origin", "monitored.example/log").exit_code == 0
    vkey = run("log", "vkey", "--archive", archive).stdout.strip()
    state = tmp_path / "monitor"
    monitor = ("log", "monitor", url, "--vkey", vkey, "--state", state, "--json")

    _add(archive, tmp_path / "a", "first")
    _publish(archive, folder)
    first = run(*monitor)
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["previous_size"] is None
    before = tmp_path / "before"
    shutil.copytree(archive, before)

    for n in range(3):  # enough appends to need a proof across tiles' partial files
        _add(archive, tmp_path / f"b{n}", f"more {n}")
    _publish(archive, folder)
    grew = run(*monitor)
    assert grew.exit_code == 0, grew.output
    seen = json.loads(grew.stdout)
    assert seen["tree_size"] > seen["previous_size"]

    # The key holder rewrites history from the older copy: same key, another tree.
    for n in range(4):
        _add(before, tmp_path / f"f{n}", f"forged {n}")
    _publish(before, folder)
    forked = run(*monitor)
    assert forked.exit_code == 4, forked.output
    (evidence,) = state.glob("evidence-*")
    assert (evidence / "seen-now.checkpoint").read_bytes() == (
        before / "log" / "checkpoint"
    ).read_bytes()

    # What was seen is unchanged by a fork: the genuine log still passes, a rollback does not.
    _publish(archive, folder)
    assert run(*monitor).exit_code == 0
    shutil.rmtree(before)
    rolled = tmp_path / "rolled"
    shutil.copytree(archive, rolled)
    _add(archive, tmp_path / "c", "latest")
    _publish(archive, folder)
    assert run(*monitor).exit_code == 0
    _publish(rolled, folder)
    rollback = run(*monitor)
    assert rollback.exit_code == 4 and "rollback" in rollback.output


def test_a_log_signed_by_another_key_or_not_served_is_reported_not_kept(
    tmp_path: Path, published: tuple[Path, str]
) -> None:
    folder, url = published
    archive = tmp_path / "archive"
    assert run("init", "--archive", archive, "--origin", "monitored.example/log").exit_code == 0
    other = tmp_path / "other"
    assert run("init", "--archive", other, "--origin", "monitored.example/log").exit_code == 0
    vkey = run("log", "vkey", "--archive", archive).stdout.strip()
    state = tmp_path / "monitor"
    missing = run("log", "monitor", url, "--vkey", vkey, "--state", state)
    assert missing.exit_code == 1 and "not found" in missing.output
    _publish(other, folder)
    impostor = run("log", "monitor", url, "--vkey", vkey, "--state", state)
    assert impostor.exit_code == 1 and "signed" in impostor.output
    assert not list(state.glob("seen-*"))
    not_http = run("log", "monitor", "file:///etc", "--vkey", vkey, "--state", state)
    assert not_http.exit_code == 1 and "http" in not_http.output

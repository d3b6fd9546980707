"""Real witnesses on loopback (`erfurt witness serve` processes with keys of their own), and
records added to an archive the way a user adds them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from erfurt.cli import cli

ERFURT = str(Path(sys.executable).with_name("erfurt"))


@dataclass
class RunningWitness:
    """A witness process: its URL, its verifier keys, and its state folder."""

    url: str
    vkeys: list[str]
    process: subprocess.Popen[bytes]
    state: Path


def start_witness(folder: Path, name: str, log_vkey: str) -> RunningWitness:
    """Make keys for witness ``name`` in ``folder`` and serve it for the log ``log_vkey``."""
    folder.mkdir(parents=True)
    key = folder / "witness.key"
    made = CliRunner().invoke(cli, ["witness", "keygen", name, "--out", str(key)])
    assert made.exit_code == 0, made.output
    assert key.stat().st_mode & 0o777 == 0o600
    process = subprocess.Popen(
        [ERFURT, "witness", "serve", "--key-file", str(key),
         "--state", str(folder / "state"), "--log", log_vkey, "--port", "0"],
        stderr=subprocess.PIPE,
    )  # fmt: skip
    assert process.stderr is not None
    line = process.stderr.readline().decode()
    match = re.search(r"(http://127\.0\.0\.1:\d+)/add-checkpoint", line)
    assert match, line
    # Keep reading its request log, so that a full pipe never blocks it.
    threading.Thread(target=process.stderr.read, daemon=True).start()
    return RunningWitness(match.group(1), made.stdout.split(), process, folder / "state")


def stop_witness(witness: RunningWitness) -> None:
    """Stop the process and close its pipe."""
    witness.process.terminate()
    witness.process.wait(timeout=60)
    assert witness.process.stderr is not None
    witness.process.stderr.close()


@contextmanager
def two_witnesses(folder: Path, archive: Path) -> Iterator[list[RunningWitness]]:
    """Witnesses w1.example and w2.example for ``archive``, configured in it."""
    runner = CliRunner()
    vkey = runner.invoke(cli, ["log", "vkey", "--archive", str(archive)]).stdout.strip()
    started = [
        start_witness(folder / "w1", "w1.example", vkey),
        start_witness(folder / "w2", "w2.example", vkey),
    ]
    try:
        for w in started:
            args = ["log", "witness", "add", "--archive", str(archive), w.url, *w.vkeys]
            assert runner.invoke(cli, args).exit_code == 0
        yield started
    finally:
        for w in started:
            stop_witness(w)


def add_statement(archive: Path, folder: Path, text: str) -> int:
    """Add a text file saying ``text`` with `erfurt add`; returns its record's index."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{abs(hash(text))}.txt").write_text(text, encoding="utf-8")
    added = CliRunner().invoke(cli, ["add", "--archive", str(archive), "--json", str(folder)])
    assert added.exit_code == 0, added.output
    rows = [json.loads(line) for line in added.stdout.splitlines() if '"path"' in line]
    return int(rows[-1]["record"])

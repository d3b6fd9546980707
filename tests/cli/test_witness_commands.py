"""Witnesses for real: two `erfurt witness serve` processes cosign an archive's checkpoints.

They catch a forked history and a rolled-back log; a receipt carrying their cosignatures
verifies offline with their keys, and one altered byte fails it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from erfurt.cli import cli

ERFURT = str(Path(sys.executable).with_name("erfurt"))


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@dataclass
class RunningWitness:
    url: str
    vkeys: list[str]
    process: subprocess.Popen[bytes]
    state: Path


def _start_witness(folder: Path, name: str, log_vkey: str) -> RunningWitness:
    folder.mkdir(parents=True)
    made = run("witness", "keygen", name, "--out", folder / "witness.key")
    assert made.exit_code == 0, made.output
    assert (folder / "witness.key").stat().st_mode & 0o777 == 0o600
    process = subprocess.Popen(
        [ERFURT, "witness", "serve", "--key-file", str(folder / "witness.key"),
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


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "archive"
    assert run("init", "--archive", path, "--origin", "witnessed.example/log").exit_code == 0
    _add(path, tmp_path / "first", "first statement")
    return path


def _add(archive: Path, folder: Path, text: str) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{abs(hash(text))}.txt").write_text(text, encoding="utf-8")
    added = run("add", "--archive", archive, "--json", folder)
    assert added.exit_code == 0, added.output
    rows = [json.loads(line) for line in added.stdout.splitlines() if '"path"' in line]
    return int(rows[-1]["record"])


@pytest.fixture
def witnesses(tmp_path: Path, archive: Path) -> Iterator[list[RunningWitness]]:
    vkey = run("log", "vkey", "--archive", archive).stdout.strip()
    started = [
        _start_witness(tmp_path / "w1", "w1.example", vkey),
        _start_witness(tmp_path / "w2", "w2.example", vkey),
    ]
    for w in started:
        assert run("log", "witness", "add", "--archive", archive, w.url, *w.vkeys).exit_code == 0
    yield started
    for w in started:
        w.process.terminate()
        w.process.wait(timeout=30)
        assert w.process.stderr is not None
        w.process.stderr.close()


def _submit(archive: Path) -> Result:
    return run("log", "witness", "submit", "--archive", archive, "--json")


def test_a_receipt_cosigned_by_two_witnesses_verifies_offline(
    tmp_path: Path, archive: Path, witnesses: list[RunningWitness]
) -> None:
    index = _add(archive, tmp_path / "second", "second statement")
    submitted = _submit(archive)
    assert submitted.exit_code == 0, submitted.output
    report = json.loads(submitted.stdout)
    assert report["stored"] and all(w["problem"] is None for w in report["witnesses"])
    assert {c["algorithm"] for w in report["witnesses"] for c in w["cosigned"]} == {
        "ed25519",
        "ml-dsa-44",
    }
    assert run("log", "check", "--archive", archive).exit_code == 0

    receipt = tmp_path / "r.tlog-proof"
    assert run("prove", "--archive", archive, index, "--out", receipt).exit_code == 0
    vkey = run("log", "vkey", "--archive", archive).stdout.strip()
    keys = [arg for w in witnesses for key in w.vkeys for arg in ("--witness", key)]
    verified = run("verify", "--vkey", vkey, *keys, "--json", receipt)
    assert verified.exit_code == 0, verified.output
    proved = json.loads(verified.stdout)["proved"]
    assert any("w1.example" in line for line in proved)
    assert any("w2.example" in line for line in proved)

    # Elsewhere, with only the keys: one altered byte anywhere fails it.
    data = receipt.read_bytes()
    for position in range(0, len(data), max(1, len(data) // 24)):
        altered = bytearray(data)
        altered[position] ^= 0x01
        receipt.write_bytes(bytes(altered))
        result = run("verify", "--vkey", vkey, *keys, receipt)
        assert result.exit_code != 0, f"byte {position} altered and still verified"
    receipt.write_bytes(data)

    # A witness that never cosigned is not counted; --min-witnesses says how many suffice.
    stranger = run("witness", "keygen", "w3.example", "--out", tmp_path / "w3.key")
    w3 = stranger.stdout.split()[0]
    refused = run("verify", "--vkey", vkey, "--witness", w3, receipt)
    assert refused.exit_code == 1 and "0 of the witnesses" in refused.output
    enough = run("verify", "--vkey", vkey, "--witness", w3, *keys, "--min-witnesses", "2", receipt)
    assert enough.exit_code == 0, enough.output


def test_witnesses_refuse_a_forked_history_and_catch_a_rollback(
    tmp_path: Path, archive: Path, witnesses: list[RunningWitness]
) -> None:
    assert _submit(archive).exit_code == 0
    # Someone with the signing key keeps a second copy of the archive and lets it diverge.
    fork = tmp_path / "fork"
    shutil.copytree(archive, fork)
    rolled_back = tmp_path / "rolled-back"
    shutil.copytree(archive, rolled_back)
    _add(archive, tmp_path / "real", "what really happened")
    _add(fork, tmp_path / "forged", "what the forger wants seen")
    assert _submit(archive).exit_code == 0

    forked = _submit(fork)
    assert forked.exit_code == 1
    problems = [w["problem"] for w in json.loads(forked.stdout)["witnesses"]]
    assert all(p and "HTTP 422" in p for p in problems), problems
    for w in witnesses:  # the forged checkpoint is kept as evidence
        (evidence,) = (w.state / "evidence").iterdir()
        fork_checkpoint = (fork / "log" / "checkpoint").read_bytes()
        assert evidence.read_bytes() == fork_checkpoint

    rollback = _submit(rolled_back)
    assert rollback.exit_code == 4
    report = json.loads(rollback.stdout)
    assert all(w["fork_evidence"] for w in report["witnesses"])
    assert "rolled back" in report["witnesses"][0]["problem"]


def test_a_witness_that_is_down_delays_nothing_and_changes_nothing(
    tmp_path: Path, archive: Path, witnesses: list[RunningWitness]
) -> None:
    witnesses[1].process.terminate()
    witnesses[1].process.wait(timeout=30)
    before = (archive / "log" / "checkpoint").read_bytes()
    result = _submit(archive)
    assert result.exit_code == 1
    outcomes = json.loads(result.stdout)["witnesses"]
    assert outcomes[0]["problem"] is None and "not reachable" in outcomes[1]["problem"]
    after = (archive / "log" / "checkpoint").read_bytes()
    assert after.startswith(before) and after.count("— w1.example".encode()) == 2
    # Appending goes on; the new checkpoint drops the old cosignatures until resubmitted.
    _add(archive, tmp_path / "more", "more")
    assert b"w1.example" not in (archive / "log" / "checkpoint").read_bytes()


def test_witness_keys_and_entries_are_checked(tmp_path: Path, archive: Path) -> None:
    vkey = run("log", "vkey", "--archive", archive).stdout.strip()
    wrong_type = run("log", "witness", "add", "--archive", archive, "http://127.0.0.1:9", vkey)
    assert wrong_type.exit_code != 0 and "not a cosigner key" in wrong_type.output
    not_http = run("log", "witness", "add", "--archive", archive, "file:///etc/passwd", vkey)
    assert not_http.exit_code != 0 and "http" in not_http.output
    key = tmp_path / "w.key"
    run("witness", "keygen", "w.example", "--out", key)
    key.chmod(0o644)
    refused = run(
        "witness",
        "serve",
        "--key-file",
        key,
        "--state",
        tmp_path / "s",
        "--log",
        vkey,
        "--port",
        "0",
    )
    assert refused.exit_code != 0 and "chmod 600" in refused.output
    again = run("witness", "keygen", "w.example", "--out", key)
    assert again.exit_code != 0 and "already exists" in again.output

"""Checkpoints timestamped and cosigned in the background, and receipts that say what they
prove: a real openssl TSA and two `erfurt witness serve` processes on loopback."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from erfurt.archive import Archive, Attester, AttestRound
from erfurt.cli import cli
from erfurt.errors import ErfurtError
from erfurt.log import split_note
from erfurt.web.server import start_attester
from trust_services import RunningWitness, add_statement, two_witnesses
from tsa_server import RunningTsa, running_tsa

# Generous: only a machine that has stopped makes a round take this long.
PATIENCE = 300


def run(*args: str | Path | int) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def _signers(archive: Path) -> list[str]:
    return [s.name for s in split_note((archive / "log" / "checkpoint").read_bytes())[1]]


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "archive"
    assert run("init", "--archive", path, "--origin", "attested.example/log").exit_code == 0
    add_statement(path, tmp_path / "first", "first statement")
    return path


@pytest.fixture
def tsa(tmp_path: Path, archive: Path) -> Iterator[RunningTsa]:
    with running_tsa(tmp_path / "tsa") as running:
        added = run("log", "tsa", "add", "--archive", archive, "tsa.test", running.url,
                    running.root_pem)  # fmt: skip
        assert added.exit_code == 0, added.output
        yield running


@pytest.fixture
def witnesses(tmp_path: Path, archive: Path) -> Iterator[list[RunningWitness]]:
    with two_witnesses(tmp_path, archive) as started:
        yield started


def test_attest_signs_what_is_missing_once_and_the_receipt_says_what_it_proves(
    tmp_path: Path, archive: Path, tsa: RunningTsa, witnesses: list[RunningWitness]
) -> None:
    index = add_statement(archive, tmp_path / "second", "the order was given on the 4th")
    first = run("log", "attest", "--archive", archive, "--json")
    assert first.exit_code == 0, first.output
    done = json.loads(first.stdout)
    assert [t["name"] for t in done["timestamps"]] == ["tsa.test"]
    assert all(w["cosigned"] and not w["problem"] for w in done["witnesses"])
    signed = (archive / "log" / "checkpoint").read_bytes()
    assert sorted(set(_signers(archive))) == [
        "attested.example/log", "tsa.test", "w1.example", "w2.example",
    ]  # fmt: skip

    # Nothing is missing any more: nobody is asked again, nothing changes.
    again = run("log", "attest", "--archive", archive, "--json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["timestamps"] == json.loads(again.stdout)["witnesses"] == []
    assert (archive / "log" / "checkpoint").read_bytes() == signed

    receipt = tmp_path / "r.tlog-proof"
    assert run("prove", "--archive", archive, str(index), "--out", receipt).exit_code == 0
    vkey = run("log", "vkey", "--archive", archive).stdout.strip()

    # Checked with nothing but the log's key: the other signatures are named, unchecked,
    # and the date and the single view are said to rest on the operator.
    bare = run("verify", "--vkey", vkey, "--json", receipt)
    assert bare.exit_code == 0, bare.output
    assurance = json.loads(bare.stdout)["assurance"]
    assert assurance["unchecked_signatures"] == ["tsa.test", "w1.example", "w2.example"]
    assert assurance["timestamps"] == assurance["witnesses"] == []
    when, view, key, content = assurance["trusted"]
    assert "operator's own clock" in when and "--tsa-root" in when
    assert "no witness cosignature was checked" in view
    assert vkey.split("+")[0] in key and "not that it is accurate" in content
    words = run("verify", "--vkey", vkey, receipt)
    assert "trusted, not proved: when it was logged" in words.output
    assert "not checked: signatures by tsa.test, w1.example, w2.example" in words.output

    # With the TSA's root and the witnesses' keys, they become proofs.
    keys = [arg for w in witnesses for k in w.vkeys for arg in ("--witness", k)]
    full = run("verify", "--vkey", vkey, *keys, "--tsa-root", tsa.root_pem, "--json", receipt)
    assert full.exit_code == 0, full.output
    assurance = json.loads(full.stdout)["assurance"]
    assert assurance["unchecked_signatures"] == []
    assert [t["tsa"] for t in assurance["timestamps"]] == ["tsa.test"]
    assert [w["name"] for w in assurance["witnesses"]] == ["w1.example", "w2.example"]
    assert assurance["record"] == index and assurance["key_pinned"] is True
    when, view = assurance["trusted"][:2]
    assert when.startswith("how long before") and "w1.example, w2.example" in view
    assert any("no later than" in p and "tsa.test" in p for p in assurance["proved"])

    # An evidence package names the signatures it carries and what they would prove.
    package = tmp_path / "package"
    assert run("export", "--archive", archive, str(index), "--out", package).exit_code == 0
    how = (package / "data" / "HOW-TO-VERIFY.txt").read_text(encoding="utf-8")
    assert "signatures by tsa.test, w1.example, w2.example" in " ".join(how.split())
    checked = run("verify", "--vkey", vkey, *keys, "--tsa-root", tsa.root_pem, package)
    assert checked.exit_code == 0, checked.output


def test_a_fork_seen_by_a_witness_stops_the_attest_loop_with_exit_4(
    tmp_path: Path, archive: Path, witnesses: list[RunningWitness]
) -> None:
    rolled_back = tmp_path / "rolled-back"
    shutil.copytree(archive, rolled_back)
    add_statement(archive, tmp_path / "later", "what happened later")
    assert run("log", "attest", "--archive", archive).exit_code == 0
    # The witnesses hold a larger tree than the copy: the loop must not go on quietly.
    looping = run("log", "attest", "--archive", rolled_back, "--interval", "1", "--json")
    assert looping.exit_code == 4, looping.output
    assert json.loads(looping.stdout.splitlines()[-1])["fork_evidence"] is True


def test_a_tsa_that_fails_is_asked_again_until_it_signs(
    tmp_path: Path, archive: Path, tsa: RunningTsa
) -> None:
    tsa.answer_garbage = True
    rounds: list[AttestRound] = []
    signed = threading.Event()

    def report(done: AttestRound) -> None:
        rounds.append(done)
        if done.problems:
            tsa.answer_garbage = False  # the TSA comes back after its first failure
        if done.signed:
            signed.set()

    def fail(exc: ErfurtError | OSError) -> None:
        raise AssertionError(exc)

    attester = Attester(
        lambda: Archive.open(archive, catch_up=False), interval=1, report=report, on_error=fail
    )
    thread = attester.start()
    try:
        assert signed.wait(PATIENCE), [r.problems for r in rounds]
    finally:
        attester.stop()
        thread.join(PATIENCE)
    assert "no token" in rounds[0].problems[0]
    assert "tsa.test" in _signers(archive)
    assert run("log", "check", "--archive", archive).exit_code == 0


def test_serve_attests_new_checkpoints_in_the_background(
    tmp_path: Path, archive: Path, tsa: RunningTsa
) -> None:
    config = archive / "erfurt.toml"
    settings = config.read_text(encoding="utf-8")
    assert "attest_interval = 60" in settings
    config.write_text(settings.replace("attest_interval = 60", "attest_interval = 0"))
    assert start_attester(archive) is None  # turned off
    config.write_text(settings.replace("attest_interval = 60", "attest_interval = 1"))
    attester = start_attester(archive)
    assert attester is not None
    stamped = threading.Event()
    try:
        add_statement(archive, tmp_path / "while-serving", "recorded while the server runs")
        with Archive.open(archive, catch_up=False) as opened:
            size = opened.checkpoint.tree_size

        def watch() -> None:
            while not stamped.is_set():
                note = (archive / "log" / "checkpoint").read_bytes()
                if b"\n" + str(size).encode() + b"\n" in note and "tsa.test" in _signers(archive):
                    stamped.set()
                else:
                    stamped.wait(0.2)

        threading.Thread(target=watch, daemon=True).start()
        assert stamped.wait(PATIENCE)
    finally:
        attester.stop()
        stamped.set()

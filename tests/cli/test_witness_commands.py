"""Witnesses for real: two `erfurt witness serve` processes cosign an archive's checkpoints.

They catch a forked history and a rolled-back log; a receipt carrying their cosignatures
verifies offline with their keys, and one altered byte fails it.
"""

from __future__ import annotations

import http.client
import json
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner, Result

from erfurt.archive import (
    check_cosignatures,
    load_root_certificate,
    load_verifier,
    parse_witness_keys,
    verify_receipt,
    verify_timestamps,
)
from erfurt.cli import cli
from erfurt.errors import ErfurtError
from trust_services import RunningWitness, add_statement, two_witnesses
from tsa_server import running_tsa


def run(*args: str | Path | int) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "archive"
    assert run("init", "--archive", path, "--origin", "witnessed.example/log").exit_code == 0
    add_statement(path, tmp_path / "first", "first statement")
    return path


@pytest.fixture
def witnesses(tmp_path: Path, archive: Path) -> Iterator[list[RunningWitness]]:
    with two_witnesses(tmp_path, archive) as started:
        yield started


def _submit(archive: Path) -> Result:
    return run("log", "witness", "submit", "--archive", archive, "--json")


def test_a_receipt_cosigned_by_two_witnesses_verifies_offline(
    tmp_path: Path, archive: Path, witnesses: list[RunningWitness]
) -> None:
    index = add_statement(archive, tmp_path / "second", "second statement")
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
    add_statement(archive, tmp_path / "real", "what really happened")
    add_statement(fork, tmp_path / "forged", "what the forger wants seen")
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
    add_statement(archive, tmp_path / "more", "more")
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


def test_a_receipt_with_a_timestamp_and_two_witnesses_fails_on_any_altered_byte(
    tmp_path: Path, archive: Path, witnesses: list[RunningWitness]
) -> None:
    with running_tsa(tmp_path / "tsa") as tsa:
        run("log", "tsa", "add", "--archive", archive, "test-tsa", tsa.url, tsa.root_pem)
        index = add_statement(archive, tmp_path / "second", "the statement to prove")
        assert run("log", "timestamp", "--archive", archive).exit_code == 0
    assert run("log", "witness", "submit", "--archive", archive).exit_code == 0
    receipt = tmp_path / "r.tlog-proof"
    assert run("prove", "--archive", archive, index, "--out", receipt).exit_code == 0

    # On another machine: only the receipt, the archive's vkey, the witness keys and the
    # TSA's root certificate.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(receipt, elsewhere / "r.tlog-proof")
    shutil.copy(tsa.root_pem, elsewhere / "tsa-root.pem")
    vkey = run("log", "vkey", "--archive", archive).stdout.strip()
    keys = [arg for w in witnesses for key in w.vkeys for arg in ("--witness", key)]
    verified = run(
        "verify", "--vkey", vkey, *keys, "--tsa-root", elsewhere / "tsa-root.pem", "--json",
        elsewhere / "r.tlog-proof",
    )  # fmt: skip
    assert verified.exit_code == 0, verified.output
    proved = " ".join(json.loads(verified.stdout)["proved"])
    assert "w1.example" in proved and "w2.example" in proved and "no later than" in proved

    verifier = load_verifier(vkey)
    witness_keys = parse_witness_keys([k for w in witnesses for k in w.vkeys], source="test")
    root = load_root_certificate((elsewhere / "tsa-root.pem").read_bytes(), source="test")

    def verifies(data: bytes) -> bool:
        try:
            check = verify_receipt(data, verifier)
            check_cosignatures(check.checkpoint_note, witness_keys, 2, source="r")
            return bool(verify_timestamps(check.checkpoint_note, [root], source="r"))
        except ErfurtError:
            return False

    data = receipt.read_bytes()
    assert verifies(data)
    for position in _every_byte_that_could_matter(data):
        altered = bytearray(data)
        altered[position] ^= 0x01
        context = data[max(0, position - 60) : position + 20]
        assert not verifies(bytes(altered)), f"byte {position} altered, still verified: {context!r}"


def _every_byte_that_could_matter(data: bytes) -> list[int]:
    """Every byte, except that in the long signature payloads (kilobytes of ML-DSA
    signature and token, where a flip can only break a signature) every 7th is enough."""
    positions = []
    start = 0
    for line in data.split(b"\n"):
        for offset in range(len(line) + 1):
            if offset < 120 or offset % 7 == 0 or offset > len(line) - 8:
                positions.append(start + offset)
        start += len(line) + 1
    return [p for p in positions if p < len(data)]


def test_a_witness_that_never_answers_costs_the_timeout_and_changes_nothing(
    tmp_path: Path, archive: Path
) -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # connections are accepted by the kernel, and never answered
    try:
        made = run("witness", "keygen", "silent.example", "--out", tmp_path / "silent.key")
        key = made.stdout.split()[0]
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        assert run("log", "witness", "add", "--archive", archive, url, key).exit_code == 0
        before = (archive / "log" / "checkpoint").read_bytes()
        result = run("log", "witness", "submit", "--archive", archive, "--json", "--timeout", "2")
    finally:
        silent.close()
    assert result.exit_code == 1
    assert "timed out" in json.loads(result.stdout)["witnesses"][0]["problem"]
    assert (archive / "log" / "checkpoint").read_bytes() == before


@pytest.mark.parametrize("length", ["\u00b2", "-1", "", "1e3"])
def test_a_witness_answers_a_content_length_that_is_no_number(
    witnesses: list[RunningWitness], length: str
) -> None:
    # "²" passed str.isdigit and made int() raise: the request got no answer at all.
    url = urlsplit(witnesses[0].url)
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=60)
    try:
        connection.putrequest("POST", url.path.rstrip("/") + "/add-checkpoint")
        connection.putheader("Content-Length", length)
        connection.endheaders()
        answer = connection.getresponse()
        assert answer.status == 411, answer.read()
    finally:
        connection.close()

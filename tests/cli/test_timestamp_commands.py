"""RFC 3161 timestamps of checkpoints, from a real openssl TSA on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from erfurt.cli import cli
from tsa_server import RunningTsa, make_tsa_keys, replace_with_expired_certificate, running_tsa


def run(*args: str | Path | int) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def tsa(tmp_path: Path) -> Iterator[RunningTsa]:
    with running_tsa(tmp_path / "tsa") as running:
        yield running


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "archive"
    assert run("init", "--archive", path, "--origin", "stamped.example/log").exit_code == 0
    return path


def _add(archive: Path, folder: Path, text: str) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "statement.txt").write_text(text, encoding="utf-8")
    added = run("add", "--archive", archive, "--json", folder)
    assert added.exit_code == 0, added.output
    rows = [json.loads(line) for line in added.stdout.splitlines() if '"path"' in line]
    return int(rows[-1]["record"])


def test_a_timestamped_receipt_says_when_and_fails_on_one_altered_byte(
    tmp_path: Path, archive: Path, tsa: RunningTsa
) -> None:
    added = run("log", "tsa", "add", "--archive", archive, "test-tsa", tsa.url, tsa.root_pem)
    assert added.exit_code == 0, added.output
    index = _add(archive, tmp_path / "a", "the order was given")
    stamped = run("log", "timestamp", "--archive", archive, "--json")
    assert stamped.exit_code == 0, stamped.output
    (authority,) = json.loads(stamped.stdout)["authorities"]
    assert authority["name"] == "test-tsa" and authority["time"]
    # The log moves on; the receipt still uses the timestamped checkpoint, kept aside.
    _add(archive, tmp_path / "b", "later")
    assert run("log", "check", "--archive", archive).exit_code == 0

    receipt = tmp_path / "r.tlog-proof"
    assert run("prove", "--archive", archive, index, "--out", receipt).exit_code == 0
    vkey = run("log", "vkey", "--archive", archive).stdout.strip()
    verified = run("verify", "--vkey", vkey, "--tsa-root", tsa.root_pem, "--json", receipt)
    assert verified.exit_code == 0, verified.output
    proved = json.loads(verified.stdout)["proved"]
    assert any("logged no later than" in p and "test-tsa" in p for p in proved), proved

    data = receipt.read_bytes()
    for position in range(0, len(data), max(1, len(data) // 24)):
        altered = bytearray(data)
        altered[position] ^= 0x01
        receipt.write_bytes(bytes(altered))
        result = run("verify", "--vkey", vkey, "--tsa-root", tsa.root_pem, receipt)
        assert result.exit_code != 0, f"byte {position} altered and still verified"
    receipt.write_bytes(data)

    # Another authority's root proves nothing about this receipt.
    other = tmp_path / "other-tsa"
    make_tsa_keys(other, "Other TSA")
    refused = run("verify", "--vkey", vkey, "--tsa-root", other / "root.pem", receipt)
    assert refused.exit_code == 1 and "no timestamp" in refused.output


def test_a_tsa_that_is_down_or_answers_garbage_changes_nothing(
    tmp_path: Path, archive: Path, tsa: RunningTsa
) -> None:
    run("log", "tsa", "add", "--archive", archive, "test-tsa", tsa.url, tsa.root_pem)
    _add(archive, tmp_path / "a", "statement")
    before = (archive / "log" / "checkpoint").read_bytes()
    tsa.answer_garbage = True
    garbage = run("log", "timestamp", "--archive", archive, "--json")
    assert garbage.exit_code == 1
    assert "no token" in json.loads(garbage.stdout)["authorities"][0]["problem"]
    run("log", "tsa", "add", "--archive", archive, "test-tsa", "http://127.0.0.1:9/", tsa.root_pem)
    down = run("log", "timestamp", "--archive", archive, "--json", "--timeout", "5")
    assert down.exit_code == 1
    assert "not reachable" in json.loads(down.stdout)["authorities"][0]["problem"]
    assert (archive / "log" / "checkpoint").read_bytes() == before
    assert not (archive / "log" / "checkpoints").exists()


def test_a_token_from_an_untrusted_authority_is_not_kept(
    tmp_path: Path, archive: Path, tsa: RunningTsa
) -> None:
    other = tmp_path / "other-tsa"
    make_tsa_keys(other, "Other TSA")
    # The archive is told to trust another root than the one this TSA chains to.
    run("log", "tsa", "add", "--archive", archive, "test-tsa", tsa.url, other / "root.pem")
    _add(archive, tmp_path / "a", "statement")
    result = run("log", "timestamp", "--archive", archive, "--json")
    assert result.exit_code == 1
    assert "does not verify" in json.loads(result.stdout)["authorities"][0]["problem"]
    assert b"test-tsa" not in (archive / "log" / "checkpoint").read_bytes()
    wrong = tmp_path / "not-a-cert.pem"
    wrong.write_text("hello", encoding="ascii")
    refused = run("log", "tsa", "add", "--archive", archive, "x", tsa.url, wrong)
    assert refused.exit_code != 0 and "not an X.509 certificate" in refused.output


def test_a_tsa_whose_certificate_expired_is_refused(tmp_path: Path, archive: Path) -> None:
    keys = tmp_path / "expired-tsa"
    make_tsa_keys(keys)
    replace_with_expired_certificate(keys)
    with running_tsa(keys) as expired:
        run("log", "tsa", "add", "--archive", archive, "old-tsa", expired.url, expired.root_pem)
        _add(archive, tmp_path / "a", "statement")
        result = run("log", "timestamp", "--archive", archive, "--json")
    assert result.exit_code == 1
    assert "expired" in json.loads(result.stdout)["authorities"][0]["problem"]
    assert b"old-tsa" not in (archive / "log" / "checkpoint").read_bytes()


def test_a_token_moved_onto_another_checkpoint_fails_verification(
    tmp_path: Path, archive: Path, tsa: RunningTsa
) -> None:
    run("log", "tsa", "add", "--archive", archive, "test-tsa", tsa.url, tsa.root_pem)
    _add(archive, tmp_path / "a", "first")
    assert run("log", "timestamp", "--archive", archive).exit_code == 0
    token_line = next(
        line
        for line in (archive / "log" / "checkpoint").read_text(encoding="utf-8").splitlines()
        if line.startswith("— test-tsa ")
    )
    index = _add(archive, tmp_path / "b", "second, never timestamped")
    receipt = tmp_path / "r.tlog-proof"
    assert run("prove", "--archive", archive, str(index), "--out", receipt).exit_code == 0
    # Someone pastes the earlier checkpoint's token under the newer one's signature.
    receipt.write_text(receipt.read_text(encoding="utf-8") + token_line + "\n", encoding="utf-8")
    vkey = run("log", "vkey", "--archive", archive).stdout.strip()
    assert run("verify", "--vkey", vkey, receipt).exit_code == 0  # the log's proof holds
    forged = run("verify", "--vkey", vkey, "--tsa-root", tsa.root_pem, receipt)
    assert forged.exit_code == 1 and "does not verify" in forged.output

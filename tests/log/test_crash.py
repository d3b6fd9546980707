"""SIGKILL the writer at random moments; every acknowledged entry survives, and the log
stays consistent with every checkpoint it ever published."""

from __future__ import annotations

import base64
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from erfurt.log import (
    EMPTY_ROOT,
    LogReader,
    LogWriter,
    Signer,
    check_log,
    open_checkpoint,
    verify_consistency,
)

from .conftest import ORIGIN
from .crash_child import entry

CHILD = Path(__file__).with_name("crash_child.py")
ROUNDS = 5


def _run_and_kill(directory: Path, signer: Signer, seed: int, delay: float) -> list[str]:
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(directory), signer.skey, str(seed)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        ready = child.stdout.readline()  # the writer has opened (and recovered) the log
        time.sleep(delay)
    finally:
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate()
    assert ready == "open\n", err
    assert child.returncode == -signal.SIGKILL, err
    # A line cut by the kill was never fully acknowledged: keep complete lines only.
    return out.split("\n")[:-1]


def test_sigkill_at_random_moments_loses_no_acknowledged_entry(tmp_path: Path) -> None:
    directory = tmp_path / "log"
    signer = Signer.generate(ORIGIN)
    with LogWriter.open(directory, signer, ORIGIN):
        pass
    rng = random.Random(2026)
    seen_notes: list[bytes] = []
    acknowledged = 0
    for round_number in range(ROUNDS):
        lines = _run_and_kill(directory, signer, round_number, rng.uniform(0.0, 0.4))
        for line in lines:
            first, size, note = line.split(" ")
            assert int(first) <= acknowledged <= int(size)
            acknowledged = int(size)
            seen_notes.append(base64.b64decode(note))
        with LogWriter.open(directory, signer) as writer:  # recovers
            assert writer.tree_size >= acknowledged
            acknowledged = writer.tree_size
        result = check_log(directory, signer.verifier)
        reader = LogReader(directory)
        current = reader.checkpoint(signer.verifier)
        assert result.root_hash == current.root_hash
        assert list(reader.entries(0, current.tree_size, current.tree_size)) == [
            entry(i) for i in range(current.tree_size)
        ]
        for note in seen_notes:
            old = open_checkpoint(note, signer.verifier)
            if old.tree_size == 0:  # killed before its first append: every tree extends it
                assert old.root_hash == EMPTY_ROOT
                continue
            proof = reader.consistency_proof(old.tree_size, current.tree_size)
            verify_consistency(old, current, proof)
        seen_notes.append(reader.checkpoint_note())
    assert acknowledged > 0
    with LogWriter.open(directory, signer) as writer:
        writer.append([entry(i) for i in range(acknowledged, acknowledged + 10)])
    assert check_log(directory, signer.verifier).tree_size == acknowledged + 10

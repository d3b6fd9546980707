"""Shared fixtures for the log tests: the shared test vectors and small on-disk logs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from erfurt.log import LogWriter, Signer

# The shared data folder sits beside the repository (../shared/data); the tests fail,
# never skip, if it is missing.
TLOG_DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "tlog"
ORIGIN = "example.org/test-log"


def tlog_data(*parts: str) -> Path:
    path = TLOG_DATA.joinpath(*parts)
    assert path.exists(), f"test vectors missing: {path} (the shared data folder is required)"
    return path


def load_json(*parts: str) -> Any:
    return json.loads(tlog_data(*parts).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def signer() -> Signer:
    return Signer.generate(ORIGIN)


def make_log(directory: Path, signer: Signer, batches: list[list[bytes]]) -> list[bytes]:
    """Write a log with the given batches; return the signed checkpoint after each batch."""
    notes = []
    with LogWriter.open(directory, signer, ORIGIN) as writer:
        for batch in batches:
            writer.append(batch)
            notes.append(writer.checkpoint)
    return notes

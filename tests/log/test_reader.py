"""The reader: plain reads, bad arguments, and reading while a writer appends."""

from __future__ import annotations

import random
import threading
from pathlib import Path

import pytest

from erfurt.log import (
    LogError,
    LogReader,
    LogWriter,
    Signer,
    leaf_hash,
    open_checkpoint,
    verify_consistency,
    verify_inclusion,
)

from .conftest import ORIGIN


def _entry(i: int) -> bytes:
    return b"entry %d" % i


def test_bad_arguments_are_refused(tmp_path: Path, signer: Signer) -> None:
    with LogWriter.open(tmp_path / "log", signer, ORIGIN) as writer:
        writer.append([_entry(i) for i in range(300)])
    reader = LogReader(tmp_path / "log")
    with pytest.raises(LogError, match="entry 300 is not in a tree of size 300"):
        reader.entry(300, 300)
    with pytest.raises(LogError, match="entry -1"):
        reader.leaf_hash(-1, 300)
    with pytest.raises(LogError, match=r"entries 5\.\.301"):
        list(reader.entries(5, 301, 300))
    with pytest.raises(LogError, match="no consistency proof from size 0"):
        reader.consistency_proof(0, 300)
    with pytest.raises(LogError, match="no consistency proof from size 301"):
        reader.consistency_proof(301, 300)
    assert reader.consistency_proof(300, 300) == []
    assert list(reader.entries(250, 260, 300)) == [_entry(i) for i in range(250, 260)]
    assert reader.leaf_hash(299, 300) == leaf_hash(_entry(299))
    with pytest.raises(LogError, match=r"checkpoint: missing"):
        LogReader(tmp_path / "nowhere").checkpoint_note()


def test_reading_while_a_writer_appends(tmp_path: Path, signer: Signer) -> None:
    directory = tmp_path / "log"
    writer = LogWriter.open(directory, signer, ORIGIN)
    done = threading.Event()

    def append() -> None:
        try:
            for start in range(0, 3000, 150):
                writer.append([_entry(i) for i in range(start, start + 150)])
        finally:
            done.set()
            writer.close()

    thread = threading.Thread(target=append)
    thread.start()
    reader = LogReader(directory)
    rng = random.Random(5)
    first = None
    checks = 0
    while not done.is_set() or checks < 5:
        checkpoint = open_checkpoint(reader.checkpoint_note(), signer.verifier)
        size = checkpoint.tree_size
        if size == 0:
            assert not done.is_set(), "the writer stopped before its first append"
            continue
        first = first or checkpoint
        index = rng.randrange(size)
        verify_inclusion(
            leaf_hash(_entry(index)), index, reader.inclusion_proof(index, size), checkpoint
        )
        assert reader.entry(index, size) == _entry(index)
        verify_consistency(first, checkpoint, reader.consistency_proof(first.tree_size, size))
        checks += 1
    thread.join()
    assert checks >= 5

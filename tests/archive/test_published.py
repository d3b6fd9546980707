"""A published log folder is verified in full, then read without the archive."""

from __future__ import annotations

from pathlib import Path

import pytest

from erfurt.archive import Archive, PublishedLog, Record
from erfurt.errors import InputError, VerificationError


def test_records_of_a_verified_published_log(archive: Archive, tmp_path: Path) -> None:
    archive.append([Record("archive.created", {"origin": "o", "time": "t", "who": "w"})])
    log = PublishedLog.open(archive.paths.log, archive.vkey)
    assert (log.origin, log.tree_size) == ("test.example/archive", 2)
    assert [i for i, _ in log.records()] == [0, 1]
    assert [r["who"] for _, r in log.records(kinds={"archive.created"})] == ["tester", "w"]
    assert list(log.records(kinds={"document.added"})) == []


def test_a_broken_signature_or_key_is_refused(archive: Archive) -> None:
    checkpoint = archive.paths.log / "checkpoint"
    with pytest.raises(InputError, match="--vkey"):
        PublishedLog.open(archive.paths.log, "not a key")
    checkpoint.write_bytes(checkpoint.read_bytes().replace(b"\n1\n", b"\n2\n", 1))
    with pytest.raises(VerificationError, match="published log"):
        PublishedLog.open(archive.paths.log, archive.vkey)

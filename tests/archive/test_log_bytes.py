"""The bytes an archive logs, checked against the spec, not against Erfurt's own code.

The entries are canonical JSON written out by hand (keys sorted, no whitespace, UTF-8,
minimal escapes), the bundles are parsed by hand and the root is RFC 6962's Merkle tree
hash computed by the naive implementation in tests/log/test_independent.py. The root is
also pinned: it was computed before the log append path learned to encode each record
once, so a change that alters one byte of what is logged fails here.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from erfurt.archive import Archive, Record
from erfurt.ingest import DocumentsView
from log.test_independent import mth, read_entries

_TIME = "2026-12-01T12:00:00Z"
_TEXT = "警察拘留 police\n".encode()
_ONE = "7692c3ad3540bb803c020b3aee66cd8887123234ea0c6e7143c0add73ff431ed"  # sha256(b"one")
_TEXT_SHA = hashlib.sha256(_TEXT).hexdigest()

EXPECTED = [
    b'{"kind":"archive.created","origin":"golden.example/archive",'
    b'"time":"2026-12-01T12:00:00Z","v":1,"who":"tester"}',
    b'{"blob":"' + _ONE.encode() + b'","collection":"c","kind":"document.added",'
    b'"media_type":"text/plain","name":"' + '報告 \\"一\\".txt'.encode() + b'",'
    b'"size":3,"time":"2026-12-01T12:00:00Z","v":1,"who":"tester"}',
    b'{"chars":12,"extractor":"text","extractor_version":"1","kind":"text.extracted",'
    b'"media_type":"text/plain","pages":1,"source":"' + _ONE.encode() + b'",'
    b'"text":"' + _TEXT_SHA.encode() + b'","time":"2026-12-01T12:00:00Z","v":1,'
    b'"warnings":["tab\\there","\\u0001 control","' + "é 📄".encode() + b'"]}',
]
PINNED_ROOT = "0eb7b6e709124bdf2f6524f12bfe71ff0904eafa3e9193cd027618c5343c00d0"


def _records(archive: Archive) -> list[Record]:
    one = archive.put_bytes(b"one")
    text = archive.put_bytes(_TEXT)
    added = {
        "blob": one.sha256,
        "size": one.size,
        "name": '報告 "一".txt',
        "media_type": "text/plain",
        "collection": "c",
        "time": _TIME,
        "who": "tester",
    }
    extracted = {
        "source": one.sha256,
        "text": text.sha256,
        "extractor": "text",
        "extractor_version": "1",
        "media_type": "text/plain",
        "pages": 1,
        "chars": 12,
        "time": _TIME,
        "warnings": ["tab\there", "\x01 control", "é 📄"],
    }
    return [Record("document.added", added), Record("text.extracted", extracted)]


def test_the_log_holds_the_canonical_bytes_and_their_rfc6962_root(tmp_path: Path) -> None:
    clock = lambda: datetime(2026, 12, 1, 12, 0, 0, tzinfo=UTC)  # noqa: E731
    with Archive.init(
        tmp_path / "a",
        origin="golden.example/archive",
        who="tester",
        views=[DocumentsView()],
        clock=clock,
    ) as archive:
        archive.append(_records(archive))
        root = archive.checkpoint.root_hash
        size = archive.size
    entries = read_entries(tmp_path / "a" / "log", size)
    assert entries == EXPECTED
    assert root == mth(EXPECTED)
    assert root.hex() == PINNED_ROOT

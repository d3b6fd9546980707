from __future__ import annotations

import pytest

from erfurt.archive import MAX_RECORD_BYTES, Record
from erfurt.errors import InputError, IntegrityError


def _doc(**extra: object) -> Record:
    fields = {
        "blob": "0" * 64,
        "size": 1,
        "name": "a.txt",
        "media_type": "text/plain",
        "collection": "c",
        "time": "2026-01-01T00:00:00Z",
        "who": "w",
        **extra,
    }
    return Record("document.added", fields)


def test_round_trip_is_byte_exact() -> None:
    data = _doc(parent=3).to_bytes()
    assert Record.from_bytes(data).to_bytes() == data
    assert b'"kind":"document.added"' in data and b'"v":1' in data


def test_missing_field_refused() -> None:
    with pytest.raises(InputError, match="lacks collection, media_type, name, size, time, who"):
        Record("document.added", {"blob": "0" * 64}).to_bytes()


def test_oversized_record_refused() -> None:
    with pytest.raises(InputError, match="limit"):
        _doc(note="x" * MAX_RECORD_BYTES).to_bytes()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"kind":"no.such","v":1}', "unknown record kind"),
        (b'{"kind":"document.added","v":99}', "version 99"),
        (b"[1]", "JSON object"),
        (b'{"kind":"document.added"}', "integer 'v'"),
        (b"\xff", "not a valid record"),
    ],
)
def test_readers_reject_what_they_do_not_know(data: bytes, message: str) -> None:
    with pytest.raises(IntegrityError, match=message):
        Record.from_bytes(data)


def test_blobs_lists_declared_blob_fields() -> None:
    assert _doc().blobs() == {"blob": "0" * 64}


def test_encoded_once_and_the_same_bytes_every_time() -> None:
    record = _doc(name="報告.txt")
    first = record.to_bytes()
    assert record.to_bytes() is first
    assert Record.from_bytes(first) == record


def test_a_bad_record_is_refused_on_every_call() -> None:
    record = Record("document.added", {"blob": "0" * 64})
    for _ in range(2):
        with pytest.raises(InputError, match="lacks"):
            record.to_bytes()

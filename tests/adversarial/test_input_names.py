"""Issue 8 item 8: file names that are not UTF-8 never crash, and are kept losslessly."""

from __future__ import annotations

import base64
import os
import zipfile
from pathlib import Path

import pytest
from input_archive import documents

from erfurt.archive import Archive
from erfurt.extractors import decode_name, extract_file
from erfurt.ingest import ExtractOptions, Outcome, add_paths, extract_pending


def test_a_gbk_named_file_is_added_and_its_name_bytes_kept(
    archive: Archive, tmp_path: Path
) -> None:
    folder = tmp_path / "disk"
    folder.mkdir()
    gbk = "证人名单.txt".encode("gbk")
    with open(os.path.join(os.fsencode(folder), gbk), "wb") as out:
        out.write("王立强".encode("gbk"))
    (folder / "after.txt").write_text("the batch goes on")
    report = add_paths(archive, [folder], who="t")
    assert [f.outcome for f in report.files] == [Outcome.ADDED, Outcome.ADDED]
    assert "证人名单.txt" in report.files[1].path  # shown readable, not as escapes
    record = documents(archive)["证人名单.txt"]
    assert base64.b64decode(record["name_bytes"]) == gbk
    assert record["name_encoding"] == "gb18030"
    assert "name_bytes" not in documents(archive)["after.txt"].fields
    done = extract_pending(archive, ExtractOptions(time_limit_s=120), who="t", workers=1)
    assert {d.name for d in done} == {"证人名单.txt", "after.txt"}


def _zip_with_raw_names(path: Path, names: list[bytes]) -> Path:
    """A zip whose member names are these bytes, without the UTF-8 flag (as old tools wrote)."""
    placeholders = [f"{n:0{len(raw)}d}"[-len(raw) :].encode() for n, raw in enumerate(names)]
    with zipfile.ZipFile(path, "w") as archive:
        for n, placeholder in enumerate(placeholders):
            archive.writestr(placeholder.decode(), f"member {n}")
    data = path.read_bytes()
    for placeholder, raw in zip(placeholders, names, strict=True):
        assert data.count(placeholder) == 2  # local header and central directory
        data = data.replace(placeholder, raw)
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("text", "encoding", "read_as"),
    [
        ("国家卫生健康委员会通报.txt", "gbk", "gb18030"),
        ("香港警察拘捕名單.txt", "big5", "big5hkscs"),
        ("ほうこくしょ.txt", "shift_jis", "shift_jis"),
        ("Résumé.txt", "cp437", "cp437"),
    ],
)
def test_zip_member_names_in_legacy_encodings(
    tmp_path: Path, text: str, encoding: str, read_as: str
) -> None:
    raw = text.encode(encoding)
    path = _zip_with_raw_names(tmp_path / "legacy.zip", [raw, b"plain.txt"])
    result = extract_file(path, "", ExtractOptions())
    assert result.ok, result.failure
    first, second = result.children
    assert first.name == text
    fields = dict(first.name_fields)
    assert base64.b64decode(fields["name_bytes"]) == raw and fields["name_encoding"] == read_as
    assert second.name == "plain.txt" and second.name_fields == ()


def test_any_bytes_that_are_not_utf8_make_a_printable_name() -> None:
    for raw in (bytes(range(256)), b"\xff\xfe\x00", b"a\nb\x1b[2J\xff"):
        decoded = decode_name(raw)
        assert decoded.text and decoded.raw == raw
        assert all(c.isprintable() for c in decoded.text)

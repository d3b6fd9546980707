from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from erfurt.archive import Archive
from erfurt.ingest import (
    DocumentsView,
    ExtractionsView,
    ExtractOptions,
    ExtractOutcome,
    add_paths,
    document_text,
    extract_pending,
    failures,
)
from erfurt.search import SearchView, search
from ingest_samples import (
    EN_LINES,
    HANS_LINES,
    HANT_LINES,
    docx_file,
    email_with_attachment,
    encrypted_pdf,
    image_bytes,
    scan_image,
    text_pdf,
    zip_file,
)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "scan.png").write_bytes(image_bytes(scan_image(EN_LINES)))
    text_pdf(folder / "zh.pdf", [HANS_LINES, HANT_LINES], font="cjk")
    attachment = text_pdf(tmp_path / "att.pdf", [["Attached list of detainees"]]).read_bytes()
    email_with_attachment(folder / "mail.eml", attachment)
    zip_file(
        folder / "bundle.zip",
        {"minutes.docx": docx_file(tmp_path / "m.docx").read_bytes(), "../escape.txt": b"x"},
    )
    encrypted_pdf(folder / "locked.pdf", "s3cret")
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    (folder / "empty.txt").write_bytes(b"")
    return folder


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    views = [DocumentsView(), ExtractionsView(), SearchView()]
    return Archive.init(tmp_path / "archive", origin="test.example/ingest", who="t", views=views)


def _names(archive: Archive, query: str) -> set[str]:
    with archive.read_views() as db:
        return {hit.name for hit in search(db, query).hits}


def test_a_mixed_corpus_is_extracted_searched_and_failures_kept(
    archive: Archive, corpus: Path
) -> None:
    add_paths(archive, [corpus], who="t")
    done = extract_pending(archive, ExtractOptions(time_limit_s=120), who="t", workers=2)
    by_name = {d.name: d for d in done}
    # Originals, the e-mail's attachment and the zip's member, each extracted once.
    assert sorted(by_name) == sorted(
        [
            "corpus/bundle.zip",
            "corpus/bundle.zip/minutes.docx",
            "corpus/corrupt.pdf",
            "corpus/empty.txt",
            "corpus/locked.pdf",
            "corpus/mail.eml",
            "corpus/mail.eml/證據.pdf",
            "corpus/scan.png",
            "corpus/zh.pdf",
        ]
    )
    assert by_name["corpus/mail.eml"].children == 1
    assert by_name["corpus/bundle.zip"].children == 1
    failed = {d.name for d in done if d.outcome is ExtractOutcome.FAILED}
    assert failed == {"corpus/corrupt.pdf", "corpus/locked.pdf"}
    with archive.read_views() as db:
        reasons = {f.name: f.reason for f in failures(db)}
    assert "encrypted" in reasons["corpus/locked.pdf"]
    assert "not a readable PDF" in reasons["corpus/corrupt.pdf"]

    assert _names(archive, "detained") == {"corpus/scan.png"}
    assert _names(archive, "国家卫生健康委员会") == {
        "corpus/zh.pdf",
        "corpus/bundle.zip/minutes.docx",
    }
    assert _names(archive, "王立強") == {
        "corpus/zh.pdf",
        "corpus/mail.eml",
        "corpus/bundle.zip/minutes.docx",
    }
    assert _names(archive, "detainees") == {"corpus/mail.eml/證據.pdf"}
    assert _names(archive, "meeting") == {"corpus/bundle.zip/minutes.docx"}

    zipped = document_text(archive, by_name["corpus/bundle.zip"].document)
    assert zipped.status == "extracted"
    assert [name for _, name in zipped.children] == ["corpus/bundle.zip/minutes.docx"]
    assert any("../escape.txt" in w for w in zipped.warnings)
    assert document_text(archive, by_name["corpus/empty.txt"].document).warnings == (
        "empty file (0 bytes)",
    )
    # A second run has nothing left to do.
    assert extract_pending(archive, ExtractOptions(), who="t", workers=1) == []


def test_retry_failed_with_the_password(archive: Archive, corpus: Path) -> None:
    add_paths(archive, [corpus / "locked.pdf"], who="t")
    [first] = extract_pending(archive, ExtractOptions(), who="t", workers=1)
    assert first.outcome is ExtractOutcome.FAILED
    assert extract_pending(archive, ExtractOptions(), who="t", workers=1) == []
    options = ExtractOptions(pdf_passwords=("s3cret",))
    [second] = extract_pending(archive, options, who="t", retry_failed=True, workers=1)
    assert second.outcome is ExtractOutcome.EXTRACTED
    with archive.read_views() as db:
        assert failures(db) == []
    assert _names(archive, "police") == {"locked.pdf"}


def test_reextract_one_extractor_keeps_old_and_new_text(archive: Archive, corpus: Path) -> None:
    add_paths(archive, [corpus / "scan.png", corpus / "zh.pdf"], who="t")
    extract_pending(archive, ExtractOptions(), who="t", workers=1)
    again = extract_pending(archive, ExtractOptions(), who="t", extractor="ocr", workers=1)
    assert [d.name for d in again] == ["scan.png"]
    texts = [r for _, r in archive.records(kinds={"text.extracted"})]
    assert sorted(r["extractor"] for r in texts) == ["ocr", "ocr", "pdf"]
    assert _names(archive, "detained") == {"scan.png"}


def _dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every view table, and the exact contents of each full-text index.

    FTS5's own b-tree pages depend on how inserts were grouped into transactions (one per
    append live, one per batch on rebuild), so the indexes are compared term by term,
    document by document and position by position, through fts5vocab.
    """
    db = sqlite3.connect(path)
    indexes = ["search_index"]
    for index in indexes:
        db.execute(f"CREATE VIRTUAL TABLE temp.{index}_v USING fts5vocab(main, {index}, instance)")
    tables = [
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'view_state'"
            " AND name NOT LIKE 'search_index%'"
        )
    ] + [f"temp.{index}_v" for index in indexes]
    dump = {t: sorted(db.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
    db.close()
    return dump


def test_rebuild_reproduces_the_search_view_exactly(archive: Archive, corpus: Path) -> None:
    add_paths(archive, [corpus], who="t")
    extract_pending(archive, ExtractOptions(), who="t", workers=2)
    extract_pending(archive, ExtractOptions(), who="t", extractor="ocr", workers=1)
    before = _dump(archive.paths.views_db)
    assert before["search_texts"] and before["temp.search_index_v"]
    queries = ["detained", "国家", "國家卫生", '"Main Street"', "detain*", "王"]
    answers = [_names(archive, q) for q in queries]
    archive.rebuild()
    assert _dump(archive.paths.views_db) == before
    assert [_names(archive, q) for q in queries] == answers

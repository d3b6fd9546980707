"""Issue 8 item 11: every format extracts from the stored blob, which has no file name."""

from __future__ import annotations

from pathlib import Path

from input_archive import documents

from erfurt.archive import Archive
from erfurt.ingest import ExtractOptions, add_paths, document_text, extract_pending
from ingest_samples import (
    EN_LINES,
    docx_file,
    email_with_attachment,
    image_bytes,
    scan_image,
    text_pdf,
    xlsx_file,
    zip_file,
)


def test_every_format_extracts_from_its_blob_named_or_not(archive: Archive, tmp_path: Path) -> None:
    made = tmp_path / "made"
    made.mkdir()
    samples = {
        "sheet": (xlsx_file(made / "s.xlsx"), "xlsx", "王立强"),
        "minutes": (docx_file(made / "m.docx"), "docx", "detention conditions"),
        "paper": (text_pdf(made / "p.pdf", [["Shooting order of 1973"]]), "pdf", "1973"),
        "mail": (
            email_with_attachment(made / "m.eml", b"%PDF-1.4 not really"),
            "email",
            "北京",
        ),
        "bundle": (zip_file(made / "b.zip", {"a.txt": b"inside"}), "zip", "a.txt"),
        "page": (_html(made / "p.html"), "html", "Witness statement"),
        "note": (_text(made / "n.txt"), "text", "nothing to see"),
        "scan": (_png(made / "s.png"), "ocr", "Witness"),
    }
    # Files named without an extension, as downloads and blobs are.
    folder = tmp_path / "unnamed"
    folder.mkdir()
    for name, (source, _, _) in samples.items():
        (folder / name).write_bytes(source.read_bytes())
    add_paths(archive, [folder], who="t")
    extract_pending(archive, ExtractOptions(time_limit_s=120), who="t", workers=2)
    records = documents(archive)
    for name, (_, extractor, expected) in samples.items():
        index = next(i for i, r in archive.records(kinds={"document.added"}) if r["name"] == name)
        text = document_text(archive, index)
        assert text.status == "extracted", (name, text.reason)
        assert text.extractor.startswith(extractor), (name, text.extractor)
        assert expected in "\f".join(text.pages), name
    assert "bundle/a.txt" in records


def _html(path: Path) -> Path:
    path.write_text(
        "<!DOCTYPE html><html><head><title>T</title></head>"
        "<body><p>Witness statement of the night of 4 June.</p></body></html>",
        encoding="utf-8",
    )
    return path


def _text(path: Path) -> Path:
    path.write_text("nothing to see here\n", encoding="utf-8")
    return path


def _png(path: Path) -> Path:
    path.write_bytes(image_bytes(scan_image(EN_LINES)))
    return path

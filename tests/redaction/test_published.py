"""Issue 16, item 5: no redacted string survives in any published byte.

Every form that leaves the archive is produced as a user gets it (`erfurt export`, the
web's package download, the published log, search passages for the public), and then
searched byte for byte: raw files, zip members, PDF streams decompressed, PDF metadata,
and the text the archive's own extractors (text layer and OCR) read back from them.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
from fastapi.testclient import TestClient

from erfurt.archive import ANONYMOUS, Archive, CollectionRules, Principal
from erfurt.cli.options import all_views
from erfurt.ingest import ExtractOptions, extract_file
from erfurt.redaction import MASK
from erfurt.web import create_app
from erfurt.web.queries import search_documents

from .conftest import KEPT, PASSWORD, PLANTED, Redacted, run

Artefact = tuple[str, bytes]


def _forms(text: str) -> list[bytes]:
    """The ways a string can be written in a file: UTF-8, UTF-16 either way."""
    return [text.encode(encoding) for encoding in ("utf-8", "utf-16-le", "utf-16-be")]


def _pdf_parts(name: str, data: bytes, scratch: Path) -> Iterator[Artefact]:
    """A PDF's decompressed streams, its metadata, and the text the archive reads from it."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    yield f"{name} (metadata)", repr(reader.metadata).encode("utf-8")
    for number, page in enumerate(reader.pages, 1):
        contents = page.get_contents()
        yield f"{name} page {number} (content stream)", contents.get_data() if contents else b""
        yield f"{name} page {number} (text)", page.extract_text().encode("utf-8")
    path = scratch / "published.pdf"
    path.write_bytes(data)
    extraction = extract_file(path, "", ExtractOptions())
    assert extraction.ok, extraction.reason
    read = "\f".join(page.text for page in extraction.pages)
    yield f"{name} (read again by {extraction.extractor})", read.encode("utf-8")


def _unpacked(name: str, data: bytes, scratch: Path) -> Iterator[Artefact]:
    """The artefact, and everything inside it: zip members, PDF streams, texts."""
    yield name, data
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as zipped:
            for member in zipped.namelist():
                yield from _unpacked(f"{name}!{member}", zipped.read(member), scratch)
    elif data.lstrip().startswith(b"%PDF"):
        yield from _pdf_parts(name, data, scratch)


def _files(folder: Path) -> Iterator[Artefact]:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            yield str(path.relative_to(folder.parent)), path.read_bytes()


@pytest.fixture(scope="module")
def published(redacted: Redacted, tmp_path_factory: pytest.TempPathFactory) -> list[Artefact]:
    """Every published form of the two redacted documents, unpacked."""
    out = tmp_path_factory.mktemp("published")
    raw: list[Artefact] = []
    for index in (redacted.pdf, redacted.photo):
        exported = run("export", "--archive", redacted.path, str(index), "--out", out / f"p{index}")
        assert exported.exit_code == 0, exported.output
        raw += _files(out / f"p{index}")
    raw += _files(redacted.path / "log")
    app = create_app(redacted.path, views=all_views())
    with TestClient(app, base_url="https://testserver") as client:
        form = client.get("/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert csrf is not None
        client.post("/login", data={"username": "ana", "password": PASSWORD, "csrf": csrf[1]})
        for index in (redacted.pdf, redacted.photo):
            package = client.get(f"/documents/{index}/package")
            assert package.status_code == 200, package.text
            raw.append((f"web package of {index}", package.content))
    with Archive.open(redacted.path, views=all_views()) as archive:
        rules = CollectionRules({})
        for query in (*PLANTED, *KEPT, "second", "举报人"):
            hits = search_documents(archive, rules, ANONYMOUS, query)["hits"]  # not the query
            raw.append((f"public search {query!r}", repr(hits).encode("utf-8")))
    return [part for name, data in raw for part in _unpacked(name, data, out)]


def test_no_redacted_string_survives_in_any_published_byte(published: list[Artefact]) -> None:
    found = [
        (name, planted)
        for name, data in published
        for planted in PLANTED
        if any(form in data for form in _forms(planted))
    ]
    assert not found, f"redacted strings published: {found}"


def test_what_was_not_marked_is_still_published(published: list[Artefact]) -> None:
    """The search above is not vacuous: the extractors do read the published pages."""
    read_again = b"".join(data for name, data in published if "read again" in name)
    for kept in KEPT:
        assert kept.encode() in read_again
    assert any(MASK.encode() in data for _, data in published)


def test_the_original_stays_in_the_archive_for_staff(redacted: Redacted) -> None:
    with Archive.open(redacted.path, views=all_views()) as archive:
        assert b"%PDF" in archive.read_blob(redacted.pdf_blob)[:8]
        staff = Principal("ana", "archivist")
        hits = search_documents(archive, CollectionRules({}), staff, "Quixbell")["hits"]
        assert [h["document"] for h in hits] == [redacted.pdf]
        assert "Quixbell" in repr(hits)
    unredacted = run(
        "export", "--archive", redacted.path, str(redacted.pdf), "--out",
        redacted.path.parent / "court", "--unredacted",
    )  # fmt: skip
    assert unredacted.exit_code == 0, unredacted.output
    original = redacted.path.parent / "court" / "data" / "original" / "leak.pdf"
    assert hashlib.sha256(original.read_bytes()).hexdigest() == redacted.pdf_blob


def test_a_search_for_a_redacted_word_finds_nothing_for_the_public(redacted: Redacted) -> None:
    with Archive.open(redacted.path, views=all_views()) as archive:
        for planted in PLANTED:
            found = search_documents(archive, CollectionRules({}), ANONYMOUS, planted)
            assert found["hits"] == [], planted
        kept = search_documents(archive, CollectionRules({}), ANONYMOUS, "police")["hits"]
    assert [h["document"] for h in kept] == [redacted.pdf]
    assert MASK in kept[0]["fragments"][0]["text"]

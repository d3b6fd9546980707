"""Documents of restricted collections are logged sealed: public log without their names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from erfurt.archive import (
    Accounts,
    Archive,
    Record,
    check_archive,
    export_package,
    verify_package,
)
from erfurt.errors import IntegrityError, VerificationError
from erfurt.ingest import DocumentsView

NAME = "informant-lists-2019.pdf"


def _document(archive: Archive, collection: str, name: str = NAME) -> Record:
    blob = archive.put_bytes(f"{collection}/{name}".encode())
    fields = {"blob": blob.sha256, "size": blob.size, "name": name, "media_type": "text/plain"}
    fields |= {"collection": collection, "time": archive.now(), "who": "ana", "parent": 1}
    return Record("document.added", fields)


@pytest.fixture
def restricted(tmp_path: Path) -> Archive:
    archive = Archive.init(tmp_path / "a", who="t", views=[DocumentsView()])
    with Accounts.open(archive.paths) as accounts:
        accounts.add_user("ana", "archivist", "a long test password")
        accounts.restrict("sources", ["ana"])
    return archive


def _published(archive: Archive) -> bytes:
    return b"".join(p.read_bytes() for p in archive.paths.log.rglob("*") if p.is_file())


def test_a_restricted_document_is_logged_sealed_and_read_opened(restricted: Archive) -> None:
    record = _document(restricted, "sources")
    [index] = restricted.append([record])
    logged = restricted.record(index, as_logged=True)
    assert logged.kind == "document.sealed"
    assert set(logged.fields) == {"time", "sealed"}
    assert restricted.record(index) == record  # opened: exactly what was appended
    assert [r for _, r in restricted.records(kinds={"document.added"})] == [record]
    with restricted.read_views() as db:
        row = db.execute("SELECT name, collection, who FROM documents").fetchone()
    assert tuple(row) == (NAME, "sources", "ana")
    published = _published(restricted)
    # the file's SHA-256 would let anyone holding a copy confirm the archive has it
    for secret in (NAME, "sources", '"who":"ana"', record["blob"]):
        assert secret.encode() not in published


def test_open_collections_are_logged_as_before(restricted: Archive) -> None:
    [index] = restricted.append([_document(restricted, "public")])
    assert restricted.record(index, as_logged=True).kind == "document.added"
    assert NAME.encode() in _published(restricted)


def test_the_same_name_sealed_twice_gives_two_digests(restricted: Archive) -> None:
    """A nonce in each sealed blob: a guessed name cannot be confirmed from the digest."""
    first = _document(restricted, "sources")
    indexes = restricted.append([first, first])
    seals = {restricted.record(i, as_logged=True)["sealed"] for i in indexes}
    assert len(seals) == 2


def test_a_collection_restricted_later_keeps_its_older_records_readable(
    restricted: Archive,
) -> None:
    [old] = restricted.append([_document(restricted, "later")])
    with Accounts.open(restricted.paths) as accounts:
        accounts.restrict("later", ["ana"])
    [new] = restricted.append([_document(restricted, "later", "second.pdf")])
    assert restricted.record(old, as_logged=True).kind == "document.added"
    assert restricted.record(new, as_logged=True).kind == "document.sealed"
    assert [r["name"] for _, r in restricted.records(kinds={"document.added"})] == [
        NAME,
        "second.pdf",
    ]


def test_an_altered_sealed_blob_is_refused_and_listed(restricted: Archive) -> None:
    [index] = restricted.append([_document(restricted, "sources")])
    seal = restricted.record(index, as_logged=True)["sealed"]
    path = restricted.blob_path(seal)
    path.chmod(0o600)
    path.write_bytes(path.read_bytes().replace(NAME.encode(), b"innocuous-name-2019.pdf"))
    with pytest.raises(IntegrityError, match=seal):
        restricted.record(index)
    problems = check_archive(restricted).problems
    assert any(seal in problem for problem in problems)


def test_a_sealed_blob_of_another_document_is_refused(restricted: Archive) -> None:
    _, second = restricted.append(
        [_document(restricted, "sources"), _document(restricted, "sources", "b.pdf")]
    )
    seal_of_second = restricted.record(second, as_logged=True)["sealed"]
    forged = Record("document.sealed", {"time": "2020-01-01T00:00:00Z", "sealed": seal_of_second})
    with pytest.raises(IntegrityError, match="another record"):
        restricted.append([forged])
    extracted = Record("record.sealed", {"time": restricted.now(), "sealed": seal_of_second})
    with pytest.raises(IntegrityError, match="not a sealed record"):
        restricted.append([extracted])  # a document's seal cannot pass for another record
    assert restricted.size == second + 1  # nothing logged


def test_an_evidence_package_of_a_sealed_document_carries_the_seal(
    restricted: Archive, tmp_path: Path
) -> None:
    [index] = restricted.append([_document(restricted, "sources")])
    package = export_package(restricted, index, tmp_path / "package")
    check = verify_package(package, vkey=restricted.vkey)
    assert check.receipt.record.kind == "document.sealed"
    originals = {p.read_bytes() for p in (package / "data" / "original").iterdir()}
    sealed = [json.loads(data) for data in originals if data.startswith(b"{")]
    assert [s["name"] for s in sealed] == [NAME]  # the recipient can read the name
    assert check.receipt.record.fields.keys() == {"sealed", "time"}
    assert (
        f"{restricted.record(index)['blob'][:16]}".encode()
        not in (package / "data" / "record.json").read_bytes()
    )


def _text_of(archive: Archive, source: str) -> Record:
    text = archive.put_bytes(b"Names of the informants, page 1")
    fields = {"source": source, "text": text.sha256, "extractor": "plain", "pages": 1}
    fields |= {"extractor_version": "1", "media_type": "text/plain", "chars": 31}
    return Record("text.extracted", {**fields, "time": archive.now()})


def test_records_about_a_sealed_file_are_sealed_too(restricted: Archive, tmp_path: Path) -> None:
    """Its text record would name the file's SHA-256 (and the text's) in the public log."""
    hidden = _document(restricted, "sources")
    [document] = restricted.append([hidden])
    text = _text_of(restricted, hidden["blob"])
    review = Record(
        "entity.reviewed",
        {"action": "accept", "target": f"m:{hidden['blob']}:0:5:Wang Wei", "who": "rita"}
        | {"reason": "seen", "time": restricted.now()},
    )
    indexes = restricted.append([text, review])
    assert [restricted.record(i, as_logged=True).kind for i in indexes] == ["record.sealed"] * 2
    assert [restricted.record(i) for i in indexes] == [text, review]  # opened as appended
    assert [i for i, _ in restricted.records(kinds={"text.extracted"})] == indexes[:1]
    assert {i for i, _ in restricted.custody(document)} >= set(indexes[:1])
    published = _published(restricted)
    for secret in (hidden["blob"], text["text"], "Wang Wei", "text.extracted", "plain"):
        assert secret.encode() not in published
    package = export_package(restricted, indexes[0], tmp_path / "text-package")
    assert verify_package(package, vkey=restricted.vkey).receipt.record.kind == "record.sealed"
    originals = {p.read_bytes() for p in (package / "data" / "original").iterdir()}
    assert b"Names of the informants, page 1" in originals
    assert check_archive(restricted).ok


def test_records_about_a_file_also_kept_in_the_open_stay_open(restricted: Archive) -> None:
    public = _document(restricted, "public")
    copy = Record("document.added", {**public.fields, "collection": "sources"})
    restricted.append([public, copy])
    [index] = restricted.append([_text_of(restricted, public["blob"])])
    assert restricted.record(index, as_logged=True).kind == "text.extracted"
    [other] = restricted.append([_text_of(restricted, "ab" * 32)])  # no document: not sealed
    assert restricted.record(other, as_logged=True).kind == "text.extracted"


def test_a_sealed_package_with_its_seal_altered_is_refused(
    restricted: Archive, tmp_path: Path
) -> None:
    [index] = restricted.append([_document(restricted, "sources")])
    package = export_package(restricted, index, tmp_path / "package")
    seal = restricted.record(index, as_logged=True)["sealed"]
    path = package / "data" / "original" / f"sealed-{seal}"
    path.write_bytes(path.read_bytes().replace(NAME.encode(), b"innocuous-name-2019.pdf"))
    with pytest.raises(VerificationError, match="sealed"):
        verify_package(package, vkey=restricted.vkey)

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
from erfurt.errors import IntegrityError
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
    assert set(logged.fields) == {"blob", "time", "sealed"}
    assert logged["blob"] == record["blob"]
    assert restricted.record(index) == record  # opened: exactly what was appended
    assert [r for _, r in restricted.records(kinds={"document.added"})] == [record]
    with restricted.read_views() as db:
        row = db.execute("SELECT name, collection, who FROM documents").fetchone()
    assert tuple(row) == (NAME, "sources", "ana")
    published = _published(restricted)
    for secret in (NAME, "sources", '"who":"ana"'):
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
    first, second = restricted.append(
        [_document(restricted, "sources"), _document(restricted, "sources", "b.pdf")]
    )
    seal_of_second = restricted.record(second, as_logged=True)["sealed"]
    public = restricted.record(first, as_logged=True).fields
    forged = Record("document.sealed", {**public, "sealed": seal_of_second})
    with pytest.raises(IntegrityError, match="another document"):
        restricted.append([forged])
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

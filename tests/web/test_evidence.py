"""Evidence packages on the web: exported as a zip, verified on upload; hostile ones refused."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from erfurt.archive import Archive, Record, export_package
from erfurt.errors import VerificationError
from erfurt.web import evidence_routes
from erfurt.web.evidence import unpack
from ingest_samples import hostile_zips

from .conftest import RESTRICTED, Built, log_in


def _export(client: TestClient, index: int, user: str = "ana") -> bytes:
    log_in(client, user)
    answer = client.get(f"/documents/{index}/package")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/zip"
    client.cookies.clear()
    return answer.content


def _verify(client: TestClient, data: bytes) -> tuple[int, dict[str, object]]:
    client.cookies.clear()  # anyone may verify
    answer = client.post("/api/v1/packages/verify", content=data)
    return answer.status_code, answer.json()


def _rezip(
    data: bytes, change: dict[str, bytes | None], add: dict[str, bytes] | None = None
) -> bytes:
    """The zip with members replaced (None: removed) and others added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            suffix = info.filename.split("/", 1)[1] if "/" in info.filename else info.filename
            if suffix in change:
                if change[suffix] is not None:
                    target.writestr(info.filename, change[suffix])  # type: ignore[arg-type]
                continue
            target.writestr(info, source.read(info))
        top = source.namelist()[0].split("/", 1)[0]
        for name, body in (add or {}).items():
            target.writestr(name.format(top=top), body)
    return out.getvalue()


def test_an_exported_package_verifies(client: TestClient, built: Built) -> None:
    index = built.documents["public/border-order.txt"]
    data = _export(client, index)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert f"record-{index}/bagit.txt" in names
    assert f"record-{index}/data/original/border-order.txt" in names
    status, verdict = _verify(client, data)
    assert status == 200, verdict
    assert verdict["verified"] is True and verdict["index"] == index
    assert any("inclusion proof" in line for line in verdict["proved"])  # type: ignore[attr-defined]
    assert not list((built.path / "private").glob("web-evidence-*")), "scratch left behind"


def test_a_restricted_document_is_exported_only_to_who_may_see_it(
    client: TestClient, built: Built
) -> None:
    index = built.documents[f"{RESTRICTED}/witness-statement.txt"]
    status, verdict = _verify(client, _export(client, index, "ana"))
    assert status == 200 and verdict["kind"] == "document.sealed"
    log_in(client, "root")
    assert client.get(f"/documents/{index}/package").status_code == 200
    log_in(client, "rita")  # a reviewer may read but not export
    assert (
        client.get(f"/documents/{built.documents['public/border-order.txt']}/package").status_code
        == 403
    )
    log_in(client, "vic")
    assert client.get(f"/api/v1/documents/{index}/package").status_code == 403
    client.cookies.clear()
    assert client.get(f"/api/v1/documents/{index}/package").status_code == 401


def test_a_guessed_number_of_a_hidden_document_looks_missing(
    client: TestClient, built: Built
) -> None:
    index = built.documents[f"{RESTRICTED}/witness-statement.txt"]
    with Archive.open(built.path) as archive:
        beyond = archive.size + 5
    log_in(client, "root")
    assert client.get(f"/documents/{beyond}/package").status_code == 404
    # an archivist the collection is not restricted to: same answer as a missing one
    assert client.get(f"/documents/{index}/package").status_code == 200


@pytest.mark.parametrize(
    ("change", "add", "expected"),
    [
        ({"data/original/border-order.txt": b"The order was never signed.\n"}, None, "altered"),
        ({"data/record.json": None}, None, "missing"),
        ({}, {"{top}/data/original/extra.txt": b"planted"}, "extra.txt"),
        ({}, {"record-X/bagit.txt": b"planted"}, "holds no evidence package"),
        ({"data/HOW-TO-VERIFY.txt": b"Trust me.\n"}, None, "altered"),
    ],
)
def test_altered_packages_are_refused_with_the_reason(
    client: TestClient,
    built: Built,
    change: dict[str, bytes | None],
    add: dict[str, bytes] | None,
    expected: str,
) -> None:
    data = _export(client, built.documents["public/border-order.txt"])
    status, verdict = _verify(client, _rezip(data, change, add))
    assert status == 400 and expected in str(verdict["error"]), verdict
    assert "private" not in str(verdict), "messages must not name the server's folders"


def _zip(members: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info, body in members:
            target.writestr(info, body)
    return out.getvalue()


def _link(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (_zip([("../../etc/cron.d/x", b"* * * * * root sh")]), "member named '../../etc/cron.d/x'"),
        (_zip([("/abs/bagit.txt", b"x")]), "member named '/abs/bagit.txt'"),
        (_zip([("p\\..\\x", b"x")]), "member named"),
        (_zip([_link("p/data/original/a", "/etc/shadow")]), "symbolic link"),
        (_zip([(f"p/{n}.txt", b"") for n in range(100)]), "100 members"),
        (b"%PDF-1.7 not a zip", "not a zip"),
        (b"", "not a zip"),
        (hostile_zips("p/bagit.txt")["later-version"], "not a zip (zip file version 8.4)"),
        (hostile_zips("p/bagit.txt")["bad-deflate"], "cannot unpack 'p/bagit.txt'"),
        (hostile_zips("p/bagit.txt")["far-offset"], "cannot unpack 'p/bagit.txt'"),
    ],
)
def test_hostile_uploads_are_refused_before_anything_is_trusted(
    client: TestClient, built: Built, data: bytes, expected: str
) -> None:
    status, verdict = _verify(client, data)
    assert status == 400 and expected in str(verdict["error"]), verdict
    assert verdict["hint"], "every refusal says what to do"
    assert not (built.path / "etc").exists()
    assert not list((built.path / "private").glob("web-evidence-*"))


def test_a_zip_bomb_stops_at_the_limit(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    bomb.write_bytes(_zip([("p/data/original/zeros", bytes(5_000_000))]))
    assert bomb.stat().st_size < 50_000
    with pytest.raises(VerificationError, match="more than 1,000,000 bytes"):
        unpack(bomb, tmp_path / "out", 1_000_000)
    written = sum(p.stat().st_size for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert written <= 1_000_000 + 1024 * 1024  # at most one chunk past the limit


def test_an_upload_over_the_limit_is_refused(
    client: TestClient, built: Built, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(evidence_routes, "MAX_PACKAGE_BYTES", 10_000)
    status, verdict = _verify(client, bytes(20_000))
    assert status == 413 and "10,000" in str(verdict["error"])
    assert not list((built.path / "private").glob("web-evidence-*"))


def test_a_package_from_another_archive_is_refused(client: TestClient, tmp_path: Path) -> None:
    other = tmp_path / "other"
    with Archive.init(other, origin="example.org/other", who="t") as archive:
        blob = archive.put_bytes(b"a forged original")
        fields = {"blob": blob.sha256, "size": blob.size, "name": "forged.txt"}
        fields |= {"media_type": "text/plain", "collection": "c", "time": archive.now(), "who": "x"}
        [index] = archive.append([Record("document.added", fields)])
        package = export_package(archive, index, tmp_path / "package")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for path in sorted(package.rglob("*")):
            if path.is_file():
                target.write(path, path.relative_to(tmp_path).as_posix())
    status, verdict = _verify(client, out.getvalue())
    assert status == 400 and "not the pinned key" in str(verdict["error"])

"""Issue 16, item 5: no redacted string survives in any published byte.

Every form that leaves the archive is produced as a user gets it (`erfurt export`, the
web's package download, the published log, search passages for the public, `erfurt
dossier export` of every entity found, as FtM and as an evidence package, `erfurt
incidents export` of an incident whose values cite redacted passages), and then searched
byte for byte: raw files, zip members, PDF streams decompressed, PDF metadata, and the
text the archive's own extractors (text layer and OCR) read back from them.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest
from fastapi.testclient import TestClient

from erfurt.archive import ANONYMOUS, Archive, CollectionRules, Principal
from erfurt.cli.options import all_views
from erfurt.ingest import ExtractOptions, extract_file
from erfurt.redaction import MASK
from erfurt.web import create_app
from erfurt.web.queries import search_documents

from .conftest import BOXED, KEPT, PASSWORD, PLANTED, Redacted, document_text, run

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


def _unpacked(name: str, data: bytes, scratch: Path, read: set[bytes]) -> Iterator[Artefact]:
    """The artefact, and everything inside it: zip members, PDF streams, texts (of each
    distinct PDF once: ``read`` holds the digests of those already read)."""
    yield name, data
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as zipped:
            for member in zipped.namelist():
                yield from _unpacked(f"{name}!{member}", zipped.read(member), scratch, read)
    elif data.lstrip().startswith(b"%PDF") and hashlib.sha256(data).digest() not in read:
        read.add(hashlib.sha256(data).digest())
        yield from _pdf_parts(name, data, scratch)


def _files(folder: Path) -> Iterator[Artefact]:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            yield str(path.relative_to(folder.parent)), path.read_bytes()


def _marked_on(redacted: Redacted) -> int:
    """The PDF's text record the redaction was marked on."""
    listed = json.loads(run("redactions", "list", "--archive", redacted.path, "--json").stdout)
    [marked_on] = [r["text_record"] for r in listed if r["original"] == redacted.pdf_blob]
    return int(marked_on)


def _cite(redacted: Redacted, planted: str) -> str:
    """``RECORD:START-END`` of ``planted`` in the PDF's text the redaction was marked on."""
    _, text = document_text(redacted.path, redacted.pdf)
    start = text.index(planted)
    return f"{_marked_on(redacted)}:{start}-{start + len(planted)}"


@pytest.fixture(scope="module")
def entities(redacted: Redacted) -> list[dict[str, str]]:
    """The entities found in the redacted archive (as staff list them)."""
    found = run("entities", "extract", "--archive", redacted.path, "--quiet")
    assert found.exit_code == 0, found.output
    listed = run("entities", "list", "--archive", redacted.path, "--json")
    return list(json.loads(listed.stdout)["entities"])


@pytest.fixture(scope="module")
def incident_files(redacted: Redacted, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`incidents export` of an incident citing redacted passages, and --unredacted.

    Recorded in a copy of the archive: the values a reviewer types are in the incident's
    own record, in the log, which no redaction can change (docs/redaction.md).
    """
    out = tmp_path_factory.mktemp("incidents")
    archive = Path(shutil.copytree(redacted.path, out / "archive", symlinks=True))
    names = out / "names.txt"
    names.write_text("harmed: 龙小凤\n", encoding="utf-8")
    added = run(
        "incidents", "add", "--archive", archive,
        "--kind", f"detention@{_cite(redacted, 'police')}", "--date", "2020-01-01@note:the report",
        "--place", f"Quixbell@{_cite(redacted, 'Quixbell')}",
        "--harmed", f"1@{_cite(redacted, '龙小凤')}", "--names-from", names,
        "--responsible", f"Zarathustra Quixbell@{_cite(redacted, 'Zarathustra Quixbell')}",
        "--responsible", f"The police@{_cite(redacted, 'police')}",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    marked = run("incidents", "publishable", "--archive", archive, "龙小凤", "--reason", "r")
    assert marked.exit_code == 0, marked.output
    for name, extra in (("published.ftm.json", []), ("staff.ftm.json", ["--unredacted"])):
        done = run("incidents", "export", "--archive", archive, "--out", out / name, *extra)
        assert done.exit_code == 0, done.output
    return out


@pytest.fixture(scope="module")
def published(
    redacted: Redacted,
    entities: list[dict[str, str]],
    incident_files: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> list[Artefact]:
    """Every published form of the two redacted documents, unpacked."""
    out = tmp_path_factory.mktemp("published")
    raw: list[Artefact] = [
        ("incidents export", (incident_files / "published.ftm.json").read_bytes())
    ]
    packages = 0
    for n, entity in enumerate(entities):
        for extra in ([], ["--unreviewed"]):
            dossier = run("dossier", "export", "--archive", redacted.path, entity["id"], *extra)
            raw.append((f"dossier export {entity['id']} {extra}", dossier.stdout_bytes))
        bundle = out / f"dossier-{n}"
        packaged = run("dossier", "export", "--archive", redacted.path, entity["id"],
                       "--unreviewed", "--package", "--out", bundle)  # fmt: skip
        if packaged.exit_code == 0:  # a dossier of a redacted name is refused
            packages += 1
            raw += _files(bundle)
    assert packages, "no dossier was packaged"
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
        for query in (*PLANTED, BOXED, *KEPT, "second", "举报人"):
            hits = search_documents(archive, rules, ANONYMOUS, query)["hits"]  # not the query
            raw.append((f"public search {query!r}", repr(hits).encode("utf-8")))
    read: set[bytes] = set()
    return [part for name, data in raw for part in _unpacked(name, data, out, read)]


def test_no_redacted_string_survives_in_any_published_byte(published: list[Artefact]) -> None:
    found = [
        (name, planted)
        for name, data in published
        for planted in (*PLANTED, BOXED)
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
        for planted in (*PLANTED, BOXED):
            found = search_documents(archive, CollectionRules({}), ANONYMOUS, planted)
            assert found["hits"] == [], planted
        kept = search_documents(archive, CollectionRules({}), ANONYMOUS, "police")["hits"]
    assert [h["document"] for h in kept] == [redacted.pdf]
    assert MASK in kept[0]["fragments"][0]["text"]


def test_the_public_total_and_facets_count_only_what_a_redaction_leaves_shown(
    redacted: Redacted,
) -> None:
    staff = Principal("ana", "archivist")
    with Archive.open(redacted.path, views=all_views()) as archive:
        rules = CollectionRules({})
        for planted in ("Quixbell", "Zarathustra"):  # only under the PDF's masks
            assert search_documents(archive, rules, staff, planted)["total"] == 1
            public = search_documents(archive, rules, ANONYMOUS, planted)
            assert (public["hits"], public["total"], public["total_exact"]) == ([], 0, True)
            assert all(counts == {} for counts in public["facets"].values()), planted
        kept = search_documents(archive, rules, ANONYMOUS, "police")
        staffs = search_documents(archive, rules, staff, "police")
    assert kept["total"] == staffs["total"] == len(kept["hits"]) == 1  # a match left shown
    assert kept["facets"] == staffs["facets"]
    assert sum(kept["facets"]["collection"].values()) == 1


def _entity(entities: list[dict[str, str]], name: str) -> str:
    [found] = [e["id"] for e in entities if e["name"] == name]
    return found


def _ftm(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines()]


def test_a_dossier_quotes_its_passages_with_redacted_characters_masked(
    redacted: Redacted, entities: list[dict[str, str]]
) -> None:
    """Issue 16: `dossier export` quoted the raw text around a position, redacted or not."""
    lam = _entity(entities, "Carrie Lam")
    exported = run("dossier", "export", "--archive", redacted.path, lam, "--unreviewed")
    assert exported.exit_code == 0, exported.output
    [occupancy] = [e for e in _ftm(exported.stdout) if e["schema"] == "Occupancy"]
    [quoted] = occupancy["properties"]["description"]
    assert "«Commissioner of Police Carrie Lam»" in quoted and MASK in quoted
    assert "Zarathustra" not in exported.stdout
    staff = run(
        "dossier", "export", "--archive", redacted.path, lam, "--unreviewed", "--unredacted"
    )
    assert staff.exit_code == 0, staff.output
    assert "Witness Zarathustra Quixbell saw «Commissioner" in staff.stdout


@pytest.mark.parametrize("name", ["Zarathustra Quixbell", "龙小凤"])
def test_a_dossier_of_a_name_redacted_wherever_it_stands_is_not_exported(
    redacted: Redacted, entities: list[dict[str, str]], name: str
) -> None:
    entity = _entity(entities, name)
    refused = run("dossier", "export", "--archive", redacted.path, entity, "--unreviewed")
    assert refused.exit_code == 1 and "redacted" in refused.output, refused.output
    assert "Hint:" in refused.output and refused.stdout == ""
    staff = run("dossier", "export", "--archive", redacted.path, entity, "--unreviewed",
                "--unredacted")  # fmt: skip
    assert staff.exit_code == 0 and name in staff.stdout, staff.output


def test_an_incident_export_leaves_out_values_read_from_redacted_passages(
    incident_files: Path,
) -> None:
    """Issue 16: `incidents export` published a unit, a place and a harmed person's name
    that reviewers had copied from passages since redacted."""
    published = _ftm((incident_files / "published.ftm.json").read_text(encoding="utf-8"))
    names = {n for e in published for n in e["properties"].get("name", [])}
    [event] = [e for e in published if e["schema"] == "Event"]
    assert names == {"The police", "detention"} and event["properties"]["location"] == []
    assert event["properties"]["summary"] == [
        "detention: 1 people harmed; reported, 1 independent sources"
    ]
    staff = (incident_files / "staff.ftm.json").read_text(encoding="utf-8")
    assert all(planted in staff for planted in ("Zarathustra Quixbell", "Quixbell", "龙小凤"))


def test_a_record_derived_from_a_redacted_document_is_not_exported(
    redacted: Redacted, tmp_path: Path
) -> None:
    """Issue 16: `erfurt export` of a redacted PDF's text record packed its unmasked text."""
    text_record = str(_marked_on(redacted))
    refused = run("export", "--archive", redacted.path, text_record, "--out", tmp_path / "text")
    assert refused.exit_code == 1 and "is redacted" in refused.output, refused.output
    assert "Hint:" in refused.output and not (tmp_path / "text").exists()
    staff = run("export", "--archive", redacted.path, text_record, "--out", tmp_path / "court",
                "--unredacted")  # fmt: skip
    assert staff.exit_code == 0, staff.output
    assert any(
        b"Quixbell" in p.read_bytes() for p in (tmp_path / "court").rglob("*") if p.is_file()
    )

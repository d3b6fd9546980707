"""A review naming an entity only sealed documents name is logged sealed, and still applies.

An entity id is a hash of a person's name, so a merge or link logged in clear would let
anyone confirm a guessed name against the public log, and link it to a public entity.
"""

from __future__ import annotations

from pathlib import Path

from erfurt.archive import Archive, Record, check_archive
from erfurt.cli.options import all_views
from erfurt.entities import (
    EXTRACTOR,
    EXTRACTOR_VERSION,
    FOUND_KIND,
    REVIEW_KIND,
    Decisions,
    Found,
    read_dossier,
)
from sealed_entities import (
    FANG,
    LU,
    QIAO,
    RESTRICTED,
    SHEN,
    SPLIT,
    SPLIT_NAME,
    Reviewed,
    build_extracted_archive,
    extractor,
)


def test_decisions_about_sealed_only_entities_are_sealed(reviewed: Reviewed) -> None:
    with Archive.open(reviewed.path) as archive:
        logged = {what: archive.record(i, as_logged=True).kind for i, what, _ in reviewed.decisions}
    expected = {
        what: "record.sealed" if private else "entity.reviewed"
        for _, what, private in reviewed.decisions
    }
    assert logged == expected


def test_the_public_log_names_no_sealed_only_entity(reviewed: Reviewed) -> None:
    published = b"".join(p.read_bytes() for p in (reviewed.path / "log").rglob("*") if p.is_file())
    for secret in (FANG, LU, SPLIT, "Fang Delun", "Lu Kanghai", "erf-made-up-entry"):
        assert secret.encode() not in published, secret
    for reason in reviewed.private_reasons:
        assert reason.encode() not in published
    for public in (QIAO, SHEN, "erf-made-up-qiao"):  # merges of public entities stay clear
        assert public.encode() in published


def test_sealed_decisions_still_apply_to_the_entities(reviewed: Reviewed) -> None:
    with Archive.open(reviewed.path) as archive:
        with archive.read_views() as db:
            decisions = Decisions.read(db)
            assert len(db.execute("SELECT * FROM ent_reviews").fetchall()) == 7
        root = decisions.entity(QIAO)  # linked last to a list entry
        assert root == "erf-made-up-qiao"
        assert decisions.members(root) >= {QIAO, SHEN, FANG, LU, SPLIT}
        names = set(read_dossier(archive, root).names)
        assert names == {"Fang Delun", "Lu Kanghai", "Qiao Wenlan", "Shen Baoyu"}
        assert check_archive(archive).ok


def _found_record(archive: Archive, source: str, text: str) -> tuple[Record, Found]:
    """What `entities extract` appends for one text, built without appending it."""
    found = extractor().extract(archive.read_blob(text).decode("utf-8"))
    fields = {"source": source, "text": text, "found": archive.put_bytes(found.to_bytes()).sha256,
              "extractor": EXTRACTOR, "extractor_version": EXTRACTOR_VERSION,
              "mentions": len(found.mentions), "claims": len(found.claims),
              "time": archive.now()}  # fmt: skip
    return Record(FOUND_KIND, fields), found


def _decision(archive: Archive, action: str, target: str, other: str) -> Record:
    fields = {"action": action, "target": target, "other": other, "who": "rita",
              "reason": "batched", "time": archive.now()}  # fmt: skip
    return Record(REVIEW_KIND, fields)


def test_a_merge_in_the_batch_that_first_names_its_entities_is_sealed(tmp_path: Path) -> None:
    # An importer (or the write queue joining two callers' records) may log the
    # entities.found record that first names an entity and a decision naming it together.
    path = build_extracted_archive(tmp_path)
    with Archive.open(path, views=all_views()) as archive:
        with archive.read_views() as db:
            texts = db.execute(
                "SELECT t.source, t.text, d.collection FROM ent_texts t "
                "JOIN ent_documents d ON d.blob = t.source ORDER BY d.collection"
            ).fetchall()
        [(notice, notice_text, _), (statement, statement_text, restricted)] = texts
        assert restricted == RESTRICTED
        public_found, _ = _found_record(archive, notice, notice_text)
        private_found, found = _found_record(archive, statement, statement_text)
        [lu_key] = [m.key(statement) for m in found.mentions if m.surface == "Lu Kanghai"]
        first = archive.append([
            private_found, public_found,
            _decision(archive, "merge", FANG, LU),
            _decision(archive, "merge", QIAO, SHEN),
        ])  # fmt: skip
        second = archive.append([
            _decision(archive, "split", lu_key, SPLIT_NAME),
            _decision(archive, "merge", QIAO, SPLIT),
        ])  # fmt: skip
        logged = [archive.record(i, as_logged=True).kind for i in first + second]
        assert logged == ["record.sealed", "entities.found", "record.sealed", "entity.reviewed",
                          "record.sealed", "record.sealed"]  # fmt: skip
        with archive.read_views() as db:
            decisions = Decisions.read(db)
        assert decisions.members(decisions.entity(QIAO)) == {QIAO, SHEN, SPLIT}
        assert decisions.members(decisions.entity(FANG)) == {FANG, LU}
        assert check_archive(archive).ok
    published = b"".join(p.read_bytes() for p in (path / "log").rglob("*") if p.is_file())
    for secret in (FANG, LU, SPLIT, "Lu Kanghai"):
        assert secret.encode() not in published, secret

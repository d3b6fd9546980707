"""A review naming an entity only sealed documents name is logged sealed, and still applies.

An entity id is a hash of a person's name, so a merge or link logged in clear would let
anyone confirm a guessed name against the public log, and link it to a public entity.
"""

from __future__ import annotations

from erfurt.archive import Archive, check_archive
from erfurt.entities import Decisions, read_dossier
from sealed_entities import FANG, LU, QIAO, SHEN, SPLIT, Reviewed


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

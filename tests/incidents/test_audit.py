"""Figures recomputed from the log alone agree with the view, through merges, copies, edits
and a publication that raced another writer; a forged publication is caught."""

from __future__ import annotations

import pytest

from erfurt.archive import Archive, Record
from erfurt.errors import InputError
from erfurt.incidents import (
    BOOK_KINDS,
    IncidentBook,
    IncidentText,
    Query,
    audit_figures,
    build_incident,
    compute_figure,
    current_incident,
    define_figure,
    edit_incident,
    mark_copy,
    merge_incidents,
    publish_figure,
    read_incidents,
)
from erfurt.incidents import add_incident as add

from .conftest import Texts
from .test_incidents import make


def book_of(archive: Archive) -> IncidentBook:
    book = IncidentBook()
    for index, record in archive.records(kinds=BOOK_KINDS):
        book.apply(index, record)
    return book


def test_the_fold_from_the_log_agrees_with_the_view(archive: Archive, texts: Texts) -> None:
    both = "3@{report:three people}|{newspaper:Five people}|{reprint:Five people}"
    add(archive, [make("I-1", texts, harmed=(both,)), make("I-2", texts)], "t")
    add(archive, [make("I-3", texts, harmed=("2@{reprint:Five people}", "4@note:a list"))], "t")
    define_figure(archive, "all", Query("harmed"), "t")
    publish_figure(archive, "all", "t")
    mark_copy(archive, texts.records["reprint"], texts.records["newspaper"], "copied", "r")
    merge_incidents(archive, "I-2", "I-1", "same", "r")
    edit_incident(archive, [make("I-3", texts, harmed=("2@{reprint:Five people}",))], "t")
    publish_figure(archive, "all", "t")
    define_figure(archive, "corroborated", Query(status="corroborated"), "t")
    publish_figure(archive, "corroborated", "t")
    from_log = {s.id: s.status for s in book_of(archive).summaries()}
    in_view = {r.id: r.status for r in read_incidents(archive)}
    assert from_log == in_view == {"I-1": "corroborated", "I-3": "corroborated"}
    report = audit_figures(archive)
    assert report.ok and report.figures == 3


def test_figures_summed_by_sqlite_equal_the_fold_from_the_log(
    archive: Archive, texts: Texts
) -> None:
    # Ids added out of order, two kinds, one merged away: SQLite's sums and joined ids
    # must be what an auditor folding the log computes, byte for byte (the digest).
    ids = [f"I-{n:02d}" for n in (7, 3, 12, 1, 9, 4, 11, 2, 10, 5, 8, 6)]
    add(
        archive,
        [
            make(
                incident,
                texts,
                harmed=(f"{n % 4}@{{report:three people}}",),
                kind="detention@note:a list" if n % 3 else "killing@{report:shot}",
            )
            for n, incident in enumerate(ids)
        ],
        "t",
    )
    merge_incidents(archive, "I-09", "I-03", "same", "r")
    book = book_of(archive)
    queries = [
        Query(),
        Query("harmed"),
        Query("harmed", kind="killing"),
        Query(kind="detention"),
        Query(kind="torture"),
    ]
    for query in queries:
        value = compute_figure(archive, query)[1]
        assert value == book.figure(query)
        assert list(value.incidents) == sorted(value.incidents)
        assert value.count == len(value.incidents)
    assert compute_figure(archive, Query())[1].count == 11
    assert compute_figure(archive, Query(kind="torture"))[1].incidents == ()


def test_a_publication_that_raced_another_writer_is_audited_at_its_size(
    archive: Archive, texts: Texts
) -> None:
    add(archive, [make("I-1", texts)], "t")
    define_figure(archive, "all", Query(), "t")
    published = publish_figure(archive, "all", "t")
    # Another writer's incident lands between the count and its publication.
    add(archive, [make("I-2", texts)], "t")
    copy = archive.record(published.record)
    archive.append([Record("figure.published", dict(copy.fields))])
    report = audit_figures(archive)
    assert report.ok and report.figures == 2


def test_a_forged_publication_is_caught(archive: Archive, texts: Texts) -> None:
    add(archive, [make("I-1", texts)], "t")
    definition = define_figure(archive, "all", Query("harmed"), "t")
    published = publish_figure(archive, "all", "t")
    forged = {**archive.record(published.record).fields, "low": 916, "high": 916}
    archive.append([Record("figure.published", forged)])
    past = {**forged, "low": 3, "high": 3, "log_size": archive.size + 5}
    wrong = {**forged, "low": 3, "high": 3, "definition": definition + 1}
    archive.append([Record("figure.published", past), Record("figure.published", wrong)])
    report = audit_figures(archive)
    assert not report.ok
    reasons = [(m.published[0], m.reason) for m in report.mismatches]
    assert reasons[0] == (916, "the values differ")
    assert report.mismatches[0].recomputed is not None
    assert report.mismatches[0].recomputed[0] == 3
    assert "past itself" in reasons[1][1] and "definition" in reasons[2][1]


def test_a_figure_of_an_entity_is_recomputed_from_the_log(archive: Archive, texts: Texts) -> None:
    add(archive, [make("I-1", texts), make("I-2", texts)], "t")
    base = current_incident(archive, "I-1")
    assert base is not None
    linked = IncidentText(entities=[("Border Regiment 33", "ent-41")])
    edit_incident(archive, [build_incident(archive, base[1], linked)], "t")
    define_figure(archive, "by ent-41", Query("harmed", entity="ent-41"), "t")
    published = publish_figure(archive, "by ent-41", "t")
    assert published.value.incidents == ("I-1",) and published.value.low == 3
    assert [r.id for r in read_incidents(archive, Query(entity="ent-41"))] == ["I-1"]
    assert audit_figures(archive).ok
    # Replacing the responsible values drops their links: the figure changes with them.
    edit_incident(archive, [make("I-1", texts)], "t")
    assert compute_figure(archive, Query("harmed", entity="ent-41"))[1].incidents == ()


def test_an_entity_link_must_name_a_responsible_value(archive: Archive, texts: Texts) -> None:
    add(archive, [make("I-1", texts)], "t")
    base = current_incident(archive, "I-1")
    assert base is not None
    for links, message in (
        ([("Border Regiment 34", "ent-41")], "not one of the units or persons responsible"),
        ([("Border Regiment 33", " ")], "is not an entity id"),
        ([("Border Regiment 33", "ent\n41")], "is not an entity id"),
    ):
        with pytest.raises(InputError, match=message):
            build_incident(archive, base[1], IncidentText(entities=links))

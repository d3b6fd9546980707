"""Incidents on a real archive: sources, merges, disputes, edits, cites to superseded texts."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from erfurt.archive import Archive, Record
from erfurt.errors import InputError
from erfurt.incidents import (
    Incident,
    IncidentsView,
    Query,
    add_incident,
    compute_figure,
    current_incident,
    edit_incident,
    history,
    mark_copy,
    merge_incidents,
    parse_count_claim,
    parse_date_claim,
    parse_value_claim,
    passages,
)

from .conftest import TEXTS, Texts, add_text

TODAY = date(2026, 11, 25)


def make(
    incident: str,
    texts: Texts,
    *,
    harmed: tuple[str, ...] = ("3@{report:three people}",),
    dates: tuple[str, ...] = ("1961-08-12@{report:12 August 1961}",),
    place: str = "Berlin@{report:at the wall}",
    kind: str = "killing@{report:shot}",
    responsible: tuple[str, ...] = ("Border Regiment 33@{report:Border Regiment 33}",),
) -> Incident:
    """An incident whose cites are written ``{text:phrase}``."""

    def cited(value: str) -> str:
        head, _, tail = value.partition("@")
        cites = []
        for part in tail.split("|"):
            name, _, phrase = part.strip("{}").partition(":")
            cites.append(texts.cite(name, phrase) if name in TEXTS else part)
        return f"{head}@{'|'.join(cites)}"

    return Incident(
        id=incident,
        kind=parse_value_claim(cited(kind), "kind"),
        dates=tuple(parse_date_claim(cited(d), TODAY) for d in dates),
        place=parse_value_claim(cited(place), "place"),
        harmed=tuple(parse_count_claim(cited(h)) for h in harmed),
        responsible=tuple(parse_value_claim(cited(r), "responsible") for r in responsible),
    )


def status(archive: Archive, incident: str) -> tuple[str, int]:
    with archive.read_views() as db:
        row = db.execute(
            "SELECT status, sources FROM incidents_incident WHERE id = ?", (incident,)
        ).fetchone()
    return str(row[0]), int(row[1])


def test_corroboration_counts_distinct_sources_not_copies(archive: Archive, texts: Texts) -> None:
    one = make("I-1", texts, harmed=("3@{report:three people}|{newspaper:Five people}",))
    add_incident(archive, [one], "tester")
    assert status(archive, "I-1") == ("corroborated", 2)
    # A second text of the same document is not a second source.
    again = add_text(archive, "report", TEXTS["report"])
    two = make("I-2", texts, harmed=("3@{report:three people}|" + f"{again}:3-17",))
    add_incident(archive, [two], "tester")
    assert status(archive, "I-2") == ("reported", 1)
    # The reprint copies the newspaper: marking it so makes three cites two sources.
    three = make(
        "I-3",
        texts,
        harmed=("3@{report:three people}|{newspaper:Five people}|{reprint:Five people}",),
    )
    add_incident(archive, [three], "tester")
    assert status(archive, "I-3") == ("corroborated", 3)
    mark_copy(archive, texts.records["reprint"], texts.records["newspaper"], "same words", "rev")
    assert status(archive, "I-3") == ("corroborated", 2)
    with pytest.raises(InputError, match="cycle"):
        mark_copy(archive, texts.records["newspaper"], texts.records["reprint"], "x", "rev")


def test_disputed_count_is_a_range_with_both_sources(archive: Archive, texts: Texts) -> None:
    both = make("I-1", texts, harmed=("3@{report:three people}", "5@{newspaper:Five people}"))
    add_incident(archive, [both], "tester")
    assert status(archive, "I-1")[0] == "disputed"
    _, value = compute_figure(archive, Query("harmed"))
    assert (value.low, value.high) == (3, 5)  # never averaged to 4
    _, stored = current_incident(archive, "I-1") or (0, None)
    assert stored is not None and [c.count for c in stored.harmed] == [3, 5]
    fields = {p.field for p in passages(archive, stored)}
    assert "harmed" in fields


def test_merged_duplicates_count_once_and_corroborate(archive: Archive, texts: Texts) -> None:
    add_incident(archive, [make("I-1", texts)], "tester")
    duplicate = make(
        "I-2",
        texts,
        harmed=("3@{newspaper:Five people}",),
        dates=("1961-08-12@{newspaper:12 August 1961}",),
        place="Berlin@{newspaper:at the wall}",
        kind="killing@{newspaper:died}",
        responsible=(),
    )
    add_incident(archive, [duplicate], "tester")
    assert compute_figure(archive, Query("harmed"))[1].low == 6
    merge_incidents(archive, "I-2", "I-1", "the same shooting", "reviewer")
    _, value = compute_figure(archive, Query("harmed"))
    assert (value.low, value.incidents) == (3, ("I-1",))
    assert status(archive, "I-1") == ("corroborated", 2)
    with pytest.raises(InputError, match="merged into I-1 already"):
        merge_incidents(archive, "I-2", "I-1", "again", "reviewer")


def test_contradictory_dates(archive: Archive, texts: Texts) -> None:
    with pytest.raises(InputError, match="ends before it begins"):
        parse_date_claim("1962..1961@note:x", TODAY)
    with pytest.raises(InputError, match="in the future"):
        parse_date_claim("2030-01-01@note:x", TODAY)
    two = make("I-1", texts, dates=("1961-08-12@{report:12 August 1961}", "1962@note:a letter"))
    add_incident(archive, [two], "tester")
    assert status(archive, "I-1")[0] == "disputed"
    # The incident spans both dates, so a figure for 1961 alone does not count it.
    assert compute_figure(archive, Query(until="1961-12-31"))[1].low == 0
    assert compute_figure(archive, Query(since="1961-01-01", until="1962-12-31"))[1].low == 1


def test_edit_keeps_history_and_cites_keep_superseded_text(archive: Archive, texts: Texts) -> None:
    [first] = add_incident(archive, [make("I-1", texts)], "tester")
    # A newer extraction of the same document no longer has the passage.
    add_text(archive, "report", "unreadable scan")
    [second] = edit_incident(
        archive, [make("I-1", texts, harmed=("4@{report:three people}",))], "tester"
    )
    assert history(archive, "I-1") == [first, second]
    _, incident = current_incident(archive, "I-1") or (0, None)
    assert incident is not None
    shown = {p.field: p.text for p in passages(archive, incident)}
    assert shown["harmed"] == "three people"  # read from the old text record, still logged
    with pytest.raises(InputError, match="no incident I-9"):
        edit_incident(archive, [make("I-9", texts)], "tester")


def test_bad_cites_are_refused(archive: Archive, texts: Texts) -> None:
    with pytest.raises(InputError, match="cites no source"):
        parse_value_claim("Berlin", "place")
    with pytest.raises(InputError, match=r"not a text\.extracted"):
        add_incident(archive, [make("I-1", texts, place="Berlin@0:0-3")], "tester")
    with pytest.raises(InputError, match="characters"):
        cite = f"Berlin@{texts.records['report']}:0-9999"
        add_incident(archive, [make("I-1", texts, place=cite)], "tester")
    with pytest.raises(InputError, match="not one of this archive's incident kinds"):
        add_incident(archive, [make("I-1", texts, kind="picnic@note:x")], "tester")


@pytest.mark.parametrize(
    ("claim", "said"),
    [("\u00b2@note:x", "is not a count"), ("3@\u00b2:0-9", "is not a cite"),
     ("3@1:\u2460-9", "is not a cite"), ("\u0663@note:x", "is not a count")],
    ids=["superscript-count", "superscript-record", "circled-start", "arabic-indic-count"],
)  # fmt: skip
def test_numbers_are_ascii_digits_only(claim: str, said: str) -> None:
    # "²" and "①" are digits to str.isdigit, and int() refused them: a 500 from the API.
    with pytest.raises(InputError, match=said):
        parse_count_claim(claim)


@pytest.mark.parametrize(
    "query",
    [Query("harmed", kind="killing"), Query("incidents", since="1961-01-01"), Query("harmed")],
    ids=["by kind", "by period", "all"],
)
def test_figures_read_a_covering_index_without_sorting(archive: Archive, query: Query) -> None:
    """A figure over a million incidents must not visit each row nor sort the ids it lists."""
    where, params = query.where()
    with archive.read_views() as db:
        plan = " ".join(
            str(step[-1])
            for step in db.execute(
                "EXPLAIN QUERY PLAN SELECT id, low, high FROM incidents_incident"
                f" WHERE {where} ORDER BY id",
                params,
            )
        )
    assert "COVERING INDEX incidents_counted" in plan
    assert "TEMP B-TREE" not in plan


def test_applying_records_never_scans_a_whole_table(archive: Archive, texts: Texts) -> None:
    """Each record the view applies reads only the rows it touches, so importing a
    million incidents is not quadratic (a delete by incident id once scanned every row)."""
    statements: list[str] = []
    with sqlite3.connect(":memory:") as db:
        view = IncidentsView()
        view.create(db)
        for name, index in texts.records.items():
            db.execute("INSERT INTO incidents_text VALUES (?, ?)", (index, f"blob of {name}"))
        db.set_trace_callback(statements.append)
        records = [
            Record("incident.recorded", {**make(f"I-{n}", texts).to_fields(), "who": "t"})
            for n in (1, 2)
        ]
        records.append(Record("incident.merged", {"duplicate": "I-2", "into": "I-1"}))
        records.append(Record("source.copied", {"copy": "blob of reprint", "original": "x"}))
        for index, record in enumerate(records, start=100):
            view.apply(db, index, record, archive)
        db.set_trace_callback(None)
        scans = {
            statement: detail
            for statement in statements
            if not statement.startswith(("BEGIN", "COMMIT"))
            for *_, detail in db.execute(f"EXPLAIN QUERY PLAN {statement}")
            if str(detail).startswith("SCAN")
        }
    assert statements and not scans

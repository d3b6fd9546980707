"""Counters kept one declaration at a time equal the tally recomputed from scratch."""

from __future__ import annotations

import sqlite3

from hypothesis import given
from hypothesis import strategies as st

from erfurt.archive import ViewConnection
from erfurt.declarations import (
    Declaration,
    count_declaration,
    create_tally_tables,
    query_tally,
    read_all_counts,
    tally_declarations,
)

PERSONS = ["aa" * 32, "bb" * 32, "cc" * 32]

declarations = st.builds(
    Declaration,
    alias=st.just("a"),
    organisations=st.lists(
        st.sampled_from(["Party", "Youth League", "Young Pioneers"]),
        min_size=1,
        max_size=3,
        unique=True,
    ).map(tuple),
    channel=st.just("online"),
    time=st.sampled_from(
        [
            "2026-01-31T23:59:59Z",
            "2026-02-01T00:00:00Z",
            "2026-02-01T12:00:00Z",
            "2027-01-01T00:00:00Z",
        ]
    ),
    place=st.sampled_from([None, "Shenzhen", "Chengdu"]),
    person=st.sampled_from([None, *PERSONS]),
)


def _counted(items: list[Declaration], db: ViewConnection | None = None) -> ViewConnection:
    db = db or sqlite3.connect(":memory:")
    create_tally_tables(db)
    for item in items:
        count_declaration(db, item)
    return db


@given(st.lists(declarations, max_size=30))
def test_incremental_counters_equal_the_recomputed_tally(items: list[Declaration]) -> None:
    db = _counted(items)
    assert read_all_counts(db) == tally_declarations(items)
    total = query_tally(db, "total").total
    assert total.declarations == len(items)
    identified = {i.person for i in items if i.person}
    assert total.persons == len(identified) + sum(1 for i in items if i.person is None)


def test_tally_groups_by_day_month_organisation_and_place(view_db: ViewConnection) -> None:
    def make(time: str, orgs: tuple[str, ...], person: str | None) -> Declaration:
        return Declaration("a", orgs, "online", time, place="Chengdu", person=person)

    db = _counted(
        [
            make("2026-01-31T10:00:00Z", ("Party",), PERSONS[0]),
            make("2026-02-01T10:00:00Z", ("Party", "Youth League"), PERSONS[0]),
            make("2026-02-01T11:00:00Z", ("Young Pioneers",), None),
        ],
        view_db,
    )
    by_day = query_tally(db, "day")
    assert [(r.key, r.declarations, r.persons) for r in by_day.rows] == [
        ("2026-01-31", 1, 1),
        ("2026-02-01", 2, 1),
    ]
    by_org = {r.key: r.declarations for r in query_tally(db, "organisation").rows}
    assert by_org == {"Party": 2, "Youth League": 1, "Young Pioneers": 1}
    assert [r.key for r in query_tally(db, "month").rows] == ["2026-01", "2026-02"]
    assert [(r.key, r.declarations) for r in query_tally(db, "place").rows] == [("Chengdu", 3)]
    assert (by_day.total.declarations, by_day.total.persons) == (3, 2)


def test_an_empty_registry_tallies_zero(view_db: ViewConnection) -> None:
    tally = query_tally(_counted([], view_db), "day")
    assert tally.rows == ()
    assert (tally.total.declarations, tally.total.persons) == (0, 0)

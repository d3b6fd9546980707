"""The tally: counters kept up to date declaration by declaration, and recomputed for audit.

The view keeps one row per (grouping, key), e.g. ``("day", "2026-11-25")``, holding the
number of declarations and of new persons (declarations by someone not seen before; a
declaration without an identity counts as a new person, since nobody can tell). A tally
query reads those rows only, never the declarations, so it costs the same at a thousand
declarations as at a billion. :func:`tally_declarations` computes the same rows from the
declarations themselves, which is how an audit checks the view.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, cast, get_args

from erfurt.archive import ViewConnection
from erfurt.declarations.model import Declaration

__all__ = [
    "GROUPINGS",
    "Counts",
    "Grouping",
    "Tally",
    "TallyRow",
    "count_declaration",
    "counter_keys",
    "create_tally_tables",
    "query_tally",
    "read_all_counts",
    "tally_declarations",
]

Grouping = Literal["total", "day", "month", "organisation", "place"]
GROUPINGS: tuple[Grouping, ...] = get_args(Grouping)

Counts = dict[tuple[str, str], tuple[int, int]]  # (grouping, key) -> (declarations, new persons)


@dataclass(frozen=True, slots=True)
class TallyRow:
    """Declarations and new persons under one key (a day, a month, an organisation...)."""

    key: str
    declarations: int
    persons: int


@dataclass(frozen=True, slots=True)
class Tally:
    """A tally grouped one way, in key order; ``total`` is over the whole registry."""

    by: Grouping
    rows: tuple[TallyRow, ...]
    total: TallyRow


def create_tally_tables(db: ViewConnection) -> None:
    """Create the counter and person tables (the view's own tables)."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS declarations_count ("
        " grouping TEXT NOT NULL, key TEXT NOT NULL,"
        " declarations INTEGER NOT NULL, persons INTEGER NOT NULL,"
        " PRIMARY KEY (grouping, key)) WITHOUT ROWID"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS declarations_person ("
        " person BLOB PRIMARY KEY, declarations INTEGER NOT NULL) WITHOUT ROWID"
    )


def counter_keys(declaration: Declaration) -> list[tuple[str, str]]:
    """The (grouping, key) counters one declaration counts in."""
    keys = [
        ("total", ""),
        ("day", declaration.time[:10]),
        ("month", declaration.time[:7]),
        *(("organisation", o) for o in declaration.organisations),
    ]
    if declaration.place:
        keys.append(("place", declaration.place))
    return keys


def count_declaration(db: ViewConnection, declaration: Declaration) -> None:
    """Add one declaration (the next in log order) to the counters."""
    new_person = 1
    if declaration.person is not None:
        person = bytes.fromhex(declaration.person)
        seen = db.execute(
            "UPDATE declarations_person SET declarations = declarations + 1 WHERE person = ?",
            (person,),
        ).rowcount
        if seen:
            new_person = 0
        else:
            db.execute("INSERT INTO declarations_person VALUES (?, 1)", (person,))
    db.executemany(
        "INSERT INTO declarations_count VALUES (?, ?, 1, ?) ON CONFLICT (grouping, key) DO UPDATE"
        " SET declarations = declarations_count.declarations + 1,"
        " persons = declarations_count.persons + excluded.persons",
        [(grouping, key, new_person) for grouping, key in counter_keys(declaration)],
    )


def tally_declarations(declarations: Iterable[Declaration]) -> Counts:
    """Every counter, computed from the declarations in log order (for audits)."""
    counts: Counts = {}
    seen: set[str] = set()
    for declaration in declarations:
        new_person = 1
        if declaration.person is not None:
            new_person = 0 if declaration.person in seen else 1
            seen.add(declaration.person)
        for key in counter_keys(declaration):
            declared, persons = counts.get(key, (0, 0))
            counts[key] = (declared + 1, persons + new_person)
    return counts


def read_all_counts(db: ViewConnection) -> Counts:
    """Every counter the view holds."""
    rows = db.execute("SELECT grouping, key, declarations, persons FROM declarations_count")
    return {(g, k): (d, p) for g, k, d, p in rows}


def query_tally(db: ViewConnection, by: Grouping) -> Tally:
    """The tally grouped ``by`` (reads the counters only)."""
    rows = tuple(
        TallyRow(key, declared, persons)
        for key, declared, persons in db.execute(
            "SELECT key, declarations, persons FROM declarations_count"
            " WHERE grouping = ? ORDER BY key",
            (by,),
        )
    )
    total = db.execute(
        "SELECT declarations, persons FROM declarations_count WHERE grouping = 'total'"
    ).fetchone()
    total_row = TallyRow("", *cast(tuple[int, int], total)) if total else TallyRow("", 0, 0)
    return Tally(by=by, rows=rows, total=total_row)

"""The tally counted a batch at a time: what a batch of declarations adds, written at once.

Where the view's connection holds rows back (a rebuild's or catch-up's batch on
PostgreSQL, :func:`~erfurt.archive.held_rows`), counting a declaration by statements
costs round trips: whether its person was seen is a read, each counter an upsert. A
:class:`TallyBatch` reads once what the batch needs (the persons it names that were seen
before, the total so far), counts in memory in log order, and writes each counter, person
and number once. The rows are the ones :func:`~erfurt.declarations.tally.count_declaration`
leaves, declaration by declaration.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from erfurt.archive import ViewConnection
from erfurt.declarations.model import Declaration
from erfurt.declarations.tally import Counts, counter_keys

__all__ = ["TallyBatch"]


@dataclass
class TallyBatch:
    """The counters, persons, numbers and import counts a batch adds."""

    total: int
    """Declarations counted: before the batch, and in it so far."""
    seen: set[bytes]
    """Persons counted before the batch (among those it names) or in it."""
    counts: Counts = field(default_factory=dict)
    persons: dict[bytes, int] = field(default_factory=dict)
    numbers: list[tuple[int, int]] = field(default_factory=list)
    imported: dict[bytes, int] = field(default_factory=dict)

    @classmethod
    def begin(cls, db: ViewConnection, persons: Iterable[bytes]) -> TallyBatch:
        """Read what counting a batch naming ``persons`` needs (PostgreSQL's SQL: the
        only backend whose connections hold rows back)."""
        row = db.execute(
            "SELECT declarations FROM declarations_count WHERE grouping = 'total'"
        ).fetchone()
        seen = db.execute(
            "SELECT person FROM declarations_person WHERE person = ANY(?)", (sorted(persons),)
        ).fetchall()
        return cls(0 if row is None else int(row[0]), {bytes(r[0]) for r in seen})

    def count(self, index: int, declaration: Declaration, digest: bytes | None) -> None:
        """Count the declaration at log ``index`` (``digest``: its import digest, if imported)."""
        new_person = 1
        if declaration.person is not None:
            person = bytes.fromhex(declaration.person)
            new_person = 0 if person in self.seen else 1
            self.seen.add(person)
            self.persons[person] = self.persons.get(person, 0) + 1
        for key in counter_keys(declaration):
            declared, persons = self.counts.get(key, (0, 0))
            self.counts[key] = (declared + 1, persons + new_person)
        self.total += 1
        self.numbers.append((index, self.total))
        if digest is not None:
            self.imported[digest] = self.imported.get(digest, 0) + 1

    def write(self, db: ViewConnection) -> None:
        """Add the batch to the view's tables."""
        db.executemany(
            "INSERT INTO declarations_count VALUES (?, ?, ?, ?) ON CONFLICT (grouping, key)"
            " DO UPDATE SET declarations = declarations_count.declarations"
            " + excluded.declarations, persons = declarations_count.persons + excluded.persons",
            [(*key, *counted) for key, counted in sorted(self.counts.items())],
        )
        db.executemany(
            "INSERT INTO declarations_person VALUES (?, ?) ON CONFLICT (person) DO UPDATE"
            " SET declarations = declarations_person.declarations + excluded.declarations",
            sorted(self.persons.items()),
        )
        db.executemany("INSERT INTO declarations_number VALUES (?, ?)", self.numbers)
        db.executemany(
            "INSERT INTO declarations_imported VALUES (?, ?) ON CONFLICT (digest)"
            " DO UPDATE SET count = declarations_imported.count + excluded.count",
            sorted(self.imported.items()),
        )

"""Named figures: a query stored as a record, published with the log size it was computed at."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass

from erfurt.archive import Archive, Record, applied_size, dialect_of
from erfurt.errors import InputError
from erfurt.incidents.book import FigureValue
from erfurt.incidents.query import Query
from erfurt.incidents.view import FIGURE_DEFINED, FIGURE_PUBLISHED, IncidentsView

__all__ = [
    "Figure",
    "Publication",
    "PublishedFigure",
    "compute_figure",
    "define_figure",
    "list_figures",
    "publish_figure",
    "read_figure",
    "read_publications",
]

_MAX_NAME = 200


@dataclass(frozen=True, slots=True)
class Figure:
    """A defined figure: its name, the record defining it, its query."""

    name: str
    definition: int
    query: Query


@dataclass(frozen=True, slots=True)
class PublishedFigure:
    """A figure as published: its record, the log size it was computed at, its value."""

    record: int
    figure: Figure
    log_size: int
    value: FigureValue


@dataclass(frozen=True, slots=True)
class Publication:
    """A ``figure.published`` record as the view holds it."""

    record: int
    name: str
    log_size: int
    low: int
    high: int
    incidents: int
    digest: str


def read_publications(archive: Archive, name: str | None = None) -> list[Publication]:
    """Every publication (of figure ``name`` only, if given), oldest first."""
    where, params = ("WHERE name = ?", (name,)) if name is not None else ("", ())
    with archive.query_views() as db:
        rows = db.execute(
            "SELECT record, name, log_size, low, high, incidents, digest"
            f" FROM incidents_published {where} ORDER BY record",
            params,
        ).fetchall()
    return [Publication(*row) for row in rows]


def _check_name(name: str) -> str:
    if (
        not name.strip()
        or len(name) > _MAX_NAME
        or any(unicodedata.category(c).startswith("C") for c in name)
    ):
        raise InputError(
            f"figure name {name!r} is empty, too long or holds control characters",
            f"name figures in 1-{_MAX_NAME} printable characters",
        )
    return name


def define_figure(archive: Archive, name: str, query: Query, who: str) -> int:
    """Store ``query`` as figure ``name`` (a later definition of the name replaces it)."""
    record = Record(
        FIGURE_DEFINED,
        {
            "name": _check_name(name),
            "measure": query.measure,
            "filters": query.filters(),
            "time": archive.now(),
            "who": who,
        },
    )
    [index] = archive.append([record])
    return index


def read_figure(archive: Archive, name: str) -> Figure:
    """The current definition of figure ``name``; raises InputError if there is none."""
    with archive.query_views() as db:
        row = db.execute(
            "SELECT definition, measure, filters FROM incidents_figure WHERE name = ?", (name,)
        ).fetchone()
    if row is None:
        raise InputError(f"no figure named {name!r}", "define it with `erfurt figures define`")
    query = Query.from_record(row[1], json.loads(row[2]), f"figure {name!r}")
    return Figure(name, int(row[0]), query)


def list_figures(archive: Archive) -> list[Figure]:
    """Every defined figure, by name."""
    with archive.query_views() as db:
        names = [str(n) for (n,) in db.execute("SELECT name FROM incidents_figure ORDER BY name")]
    return [read_figure(archive, n) for n in names]


def compute_figure(archive: Archive, query: Query) -> tuple[int, FigureValue]:
    """The figure over the view, and the log size the view had applied when it was read.

    The database sums the counts and joins the sorted ids itself: a figure over a million
    incidents costs no Python object per incident. Ids are joined in id order, as
    :func:`figure_value` joins them for audits: SQLite keeps an ORDER BY subquery of an
    aggregate as a co-routine, PostgreSQL orders inside ``string_agg``.
    """
    where, params = query.where()
    with archive.query_views() as db:
        if dialect_of(db) == "sqlite":
            begin, ids = "BEGIN", "group_concat(id, char(10))"
            rows = f"(SELECT id, low, high FROM incidents_incident WHERE {where} ORDER BY id)"
        else:  # one snapshot needs REPEATABLE READ: READ COMMITTED takes one per statement
            begin, ids = (
                "BEGIN ISOLATION LEVEL REPEATABLE READ",
                "string_agg(id, chr(10) ORDER BY id)",
            )
            rows = f"incidents_incident WHERE {where}"
        db.execute(begin)  # one snapshot: the rows and the size they were applied to
        size = applied_size(db, IncidentsView.name)
        count, low, high, joined = db.execute(
            f"SELECT count(*), coalesce(sum(low), 0), coalesce(sum(high), 0), {ids} FROM {rows}",
            params,
        ).fetchone()
        db.execute("COMMIT")
    if query.measure == "incidents":
        low = high = count
    return size, FigureValue(int(low), int(high), joined or "")


def publish_figure(archive: Archive, name: str, who: str) -> PublishedFigure:
    """Compute figure ``name`` from the view and append it with the log size it counts."""
    figure = read_figure(archive, name)
    size, value = compute_figure(archive, figure.query)
    record = Record(
        FIGURE_PUBLISHED,
        {
            "name": name,
            "definition": figure.definition,
            "log_size": size,
            "low": value.low,
            "high": value.high,
            "incidents": value.count,
            "digest": value.digest,
            "time": archive.now(),
            "who": who,
        },
    )
    [index] = archive.append([record])
    return PublishedFigure(index, figure, size, value)

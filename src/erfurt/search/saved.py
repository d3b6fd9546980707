"""Saved searches and their alerts: what matches a saved query among newer documents.

Saved searches are the user's own workspace, not evidence: they live in a private
SQLite file (``private/saved-searches.sqlite``, owner-only), never in the log or in
a view, because the names someone watches for can endanger them or others.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from erfurt.errors import InputError
from erfurt.search.find import SearchHit, search
from erfurt.search.match import NameExpander
from erfurt.search.query import parse_query

__all__ = ["Alert", "SavedSearch", "alerts", "save_search", "saved_searches"]

_NAME = re.compile(r"^[\w.-]{1,64}$")
ALERT_LIMIT = 100


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A query kept under a name; ``seen`` is the last document already shown for it."""

    name: str
    query: str
    seen: int


@dataclass(frozen=True, slots=True)
class Alert:
    """The documents added since a saved search was last looked at that match it."""

    saved: SavedSearch
    hits: tuple[SearchHit, ...]
    total: int


def _open(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE IF NOT EXISTS saved_searches "
        "(name TEXT PRIMARY KEY, query TEXT NOT NULL, seen INTEGER NOT NULL)"
    )
    return db


def _latest(views: sqlite3.Connection) -> int:
    row = views.execute("SELECT max(doc) FROM search_documents").fetchone()
    return -1 if row[0] is None else int(row[0])


def save_search(path: Path, views: sqlite3.Connection, name: str, query: str) -> SavedSearch:
    """Keep ``query`` under ``name`` (replacing one of that name); alert from now on.

    Raises InputError for a name that is not 1-64 letters, digits, ``.``, ``-`` or ``_``,
    and QuerySyntaxError for a query that cannot be read.
    """
    if not _NAME.match(name):
        raise InputError(
            f"saved search name {name!r} is not usable", "use 1-64 letters, digits, '.', '-', '_'"
        )
    parse_query(query)
    saved = SavedSearch(name, query, _latest(views))
    with _open(path) as db:
        db.execute(
            "INSERT OR REPLACE INTO saved_searches VALUES (?, ?, ?)", (name, query, saved.seen)
        )
    return saved


def saved_searches(path: Path) -> list[SavedSearch]:
    """Every saved search, by name."""
    if not path.exists():
        return []
    with _open(path) as db:
        rows = db.execute("SELECT name, query, seen FROM saved_searches ORDER BY name").fetchall()
    return [SavedSearch(*row) for row in rows]


def alerts(
    path: Path, views: sqlite3.Connection, names: NameExpander | None = None, mark_seen: bool = True
) -> list[Alert]:
    """For each saved search, the matching documents added since it was last looked at.

    With ``mark_seen`` the next call starts after the newest document now indexed.
    """
    latest = _latest(views)
    found = []
    for saved in saved_searches(path):
        result = search(views, saved.query, names=names, after_doc=saved.seen, limit=ALERT_LIMIT)
        found.append(Alert(saved, result.hits, result.total))
    if mark_seen and found:
        with _open(path) as db:
            db.execute("UPDATE saved_searches SET seen = ?", (latest,))
    return found

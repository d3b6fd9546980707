"""What a views database holds, in a form two databases can be compared by.

Shared by the tests that check a view against one rebuilt from the log.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

FTS_INDEXES = ("search_index",)


def views_snapshot(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every view table of the views database at ``path`` and of the files of views kept
    apart beside it (``search.sqlite``), and the exact contents of each full-text index.

    FTS5's own b-tree pages depend on how inserts were grouped into transactions (one per
    append live, one per batch on rebuild), so the indexes are compared term by term,
    document by document and position by position, through fts5vocab.
    """
    snapshot = _file_snapshot(path)
    for apart in sorted(path.parent.glob("*.sqlite")):
        if apart != path:
            snapshot.update(_file_snapshot(apart))
    return snapshot


def _file_snapshot(path: Path) -> dict[str, list[tuple[object, ...]]]:
    db = sqlite3.connect(path)
    try:
        tables = [
            str(name)
            for (name,) in db.execute(
                "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table'"
                " AND name NOT LIKE 'sqlite_%' AND name != 'view_state'"
            )
            if not str(name).startswith(FTS_INDEXES)
        ]
        for index in FTS_INDEXES:
            if db.execute("SELECT 1 FROM pragma_table_list WHERE name = ?", (index,)).fetchone():
                db.execute(
                    f"CREATE VIRTUAL TABLE temp.{index}_v USING fts5vocab(main, {index}, instance)"
                )
                tables.append(f"temp.{index}_v")
        return {
            table: sorted(db.execute(f"SELECT * FROM {_quoted(table)}").fetchall(), key=repr)
            for table in tables
        }
    finally:
        db.close()


def _quoted(table: str) -> str:
    return ".".join(f'"{part}"' for part in table.split("."))

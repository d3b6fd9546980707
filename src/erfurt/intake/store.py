"""The server's intake state in ``private/intake.sqlite``: sources, replies, exports.

A source is known only by the keyed hash of its codename and the public half of its
reply key. Replies are kept encrypted to that key; the ids of every reply ever delivered
stay (as ids only) so that a reply cannot be delivered twice, even after it was deleted.
"""

from __future__ import annotations

import secrets
import sqlite3
from pathlib import Path

from erfurt.archive import ArchivePaths

__all__ = ["IntakeStore", "StoredReply"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS sources (id TEXT PRIMARY KEY, reply_key BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS replies (id TEXT PRIMARY KEY, source TEXT NOT NULL,
    day TEXT NOT NULL, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS delivered (id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS exported (record INTEGER PRIMARY KEY);
"""

StoredReply = tuple[str, str, bytes]  # id, day, signed reply


class IntakeStore:
    """Open (creating it if needed) the intake database of the archive at ``paths``."""

    def __init__(self, paths: ArchivePaths) -> None:
        paths.private.mkdir(mode=0o700, exist_ok=True)
        self.path: Path = paths.private / "intake.sqlite"
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA secure_delete=ON")  # deleted replies are overwritten
        self._db.executescript(_SCHEMA)
        self._db.execute(
            "INSERT OR IGNORE INTO settings (name, value) VALUES ('hash_key', ?)",
            (secrets.token_bytes(32),),
        )
        # Written once, by the first open, and never changed: read once per open, not at
        # every submission and reply.
        [(key,)] = self._db.execute("SELECT value FROM settings WHERE name = 'hash_key'")
        self._hash_key = bytes(key)
        self.path.chmod(0o600)

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def hash_key(self) -> bytes:
        """The key of the codenames' keyed hashes."""
        return self._hash_key

    def add_source(self, source: str, reply_key: bytes) -> None:
        """Remember a source (no-op if known)."""
        self._db.execute(
            "INSERT OR IGNORE INTO sources (id, reply_key) VALUES (?, ?)", (source, reply_key)
        )

    def reply_key(self, source: str) -> bytes | None:
        """The public reply key of ``source``, if it is known."""
        row = self._db.execute("SELECT reply_key FROM sources WHERE id = ?", (source,)).fetchone()
        return bytes(row[0]) if row else None

    def deliver(self, reply: str, source: str, day: str, body: bytes) -> bool:
        """Keep a reply; False if a reply with this id was ever delivered before."""
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("INSERT INTO delivered (id) VALUES (?)", (reply,))
            except sqlite3.IntegrityError:
                return False
            self._db.execute(
                "INSERT INTO replies (id, source, day, body) VALUES (?, ?, ?, ?)",
                (reply, source, day, body),
            )
        return True

    def replies(self, source: str) -> list[StoredReply]:
        """The replies kept for ``source``, oldest first."""
        rows = self._db.execute(
            "SELECT id, day, body FROM replies WHERE source = ? ORDER BY rowid", (source,)
        )
        return [(str(i), str(d), bytes(b)) for i, d, b in rows]

    def delete_reply(self, source: str, reply: str) -> bool:
        """Delete one of ``source``'s replies; False if it has none by that id."""
        cursor = self._db.execute(
            "DELETE FROM replies WHERE source = ? AND id = ?", (source, reply)
        )
        return cursor.rowcount > 0

    def exported(self) -> set[int]:
        """The ``intake.received`` records already exported."""
        return {int(r) for (r,) in self._db.execute("SELECT record FROM exported")}

    def mark_exported(self, records: list[int]) -> None:
        """Note these records as exported."""
        self._db.executemany(
            "INSERT OR IGNORE INTO exported (record) VALUES (?)", [(r,) for r in records]
        )

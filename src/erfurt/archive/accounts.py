"""Accounts of a served archive: users, argon2id password hashes, sessions, API tokens.

Credentials are not records: a published log must never carry password hashes, and a
session is not evidence. They live in ``private/access.sqlite`` (owner-only, never
published) with the collection rules. Session cookies and API tokens are random secrets
shown once; only their SHA-256 is stored, so a copy of the file opens no session.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast, get_args

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from erfurt.archive.access import ROLES, CollectionRules, Principal, Role
from erfurt.archive.paths import ArchivePaths
from erfurt.archive.transaction import immediate_transaction
from erfurt.errors import ConfigError, InputError

__all__ = [
    "MIN_PASSWORD",
    "SESSION_SECONDS",
    "Accounts",
    "Session",
    "UserInfo",
    "restricted_collections",
]

MIN_PASSWORD = 10
SESSION_SECONDS = 12 * 3600
"""How long a session lasts from its login (it is not lengthened by use)."""
_USER_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, role TEXT NOT NULL, password TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    token TEXT PRIMARY KEY, user TEXT NOT NULL, csrf TEXT NOT NULL, expires INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY, user TEXT NOT NULL, label TEXT NOT NULL, created INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS restricted (
    collection TEXT NOT NULL, allowed TEXT NOT NULL, PRIMARY KEY (collection, allowed));
"""


@dataclass(frozen=True, slots=True)
class UserInfo:
    """A user as listed (never with the password hash)."""

    name: str
    role: Role
    disabled: bool


@dataclass(frozen=True, slots=True)
class Session:
    """A logged-in session: who, and the token its forms must carry (CSRF)."""

    principal: Principal
    csrf: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_role(role: str) -> Role:
    if role not in get_args(Role) or role == "public":
        raise InputError(
            f"role {role!r} is not a role a user can have",
            f"choose one of {', '.join(r for r in ROLES if r != 'public')}",
        )
    return cast(Role, role)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InputError(
            f"the password is shorter than {MIN_PASSWORD} characters",
            "choose a longer one (a few random words are easy to type)",
        )


class Accounts:
    """The accounts file of one archive. Open it with :meth:`open`; cheap to open per use."""

    def __init__(
        self, db: sqlite3.Connection, clock: Callable[[], float], hasher: PasswordHasher
    ) -> None:
        self._db = db
        self._lock = threading.RLock()  # one connection, shared by the server's threads
        self._clock = clock
        self._hasher = hasher
        self._decoy_hash: str | None = None

    @property
    def _decoy(self) -> str:
        # Checked when a user does not exist, so both paths cost one hash; made on first
        # use, so commands that never log anyone in do not pay for it.
        if self._decoy_hash is None:
            self._decoy_hash = self._hasher.hash(secrets.token_hex(16))
        return self._decoy_hash

    @classmethod
    def open(
        cls,
        paths: ArchivePaths,
        *,
        clock: Callable[[], float] = time.time,
        hasher: PasswordHasher | None = None,
    ) -> Accounts:
        """Open (creating if missing, mode 0600) the archive's accounts file.

        New passwords are hashed with ``hasher`` (default: argon2id with RFC 9106's second
        recommended profile); a stored hash is checked with the parameters it records.
        """
        if not paths.config.is_file():
            raise ConfigError(
                f"{paths.root} is not an Erfurt archive (no erfurt.toml)",
                "create one with `erfurt init`, or pass --archive PATH",
            )
        paths.private.mkdir(mode=0o700, exist_ok=True)
        if not paths.access_db.exists():
            os.close(os.open(paths.access_db, os.O_WRONLY | os.O_CREAT, 0o600))
        db = sqlite3.connect(paths.access_db, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA busy_timeout=30000")
        db.executescript(_SCHEMA)
        return cls(db, clock, hasher or PasswordHasher())

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> Accounts:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock, immediate_transaction(self._db) as db:
            yield db

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return list(self._db.execute(sql, params).fetchall())

    # -- users -----------------------------------------------------------------------

    def add_user(self, name: str, role: str, password: str) -> UserInfo:
        """Create a user; raises InputError for a bad name, role or password, or a taken name."""
        if not _USER_NAME.fullmatch(name):
            raise InputError(
                f"user name {name!r} is not allowed",
                "use 1-64 lower-case letters, digits, '.', '_' or '-', starting with a letter "
                "or digit",
            )
        checked = _check_role(role)
        _check_password(password)
        with self._write() as db:
            if db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                raise InputError(f"user {name!r} already exists", "choose another name")
            db.execute(
                "INSERT INTO users (name, role, password, created) VALUES (?, ?, ?, ?)",
                (name, checked, self._hasher.hash(password), int(self._clock())),
            )
        return UserInfo(name, checked, False)

    def users(self) -> list[UserInfo]:
        """Every user, by name."""
        rows = self._rows("SELECT name, role, disabled FROM users ORDER BY name")
        return [UserInfo(n, _check_role(r), bool(d)) for n, r, d in rows]

    def _require(self, name: str) -> None:
        if not self._rows("SELECT 1 FROM users WHERE name = ?", (name,)):
            raise InputError(f"there is no user {name!r}", "see `erfurt users list`")

    def disable(self, name: str) -> None:
        """Disable a user: their sessions and API tokens stop working at once."""
        self._require(name)
        with self._write() as db:
            db.execute("UPDATE users SET disabled = 1 WHERE name = ?", (name,))
            db.execute("DELETE FROM sessions WHERE user = ?", (name,))
            db.execute("DELETE FROM tokens WHERE user = ?", (name,))

    def set_password(self, name: str, password: str) -> None:
        """Change a user's password and end their sessions."""
        self._require(name)
        _check_password(password)
        with self._write() as db:
            db.execute(
                "UPDATE users SET password = ? WHERE name = ?", (self._hasher.hash(password), name)
            )
            db.execute("DELETE FROM sessions WHERE user = ?", (name,))

    def _active(self, name: str) -> Principal | None:
        rows = self._rows("SELECT role FROM users WHERE name = ? AND disabled = 0", (name,))
        return Principal(name, _check_role(rows[0][0])) if rows else None

    def authenticate(self, name: str, password: str) -> Principal | None:
        """The user if ``password`` is theirs and they are not disabled, else None."""
        rows = self._rows(
            "SELECT password, role FROM users WHERE name = ? AND disabled = 0", (name,)
        )
        row = rows[0] if rows else None
        stored = row[0] if row else self._decoy
        try:
            self._hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        return Principal(name, _check_role(row[1])) if row else None

    # -- sessions and tokens ---------------------------------------------------------

    def start_session(self, principal: Principal) -> tuple[str, Session]:
        """A new session for a logged-in user: (cookie value, session)."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = int(self._clock())
        with self._write() as db:
            db.execute("DELETE FROM sessions WHERE expires < ?", (now,))
            db.execute(
                "INSERT INTO sessions (token, user, csrf, expires) VALUES (?, ?, ?, ?)",
                (_digest(token), principal.name, csrf, now + SESSION_SECONDS),
            )
        return token, Session(principal, csrf)

    def session(self, token: str) -> Session | None:
        """The live session of a cookie value, or None (expired, ended, user disabled)."""
        rows = self._rows(
            "SELECT user, csrf FROM sessions WHERE token = ? AND expires >= ?",
            (_digest(token), int(self._clock())),
        )
        row = rows[0] if rows else None
        principal = self._active(row[0]) if row else None
        return Session(principal, row[1]) if principal and row else None

    def end_session(self, token: str) -> None:
        """Log out: forget the session."""
        with self._write() as db:
            db.execute("DELETE FROM sessions WHERE token = ?", (_digest(token),))

    def new_token(self, name: str, label: str) -> str:
        """A new API token for user ``name`` (shown once: only its hash is kept)."""
        self._require(name)
        token = "erfurt_" + secrets.token_urlsafe(32)
        with self._write() as db:
            db.execute(
                "INSERT INTO tokens (token, user, label, created) VALUES (?, ?, ?, ?)",
                (_digest(token), name, label, int(self._clock())),
            )
        return token

    def token_user(self, token: str) -> Principal | None:
        """The active user an API token belongs to, or None."""
        rows = self._rows("SELECT user FROM tokens WHERE token = ?", (_digest(token),))
        return self._active(rows[0][0]) if rows else None

    # -- restricted collections ------------------------------------------------------

    def restrict(self, collection: str, allowed: list[str]) -> None:
        """Restrict ``collection`` to these users and roles (``role:NAME``), adding to any rule."""
        if not allowed:
            raise InputError(
                f"restricting {collection!r} needs at least one user or role to allow",
                "add --allow USER or --allow role:archivist",
            )
        for who in allowed:
            if who.startswith("role:"):
                _check_role(who.removeprefix("role:"))
            else:
                self._require(who)
        with self._write() as db:
            db.executemany(
                "INSERT OR IGNORE INTO restricted (collection, allowed) VALUES (?, ?)",
                [(collection, who) for who in allowed],
            )

    def rules(self) -> CollectionRules:
        """The collection rules now in force."""
        rows = self._rows("SELECT collection, allowed FROM restricted")
        return CollectionRules.from_rows((str(c), str(a)) for c, a in rows)


def restricted_collections(paths: ArchivePaths) -> frozenset[str]:
    """The collections restricted now (none when the archive has no accounts file).

    Read by every append that logs documents, so each is sealed if its collection is
    restricted at that moment (see :mod:`erfurt.archive.sealing`).
    """
    if not paths.access_db.is_file():
        return frozenset()
    db = sqlite3.connect(paths.access_db, isolation_level=None)
    try:
        db.execute("PRAGMA busy_timeout=30000")
        try:
            rows = db.execute("SELECT DISTINCT collection FROM restricted").fetchall()
        except sqlite3.OperationalError as exc:
            if "no such table" not in str(exc):
                raise
            return frozenset()  # created by a concurrent `Accounts.open`, not yet filled
        return frozenset(str(row[0]) for row in rows)
    finally:
        db.close()

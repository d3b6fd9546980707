"""Accounts: argon2id hashes in private/, sessions and tokens kept only as digests, rules."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from argon2 import PasswordHasher, profiles

from erfurt.archive import Accounts, Archive, ArchivePaths, CollectionRules, Principal, can
from erfurt.errors import InputError

PASSWORD = "correct horse battery"
CHEAP = PasswordHasher.from_parameters(profiles.CHEAPEST)  # argon2id, fast for tests


@pytest.fixture
def accounts(archive_path: Path) -> Accounts:
    Archive.init(archive_path, origin="example.org/a", who="t").close()
    return Accounts.open(ArchivePaths(archive_path), hasher=CHEAP)


def test_passwords_are_argon2id_in_a_private_file(accounts: Accounts, archive_path: Path) -> None:
    accounts.add_user("ana", "archivist", PASSWORD)
    db = ArchivePaths(archive_path).access_db
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    data = db.read_bytes() + Path(f"{db}-wal").read_bytes()
    assert b"$argon2id$" in data
    assert PASSWORD.encode() not in data
    assert PASSWORD.encode() not in b"".join(
        p.read_bytes() for p in (archive_path / "log").rglob("*") if p.is_file()
    )
    assert accounts.authenticate("ana", PASSWORD) == Principal("ana", "archivist")
    assert accounts.authenticate("ana", "wrong password!") is None
    assert accounts.authenticate("nobody", PASSWORD) is None


@pytest.mark.parametrize(
    ("name", "role", "password"),
    [
        ("../ana", "archivist", PASSWORD),
        ("ana\nx", "archivist", PASSWORD),
        ("ana\u202e", "archivist", PASSWORD),
        ("ana", "public", PASSWORD),
        ("ana", "superuser", PASSWORD),
        ("ana", "archivist", "short"),
    ],
)
def test_bad_users_are_refused(accounts: Accounts, name: str, role: str, password: str) -> None:
    with pytest.raises(InputError) as err:
        accounts.add_user(name, role, password)
    assert err.value.hint
    assert accounts.users() == []


def test_disable_ends_sessions_and_tokens(accounts: Accounts) -> None:
    accounts.add_user("vic", "volunteer", PASSWORD)
    principal = accounts.authenticate("vic", PASSWORD)
    assert principal is not None
    cookie, session = accounts.start_session(principal)
    token = accounts.new_token("vic", "phone app")
    assert accounts.session(cookie) == session
    assert accounts.token_user(token) == principal
    accounts.disable("vic")
    assert accounts.session(cookie) is None
    assert accounts.token_user(token) is None
    assert accounts.authenticate("vic", PASSWORD) is None
    assert accounts.users()[0].disabled


def test_new_password_ends_sessions(accounts: Accounts) -> None:
    accounts.add_user("rev", "reviewer", PASSWORD)
    cookie, _ = accounts.start_session(Principal("rev", "reviewer"))
    accounts.set_password("rev", "another long password")
    assert accounts.session(cookie) is None
    assert accounts.authenticate("rev", "another long password") is not None


def test_sessions_expire(archive_path: Path) -> None:
    Archive.init(archive_path, origin="example.org/a", who="t").close()
    now = [1_000_000.0]
    accounts = Accounts.open(ArchivePaths(archive_path), clock=lambda: now[0], hasher=CHEAP)
    cookie, _ = accounts.start_session(Principal("x", "admin"))
    accounts.add_user("x", "admin", PASSWORD)
    assert accounts.session(cookie) is not None
    now[0] += 13 * 3600
    assert accounts.session(cookie) is None


def test_restricted_collections(accounts: Accounts) -> None:
    accounts.add_user("ana", "archivist", PASSWORD)
    accounts.restrict("witnesses", ["ana", "role:reviewer"])
    rules = accounts.rules()
    assert rules.visible(Principal("ana", "archivist"), "witnesses")
    assert rules.visible(Principal("rita", "reviewer"), "witnesses")
    assert rules.visible(Principal("root", "admin"), "witnesses")
    assert not rules.visible(Principal("bob", "archivist"), "witnesses")
    assert not rules.visible(Principal("vic", "volunteer"), "witnesses")
    assert not rules.visible(Principal("vic", "volunteer"), "open")  # volunteers read nothing
    assert rules.hidden_from(Principal("bob", "archivist")) == {"witnesses"}
    with pytest.raises(InputError):
        accounts.restrict("witnesses", ["nobody"])


def test_roles_grant_actions() -> None:
    assert can(Principal("a", "archivist"), "upload")
    assert not can(Principal("r", "reviewer"), "upload")
    assert can(Principal("v", "volunteer"), "declare")
    assert not can(Principal("v", "volunteer"), "search")
    assert not can(Principal("", "public"), "declare")
    assert CollectionRules({}).visible(Principal("r", "reviewer"), "any")

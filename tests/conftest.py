"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, settings

from erfurt.archive import Archive, ViewConnection
from erfurt.archive.viewdb import connect_postgresql

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from pg_cluster import PgCluster
    from sealed_entities import Reviewed

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

# No test may depend on the machine's speed: Hypothesis's per-example deadline and its
# too-slow health check both do, so both are off for the whole suite. `make test` runs the
# same examples every time (derandomize), so a run is repeatable; `make fuzz` sets
# FUZZ_EXAMPLES and explores with random seeds, which is where new cases are found.
settings.register_profile(
    "erfurt",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize="FUZZ_EXAMPLES" not in os.environ,
)
settings.load_profile("erfurt")


@pytest.fixture(autouse=True)
def _no_erfurt_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite never depends on a developer's ERFURT_* variables."""
    for name in list(os.environ):
        if name.startswith("ERFURT_"):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> Reviewed:
    """An archive whose reviewers merged entities only a restricted collection names
    (``tests/sealed_entities.py``): built once, for the entities and the web tests."""
    from sealed_entities import build_reviewed_archive  # the entity models load on use only

    return build_reviewed_archive(tmp_path_factory.mktemp("sealed-reviews"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, one for the whole run. Playwright's sync API drives its browser
    from an event loop in the calling thread: a second one opened while another is (a
    module's beside the session's) fails, so every browser test shares this one and
    opens a context of its own."""
    from playwright.sync_api import sync_playwright

    from benches import load_bench

    with sync_playwright() as playwright:
        launched = load_bench("chromium").launch_chromium(playwright)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """A throwaway PostgreSQL cluster for the whole session (tests/pg_cluster.py), started
    when a test first needs it and stopped and deleted at the end."""
    from pg_cluster import running_cluster

    with running_cluster() as cluster:
        yield cluster


@pytest.fixture(params=["sqlite", "postgresql"])
def view_database(request: pytest.FixtureRequest) -> str:
    """Where a test's views are kept, once per backend: empty for the archive's SQLite
    file, or a fresh PostgreSQL database's connection string."""
    if request.param == "sqlite":
        return ""
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    return cluster.create_database()


@pytest.fixture
def view_db(view_database: str) -> Iterator[ViewConnection]:
    """An empty views database on each backend, connected: SQLite in memory, or a fresh
    PostgreSQL database (autocommit)."""
    if not view_database:
        memory = sqlite3.connect(":memory:", isolation_level=None)
        yield memory
        memory.close()
        return
    remote = connect_postgresql(view_database)
    yield remote
    remote.close()


class TickingClock:
    """A clock that starts at a fixed moment and moves one second per reading."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def archive_path(tmp_path: Path) -> Path:
    return tmp_path / "archive"


@pytest.fixture
def archive(archive_path: Path) -> Iterator[Archive]:
    from erfurt.ingest import DocumentsView

    with Archive.init(
        archive_path,
        origin="test.example/archive",
        who="tester",
        views=[DocumentsView()],
        clock=TickingClock(),
    ) as opened:
        yield opened


@pytest.fixture
def registry(archive_path: Path) -> Iterator[Archive]:
    """An archive opened with every view the CLI uses (declarations and outreach too)."""
    from erfurt.cli.options import all_views

    with Archive.init(
        archive_path,
        origin="test.example/registry",
        who="tester",
        views=all_views(),
        clock=TickingClock(),
    ) as opened:
        yield opened


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    """Where the registry secret goes: beside the archive folder, never inside it."""
    return tmp_path / "config" / "registry-secret"

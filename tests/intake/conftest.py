"""A server archive taking submissions, an offline archive, and the intake key between them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from erfurt.archive import Archive
from erfurt.cli import cli
from erfurt.cli.options import all_views
from erfurt.intake import IntakeDesk


@dataclass(frozen=True)
class Setup:
    server: Path
    offline: Path
    key: Path
    root: Path


def run(*args: str | Path) -> Result:
    """Run the erfurt CLI in-process."""
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def setup(tmp_path: Path) -> Setup:
    server, offline, key = tmp_path / "server", tmp_path / "offline", tmp_path / "intake.key"
    Archive.init(server, origin="example.org/intake-server", who="t").close()
    Archive.init(offline, origin="example.org/offline", who="t").close()
    assert run("intake", "keygen", key).exit_code == 0
    assert run("intake", "enable", "--archive", server, f"{key}.pub").exit_code == 0
    return Setup(server, offline, key, tmp_path)


def submit(server: Path, entries: list[tuple[str, str, bytes]], codename: str | None = None) -> str:
    """Submit entries (kind, name, bytes) as the web pages would; the codename."""
    with Archive.open(server, views=all_views()) as archive:
        desk = IntakeDesk(archive)
        submission = desk.submission(codename)
        for kind, name, data in entries:
            submission.begin(kind, name)  # type: ignore[arg-type]
            submission.data(data)
            submission.end()
        submission.keep()
        desk.close()
    return submission.codename

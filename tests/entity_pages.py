"""An archive served in-process for the entity page tests: what a test holds of it, and
the CLI run as a user runs it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from fastapi.testclient import TestClient

from erfurt.cli import cli


@dataclass(frozen=True)
class Served:
    """A served archive: its folder, an in-process client, each user's API token and
    each file's document record."""

    path: Path
    client: TestClient
    tokens: dict[str, str]
    documents: dict[str, int]  # file name -> document record

    def get(self, url: str, user: str | None) -> Any:
        """``url`` as ``user`` asks for it (None: nobody logged in), redirects not followed."""
        headers = {"authorization": self.tokens[user]} if user else {}
        return self.client.get(url, headers=headers, follow_redirects=False)


def run_cli(*args: str | Path) -> str:
    """Run ``erfurt args``; its stdout (the test fails when it does not exit 0)."""
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout

"""A small real archive for the integrity tests, and the CLI runner they share."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner, Result

from erfurt.cli import cli


def run(*args: str | Path) -> Result:
    """Run the erfurt command line in-process (an unexpected exception fails the test)."""
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def made_archive(tmp_path: Path) -> tuple[Path, int]:
    """An archive holding two documents and their texts; returns it and the first's index.

    Built once per test session (in pytest's session folder) and copied for each test.
    """
    template = tmp_path.parent / "integrity-template"  # the session's own base folder
    if not (template / "index").is_file():
        shutil.rmtree(template, ignore_errors=True)
        template.mkdir()
        _, index = _build(template)
        (template / "index").write_text(str(index), encoding="ascii")
    shutil.copytree(template / "arch", tmp_path / "arch")
    return tmp_path / "arch", int((template / "index").read_text(encoding="ascii"))


def _build(folder: Path) -> tuple[Path, int]:
    arch = folder / "arch"
    docs = folder / "docs"
    docs.mkdir()
    (docs / "order.txt").write_text("Carrie Lam signed the order.\n", encoding="utf-8")
    (docs / "名单.txt").write_text("国家卫生健康委员会 名单\n", encoding="utf-8")
    created = run("init", "--archive", arch, "--origin", "test.example/integrity", "--who", "t")
    assert created.exit_code == 0, created.output
    added = run("add", "--archive", arch, "--who", "ana", "--json", docs / "order.txt")
    assert added.exit_code == 0, added.output
    rows = [json.loads(line) for line in added.stdout.splitlines()]
    index = next(int(r["record"]) for r in rows if "path" in r)
    added = run("add", "--archive", arch, "--who", "ana", docs / "名单.txt")
    assert added.exit_code == 0, added.output
    return arch, index


def vkey_of(arch: Path) -> str:
    """The archive's verifier key, as `erfurt log vkey` prints it."""
    return run("log", "vkey", "--archive", arch).stdout.strip()

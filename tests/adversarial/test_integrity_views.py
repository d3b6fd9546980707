"""Issue 8 item 4: a tampered or damaged views database is found, and never blocks a check."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from integrity_archive import made_archive, run


def _views_db(arch: Path) -> Path:
    return arch / "views" / "views.sqlite"


def _search_db(arch: Path) -> Path:
    return arch / "views" / "search.sqlite"  # the search index's file of its own


def test_an_untouched_archive_passes_the_views_check(tmp_path: Path) -> None:
    arch, _ = made_archive(tmp_path)
    result = run("log", "check", "--archive", arch, "--views", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["ok"] and {"documents", "search", "citations"} <= set(body["views_checked"])


def test_a_deleted_row_is_found_and_the_view_named(tmp_path: Path) -> None:
    arch, index = made_archive(tmp_path)
    with sqlite3.connect(_views_db(arch)) as db:
        db.execute("DELETE FROM documents WHERE record = ?", (index,))
    result = run("log", "check", "--archive", arch, "--views")
    assert result.exit_code == 1
    assert "view documents" in result.output
    assert "view search" not in result.output


def test_a_forged_full_text_entry_is_found(tmp_path: Path) -> None:
    arch, _ = made_archive(tmp_path)
    with sqlite3.connect(_search_db(arch)) as db:
        # A forged posting: the full-text index claims a word no document has.
        db.execute(
            "INSERT INTO search_index (rowid, title, body) VALUES (999999, '', 'forged words')"
        )
    result = run("log", "check", "--archive", arch, "--views")
    assert result.exit_code == 1 and "view search" in result.output


def test_a_small_log_checks_its_views_by_default_and_no_views_skips_them(tmp_path: Path) -> None:
    arch, index = made_archive(tmp_path)
    with sqlite3.connect(_views_db(arch)) as db:
        db.execute("DELETE FROM citations WHERE record = ?", (index,))
    assert run("log", "check", "--archive", arch).exit_code == 1
    assert run("log", "check", "--archive", arch, "--no-views").exit_code == 0


def _damage(arch: Path) -> None:
    path = _views_db(arch)
    data = bytearray(path.read_bytes())
    data[:16] = b"not a database!!"
    path.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def test_a_damaged_views_database_does_not_block_the_log_check(tmp_path: Path) -> None:
    arch, _ = made_archive(tmp_path)
    _damage(arch)
    skipped = run("log", "check", "--archive", arch, "--no-views")
    assert skipped.exit_code == 0, skipped.output
    checked = run("log", "check", "--archive", arch, "--views")
    assert checked.exit_code == 1
    assert "views.sqlite" in checked.output and "damaged" in checked.output
    assert "Traceback" not in checked.output


def test_other_commands_name_the_damaged_file_and_the_way_out(tmp_path: Path) -> None:
    arch, index = made_archive(tmp_path)
    _damage(arch)
    shown = run("show", "--archive", arch, index)
    assert shown.exit_code == 1
    assert "views.sqlite" in shown.output and "erfurt rebuild" in shown.output


def test_rebuild_moves_a_damaged_database_aside_and_replays(tmp_path: Path) -> None:
    arch, index = made_archive(tmp_path)
    _damage(arch)
    damaged = _views_db(arch).read_bytes()
    rebuilt = run("rebuild", "--archive", arch)
    assert rebuilt.exit_code == 0, rebuilt.output
    [aside] = (arch / "views").glob("views.sqlite.damaged-*")
    assert aside.read_bytes() == damaged
    assert run("log", "check", "--archive", arch, "--views").exit_code == 0
    shown = run("show", "--archive", arch, "--json", index)
    assert json.loads(shown.stdout)["text"]["status"] == "extracted"


def test_an_altered_blob_is_listed_and_does_not_stop_the_check(tmp_path: Path) -> None:
    arch, index = made_archive(tmp_path)
    shown = json.loads(run("show", "--archive", arch, "--json", index).stdout)
    text_blob = next(
        r["record"]["text"] for r in shown["custody"] if r["record"]["kind"] == "text.extracted"
    )
    path = arch / "blobs" / text_blob[:2] / text_blob[2:4] / text_blob
    path.chmod(0o644)
    path.write_text("Carrie Lam never signed.\n", encoding="utf-8")
    result = run("log", "check", "--archive", arch, "--views")
    assert result.exit_code == 1
    assert f"blob {text_blob}" in result.output and "views not checked" in result.output
    assert "FAIL:" in result.output and "Error:" not in result.output


def test_a_hostile_table_name_in_view_state_is_reported_not_run(tmp_path: Path) -> None:
    arch, _ = made_archive(tmp_path)
    with sqlite3.connect(_views_db(arch)) as db:
        db.execute(
            "UPDATE view_state SET objects = ? WHERE name = 'documents'",
            (json.dumps(['documents" UNION SELECT sql FROM sqlite_schema --']),),
        )
    result = run("log", "check", "--archive", arch, "--views")
    assert result.exit_code == 1
    assert "damaged" in result.output and "bug in Erfurt" not in result.output

"""What `walk_paths` finds in a folder as a user hands it over: nested folders, names
that are not UTF-8, links, loops, special files and the archive itself."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from erfurt.ingest.walk import Found, walk_paths


def _walk(*paths: Path, archive: Path, follow: bool = False) -> dict[str, Found]:
    return {
        f.name: f for f in walk_paths(list(paths), archive_root=archive, follow_symlinks=follow)
    }


def test_nested_files_are_named_under_the_folder_given_files_first_in_name_order(
    tmp_path: Path,
) -> None:
    top = tmp_path / "leak"
    (top / "b" / "c").mkdir(parents=True)
    for name in ("b/c/deep.txt", "b/z.txt", "a.txt", "b/a.txt"):
        (top / name).write_text(name)
    found = list(walk_paths([Path(f"{top}/")], archive_root=tmp_path / "archive"))
    assert [f.name for f in found] == ["a.txt", "b/a.txt", "b/z.txt", "b/c/deep.txt"]
    deep = found[3]
    assert deep.problem is None and deep.path.read_text() == "b/c/deep.txt"
    assert deep.shown == str(top / "b" / "c" / "deep.txt")


def test_a_name_that_is_not_utf8_keeps_its_bytes(tmp_path: Path) -> None:
    top = tmp_path / "leak"
    (top / "sub").mkdir(parents=True)
    raw = "報告".encode("big5") + b".txt"
    with open(os.fsencode(top / "sub") + b"/" + raw, "wb") as out:
        out.write(b"report")
    (found,) = walk_paths([top], archive_root=tmp_path / "archive")
    assert found.name == "sub/報告.txt" and found.problem is None
    fields = dict(found.name_fields)
    assert base64.b64decode(fields["name_bytes"]) == b"sub/" + raw
    assert found.path.read_bytes() == b"report"  # read by its real bytes


def test_links_are_reported_not_followed_and_loops_are_cut(tmp_path: Path) -> None:
    top = tmp_path / "leak"
    (top / "inner").mkdir(parents=True)
    (top / "inner" / "note.txt").write_text("note")
    (top / "inner" / "up").symlink_to(top)  # a loop back to the top
    (top / "alias").symlink_to(top / "inner")
    secret = tmp_path / "secret.txt"
    secret.write_text("not asked for")
    (top / "secret").symlink_to(secret)

    plain = _walk(top, archive=tmp_path / "archive")
    assert plain["inner/note.txt"].problem is None
    for name in ("alias", "inner/up", "secret"):
        assert plain[name].skipped and "not followed" in str(plain[name].problem)

    followed = _walk(top, archive=tmp_path / "archive", follow=True)
    assert followed["alias/note.txt"].path == (top / "inner" / "note.txt").resolve()
    assert followed["inner/up"].skipped and "loop" in str(followed["inner/up"].problem)
    assert "outside the folders given" in str(followed["secret"].problem)
    assert not any(name.startswith("inner/up/") for name in followed)


def test_the_archive_inside_the_folder_is_never_walked(tmp_path: Path) -> None:
    top = tmp_path / "leak"
    archive = top / "archive"
    (archive / "log").mkdir(parents=True)
    (archive / "log" / "checkpoint").write_text("x")
    (top / "kept.txt").write_text("kept")
    found = _walk(top, archive=archive)
    assert found["kept.txt"].problem is None
    assert found["archive"].skipped and "never preserves its own archive" in str(
        found["archive"].problem
    )
    assert not any(name.startswith("archive/") for name in found)


def test_a_special_file_is_found_and_left_to_the_open_to_refuse(tmp_path: Path) -> None:
    top = tmp_path / "leak"
    top.mkdir()
    os.mkfifo(top / "pipe")
    (found,) = walk_paths([top], archive_root=tmp_path / "archive")
    assert found.name == "pipe" and found.problem is None and found.path == top / "pipe"

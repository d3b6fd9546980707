"""Issue 8 items 6 and 7: nothing outside the request, nothing of the archive, no key."""

from __future__ import annotations

import os
from pathlib import Path

from input_archive import documents, stored

from erfurt.archive import Archive, load_registry_secret
from erfurt.ingest import Outcome, add_paths

SHADOW = b"root:$6$hashedpassword:19000:0:99999:7:::\n"


def _outside_secrets(tmp_path: Path, archive: Archive) -> tuple[Path, Path]:
    shadow = tmp_path / "etc" / "shadow"
    shadow.parent.mkdir()
    shadow.write_bytes(SHADOW)
    secret = tmp_path / "config" / "registry-secret"
    load_registry_secret(secret, archive_root=archive.paths.root, create=True)
    return shadow, secret


def test_symlinks_in_a_folder_are_not_followed_by_default(archive: Archive, tmp_path: Path) -> None:
    shadow, secret = _outside_secrets(tmp_path, archive)
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "report.txt").write_text("the report")
    (folder / "shadow").symlink_to(shadow)
    (folder / "log.key").symlink_to(archive.paths.signing_key)
    (folder / "secret").symlink_to(secret)
    (folder / "alias.txt").symlink_to(folder / "report.txt")
    report = add_paths(archive, [folder], who="t")
    outcomes = {Path(f.path).name: f for f in report.files}
    assert outcomes["report.txt"].outcome is Outcome.ADDED
    for link in ("shadow", "log.key", "secret", "alias.txt"):
        assert outcomes[link].outcome is Outcome.SKIPPED
        assert "symbolic link" in outcomes[link].reason
        assert "--follow-symlinks" in outcomes[link].reason
    assert set(documents(archive)) == {"report.txt"}
    assert not stored(archive, SHADOW)
    assert not stored(archive, archive.paths.signing_key.read_bytes())
    assert not stored(archive, secret.read_bytes())


def test_followed_links_stay_inside_the_paths_given(archive: Archive, tmp_path: Path) -> None:
    shadow, _ = _outside_secrets(tmp_path, archive)
    folder = tmp_path / "inbox"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "report.txt").write_text("the report")
    (folder / "alias.txt").symlink_to(folder / "sub" / "report.txt")
    (folder / "shadow").symlink_to(shadow)
    (folder / "key").symlink_to(archive.paths.signing_key)
    report = add_paths(archive, [folder], who="t", follow_symlinks=True)
    outcomes = {Path(f.path).name: f for f in report.files}
    assert outcomes["alias.txt"].outcome is Outcome.ADDED  # walked first, in name order
    assert outcomes["report.txt"].outcome is Outcome.SIGHTED
    assert "outside the folders given" in outcomes["shadow"].reason
    assert "archive folder" in outcomes["key"].reason
    assert not stored(archive, SHADOW)
    # With the target named on the command line, the user asked for it: the link is followed.
    again = add_paths(archive, [folder, shadow], who="t", follow_symlinks=True)
    by_path = {f.path: f.outcome for f in again.files}
    assert by_path[str(folder / "shadow")] is Outcome.ADDED
    assert by_path[str(shadow)] is Outcome.PRESENT
    assert stored(archive, SHADOW)


def test_the_archive_is_never_added_into_itself(archive: Archive, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("a note")
    # `erfurt add .` from the folder that holds the archive, and from inside it.
    report = add_paths(archive, [tmp_path, archive.paths.root, archive.paths.private], who="t")
    refused = [f for f in report.files if f.outcome is Outcome.SKIPPED]
    assert {f.reason for f in refused} == {
        "inside the archive folder: Erfurt never preserves its own archive"
    }
    assert len(refused) == 3
    assert set(documents(archive)) == {"notes.txt"}
    assert not stored(archive, archive.paths.signing_key.read_bytes())


def test_keys_are_refused_by_content_whatever_path_leads_there(
    archive: Archive, tmp_path: Path
) -> None:
    _, secret = _outside_secrets(tmp_path, archive)
    folder = tmp_path / "inbox"
    folder.mkdir()
    os.link(archive.paths.signing_key, folder / "hard-linked.key")
    (folder / "copied-secret.txt").write_bytes(secret.read_bytes())
    (folder / "copied.key").write_bytes(archive.paths.signing_key.read_bytes())
    os.link(archive.paths.views_db, folder / "views.sqlite")
    os.link(archive.paths.config, folder / "erfurt.toml")
    (folder / "fine.txt").write_text("fine")
    report = add_paths(archive, [folder], who="t")
    outcomes = {Path(f.path).name: f for f in report.files}
    for key in ("hard-linked.key", "copied-secret.txt", "copied.key"):
        assert outcomes[key].outcome is Outcome.SKIPPED
        assert "signing key or registry secret" in outcomes[key].reason
    for own in ("views.sqlite", "erfurt.toml"):
        assert "file of the archive itself" in outcomes[own].reason
    assert set(documents(archive)) == {"fine.txt"}
    assert report.ok  # refusals on purpose are not failures


def test_a_hard_link_to_a_blob_is_not_a_new_document(archive: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.txt").write_text("evidence")
    add_paths(archive, [folder], who="t")
    [record] = documents(archive).values()
    os.link(archive.blob_path(record["blob"]), folder / "linked-blob")
    report = add_paths(archive, [folder / "linked-blob"], who="t")
    assert "file of the archive itself" in report.files[0].reason
    assert set(documents(archive)) == {"a.txt"}


def test_a_file_has_one_name_whichever_way_it_was_added(archive: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("alpha")
    (folder / "sub" / "b.txt").write_text("beta")
    first = add_paths(archive, [folder], who="t")
    assert set(documents(archive)) == {"a.txt", "sub/b.txt"}
    again = add_paths(archive, [folder / "a.txt"], who="t")
    assert [f.outcome for f in again.files] == [Outcome.PRESENT]
    assert again.files[0].record == first.files[0].record

"""The registry secret lives outside the archive, owner-only; keyed hashes and commitments."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from erfurt.archive import SALT_SIZE, Salt, commit, keyed_hash, load_registry_secret, new_salt
from erfurt.errors import ConfigError, InputError


def test_a_new_secret_is_created_owner_only_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "config" / "erfurt" / "registry-secret"
    created = load_registry_secret(path, archive_root=tmp_path / "archive", create=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    again = load_registry_secret(path, archive_root=tmp_path / "archive", create=False)
    assert again.key == created.key
    assert created.key.hex() not in repr(created)


def test_a_secret_inside_the_archive_folder_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    with pytest.raises(ConfigError, match="inside the archive folder"):
        load_registry_secret(archive / "private" / "secret", archive_root=archive, create=True)
    assert not (archive / "private").exists()


def test_a_secret_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "secret"
    load_registry_secret(path, archive_root=tmp_path / "archive", create=True)
    path.chmod(0o644)
    with pytest.raises(ConfigError, match="chmod 600") as caught:
        load_registry_secret(path, archive_root=tmp_path / "archive", create=False)
    assert "chmod 600" in caught.value.hint


@pytest.mark.parametrize(
    "text",
    [
        "",
        "something else\n00\n",
        "erfurt-registry-secret v1\nzz\n",
        "erfurt-registry-secret v1\nabcd\n",
    ],
)
def test_a_malformed_or_missing_secret_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "secret"
    with pytest.raises(ConfigError, match="no registry secret"):
        load_registry_secret(path, archive_root=tmp_path / "archive", create=False)
    path.write_text(text)
    path.chmod(0o600)
    with pytest.raises(ConfigError):
        load_registry_secret(path, archive_root=tmp_path / "archive", create=False)


def test_keyed_hashes_depend_on_secret_purpose_and_value(tmp_path: Path) -> None:
    one = load_registry_secret(tmp_path / "a", archive_root=tmp_path / "x", create=True)
    two = load_registry_secret(tmp_path / "b", archive_root=tmp_path / "x", create=True)
    base = keyed_hash(one, "phone", b"+8613800138000")
    assert base == keyed_hash(one, "phone", b"+8613800138000")
    assert base != keyed_hash(two, "phone", b"+8613800138000")
    assert base != keyed_hash(one, "person", b"+8613800138000")
    assert base != keyed_hash(one, "phone", b"+8613800138001")
    assert one.key_id != two.key_id


def test_commitments_bind_salt_purpose_and_value() -> None:
    salt = new_salt()
    assert len(salt) == SALT_SIZE
    assert commit("p", salt, b"v") == commit("p", salt, b"v")
    assert commit("p", salt, b"v") != commit("p", new_salt(), b"v")
    assert commit("p", salt, b"v") != commit("q", salt, b"v")
    # Length prefixes keep the purpose/value boundary: "p"+"qv" differs from "pq"+"v".
    assert commit("p", salt, b"qv") != commit("pq", salt, b"v")
    with pytest.raises(InputError, match="salt is 3 bytes"):
        commit("p", Salt(b"abc"), b"v")

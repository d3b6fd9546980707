"""The intake key file: created 0600, never overwritten, refused when others may read it."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from erfurt.archive import is_erfurt_secret
from erfurt.errors import ConfigError, InputError
from erfurt.intake import generate_key, read_private_key


def test_keygen_writes_a_private_file_that_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "intake.key"
    key = generate_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = read_private_key(path)
    assert again.public().to_text() == key.public().to_text()
    with pytest.raises(InputError, match="already exists"):
        generate_key(path)


def test_a_key_readable_by_others_is_refused_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "intake.key"
    generate_key(path)
    path.chmod(0o644)
    with pytest.raises(ConfigError) as caught:
        read_private_key(path)
    assert "chmod 600" in caught.value.hint


def test_a_damaged_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "intake.key"
    generate_key(path)
    path.write_text(path.read_text().replace("v1\n", "v1\nAAAA"))
    with pytest.raises(ConfigError):
        read_private_key(path)


def test_ingest_recognises_the_intake_key_as_a_secret(tmp_path: Path) -> None:
    path = tmp_path / "innocent-name.txt"
    generate_key(path)
    assert is_erfurt_secret(path.read_bytes())
    assert not is_erfurt_secret((tmp_path / "innocent-name.txt").read_bytes()[40:])

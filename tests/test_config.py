from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from erfurt.config import SETTINGS, ArchiveConfig
from erfurt.errors import ConfigError

DOCS = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"


def test_every_setting_is_declared_and_documented() -> None:
    assert [f.name for f in fields(ArchiveConfig)] == [s.name for s in SETTINGS]
    assert {s.name: s.default for s in SETTINGS} == {
        f.name: f.default for f in fields(ArchiveConfig)
    }
    documented = set(re.findall(r"^\| `(\w+)` \|", DOCS.read_text(), flags=re.M))
    assert {s.name for s in SETTINGS} <= documented


def test_round_trip_through_toml() -> None:
    config = ArchiveConfig(origin='example.org/"quoted"', max_file_size=5)
    assert ArchiveConfig.from_toml(config.to_toml()) == config


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("origin = ", "erfurt.toml"),
        ("colour = 1", "unknown setting 'colour'"),
        ('max_file_size = "big"', "must be a whole number, not 'big'"),
        ("max_file_size = true", "must be a whole number"),
        ("extract_time_limit = 1e9", "must be a whole number"),
        ("database = 5", "must be text"),
        ("max_file_size = -5", "max_file_size must be at least 1, not -5"),
        ("extract_time_limit = 0", "extract_time_limit must be at least 1, not 0"),
        ("lock_wait = -1", "lock_wait must be at least 0, not -1"),
        ("extract_expand_depth = -2", "extract_expand_depth must be at least 0"),
    ],
)
def test_bad_settings_are_refused_by_name(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        ArchiveConfig.from_toml(text)


def test_zero_means_none_where_a_setting_allows_it() -> None:
    config = ArchiveConfig.from_toml(
        "lock_wait = 0\nextract_expand_depth = 0\nattest_interval = 0\n"
    )
    assert (config.lock_wait, config.extract_expand_depth, config.attest_interval) == (0, 0, 0)

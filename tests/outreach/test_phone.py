"""Phone numbers in any common format normalise to one E.164 form, then one keyed hash."""

from __future__ import annotations

from pathlib import Path

import pytest

from erfurt.archive import load_registry_secret
from erfurt.errors import InputError
from erfurt.outreach import hash_phone, normalise_phone


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("+86 138 0013 8000", None),
        ("+86-138-0013-8000", None),
        ("0086 138 0013 8000", None),
        ("(+86) 13800138000", None),
        ("138 0013 8000", "CN"),
        ("13800138000", "cn"),
    ],
)
def test_common_formats_normalise_to_e164(text: str, region: str | None) -> None:
    assert normalise_phone(text, region) == "+8613800138000"


@pytest.mark.parametrize(
    ("text", "region", "message"),
    [
        ("13800138000", None, "cannot be read"),
        ("call me", None, "cannot be read"),
        ("+86 123", None, "not a valid number"),
        ("+1 555 0100 000", None, "not a valid number"),
    ],
)
def test_invalid_numbers_are_refused_without_echoing_them(
    text: str, region: str | None, message: str
) -> None:
    with pytest.raises(InputError, match=message) as caught:
        normalise_phone(text, region)
    assert text not in caught.value.message
    assert "country code" in caught.value.hint


def test_one_number_gives_one_hash_whatever_its_format(tmp_path: Path) -> None:
    secret = load_registry_secret(tmp_path / "s", archive_root=tmp_path / "a", create=True)
    hashes = {
        hash_phone(secret, normalise_phone(t, "CN"))
        for t in ["+86 138 0013 8000", "138-0013-8000", "0086 13800138000"]
    }
    assert len(hashes) == 1
    assert hashes != {hash_phone(secret, normalise_phone("+86 138 0013 8001"))}

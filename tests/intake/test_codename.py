"""Codenames derived from a new source's form key: keyed, fresh for a day, well formed."""

from __future__ import annotations

import base64

import pytest

from erfurt.intake import (
    CODENAME_WORDS,
    FORM_KEY_HOURS,
    form_codename,
    new_form_key,
    normalise_codename,
)

SECRET = bytes(range(32))
NOW = 1_780_000_000.0


def test_a_form_key_stands_for_one_well_formed_codename_under_one_server_secret() -> None:
    key = new_form_key(NOW)
    codename = form_codename(SECRET, key, NOW)
    assert codename is not None
    assert normalise_codename(codename) == codename
    assert len(codename.split()) == CODENAME_WORDS
    assert form_codename(SECRET, key, NOW + 3600) == codename
    assert form_codename(bytes(32), key, NOW) != codename  # needs the server's secret
    assert form_codename(SECRET, new_form_key(NOW), NOW) != codename


def test_a_form_key_derives_its_codename_only_while_the_form_is_fresh() -> None:
    key = new_form_key(NOW)
    hour = 3600
    assert form_codename(SECRET, key, NOW + (FORM_KEY_HOURS - 1) * hour) is not None
    assert form_codename(SECRET, key, NOW + (FORM_KEY_HOURS + 1) * hour) is None
    assert form_codename(SECRET, key, NOW - 3 * hour) is None  # drawn in the future


def test_an_old_key_given_a_new_hour_stands_for_another_codename() -> None:
    old = new_form_key(NOW - 30 * 3600)
    raw = base64.urlsafe_b64decode(old + "=")
    renewed = int(NOW // 3600).to_bytes(4, "big") + raw[4:]
    forged = base64.urlsafe_b64encode(renewed).decode().rstrip("=")
    original = form_codename(SECRET, old, NOW - 30 * 3600)
    assert original is not None
    assert form_codename(SECRET, forged, NOW) not in (None, original)


@pytest.mark.parametrize("key", ["", "short", "x" * 27, "A" * 26 + "/", "A" * 28, " " * 27])
def test_a_key_no_form_gave_is_refused(key: str) -> None:
    with pytest.raises(ValueError, match="27 characters"):
        form_codename(SECRET, key, NOW)


def test_the_words_are_spread_over_the_whole_list() -> None:
    seen = {
        word
        for _ in range(400)
        for word in (form_codename(SECRET, new_form_key(NOW), NOW) or "").split()
    }
    # 2,800 draws from 4,900 words: a derivation that used a part of the list would show:
    assert len(seen) > 1900  # about 2,130 expected; half the list would give about 1,670

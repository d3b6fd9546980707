"""Identities normalise to one form; malformed ones are refused without echoing the name."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from erfurt.archive import new_salt
from erfurt.declarations import commit_identity, parse_identity
from erfurt.errors import InputError


@pytest.mark.parametrize(
    "text",
    [
        "Wang Xiaoming; 1990-01-02",
        "  wang   XIAOMING ;1990/1/2",
        "Ｗａｎｇ Xiaoming；1990.01.02",
        "Wang Xiaoming; 19900102",
        "Wang Xiaoming; 1990年1月2日",
    ],
)
def test_common_forms_normalise_to_one_identity(text: str) -> None:
    identity = parse_identity(text)
    assert (identity.name, identity.birth_date) == ("wang xiaoming", "1990-01-02")
    assert "wang" not in repr(identity)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Wang Xiaoming 1990-01-02", "separated by ';'"),
        ("Wang; Xiaoming; 1990-01-02", "separated by ';'"),
        ("; 1990-01-02", "name is empty"),
        ("Wang Xiaoming;", "birth date is empty"),
        ("Wang Xiaoming; 1990-13-01", "is not a date"),
        ("Wang Xiaoming; yesterday", "is not a date"),
        ("Wang Xiaoming; 1850-01-01", "before 1900"),
    ],
)
def test_malformed_identities_are_refused_without_the_name(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        parse_identity(text)
    assert "Xiaoming" not in caught.value.message


@given(
    name=st.text(alphabet=st.characters(categories=["L"]), min_size=1, max_size=20),
    spaces=st.text(alphabet=" \t", min_size=1, max_size=3),
)
def test_case_and_spacing_do_not_change_the_commitment(name: str, spaces: str) -> None:
    assume(name.upper().casefold() == name.casefold())  # not so for e.g. dotless 'ı'
    salt = new_salt()
    plain = parse_identity(f"{name} x; 2001-02-03")
    noisy = parse_identity(f"{spaces}{name.upper()}{spaces}X{spaces};{spaces}2001-2-3")
    assert commit_identity(plain, salt) == commit_identity(noisy, salt)

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from erfurt.archive import canonical_json, parse_json
from erfurt.errors import InputError

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


def test_keys_sorted_no_whitespace() -> None:
    assert canonical_json({"b": 1, "a": [True, None], "é": "x"}) == (
        '{"a":[true,null],"b":1,"é":"x"}'.encode()
    )


def test_keys_sort_by_utf16_code_units() -> None:
    # U+1F600 (a surrogate pair, 0xD83D...) sorts before U+FB01 in UTF-16 but after it by code point
    encoded = canonical_json({"\ufb01": 1, "\U0001f600": 2}).decode()
    assert encoded.index("\U0001f600") < encoded.index("\ufb01")


def test_control_characters_escaped_minimally() -> None:
    assert canonical_json('a\n\u0001"\\中') == b'"a\\n\\u0001\\"\\\\\xe4\xb8\xad"'


@pytest.mark.parametrize("bad", [1.5, float("nan"), b"bytes", {1: "x"}, 2**60, object()])
def test_refuses_what_json_cannot_hold_exactly(bad: object) -> None:
    with pytest.raises(InputError):
        canonical_json(bad)


@given(json_values)
def test_round_trip(value: object) -> None:
    data = canonical_json(value)
    assert parse_json(data, source="t") == value
    assert canonical_json(json.loads(data)) == data


def test_parse_refuses_floats_and_duplicate_keys() -> None:
    with pytest.raises(InputError, match="not an integer"):
        parse_json(b'{"a":1.0}', source="t")
    with pytest.raises(InputError, match="duplicate key"):
        parse_json(b'{"a":1,"a":2}', source="t")

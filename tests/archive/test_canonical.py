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


def _spec_encoding(value: object) -> str:
    """RFC 8785's form, written out naively: keys by UTF-16 code units, no whitespace."""
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: k.encode("utf-16-be"))
        items = (f"{_spec_encoding(k)}:{_spec_encoding(value[k])}" for k in keys)
        return "{" + ",".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_spec_encoding(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(value)


ascii_keyed = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(st.characters(max_codepoint=127)), inner, max_size=5)
    ),
    max_leaves=16,
)


@given(st.one_of(ascii_keyed, json_values))
def test_encoding_is_the_spec_form(value: object) -> None:
    # The standard library's encoder is used where it is exact: it must never differ.
    assert canonical_json(value) == _spec_encoding(value).encode("utf-8")


@pytest.mark.parametrize(
    "bad",
    [
        {"a": [1, {"b": 1.5}]},
        {"a": [2**60]},
        {"a": ["ok", "\ud800"]},
        ("\udfff",),
        {"k": float("inf")},
        {"k": b"x"},
    ],
)
def test_refuses_what_json_cannot_hold_when_nested(bad: object) -> None:
    with pytest.raises(InputError):
        canonical_json(bad)


def test_nesting_limit_holds_on_every_path() -> None:
    deepest: object = 1  # at depth 65 inside 65 lists
    for _ in range(65):
        deepest = [deepest]
    with pytest.raises(InputError, match="nested more than 64"):
        canonical_json(deepest)
    allowed: object = []
    for _ in range(64):
        allowed = [allowed]
    assert canonical_json(allowed) == b"[" * 65 + b"]" * 65

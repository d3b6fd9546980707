"""Declarations are checked against the registry's settings; bad input gets clear messages."""

from __future__ import annotations

import pytest

from erfurt.declarations import Declaration, RegistrySettings, make_declaration
from erfurt.errors import InputError

SETTINGS = RegistrySettings()
TIME = "2026-11-25T08:00:00Z"


def _make(**overrides: object) -> Declaration:
    given: dict[str, object] = {"alias": "Spring", "organisations": ["Party"], "time": TIME}
    given.update(overrides)
    return make_declaration(SETTINGS, **given)  # type: ignore[arg-type]  # test-only kwargs


def test_organisations_take_the_registry_spelling_once_each() -> None:
    declaration = _make(organisations=["party", " Youth league", "PARTY"])
    assert declaration.organisations == ("Party", "Youth League")


def test_fields_round_trip_through_the_record() -> None:
    declaration = _make(place="Shenzhen", statement="我退出", channel="phone", volunteer="V7")
    assert Declaration.from_fields(declaration.to_fields()) == declaration
    assert "place" not in _make().to_fields()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"organisations": ["Communist Party"]}, "unknown organisation 'Communist Party'"),
        ({"organisations": []}, "no organisation given"),
        ({"alias": "   "}, "alias is empty"),
        ({"alias": "x" * 201}, "alias is 201 characters long"),
        ({"statement": "x" * 1_000_000}, "statement is 1,000,000 bytes"),
        ({"channel": "fax"}, "unknown channel 'fax'"),
        ({"place": "a\x00b"}, "control characters"),
    ],
)
def test_bad_input_is_refused_with_a_message_naming_it(
    overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(InputError, match=message) as caught:
        _make(**overrides)
    assert caught.value.hint


def test_the_statement_limit_is_a_registry_setting() -> None:
    small = RegistrySettings(statement_max_bytes=10)
    with pytest.raises(InputError, match="limit of 10"):
        make_declaration(small, alias="a", organisations=["Party"], time=TIME, statement="é" * 6)
    assert make_declaration(small, alias="a", organisations=["Party"], time=TIME, statement="é" * 5)

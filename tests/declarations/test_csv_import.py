"""Importing an existing registry: every bad row is reported by number, the rest go on."""

from __future__ import annotations

import pytest

from erfurt.declarations import Declaration, RegistrySettings, RowProblem, read_import_rows
from erfurt.errors import InputError

SETTINGS = RegistrySettings()


def _rows(text: str) -> list[tuple[int, Declaration | RowProblem]]:
    return list(read_import_rows(text.splitlines(keepends=True), SETTINGS, "old.csv"))


def test_good_rows_become_declarations_and_bad_rows_problems() -> None:
    text = (
        "number,time,alias,organisations,place,statement,channel\n"
        "1,2020-01-02 08:00:00,Spring,Party;Youth League,Chengdu,我声明退出,online\n"
        "2,2020-01-02T09:00:00+08:00,,Party,,,online\n"
        "3,2020-01-02T10:00:00Z,Autumn,Komsomol,,,online\n"
        "4,not a time,Winter,Party,,,online\n"
        "5,2020-01-03T10:00:00Z,Summer,Party,,,fax\n"
        "6,2020-01-03T10:00:00Z,Summer\n"
        "\n"
        '7,2020-01-04T10:00:00Z,"Li, Ming",Young Pioneers,,"line one\nline two",phone\n'
    )
    results = dict(_rows(text))
    first = results[2]
    assert isinstance(first, Declaration)
    assert first.time == "2020-01-02T08:00:00Z"
    assert first.organisations == ("Party", "Youth League")
    assert first.imported
    problems = {n: r.message for n, r in results.items() if isinstance(r, RowProblem)}
    assert problems.keys() == {3, 4, 5, 6, 7}
    assert "alias is empty" in problems[3]
    assert "unknown organisation 'Komsomol'" in problems[4]
    assert "not an ISO 8601 time" in problems[5]
    assert "unknown channel 'fax'" in problems[6]
    assert "3 values for 7 columns" in problems[7]
    last = results[9]
    assert isinstance(last, Declaration)
    assert (last.alias, last.statement) == ("Li, Ming", "line one\nline two")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("time,alias\n", "missing columns organisations"),
        ("time,alias,organisations,email\n", "unknown columns email"),
    ],
)
def test_a_bad_header_stops_the_import_before_any_row(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        _rows(text)

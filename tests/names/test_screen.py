"""Batch screening: bad rows are reported and the batch goes on, on several processes."""

from __future__ import annotations

from pathlib import Path

import pytest

from erfurt.errors import InputError
from erfurt.names import Entity, Matcher, read_queries, screen

LIST = [
    Entity("ofac-29249", "Person", ("LAM, Carrie", "LAM CHENG, Yuet-ngor"), "t", ("1957-05-13",)),
    Entity("ofac-29262", "Person", ("XIA, Baolong",), "t"),
]


def _csv(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "input.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_rows_are_screened_in_order_and_bad_rows_reported(tmp_path: Path) -> None:
    long_name = "x" * 10_000
    path = _csv(
        tmp_path,
        "id,name,birth_date,country\n"
        "a,林鄭月娥,1957-05-13,HK\n"
        "b,,,\n"
        "c,Xia Baolong,1952-13-01,\n"
        f"d,{long_name},,\n"
        "e,林Carrie,,\n"
        "f,Hsia Pao-lung,,\n"
        "g,Nobody Atall,,\n",
    )
    results = list(screen(Matcher.build(LIST), read_queries(path), workers=2))
    assert [r.id for r in results] == list("abcdefg")
    assert results[0].matches[0].entity_id == "ofac-29249"
    assert "row 3: name is empty" in results[1].error
    assert "row 4: birth date '1952-13-01' is not a date" in results[2].error
    assert "10,000 characters" in results[3].error
    assert "mixes Han and Latin" in results[4].error
    assert results[5].matches[0].entity_id == "ofac-29262"
    assert results[6].matches == () and results[6].error == ""


def test_a_csv_without_a_name_column_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no 'name' column"):
        list(read_queries(_csv(tmp_path, "id,full_name\n1,Carrie Lam\n")))


def test_a_csv_in_another_encoding_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not UTF-8"):
        list(read_queries(_csv(tmp_path, "name\nFrançois Hollande\n", encoding="latin-1")))

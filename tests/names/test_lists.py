"""List readers: the real OFAC files, FtM JSON lines, and every way a file can be wrong."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from erfurt.errors import InputError
from erfurt.names import Entity, read_ftm, read_ofac_sdn


def test_ofac_entities_carry_names_dates_countries_ids(ofac_entities: list[Entity]) -> None:
    assert len(ofac_entities) == 8976
    by_id = {e.id: e for e in ofac_entities}
    lam = by_id["ofac-29249"]
    assert lam.schema == "Person"
    assert lam.names == ("LAM, Carrie", "LAM CHENG, Yuet-ngor", "LAM CHENG, Carrie Yuet-ngor")
    assert lam.birth_dates == ("1957-05-13",)
    assert lam.countries == ("hk",)
    assert "KJ0505670" in lam.identifiers
    assert "LI, Jiachao" in by_id["ofac-29250"].names  # an a.k.a. in the remarks
    assert by_id["ofac-306"].schema == "Organization"


@pytest.fixture
def ofac_copy(tmp_path: Path, ofac_dir: Path) -> Path:
    folder = tmp_path / "ofac"
    shutil.copytree(ofac_dir, folder)
    return folder


def test_a_truncated_sdn_file_is_refused_naming_the_line(ofac_copy: Path) -> None:
    data = (ofac_copy / "sdn.csv").read_bytes()
    (ofac_copy / "sdn.csv").write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match=r"sdn\.csv line \d+") as caught:
        read_ofac_sdn(ofac_copy)
    assert (
        "truncated" in caught.value.hint
        or "damaged" in caught.value.hint
        or "same download" in caught.value.hint
    )


def test_an_alias_of_an_unlisted_entity_is_refused(ofac_copy: Path) -> None:
    alt = ofac_copy / "alt.csv"
    alt.write_bytes(alt.read_bytes().rstrip(b"\x1a") + b'99999999,1,"aka","NOBODY",-0- \r\n')
    with pytest.raises(InputError, match=r"alt\.csv line \d+: entity 99999999 is not in sdn\.csv"):
        read_ofac_sdn(ofac_copy)


def test_a_file_of_another_shape_is_refused(ofac_copy: Path) -> None:
    shutil.copy(ofac_copy / "alt.csv", ofac_copy / "sdn.csv")
    with pytest.raises(InputError, match=r"sdn\.csv line 1: 5 fields, expected 12"):
        read_ofac_sdn(ofac_copy)


def test_a_missing_file_is_named(ofac_copy: Path) -> None:
    (ofac_copy / "add.csv").unlink()
    with pytest.raises(InputError, match=r"add\.csv: no such file"):
        read_ofac_sdn(ofac_copy)


def _ftm(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "list.ftm.json"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


ZHANG = {
    "id": "ofac-29259",
    "schema": "Person",
    "properties": {
        "name": ["ZHANG, Xiaoming", "张晓明"],
        "birthDate": ["1963-09-03"],
        "nationality": ["cn"],
    },
}


def test_ftm_persons_and_organisations_are_read(tmp_path: Path) -> None:
    address = {"id": "addr-1", "schema": "Address", "properties": {"full": ["1 Road"]}}
    loaded = read_ftm(_ftm(tmp_path, [json.dumps(ZHANG, ensure_ascii=False), json.dumps(address)]))
    assert loaded.skipped == 1
    [zhang] = loaded.entities
    assert zhang.names == ("ZHANG, Xiaoming", "张晓明")
    assert zhang.countries == ("cn",) and zhang.birth_dates == ("1963-09-03",)


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (['{"id": "a", "schema": "Person"', ""], "line 1: not JSON"),
        (['{"schema": "Person", "properties": {}}'], "line 1: not a FollowTheMoney entity"),
        (
            ['{"id": "a", "schema": "Person", "properties": {"name": "A"}}'],
            "line 1: property 'name'",
        ),
    ],
)
def test_bad_ftm_lines_are_refused_naming_the_line(
    tmp_path: Path, lines: list[str], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        read_ftm(_ftm(tmp_path, lines))


def test_a_truncated_ftm_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    whole = json.dumps(ZHANG, ensure_ascii=False) + "\n"
    path.write_text(whole + whole[:40], encoding="utf-8")
    with pytest.raises(InputError, match="line 2: the file ends in the middle of a line"):
        read_ftm(path)


def test_every_ofac_entity_is_listed_under_the_lists_name(ofac_dir: Path) -> None:
    # Regression: a loop variable shadowed the list name, so every entity said "add.csv".
    from erfurt.names.lists.ofac import OFAC_FILES, parse_ofac_sdn

    files = {name: (ofac_dir / name).read_bytes() for name in OFAC_FILES}
    loaded = parse_ofac_sdn(files, "ofac-2021")
    assert {e.list for e in loaded.entities} == {"ofac-2021"}


def test_ofac_birth_dates_ending_a_sentence_are_read(ofac_entities: list[Entity]) -> None:
    # Regression: "DOB 14 Oct 1974." (65 entries of the 2021 list) was skipped.
    from erfurt.names.lists.ofac import parse_ofac_sdn

    sdn = b'1,"DOE, John",individual,SDGT,-0-,-0-,-0-,-0-,-0-,-0-,-0-,"DOB 14 Oct 1974."\n'
    loaded = parse_ofac_sdn({"sdn.csv": sdn, "alt.csv": b"", "add.csv": b""})
    assert loaded.entities[0].birth_dates == ("1974-10-14",)
    dated = [e for e in ofac_entities if e.birth_dates]
    assert len(dated) >= 4_000

"""Issue 10: the cases it names (development examples), against the 2021 OFAC list."""

from __future__ import annotations

import pytest

from erfurt.errors import InputError
from erfurt.names import DEFAULT_THRESHOLD, Entity, Matcher, Query
from erfurt.names.parts import analyse
from erfurt.names.score import compare_names


def score(query: str, listed: str) -> float:
    found = compare_names(analyse(query), analyse(listed))
    return found.score if found else 0.0


def alerts(matcher: Matcher, query: Query) -> list[tuple[str, float]]:
    return [(m.name, m.score) for m in matcher.match(query, threshold=DEFAULT_THRESHOLD)]


@pytest.mark.parametrize(
    ("name", "listed"),
    [
        ("Eric Ho", "CHANG, Eric"),  # a different surname
        ("Catalina Murillo", "CATALINA"),  # one given name against a one-word list name
        ("东 王", "WANG, Dongming"),  # given name, space, surname; a character missing
        ("成 冯", "CHENG, Guifeng"),
        ("Evan Hernandez", "HERNANDEZ, Ivan"),  # another given name, one letter apart
        ("王明", "WANG, Mingshan"),  # two characters against three syllables
        ("吴浩", "YU, Kwang Ho"),
    ],
)
def test_names_never_listed_do_not_alert(ofac_matcher: Matcher, name: str, listed: str) -> None:
    assert score(name, listed) < DEFAULT_THRESHOLD
    assert listed not in [n for n, _ in alerts(ofac_matcher, Query(name, schema="Person"))]


@pytest.mark.parametrize("surname", ["Lam", "Wang", "Mohammed"])
def test_a_bare_surname_alerts_on_nobody(ofac_matcher: Matcher, surname: str) -> None:
    assert alerts(ofac_matcher, Query(surname, schema="Person")) == []


def test_a_missing_han_character_is_another_name() -> None:
    assert score("郝明", "郝明金") < DEFAULT_THRESHOLD
    assert score("郝明金", "郝明金") == 1.0


def test_readings_come_from_one_system_and_the_surname_keeps_its_place() -> None:
    assert score("夏宝龙", "Xia Baolong") == 1.0  # pinyin
    assert score("夏宝龙", "Hsia Pao-lung") == 1.0  # Wade-Giles
    assert score("夏寶龍", "Ha Bo-lung") >= DEFAULT_THRESHOLD  # Cantonese
    assert score("夏宝龙", "Xia Bo-lung") < DEFAULT_THRESHOLD  # pinyin and Cantonese mixed
    assert score("夏宝龙", "Baolong Xia") == 1.0  # surname last
    assert score("宝龙夏", "XIA, Baolong") < DEFAULT_THRESHOLD  # 宝 read as the surname
    assert score("夏龙宝", "XIA, Baolong") < DEFAULT_THRESHOLD  # given characters swapped


@pytest.mark.parametrize("name", ["万鄂湘", "萬鄂湘", "Wan E-hsiang", "Wan Ê-hsiang"])
def test_wan_exiang_is_found(ofac_matcher: Matcher, name: str) -> None:
    found = ofac_matcher.match(Query(name, schema="Person"), limit=1)
    assert found and found[0].name == "WAN, Exiang" and found[0].score >= DEFAULT_THRESHOLD


def test_an_unknown_country_is_an_error_with_a_suggestion(ofac_matcher: Matcher) -> None:
    with pytest.raises(InputError, match="Narnia") as caught:
        ofac_matcher.match(Query("Carrie Lam", country="Narnia"))
    assert "ISO 3166" in caught.value.hint
    with pytest.raises(InputError) as near:
        ofac_matcher.match(Query("Carrie Lam", country="Hong Kog"))
    assert "hong kong" in near.value.hint


def test_a_contradicting_birth_date_keeps_another_person_out(ofac_matcher: Matcher) -> None:
    putin = Query("Vladimir Putin", birth_date="1952-10-07")
    assert "KONONOV, Vladimir P." not in [n for n, _ in alerts(ofac_matcher, putin)]
    lam = Query("Carrie Lam", birth_date="1957-05-13", country="hk")
    assert ofac_matcher.match(lam, limit=1)[0].entity_id == "ofac-29249"
    elsewhere = ofac_matcher.match(Query("Carrie Lam", birth_date="1990", country="fr"))
    assert elsewhere[0].score < DEFAULT_THRESHOLD


def test_a_person_does_not_match_a_vessel_or_a_company() -> None:
    vessel = Entity("v-1", "Vessel", ("LAM CARRIE",), "test")
    company = Entity("c-1", "Company", ("Carrie Lam",), "test")
    matcher = Matcher.build([vessel, company])
    assert matcher.match(Query("Carrie Lam", schema="Person")) == []
    assert matcher.match(Query("Carrie Lam", birth_date="1957")) == []  # a birth date: a person
    assert {m.entity_id for m in matcher.match(Query("Carrie Lam"))} == {"v-1", "c-1"}


def test_romanisations_with_apostrophes_tones_and_regional_usage() -> None:
    assert score("李西安", "Li Xi'an") == 1.0  # the apostrophe separates two syllables
    assert score("李先", "Li Xi'an") < DEFAULT_THRESHOLD
    assert score("毛泽东", "Mao Tsê-tung") == 1.0  # Wade-Giles with its circumflex
    assert score("毛泽东", "Mao² Tsê²-tung¹") == 1.0  # and tone numbers
    assert score("习近平", "Xi2 Jin4ping2") == 1.0  # pinyin tone numbers
    assert score("侯友宜", "Hou Yu-ih") == 1.0  # Taiwanese usage
    assert score("賀一誠", "HO, Iat-seng") == 1.0  # Macau Cantonese
    assert score("黎智英", "Jimmy Lai Chee-ying") >= DEFAULT_THRESHOLD  # Western given name


def test_the_explanation_says_which_part_decided(ofac_matcher: Matcher) -> None:
    found = ofac_matcher.match(Query("Eric Ho", schema="Person"), limit=5)
    chang = [m for m in found if m.name == "CHANG, Eric"]
    assert chang and "surname" in chang[0].explanation[0].detail

"""Screening against the full 2021 OFAC list: Hong Kong officials, typos, qualifiers."""

from __future__ import annotations

import pickle

import pytest

from erfurt.errors import IntegrityError
from erfurt.names import DEFAULT_THRESHOLD, Entity, Matcher, Query
from names_halves import hong_kong


@pytest.mark.parametrize("row", hong_kong(), ids=lambda r: f"{r['system']}:{r['form']}")
def test_every_form_of_a_hong_kong_official_finds_the_entry_first(
    ofac_matcher: Matcher, row: dict[str, str]
) -> None:
    found = ofac_matcher.match(Query(row["form"], schema="Person"), limit=3)
    assert found, f"nothing found for {row['form']}"
    assert found[0].entity_id == row["entity_id"], [(m.entity_id, m.score, m.name) for m in found]
    assert found[0].score >= DEFAULT_THRESHOLD


def test_the_hong_kong_set_covers_every_system() -> None:
    systems = {r["system"] for r in hong_kong()}
    assert {"han", "han-simplified", "pinyin", "wade-giles", "cantonese", "english"} <= systems


def test_issue_4_homophone_with_the_han_name_listed() -> None:
    zhang = Entity("ofac-29259", "Person", ("ZHANG, Xiaoming", "张晓明"), "test")
    matcher = Matcher.build([zhang])
    assert matcher.match(Query("张小明"), threshold=DEFAULT_THRESHOLD) == []
    assert matcher.match(Query("張曉明"))[0].score == 1.0
    # Without his Han name on the list, a Han query can only go by the reading.
    reading_only = Matcher.build([Entity("ofac-29259", "Person", ("ZHANG, Xiaoming",), "test")])
    assert reading_only.match(Query("张小明"))[0].entity_id == "ofac-29259"


def test_one_typo_still_finds_the_listed_person(ofac_matcher: Matcher) -> None:
    found = ofac_matcher.match(Query("Osama bin Ladem"), limit=1)
    assert found[0].entity_id == "ofac-6365"
    found = ofac_matcher.match(Query("Xia Baolonq"), limit=1)
    assert found[0].entity_id == "ofac-29262"


def test_birth_date_country_and_identifiers_move_the_score(ofac_matcher: Matcher) -> None:
    plain = ofac_matcher.match(Query("Carrie Lam"), limit=1)[0]
    same = ofac_matcher.match(Query("Carrie Lam", birth_date="1957-05-13", country="HK"), limit=1)[
        0
    ]
    other = ofac_matcher.match(
        Query("Carrie Lam", birth_date="1990-01-01", country="Peru"), limit=1
    )[0]
    assert other.score < plain.score <= same.score
    assert {f.name for f in other.explanation} == {"name", "birth_date", "country"}
    with_id = ofac_matcher.match(Query("C. Lam", identifiers=("KJ0505670",)), limit=1)[0]
    assert with_id.entity_id == "ofac-29249"
    assert any(f.name == "identifier" for f in with_id.explanation)


def test_schema_keeps_persons_and_organisations_apart(ofac_matcher: Matcher) -> None:
    persons = ofac_matcher.match(Query("Banco Nacional de Cuba", schema="Person"), limit=3)
    assert all(m.entity_id != "ofac-306" for m in persons)
    organisations = ofac_matcher.match(Query("Banco Nacional de Cuba", schema="Organization"))
    assert organisations[0].entity_id == "ofac-306"


def test_the_prepared_index_round_trips(ofac_matcher: Matcher) -> None:
    loaded = Matcher.from_bytes(ofac_matcher.to_bytes())
    assert len(loaded) == len(ofac_matcher)
    for name in ("林鄭月娥", "Tang Ping-keung", "Banco Nacional de Cuba"):
        assert loaded.match(Query(name)) == ofac_matcher.match(Query(name))


def test_a_matcher_travels_as_its_stored_index(ofac_matcher: Matcher) -> None:
    """What an engine sends each worker: the stored bytes, not the names decoded since."""
    packed = ofac_matcher.to_bytes()
    loaded = Matcher.from_bytes(packed)
    loaded.match(Query("Tang Ping-keung"))  # decodes the names it reaches
    for matcher in (loaded, ofac_matcher):
        sent = pickle.dumps(matcher)
        assert len(packed) < len(sent) < len(packed) + 200
        arrived = pickle.loads(sent)
        for name in ("林鄭月娥", "Tang Ping-keung", "Banco Nacional de Cuba"):
            assert arrived.match(Query(name)) == ofac_matcher.match(Query(name))


def test_a_damaged_index_is_refused() -> None:
    data = Matcher.build([Entity("x", "Person", ("A B",), "t")]).to_bytes()
    with pytest.raises(IntegrityError, match="damaged"):
        Matcher.from_bytes(data[:-10])


def test_a_three_letter_typo_finds_its_name_among_many_holders_of_the_surname() -> None:
    # 40 listed CHEN rank equal on the surname; only the typo look-up of "zhz" (one edit
    # from the listed three-letter "zhu") lifts the right one into the candidates.
    given = [f"Wei{chr(97 + i)}{chr(97 + j)}" for i in range(5) for j in range(8)]
    others = [Entity(f"c{k}", "Person", (f"CHEN, {g}",), "test") for k, g in enumerate(given)]
    matcher = Matcher.build([*others, Entity("z", "Person", ("CHEN, Zhu",), "test")])
    assert matcher.match(Query("Zhz CHEN", schema="Person"), limit=1)[0].entity_id == "z"

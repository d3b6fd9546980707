"""Issue 10, seventh pass: a Hong Kong married name's later surname, the wife's own family
name, may be spelt in Mandarin (made-up names)."""

from __future__ import annotations

from erfurt.names import DEFAULT_THRESHOLD
from erfurt.names.parts import analyse
from erfurt.names.score import compare_names


def score(query: str, listed: str) -> float:
    found = compare_names(analyse(query), analyse(listed))
    return found.score if found else 0.0


def test_the_later_surname_of_a_married_name_may_be_read_in_the_other_system() -> None:
    # 張 is "Cheung" in Cantonese, "Chang" in Wade-Giles: her family's spelling.
    assert DEFAULT_THRESHOLD <= score("何張嘉欣", "HO CHANG, Ka-yan") < 1.0
    assert DEFAULT_THRESHOLD <= score("HO CHANG, Ka-yan", "何張嘉欣") < 1.0
    assert score("何張嘉欣", "HO CHEUNG, Ka-yan") == 1.0  # one system: as before
    # Pinyin against the listing reads through bridges, the later surname as written.
    assert score("He Zhang Jiaxin", "HO CHANG, Ka-yan") >= DEFAULT_THRESHOLD


def test_the_first_surname_and_the_given_names_stay_in_one_system() -> None:
    assert score("張何嘉欣", "ZHANG HO, Ka-yan") < DEFAULT_THRESHOLD  # the husband's surname
    assert score("何嘉欣", "HO, Chia-yan") < DEFAULT_THRESHOLD  # a given syllable
    assert score("夏宝龙", "Xia Bo-lung") < DEFAULT_THRESHOLD

"""Issue 10, second pass: what makes two names two persons, from general cases."""

from __future__ import annotations

from erfurt.names import DEFAULT_THRESHOLD, Feature, explain
from erfurt.names.chinese import read_han
from erfurt.names.parts import analyse
from erfurt.names.score import compare_names


def score(query: str, listed: str) -> float:
    found = compare_names(analyse(query), analyse(listed))
    return found.score if found else 0.0


def test_a_chinese_syllable_only_one_name_has_makes_another_name() -> None:
    assert score("Zhou Ming", "ZHOU, Xiaoming") < DEFAULT_THRESHOLD
    assert score("Zhou Xiaoming", "ZHOU, Xiao Ming") == 1.0
    # A Western given name or one surname of a married name is no extra syllable.
    assert score("Peter Chan Tai-man", "CHAN, Tai-man") >= DEFAULT_THRESHOLD
    assert score("Wong Mei-ling", "CHAN WONG, Mei-ling") >= DEFAULT_THRESHOLD


def test_two_chinese_syllables_a_letter_apart_are_two_names() -> None:
    assert score("Gao Feng", "GAO, Fang") < DEFAULT_THRESHOLD
    assert score("Zhang Jianzhong", "ZHANG, Jiangping") < DEFAULT_THRESHOLD  # nor "near"
    assert score("Hans Breg", "BERG, Hans") >= DEFAULT_THRESHOLD  # other names still may be


def test_a_surname_one_typo_away_still_agrees() -> None:
    assert score("Hans Breg", "BERG, Hans") >= DEFAULT_THRESHOLD  # four letters, swapped
    assert score("Olga Kunz", "KONZ, Olga") >= DEFAULT_THRESHOLD
    assert score("Tom Ho", "HU, Tom") < DEFAULT_THRESHOLD  # too short to tell a typo


def test_only_a_later_surname_agreeing_is_another_family() -> None:
    assert score("Pablo Ortega", "RUIZ ORTEGA, Pablo Andres") < DEFAULT_THRESHOLD
    assert score("Pablo Ruiz", "RUIZ ORTEGA, Pablo Andres") >= DEFAULT_THRESHOLD


def test_a_romanised_name_that_marks_its_surname_is_read_so() -> None:
    assert score("夏宝龙", "BAO, Longxia") < DEFAULT_THRESHOLD  # 夏 is not the given name
    assert score("夏宝龙", "Baolong Xia") == 1.0  # unmarked: surname last is fine


def test_usage_spellings_of_taiwan_hong_kong_and_macau() -> None:
    assert "tseng" in read_han("蘇貞")[1].wade  # Taiwan: 貞 Tseng
    assert "luan" in read_han("朱倫")[1].wade  # Taiwan: 倫 Luan
    assert "mo" in read_han("陳茂")[1].cantonese  # Hong Kong: 茂 Mo
    assert "man" in read_han("毛孟")[1].cantonese  # Hong Kong: 孟 Man
    assert {"hwa", "wah"} <= set(read_han("董華")[1].cantonese)  # Hong Kong: 華 Hwa, Wah
    assert "kwun" in read_han("羅冠")[1].cantonese  # Hong Kong: "oon" written "un"
    assert "kuok" in read_han("吳國")[1].cantonese  # Macau: "kw" written "ku"


def test_an_explanation_says_what_moved_the_score() -> None:
    features = [
        Feature("name", 0.87, "latin: 'X': name parts agree"),
        Feature("country", -0.2, "a"),
    ]
    assert explain(features) == [
        "name +0.870 (latin: 'X': name parts agree)",
        "country -0.200 (a)",
    ]

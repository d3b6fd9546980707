"""Issue 10, second pass: what makes two names two persons, from general cases."""

from __future__ import annotations

from erfurt.names import DEFAULT_THRESHOLD, Entity, Feature, Matcher, Query, explain
from erfurt.names.chinese import read_han
from erfurt.names.parts import analyse, looks_chinese
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


# Issue 10, third pass: made-up names, each case a rule (failing before it).


def test_a_cantonese_bridge_needs_the_whole_name_read_as_cantonese() -> None:
    assert score("Liang Jiahui", "LEUNG, Ka-wai") >= DEFAULT_THRESHOLD  # read so throughout
    # A name that reads as pinyin too may be Cantonese when every syllable is bridged.
    assert score("Jian Qiwen", "KAN, Kai Man") >= DEFAULT_THRESHOLD
    assert score("Chen Wenbo", "CHAN, Man-po") >= DEFAULT_THRESHOLD  # "po" for "bo"
    assert score("Shen Ming", "SUN, Ming") < DEFAULT_THRESHOLD  # "SUN, Ming" reads as pinyin
    # Wade-Giles "chia" has no Cantonese reading: "lei" is not the Cantonese of "li" here.
    assert score("Chia Ming-lei", "LI, Jiaming") < DEFAULT_THRESHOLD
    # Cantonese "chin" is never the character of Wade-Giles "chin" (jin, qin).
    assert score("Man Chin", "WEN CHIN") < DEFAULT_THRESHOLD


def test_hong_kong_and_macau_usage_spellings_bridge_to_pinyin() -> None:
    assert score("Chen Zhishi", "CHAN, Chi-see") >= DEFAULT_THRESHOLD  # "see" for "si"
    assert score("Zhang Anqi", "CHEONG, On-kei") >= DEFAULT_THRESHOLD  # Macau "eong"


def test_a_two_letter_part_swapped_or_without_a_vowel_is_a_typo() -> None:
    assert score("Chol Li Han", "HAN, Chol Il") >= DEFAULT_THRESHOLD
    assert score("Sok Yj Pak", "PAK, Sok Yu") >= DEFAULT_THRESHOLD
    assert score("Kim Yong Ik", "KIM, Yong Il") < DEFAULT_THRESHOLD  # two real syllables
    assert score("Chol Li", "CHOL, Il") < DEFAULT_THRESHOLD  # too little left to tell


def test_chinese_given_names_one_syllable_apart_are_two_names() -> None:
    assert score("Zhao Minghua", "ZHAO, Minghui") < DEFAULT_THRESHOLD
    assert score("Xi Jinpng", "XI, Jinping") >= DEFAULT_THRESHOLD  # a typo, no syllable
    assert score("Vladimir Pulin", "PUTIN, Vladimir") >= DEFAULT_THRESHOLD  # not Chinese
    assert score("Shanto", "SANTO") >= DEFAULT_THRESHOLD  # one word is no Chinese name


def test_a_split_family_word_is_no_married_name() -> None:
    # "LINFENG, Zhou" puts a given name first: "Feng" is no second surname.
    assert score("Zhou Lin", "LINFENG, Zhou") < DEFAULT_THRESHOLD
    assert score("Wong Mei-ling", "CHAN WONG, Mei-ling") >= DEFAULT_THRESHOLD


# Issue 10, fourth pass: made-up names, each case a rule (failing before it).


def test_a_name_of_hong_kong_usage_spellings_is_read_as_chinese() -> None:
    # "Sham" and "Tsz" are usage spellings (of "sam" and "ji"), no table syllables.
    assert looks_chinese(["sham", "tsz", "wai"])
    assert score("Shen Ziwei", "SHAM, Tsz-wai") >= DEFAULT_THRESHOLD
    assert not looks_chinese(["sham", "smith"])


def test_a_bridge_through_a_reading_rare_in_names_is_weak_evidence() -> None:
    # "sam" spells 沈 "shen" (common in names) and, rarely, 鞢 "xie".
    assert score("Shen Wei", "SAM, Wai") >= DEFAULT_THRESHOLD
    assert score("Xie Wei", "SAM, Wai") < DEFAULT_THRESHOLD


# Fifth pass: one-typo recall (development typo queries, 24 of 53 misses).


def test_a_short_surname_one_typo_away_is_weak_evidence() -> None:
    for query, listed in (
        ("Sung Ho IKM", "KIM, Sung Ho"),  # letters swapped
        ("Dara OJ", "OJI, Dara"),  # a letter dropped
        ("Ming Tao IR", "RI, Ming Tao"),  # two letters swapped
        ("Yusuf BAzK", "BAK, Yusuf"),  # a letter added
    ):
        assert 0.55 < score(query, listed) < DEFAULT_THRESHOLD, query
    # Not when both are Chinese syllables: Ho and Hu, Zhu and Zhou are other surnames.
    assert score("Tom Ho", "HU, Tom") <= 0.55
    assert score("Weiguo Zhu", "ZHOU, Weiguo") <= 0.55


def test_an_agreeing_birth_date_lifts_a_short_surname_typo_over_the_threshold() -> None:
    listed = Entity("p1", "Person", ("KIM, Sung Ho",), "test", ("1970-03-02",))
    matcher = Matcher.build([listed])
    assert matcher.match(Query("Sung Ho IKM", schema="Person"))[0].score < DEFAULT_THRESHOLD
    dated = matcher.match(Query("Sung Ho IKM", "1970-03-02", schema="Person"))[0]
    assert dated.score >= DEFAULT_THRESHOLD
    assert "one typo in a short surname" in explain(dated.explanation)[0]


# Fifth pass: regional reading tables (made-up officials).


def test_macau_and_hong_kong_usage_spellings_read_as_the_han_name() -> None:
    for romanised, han in (
        ("Leong Vai-tac", "梁維德"),  # Macau "v" for "w", final "c" for "k"
        ("Wong Sio-meng", "黃少明"),  # Macau "io" for "iu", "eng" for "ing"
        ("Kou Hoi-man", "高開文"),  # Macau "ou" for "o"
        ("Lao Chi-keong", "劉志強"),  # Macau "ao" for "au"
        ("Kwok Ka-ki", "郭家基"),  # Hong Kong "i" for "ei"
    ):
        assert score(romanised, han) == 1.0, romanised
        assert score(han, romanised) == 1.0, romanised

"""Han names: folding, surname readings, compound surnames, three romanisations."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from erfurt.names.chinese import cantonese_to_pinyin, fold, read_han, reading_shares
from erfurt.names.romanise import (
    PINYIN_SYLLABLES,
    is_syllable,
    pinyin_to_wade,
    split_syllables,
    wade_to_pinyin,
)


def test_traditional_and_simplified_fold_together() -> None:
    assert fold("夏寶龍") == fold("夏宝龙") == "夏宝龙"
    assert fold("曾國衞") == fold("曾国卫")  # 衞, the Hong Kong form of 衛


def test_surname_readings_come_first() -> None:
    zeng = read_han("曾國衞")[0]
    assert zeng.spellings[0] == "zeng" and "tsang" in zeng.spellings
    ou = read_han("區家麟")[0]
    assert ou.spellings[0] == "ou" and "au" in ou.spellings
    assert read_han("單仁平")[0].spellings[0] == "shan"


def test_hong_kong_married_name_keeps_both_surnames() -> None:
    syllables = read_han("林鄭月娥")
    assert [s.family for s in syllables] == [True, True, False, False]
    cantonese = ["lam", "cheng", "yuet", "ngor"]
    assert all(c in s.spellings for c, s in zip(cantonese, syllables, strict=True))
    assert "lin" in syllables[0].spellings and "zheng" in syllables[1].spellings


def test_wade_giles_and_pinyin() -> None:
    assert [pinyin_to_wade(s) for s in ("xi", "jin", "ping", "zhang", "xiao")] == [
        "hsi", "chin", "ping", "chang", "hsiao",
    ]  # fmt: skip
    assert "jin" in wade_to_pinyin("chin") and "xi" in wade_to_pinyin("hsi")
    assert split_syllables("baolong") == ("bao", "long")
    assert split_syllables("carrie") == ()


@given(
    st.lists(st.sampled_from(sorted(PINYIN_SYLLABLES - {"a", "e", "o"})), min_size=2, max_size=3)
)
def test_joined_syllables_split_back_into_syllables(syllables: list[str]) -> None:
    joined = "".join(syllables)
    parts = split_syllables(joined)
    if parts:
        assert "".join(parts) == joined
        assert 2 <= len(parts) <= len(syllables)
        assert all(is_syllable(p) for p in parts)
    else:
        assert is_syllable(joined)  # "xi" + "an" is the one syllable "xian"


def test_the_prepared_reading_table_agrees_with_its_sources() -> None:
    # data/han_readings.tsv is made by scripts/names_data.py from pypinyin and the
    # Hong Kong government table of cantonese-romanisation.
    import json
    from importlib import resources

    from pypinyin import Style, pinyin

    cantonese = json.loads(
        resources.files("cantoroman")
        .joinpath("data")
        .joinpath("charToRoman.json")
        .read_text("utf-8")
    )
    for name in ("林鄭月娥", "李家超", "鄧炳強", "夏寶龍", "陳國基", "譚耀宗"):
        for char, syllable in zip(name, read_han(name), strict=True):
            readings = pinyin(fold(char), style=Style.NORMAL, heteronym=True)[0][:2]
            assert all(r in syllable.spellings for r in readings)
            assert all(s in syllable.spellings for s in cantonese[char])


def test_each_cantonese_reading_has_a_share_of_how_common_it_is_in_names() -> None:
    shares = reading_shares()
    for spelling, pinyin in cantonese_to_pinyin().items():
        assert pinyin <= set(shares[spelling])  # a usage form may add readings
        assert all(0.0 <= share <= 1.0 for share in shares[spelling].values())
    assert shares["sam"]["shen"] > 0.1 > shares["sam"]["xie"]
    assert shares["sham"]["shen"] == shares["sam"]["shen"]  # usage takes the table's share

"""Names that cannot be names are refused with a message; the rest become tokens."""

from __future__ import annotations

import pytest

from erfurt.errors import InputError
from erfurt.names.normalise import check_name, latin_tokens, split_by_script


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty"),
        ("   ", "is empty"),
        ("!!! ---", "has no letters"),
        ("😀🙈", "has no letters"),
        ("x" * 10_000, "10,000 characters long"),
        ("林Carrie", "mixes Han and Latin letters"),
        ("Рutin", "mixes Cyrillic and Latin letters"),  # a Cyrillic Р inside a Latin name
    ],
)
def test_bad_names_are_refused_with_the_reason(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        check_name(text)
    assert caught.value.hint


def test_latin_tokens_fold_case_accents_apostrophes_and_order_marks() -> None:
    assert latin_tokens("LAM CHENG, Yuet-ngor") == ["lam", "cheng", "yuet", "ngor"]
    assert latin_tokens("François Hollande") == ["francois", "hollande"]
    assert latin_tokens("Hsi Ch'in-p'ing") == ["hsi", "chin", "ping"]
    assert latin_tokens("Dr. Angela Merkel") == ["angela", "merkel"]
    assert latin_tokens("Аляксандр Лукашэнка") == ["alyaksandr", "lukashenka"]


def test_other_alphabets_are_transliterated() -> None:
    assert latin_tokens("ბარაკ ობამა") == ["barak", "obama"]  # Georgian
    assert latin_tokens("Բարակ Օբամա") == ["barak", "obama"]  # Armenian
    assert latin_tokens("バラク・オバマ") == ["baraku", "obama"]  # katakana
    assert latin_tokens("Ουλάφ Σολτς") == ["oylaf", "solts"]  # Greek


def test_legal_forms_fold_to_one_word_for_organisations() -> None:
    assert latin_tokens("OAO Gazprom", organisation=True) == ["jsc", "gazprom"]
    assert latin_tokens("Open Joint Stock Company Rosneft", organisation=True) == ["jsc", "rosneft"]
    assert latin_tokens("HSBC Holdings p.l.c.", organisation=True) == ["hsbc", "holdings", "plc"]
    assert latin_tokens("AT&T Inc.", organisation=True) == latin_tokens("AT and T Inc", True)


def test_titles_are_dropped_from_persons_names_only() -> None:
    assert latin_tokens("General Ivan Ivanov") == ["ivan", "ivanov"]
    assert latin_tokens("General Motors", organisation=True) == ["general", "motors"]


def test_roman_numerals_after_an_organisations_first_word_are_numbers() -> None:
    assert latin_tokens("Fund XIV", organisation=True) == ["fund", "14"]
    assert latin_tokens("Partners IV L.P.", organisation=True) == ["partners", "4", "lp"]
    assert latin_tokens("Vivid Ltd", organisation=True) == ["vivid", "ltd"]
    assert latin_tokens("XI Holdings", organisation=True) == ["xi", "holdings"]
    assert latin_tokens("Louis XIV") == ["louis", "xiv"]  # persons keep them as written


def test_list_names_in_two_scripts_are_split_by_script() -> None:
    assert split_by_script("Jin Tiesan (金铁三)") == ["Jin Tiesan", "金铁三"]


def test_pinyin_xi_is_not_a_roman_numeral() -> None:
    # Regression: "Xi" was read as 11, so "Shenzhen Xi Sheng" scored 0.41 against itself
    # written "Shenzhen Xisheng".
    assert latin_tokens("Shenzhen Xi Sheng", organisation=True) == ["shenzhen", "xi", "sheng"]
    assert latin_tokens("Hanoi Vi Trading", organisation=True) == ["hanoi", "vi", "trading"]
    assert latin_tokens("KKR Asian Fund III L.P.", organisation=True)[-2:] == ["3", "lp"]
    assert latin_tokens("Bowne Solutions II, Inc.", organisation=True)[-2:] == ["2", "inc"]

"""The spellings of a name across scripts, for search (``erfurt.names.name_spellings``)."""

from __future__ import annotations

import pytest

from erfurt.errors import InputError
from erfurt.names import (
    character_spellings,
    name_spellings,
    surname_readings,
)


def test_a_han_name_is_spelt_in_every_script_and_system() -> None:
    forms = name_spellings("周杰伦")
    assert forms[0] == "周杰伦"  # as given first
    assert {"周杰倫", "Zhou Jielun", "Jielun Zhou", "Chou Chieh-lun"} <= set(forms)


def test_traditional_input_gives_simplified_and_hong_kong_cantonese() -> None:
    forms = name_spellings("李家超")
    assert "Lee Ka-chiu" in forms and "Li Jiachao" in forms
    assert "林郑月娥" in name_spellings("林鄭月娥")
    assert "Lam Cheng Yuet-ngo" in name_spellings("林鄭月娥")  # two surnames, kept apart
    assert "Ouyang Xiu" in name_spellings("欧阳修")  # one compound surname, joined


def test_surname_readings_are_used() -> None:
    assert "Zeng Guowei" in name_spellings("曾國衞")
    assert "Shan Renping" in name_spellings("單仁平")


def test_other_names_are_returned_as_given() -> None:
    assert name_spellings("Carrie Lam") == ("Carrie Lam",)
    with pytest.raises(InputError):
        name_spellings("  ")


def test_a_character_has_every_spelling_in_every_system() -> None:
    assert {"cai", "tsai", "choi"} <= set(character_spellings("蔡"))
    assert {"ying", "ing"} <= set(character_spellings("英"))
    assert character_spellings("x") == character_spellings("蔡英") == ()


def test_a_romanised_surname_gives_the_pinyin_of_the_surnames_it_spells() -> None:
    assert surname_readings("tai") == {"dai"}
    assert surname_readings("leung") == {"liang"}
    assert surname_readings("smith") == frozenset()

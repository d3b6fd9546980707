"""Listed persons named in another script or romanisation than the list's, in the sentences
where the taggers miss them (jieba splits 刘建国 into 刘 + 建国; spaCy calls "Chang Ch'un-ming"
an organisation named "Chang")."""

from __future__ import annotations

import pytest

from erfurt.cli.entities import matcher_extractor
from erfurt.entities import Extractor, KnownEntity
from erfurt.names import Entity, Matcher

LISTED = [
    Entity("cn-19", "Person", ("LIU, Jianguo",), "test"),
    Entity("cn-11", "Person", ("ZHANG, Chunming",), "test"),
    Entity("cn-29", "Person", ("WAN, Exiang",), "test"),
    Entity("mo-06", "Person", ("NG, Kuok-keung",), "test"),
    Entity("tw-01", "Person", ("TSAI, Ing-wen",), "test"),
    Entity("own-1", "Person", ("TAI, Man-kit",), "test"),
    Entity("own-2", "Person", ("TAM, Chi-wai",), "test"),
    Entity("own-3", "Person", ("TAI, Ming-ting",), "test"),
    Entity("own-4", "Person", ("CHEUNG FANG, Yuk-tai",), "test"),
    Entity("own-5", "Person", ("SUN, Kwan-han",), "test"),
    Entity("own-6", "Person", ("HO, Ting-on",), "test"),
    Entity("own-7", "Person", ("HO, Ting-on",), "test"),
    Entity("own-8", "Person", ("FANG, Yuk",), "test"),
    Entity("org-1", "Organization", ("LIU JIANGUO TRADING",), "test"),
]


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    known = [KnownEntity(e.id, e.schema, e.names) for e in LISTED]
    return matcher_extractor(known, Matcher.build(LISTED))


def _linked(extractor: Extractor, text: str) -> list[tuple[str, str]]:
    return [(m.surface, m.known) for m in extractor.extract(text).mentions if m.known]


@pytest.mark.parametrize(
    ("text", "name", "listed"),
    [
        ("据报道，刘建国出席了会议。", "刘建国", "cn-19"),
        ("会上，劉建國表示支持。", "劉建國", "cn-19"),
        ("会上，萬鄂湘表示支持。", "萬鄂湘", "cn-29"),
        ("The report was signed by Chang Ch'un-ming on Monday.", "Chang Ch'un-ming", "cn-11"),
        ("On Monday Wan E Xiang told reporters the order stands.", "Wan E Xiang", "cn-29"),
        ("The report was signed by Ng Kwok-keung on Monday.", "Ng Kwok-keung", "mo-06"),
        # Readings beyond each character's first: Taiwanese "Ing" for 英, Hong Kong "Tam"
        # for 譚, and the pinyin of a listed Cantonese surname ("TAI" is 戴, "Dai" in pinyin).
        ("据报道，蔡英文出席了会议。", "蔡英文", "tw-01"),
        ("会上，譚志偉表示支持。", "譚志偉", "own-2"),
        ("On Monday Dai Mingting told reporters the order stands.", "Dai Mingting", "own-3"),
    ],
)
def test_a_listed_person_is_found_by_how_the_name_reads(
    extractor: Extractor, text: str, name: str, listed: str
) -> None:
    assert _linked(extractor, text) == [(name, listed)]


@pytest.mark.parametrize(
    ("text", "name", "listed"),
    [
        # 方 in Mandarin ("Fang") between Cantonese readings, as Hong Kong names mix them.
        ("会上，張方玉泰表示支持。", "張方玉泰", "own-4"),
        ("据报道，孙君菡出席了会议。", "孙君菡", "own-5"),  # 菡 in Mandarin, "Han"
    ],
)
def test_han_spelling_one_listed_name_in_mixed_systems_links_it(
    extractor: Extractor, text: str, name: str, listed: str
) -> None:
    """The names engine reads a romanised name in one system and scores these under the
    finder's bar; each character, in one of its spellings, spells the listed name."""
    assert _linked(extractor, text) == [(name, listed)]


def test_a_spelling_alone_links_neither_namesakes_nor_two_characters(
    extractor: Extractor,
) -> None:
    # 何廷安 spells "HO, Ting-on", the name of two list entries; 方玉 spells "FANG, Yuk"
    # only by mixing systems, and two characters are too common a stretch to trust that.
    assert _linked(extractor, "据报道，何廷安出席了会议。会上，方玉表示支持。") == []


def test_words_that_only_share_a_surname_are_not_linked(extractor: Extractor) -> None:
    text = "刘备建国的故事。Chang Lung and Liu Li met. Mr Chang said No."
    assert _linked(extractor, text) == []


def test_names_inside_addresses_are_not_read(extractor: Extractor) -> None:
    text = "Write to https://example.org/Chang Ch'un-ming or zhang.chunming@example.org"
    assert _linked(extractor, text) == []


def test_the_finder_reads_persons_only(extractor: Extractor) -> None:
    assert ("刘建国贸易", "org-1") not in _linked(extractor, "刘建国贸易公司发布公告。")

"""Each finder as the pipeline hands it texts: known entries across scripts, Chinese and
English persons with titles, position claims, hostile texts."""

from __future__ import annotations

import io
import random

import pytest

from erfurt.entities import PIECE_CHARS, Extractor, Found, KnownEntity, KnownIndex
from erfurt.entities.chinese import _Clauses
from erfurt.names import name_spellings

LAM = KnownEntity("ofac-29249", "Person", ("LAM, Carrie", "LAM CHENG, Yuet-ngor", "林鄭月娥"))
LEE = KnownEntity("ofac-29250", "Person", ("LEE, John", "LEE, Ka-chiu"))
TWIN = KnownEntity("other-1", "Person", ("LEE, John",))  # the same name on another entry


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(KnownIndex([LAM, LEE], name_spellings))


def _persons(found: Found) -> list[tuple[str, str]]:
    return [(m.surface, m.known) for m in found.mentions if m.type == "person"]


@pytest.mark.parametrize("text", ["林鄭月娥", "林郑月娥", "Carrie Lam", "Lam Cheng Yuet-ngor"])
def test_every_script_and_romanisation_names_the_same_list_entry(
    extractor: Extractor, text: str
) -> None:
    found = extractor.extract(f"Yesterday {text} spoke.\n昨日{text}发言。")
    assert {k for s, k in _persons(found) if s == text} == {"ofac-29249"}


def test_known_names_need_whole_words_and_line_breaks_do_not_hide_them(
    extractor: Extractor,
) -> None:
    text = "Carrier Lamb and Scarrie Lam left; Carrie\nLam stayed."
    found = extractor.extract(text)
    at = text.index("Carrie\n")
    assert [(m.start, m.known) for m in found.mentions if m.known] == [(at, "ofac-29249")]


def test_names_inside_addresses_are_not_mentions(extractor: Extractor) -> None:
    text = "Write to carrie.lam@gov.hk or see https://example.org/Carrie-Lam/Carrie%20Lam now."
    assert extractor.extract(text).mentions == ()


def test_a_form_two_entries_share_is_linked_to_neither() -> None:
    found = Extractor(KnownIndex([LEE, TWIN], name_spellings)).extract("John Lee met them.")
    assert [(m.surface, m.method, m.known) for m in found.mentions] == [("John Lee", "known", "")]


def test_the_resolver_links_a_tagged_name_to_its_list_entry() -> None:
    linked = Extractor(KnownIndex([], name_spellings), resolve=lambda n: "x-1" * (n == "陈志明"))
    found = linked.extract("任命陈志明同志为行动科科长。")
    assert _persons(found) == [("陈志明", "x-1")]


def test_chinese_appointment_and_titled_names(extractor: Extractor) -> None:
    text = "任命陈志明同志为行动科科长。保安局局长李家超自2020年3月起任职，警务处处长邓炳强出席。"
    found = extractor.extract(text)
    claims = {(c.holder.surface, c.post, c.organisation, c.start_date) for c in found.claims}
    assert claims == {
        ("陈志明", "行动科科长", "行动科", ""),
        ("李家超", "保安局局长", "保安局", "2020-03"),
        ("邓炳强", "警务处处长", "警务处", ""),
    }


def test_traditional_text_keeps_its_own_characters_and_offsets(extractor: Extractor) -> None:
    text = "行政長官林鄭月娥會見國務院港澳事務辦公室主任夏寶龍。"
    found = extractor.extract(text)
    for mention in found.mentions:
        assert text[mention.start : mention.end] == mention.surface
    assert ("夏寶龍", "国务院港澳事务办公室主任") in {
        (c.holder.surface, c.post) for c in found.claims
    }
    assert {m.surface for m in found.mentions if m.type == "organisation"} == {
        "國務院港澳事務辦公室"
    }


def test_english_titles_and_claims_with_dates(extractor: Extractor) -> None:
    text = (
        "Commissioner of Police Chris Tang met Jane Doe, Director of Immigration since "
        "March 2020. Peter Wong was appointed Deputy Commissioner of Police on 3 May 2021. "
        "The board appointed Mary Chan as Chairwoman of the Hospital Authority."
    )
    claims = {(c.holder.surface, c.post, c.start_date) for c in extractor.extract(text).claims}
    assert claims == {
        ("Chris Tang", "Commissioner of Police", ""),
        ("Jane Doe", "Director of Immigration", "2020-03"),
        ("Peter Wong", "Deputy Commissioner of Police", "2021-05-03"),
        ("Mary Chan", "Chairwoman of the Hospital Authority", ""),
    }


def test_the_english_model_finds_what_it_found_when_pinned(extractor: Extractor) -> None:
    # A regression guard on the re-published model's weights (docs/dependencies.md).
    found = extractor.extract("Yesterday Margaret Thatcher flew from London to Beijing.")
    assert [(m.surface, m.type, m.method) for m in found.mentions] == [
        ("Margaret Thatcher", "person", "ner"),
        ("London", "place", "ner"),
        ("Beijing", "place", "ner"),
    ]


def test_ocr_garbage_and_a_title_without_a_name_give_no_person(extractor: Extractor) -> None:
    garbage = "l1|l ,;; 0O0 ~~~ Secretary for Security. ||| rn rn Il1 …… ■■ 驀 ㄅ \x00 " * 50
    assert [m for m in extractor.extract(garbage).mentions if m.type == "person"] == []
    assert extractor.extract(garbage).claims == ()


def test_a_text_without_breaks_is_read_in_bounded_pieces_with_true_offsets(
    extractor: Extractor,
) -> None:
    filler = "x" * (PIECE_CHARS * 2 + 17)  # no space, no sentence end anywhere
    text = filler + " Carrie Lam spoke.\f任命陈志明同志为行动科科长。"
    found = extractor.extract(text)
    lam = next(m for m in found.mentions if m.known == "ofac-29249")
    assert text[lam.start : lam.end] == "Carrie Lam" and lam.page == 1
    chen = next(m for m in found.mentions if m.surface == "陈志明")
    assert chen.page == 2 and text[chen.start : chen.end] == "陈志明"
    assert extractor.extract_file(io.StringIO(text)) == found


def test_the_result_blob_reads_back_as_written(extractor: Extractor) -> None:
    found = extractor.extract("保安局局长李家超今日表示。Carrie Lam, Chief Executive since 2017.")
    assert Found.from_bytes(found.to_bytes()) == found
    assert found.to_bytes() == Found.from_bytes(found.to_bytes()).to_bytes()


@pytest.mark.parametrize(
    ("text", "person", "post"),
    [
        ("会上，覃仲谋说明了情况。", "覃仲谋", ""),
        ("国保大队队长邝振邦签发了通知。", "邝振邦", "国保大队队长"),
        ("据报道，张又侠出席了会议。", "张又侠", ""),  # the segmenter cuts 张/又/侠
    ],
)
def test_chinese_names_jieba_does_not_know_are_read_by_their_surname(
    extractor: Extractor, text: str, person: str, post: str
) -> None:
    # Regression: tokens() reads the tag table itself, so our titles must be merged into it
    # (队长 tagged "ttl"), and a new word from the segmenter is a name by its surname.
    found = extractor.extract(text)
    assert _persons(found) == [(person, "")]
    assert [c.post for c in found.claims] == ([post] if post else [])


def test_clauses_are_found_once_per_text_as_searching_around_each_person_found_them() -> None:
    draw = random.Random(12)
    text = "".join(draw.choice("王任命为局长，。！？；\n") for _ in range(3000))
    clauses = _Clauses(text)
    for at in range(len(text) + 1):
        before = max(text.rfind(c, 0, at) for c in "，。！？；\n") + 1
        after = [e for c in "，。！？；\n" if (e := text.find(c, at)) >= 0]
        assert (clauses.start(at), clauses.end(at)) == (before, min(after, default=len(text)))

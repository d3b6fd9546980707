"""The reading finder's pruned search gives exactly what trying every combination of
readings gave (the definition, kept here), over the whole 2021 OFAC list and a corpus of
Han text full of surnames and characters with several readings."""

from __future__ import annotations

import itertools
import random

import pytest

from benches import load_bench
from erfurt.entities import KnownEntity, ReadingFinder
from erfurt.entities.readings import _WORD, _key
from erfurt.names import character_spellings, name_spellings, read_ofac_sdn, surname_readings

# Surnames and characters read more than one way (长 chang/zhang, 行 xing/hang, 乐 le/yue …)
# among everyday ones, so stretches are spelled many ways.
_SYLLABLES = "chan wong lee chang liu tang ng lam ho cheung leung kwok chun ming wai kin".split()  # noqa: SIM905
_CHARACTERS = "陈李张王刘黄林何郑吴周徐孙马朱胡郭曾单解仇区乐长行重朝家国建明华志强海平东文伟"


def _every_combination(finder: ReadingFinder, chars: str, at: int) -> tuple[int, str]:
    """``ReadingFinder._han_name_at`` by its definition: every product of readings; the
    matcher's entity, else (three characters or more) the one owner of the keys spelled."""
    if not finder._families.intersection(finder._readings(chars[at])):
        return 0, ""
    for length in range(4, 1, -1):
        window = chars[at : at + length]
        if len(window) < length:
            continue
        readings = [finder._readings(c) for c in window]
        keys = {"".join(r) for r in itertools.product(*readings)} & finder._keys
        if not keys:
            continue
        owners = {o for k in keys for o in finder._owners[k]}
        alone = next(iter(owners)) if len(owners) == 1 and length >= 3 else ""
        if known := finder._resolve(window) or alone:
            return length, known
    return 0, ""


@pytest.fixture(scope="module")
def known() -> list[KnownEntity]:
    listed = read_ofac_sdn(load_bench("bench_entities").OFAC).entities
    return [KnownEntity(e.id, e.schema, e.names) for e in listed]


@pytest.fixture(scope="module")
def finder(known: list[KnownEntity]) -> ReadingFinder:
    # Every proposed stretch is "linked" (a stand-in matcher), so the comparison sees every
    # stretch the readings propose, not only those the names engine would accept.
    return ReadingFinder(
        known,
        name_spellings,
        lambda window: f"stretch:{window}",
        character_spellings,
        surname_readings,
    )


@pytest.mark.parametrize("matcher_links", [True, False], ids=["matcher", "spelling-alone"])
def test_the_pruned_search_proposes_what_every_combination_proposed(
    finder: ReadingFinder, known: list[KnownEntity], matcher_links: bool
) -> None:
    if not matcher_links:  # a matcher that links nothing: what the spelling alone links
        finder = ReadingFinder(
            known, name_spellings, lambda window: "", character_spellings, surname_readings
        )
    draw = random.Random(12)
    corpus = "".join(draw.choice(_CHARACTERS) for _ in range(6000))
    positions = [(corpus, at) for at in range(len(corpus) - 1)]
    proposed = [finder._han_name_at(chars, at) for chars, at in positions]
    assert sum(1 for length, _ in proposed if length) > (50 if matcher_links else 5)
    assert proposed == [_every_combination(finder, chars, at) for chars, at in positions]


def _every_latin(finder: ReadingFinder, text: str) -> list[tuple[int, int, str]]:
    """``ReadingFinder._latin`` as first written: both ends' keys for every run."""
    words = list(_WORD.finditer(text))
    out, at = [], 0
    while at < len(words):
        taken = 0
        for length in range(3, 1, -1):
            run = words[at : at + length]
            spaced = all(text[a.end() : b.start()] == " " for a, b in itertools.pairwise(run))
            ends = {_key(run[0].group()), _key(run[-1].group())}
            if len(run) == length and spaced and ends & finder._families:
                start, end = run[0].start(), run[-1].end()
                if known := finder._resolve(text[start:end]):
                    out.append((start, end, known))
                    taken = length
                    break
        at += taken or 1
    return out


def test_latin_runs_are_those_reading_both_ends_of_every_run_gave(finder: ReadingFinder) -> None:
    draw = random.Random(12)
    words = [*_SYLLABLES, *(s.capitalize() for s in _SYLLABLES), "the", "met", "Mr", "and"]
    text = " ".join(draw.choice(words) + draw.choice(["", "", "", ",", "-kit", "."])
                    for _ in range(20_000))  # fmt: skip
    proposed = list(finder._latin(text))
    assert len(proposed) > 100
    assert proposed == _every_latin(finder, text)

"""Known persons written in another script or romanisation than their list entry: a text
says 陈全国 or "Wang Ch'i-shan", the list says "CHEN, Quanguo" or "WANG, Qishan".

The automaton of :mod:`erfurt.entities.known` finds only the forms a list writes, and the
taggers miss many names (jieba reads 陈全国 as 陈 + 全国, "nation-wide"; spaCy calls "Dai
Yaoting" an organisation or keeps only "Hongshen"). This finder proposes the stretches a
listed person's name could fill, only where one of its ends reads as a listed family name,
and links a stretch when the names engine finds that one person at a strict score, or (Han
of three or more characters) when its characters, each in one of its spellings, spell that
one person's listed name and no other's: Hong Kong names mix systems ("CHAN FANG, On-sang"
has Mandarin "Fang" for 方; "TAI, Yiu-ting" Wade-Giles "Tai" for 戴), and the names engine
reads a romanised name in one system at a time.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache

from erfurt.entities.known import (
    HAN,
    KnownEntity,
    Resolve,
    Spellings,
    spellings_or_none,
    written_forms,
)
from erfurt.entities.model import Mention, name_key
from erfurt.entities.text import Pages, fold_han, inside_any

__all__ = ["ReadingFinder"]

_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,}")
_WORD = re.compile(r"[A-Z][^\W\d_]*(?:['’-][^\W\d_]+)*")
_LONGEST_HAN = 4  # 欧阳 + two given characters
_LONGEST_LATIN = 3  # "Wan E Xiang", "Chan Fang On-sang"
_SPELLED_ALONE = 3  # Han characters a stretch needs to be linked by its spelling alone
_CACHE = 20_000
_STEPS = 100_000  # (frontier, next character) pairs of the search: some MB
_START: frozenset[str] = frozenset({""})


def _key(text: str) -> str:
    """Letters only, lower case, without accents: "Ch'üan-kuo" -> "chuankuo"."""
    plain = unicodedata.normalize("NFKD", text)
    return "".join(c for c in plain if c.isalpha() and c.isascii()).lower()


class ReadingFinder:
    """Persons of ``entities`` found by how their names read; ``spellings`` gives a Han
    name's forms, ``characters`` every spelling of one character (pinyin, Wade-Giles,
    Taiwanese, Hong Kong and Macau usage: 蔡英文 is "Tsai Ing-wen", 譚 "Tam"), ``surnames``
    the pinyin of the surnames a romanised family name spells (a list's "TAI" is written
    "Dai" in pinyin), ``resolve`` is the names engine's matcher with the bar a proposed
    stretch must pass."""

    def __init__(
        self,
        entities: Iterable[KnownEntity],
        spellings: Spellings,
        resolve: Resolve,
        characters: Spellings,
        surnames: Callable[[str], Iterable[str]],
    ) -> None:
        self._families: set[str] = set()
        self._owners: dict[str, set[str]] = {}  # a listed person's key -> its entities
        for entity in entities:
            if entity.schema != "Person":
                continue
            for name in entity.names:
                for written in written_forms(name):
                    forms = spellings_or_none(spellings, written) if HAN.search(written) else ()
                    for form in (written, *forms):
                        words = [_key(w) for w in form.split()]
                        if words and not HAN.search(form):
                            self._families |= {words[0], words[-1]}
                            self._owners.setdefault("".join(words), set()).add(entity.id)
        self._families |= {p for f in self._families for p in surnames(f)}
        self._families.discard("")
        self._keys = frozenset(self._owners)
        self._sorted_keys = sorted(self._keys)
        self._characters = characters
        self._resolve = lru_cache(maxsize=_CACHE)(resolve)
        self._readings = lru_cache(maxsize=_CACHE)(self._char_readings)
        self._begins = lru_cache(maxsize=_CACHE)(self._begins_a_key)
        self._next = lru_cache(maxsize=_STEPS)(self._step)
        self._complete = lru_cache(maxsize=_STEPS)(self._spelled_owner)
        self._family_char = lru_cache(maxsize=_CACHE)(self._reads_as_family)

    def find(
        self, text: str, base: int, pages: Pages, links: list[tuple[int, int]]
    ) -> list[Mention]:
        """Listed persons in ``text`` (offsets shifted by ``base``), outside ``links``."""
        if not self._keys:
            return []
        found: list[Mention] = []
        for start, end, known in itertools.chain(self._han(text), self._latin(text)):
            if not inside_any(base + start, base + end, links):
                surface = text[start:end]
                found.append(
                    Mention(base + start, base + end, pages.page(base + start), "known",
                            "person", surface, name_key(fold_han(surface)), known)
                )  # fmt: skip
        return found

    def _char_readings(self, char: str) -> tuple[str, ...]:
        return tuple({_key(f) for f in self._characters(char)} - {""})

    def _reads_as_family(self, char: str) -> bool:
        return not self._families.isdisjoint(self._readings(char))

    def _step(self, frontier: frozenset[str], char: str) -> frozenset[str]:
        """Each string of ``frontier`` followed by each reading of ``char``, kept while it
        still begins a listed key: one step of the search, the same for every text (cached,
        and the frontiers it returns are the cache's own keys, hashed once)."""
        return frozenset(
            j for joined in frontier for r in self._readings(char) if self._begins(j := joined + r)
        )

    def _spelled_owner(self, frontier: frozenset[str]) -> str | None:
        """None when no string of ``frontier`` is a listed key; else the one entity whose
        keys they are, or "" when they are several entities' keys."""
        owners = {o for key in frontier & self._keys for o in self._owners[key]}
        if not owners:
            return None
        return next(iter(owners)) if len(owners) == 1 else ""

    def _han(self, text: str) -> Iterator[tuple[int, int, str]]:
        """Stretches of Han whose reading is a listed name's, surname first."""
        for run in _HAN_RUN.finditer(text):
            chars = run.group()
            at = 0
            while at < len(chars) - 1:
                length, known = self._han_name_at(chars, at)
                if known:
                    yield run.start() + at, run.start() + at + length, known
                at += length or 1

    def _han_name_at(self, chars: str, at: int) -> tuple[int, str]:
        if not self._family_char(chars[at]):
            return 0, ""
        spelled = self._spelled_lengths(chars[at : at + _LONGEST_HAN])
        for length in range(_LONGEST_HAN, 1, -1):
            if length not in spelled:
                continue
            known = self._resolve(chars[at : at + length])
            if not known and length >= _SPELLED_ALONE:
                known = spelled[length]
            if known:
                return length, known
        return 0, ""

    def _spelled_lengths(self, window: str) -> dict[int, str]:
        """The lengths n for which some reading of each of the first n characters of
        ``window``, joined, is a listed name's key, each with the one entity such keys
        belong to ("" when several): every combination of readings, but a combination is
        followed only while it still begins some key."""
        spelled: dict[int, str] = {}
        frontier = _START
        for length, char in enumerate(window, 1):
            frontier = self._next(frontier, char)
            if not frontier:
                break
            if length >= 2 and (owner := self._complete(frontier)) is not None:
                spelled[length] = owner
        return spelled

    def _begins_a_key(self, prefix: str) -> bool:
        at = bisect.bisect_left(self._sorted_keys, prefix)
        return at < len(self._sorted_keys) and self._sorted_keys[at].startswith(prefix)

    def _latin(self, text: str) -> Iterator[tuple[int, int, str]]:
        """Runs of two or three capitalised words with a listed family name at one end."""
        words = list(_WORD.finditer(text))
        family = [_key(w.group()) in self._families for w in words]
        at = 0
        while at < len(words):
            taken = 0
            for length in range(_LONGEST_LATIN, 1, -1):
                run = words[at : at + length]
                if (
                    len(run) == length
                    and (family[at] or family[at + length - 1])
                    and _spaced(text, run)
                ):
                    start, end = run[0].start(), run[-1].end()
                    if known := self._resolve(text[start:end]):
                        yield start, end, known
                        taken = length
                        break
            at += taken or 1


def _spaced(text: str, run: list[re.Match[str]]) -> bool:
    """Whether the words of ``run`` are separated by one space each."""
    return all(text[a.end() : b.start()] == " " for a, b in itertools.pairwise(run))

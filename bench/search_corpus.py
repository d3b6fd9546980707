"""A generated corpus with graded relevance judgements, for bench_search.py.

Documents are English or Chinese (a share of the Chinese written in traditional
characters), each maybe about one topic (its phrase said several times, sometimes in the
file name: grade 2 for that topic's queries), maybe mentioning another topic once
(grade 1), maybe about or mentioning one of ten Hong Kong officials and activists, named
in one of their spellings (English, Cantonese or Wade-Giles romanisation, simplified or
traditional Han). Filler words are made-up syllable words drawn with a Zipf law, so no
query term occurs by accident. Everything is drawn from a seeded generator.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

import opencc

# (word1, word2): the topic's phrase is "word1 word2".
EN_TOPICS = [
    ("harbour", "office"), ("land", "registry"), ("police", "station"), ("border", "camp"),
    ("detention", "centre"), ("customs", "ledger"), ("election", "fraud"), ("press", "freedom"),
    ("forced", "labour"), ("court", "ruling"), ("prison", "transfer"), ("union", "strike"),
    ("mining", "permit"), ("water", "contract"), ("arms", "shipment"), ("bank", "transfer"),
    ("school", "closure"), ("hospital", "record"), ("tax", "audit"), ("radio", "licence"),
    ("church", "demolition"), ("village", "eviction"), ("factory", "fire"),
    ("missing", "journalist"),
]  # fmt: skip
COMMON_FROM = 12  # topics from here on also have their first word scattered as filler
ZH_TOPICS = [
    "档案馆", "警察", "拘捕", "示威者", "卫生委员会", "法院判决", "监狱", "选举",
    "议员", "律师", "新闻自由", "国家安全", "人权", "证人", "失踪", "宗教",
]  # fmt: skip
# (English "FAMILY, Given", another romanisation "FAMILY, Given", traditional Han)
PEOPLE = [
    ("LAM, Carrie", "LAM CHENG, Yuet-ngor", "林鄭月娥"),
    ("LEE, John", "LEE, Ka-chiu", "李家超"),
    ("TSANG, Erick", "TSANG, Kwok-wai", "曾國衛"),
    ("TANG, Chris", "TANG, Ping-keung", "鄧炳強"),
    ("XIA, Baolong", "HSIA, Pao-lung", "夏寶龍"),
    ("LUO, Huining", "LO, Wai-ning", "駱惠寧"),
    ("WONG, Joshua", "WONG, Chi-fung", "黃之鋒"),
    ("CHOW, Agnes", "CHOW, Ting", "周庭"),
    ("LAI, Jimmy", "LAI, Chee-ying", "黎智英"),
    ("TAI, Benny", "TAI, Yiu-ting", "戴耀廷"),
]
_SYLLABLES = ("ka", "ro", "mi", "tu", "ve", "lo", "sa", "ne", "pi", "qu", "zo", "ba", "fe", "gi",
              "hu", "ja", "ly", "wo", "xe", "ce")  # fmt: skip
_HAN_POOL = (
    "的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会"
    "家可下而过天去能对小多然于心学么之都好看起发当没成只如事把还用第样道想作种开美总从"
    "无情己面最女但现前些所同日手又行意动方期它头经长儿回位分爱老因很给名法间斯知世什两"
)
_HAN_FILLER = "".join(c for c in _HAN_POOL if not any(c in t for t in ZH_TOPICS))


@dataclass
class Doc:
    """A generated document and the topics and people it is about or mentions."""

    doc: int
    name: str
    text: str
    lang: str
    about: set[str] = field(default_factory=set)  # query keys graded 2
    mentions: set[str] = field(default_factory=set)  # query keys graded 1


@dataclass(frozen=True)
class Judged:
    """A query, its class, and the key of the topic or person it looks for."""

    text: str
    kind: str  # en-rare, en-common, en-phrase, en-words, zh, names
    key: str

    @property
    def half(self) -> str:
        """ "dev" or "eval", fixed by a hash of the query text."""
        return "dev" if hashlib.sha256(self.text.encode()).digest()[0] % 2 == 0 else "eval"


def _spoken(listed: str) -> str:
    family, _, given = listed.partition(", ")
    return f"{given} {family.title()}" if given else listed


def _family_first(listed: str) -> str:
    family, _, given = listed.partition(", ")
    return f"{family.title()} {given}"


def queries() -> list[Judged]:
    """The 84 queries: 48 English, 16 Chinese, 20 names."""
    found: list[Judged] = []
    for number, (one, two) in enumerate(EN_TOPICS):
        key = f"en:{number}"
        found.append(Judged(one, "en-common" if number >= COMMON_FROM else "en-rare", key))
        if number % 2:
            found.append(Judged(f'"{one} {two}"', "en-phrase", key))
        else:
            found.append(Judged(f"{one} {two}", "en-words", key))
    s2t = opencc.OpenCC("s2t")
    for number, term in enumerate(ZH_TOPICS):
        found.append(Judged(s2t.convert(term) if number % 2 else term, "zh", f"zh:{number}"))
    for number, (_english, other, han) in enumerate(PEOPLE):
        found.append(Judged(_family_first(other), "names", f"person:{number}"))
        found.append(Judged(han, "names", f"person:{number}"))
    return found


class _Writer:
    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.s2t = opencc.OpenCC("s2t")
        words = [a + b for a in _SYLLABLES for b in _SYLLABLES] + [
            a + b + c for a in _SYLLABLES[:12] for b in _SYLLABLES for c in _SYLLABLES[:10]
        ]
        self.words = words
        self.weights = [1 / (rank + 1) for rank in range(len(words))]

    def filler(self, count: int) -> list[str]:
        return self.random.choices(self.words, self.weights, k=count)

    def person_form(self, number: int, chinese: bool) -> str:
        english, other, han = PEOPLE[number]
        if chinese:
            return han if self.random.random() < 0.5 else self.simplified(han)
        return self.random.choice([_spoken(english), _family_first(other), _family_first(english)])

    @staticmethod
    def simplified(han: str) -> str:
        simplified: str = _T2S.convert(han)
        return simplified


_T2S = opencc.OpenCC("t2s")


def _insert(rng: random.Random, tokens: list[str], phrase: str) -> None:
    tokens.insert(rng.randrange(len(tokens) + 1), phrase)


def _english(w: _Writer, doc: Doc) -> None:
    rng = w.random
    tokens = w.filler(rng.randint(30, 400))
    for number in range(COMMON_FROM, len(EN_TOPICS)):
        if rng.random() < 0.15:
            _insert(rng, tokens, EN_TOPICS[number][0])
    title = f"doc-{doc.doc}.txt"
    if rng.random() < 0.6:
        number = rng.randrange(len(EN_TOPICS))
        one, two = EN_TOPICS[number]
        doc.about.add(f"en:{number}")
        for _ in range(rng.randint(2, 6)):
            _insert(rng, tokens, f"{one} {two}")
        if rng.random() < 0.3:
            title = f"{one}-{two}-{doc.doc}.txt"
    if rng.random() < 0.3:
        number = rng.randrange(len(EN_TOPICS))
        one, two = EN_TOPICS[number]
        doc.mentions.add(f"en:{number}")
        _insert(rng, tokens, one)
        _insert(rng, tokens, two)
    _people(w, doc, tokens, chinese=False)
    doc.name, doc.text, doc.lang = title, " ".join(tokens) + ".", "en"


def _people(w: _Writer, doc: Doc, tokens: list[str], chinese: bool) -> None:
    rng = w.random
    if rng.random() < 0.12:
        number = rng.randrange(len(PEOPLE))
        doc.about.add(f"person:{number}")
        for _ in range(rng.randint(2, 5)):
            _insert(rng, tokens, w.person_form(number, chinese))
    if rng.random() < 0.1:
        number = rng.randrange(len(PEOPLE))
        doc.mentions.add(f"person:{number}")
        _insert(rng, tokens, w.person_form(number, chinese))


def _chinese(w: _Writer, doc: Doc) -> None:
    rng = w.random
    tokens = [
        "".join(rng.choices(_HAN_FILLER, k=rng.randint(4, 12))) for _ in range(rng.randint(5, 40))
    ]
    title = f"文件-{doc.doc}.txt"
    if rng.random() < 0.6:
        number = rng.randrange(len(ZH_TOPICS))
        doc.about.add(f"zh:{number}")
        for _ in range(rng.randint(2, 6)):
            _insert(rng, tokens, ZH_TOPICS[number])
        if rng.random() < 0.3:
            title = f"{ZH_TOPICS[number]}-{doc.doc}.txt"
    if rng.random() < 0.3:
        number = rng.randrange(len(ZH_TOPICS))
        doc.mentions.add(f"zh:{number}")
        _insert(rng, tokens, ZH_TOPICS[number])
    _people(w, doc, tokens, chinese=True)
    text = "，".join(tokens) + "。"
    if rng.random() < 0.4:
        text, title = w.s2t.convert(text), w.s2t.convert(title)
    doc.name, doc.text, doc.lang = title, text, "zh"


def documents(count: int, seed: int = 17) -> Iterator[Doc]:
    """``count`` documents, 55% English and 45% Chinese, numbered from 0."""
    writer = _Writer(seed)
    for number in range(count):
        doc = Doc(number, "", "", "")
        if writer.random.random() < 0.55:
            _english(writer, doc)
        else:
            _chinese(writer, doc)
        yield doc


def grade(doc: Doc, key: str) -> int:
    """2 if ``doc`` is about the query's topic or person, 1 if it mentions it, else 0."""
    return 2 if key in doc.about else 1 if key in doc.mentions else 0

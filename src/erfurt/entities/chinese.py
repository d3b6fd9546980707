"""Unknown Chinese persons, organs and places: jieba's part-of-speech tags (nr, nt, ns) with
the gazetteer of titles and organs, and position claims read around each person."""

from __future__ import annotations

import bisect
import logging
import os
import re
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from erfurt.entities.dates import DATE_ZH, iso_date
from erfurt.entities.gazetteer import (
    ORGAN_SUFFIXES,
    ORGANS_ZH,
    STOP_VERBS_ZH,
    SURNAMES_ZH,
    TITLES_ZH,
)
from erfurt.entities.model import Claim, EntityType, Mention, Method, name_key
from erfurt.entities.text import Pages, inside_any

__all__ = ["ChineseFinder", "Token"]

_HAN = re.compile(r"^[\u3400-\u9fff]+$")
_TITLE_TAG = "ttl"
_NOT_NAME_CHARS = frozenset("的了在和与及等称说于已将是为从对向由被把也都就又自今昨曾现前会并即再")
_NOUNISH = ("n", "nt", "ns", "nz", "j", "b", "vn", "l", "an", "ttl")
_APPOINT_AFTER = re.compile(r"^(?:同志)?(?:为|担任|出任|任)")
_SINCE = re.compile(rf"(?:自|从|于)?({DATE_ZH})(?:起|开始)?")
_UNTIL = re.compile(rf"(?:至|到)({DATE_ZH})")
# jieba's HMM (finalseg's Viterbi) copies its path at every character of a run it reads
# as new words: time quadratic in the run's length. Real text breaks runs with punctuation
# long before this; a hostile text of 100,000 characters without any took 45 s a piece.
_LONGEST_RUN = 300
_LONG_RUN = re.compile(rf"[\w+#&.%-]{{{_LONGEST_RUN + 1},}}")  # jieba's blocks lie within


@dataclass(frozen=True, slots=True)
class Token:
    """A word of the folded text with its tag and offsets."""

    word: str
    flag: str
    start: int
    end: int


def _private_cache() -> str:
    """jieba caches its dictionary as a marshal file, by default in the shared temporary
    folder where another user could plant one: keep it in a folder only we can write."""
    folder = Path.home() / ".cache" / "erfurt" / "jieba"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.lstat()
        if info.st_uid == os.getuid() and not (info.st_mode & 0o077) and folder.is_dir():
            return str(folder)
    except OSError:
        pass
    return tempfile.mkdtemp(prefix="erfurt-jieba-")


@cache
def _tagger() -> Any:
    # Imported here, not at the top: jieba.posseg builds its tables on import (seconds),
    # which every `erfurt` command would pay, since the CLI opens the entities view.
    with warnings.catch_warnings():
        # jieba 0.42.1 (2020) has regular expressions in plain strings: Python warns once,
        # when it first compiles the module, which would reach every user's terminal.
        warnings.simplefilter("ignore", SyntaxWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        import jieba
        import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = _private_cache()
    for title in TITLES_ZH:
        tokenizer.add_word(title, tag=_TITLE_TAG)
    for organ in ORGANS_ZH:
        tokenizer.add_word(organ, tag="nt")
    for verb in STOP_VERBS_ZH:
        tokenizer.add_word(verb, tag="v")
    tagger = jieba.posseg.POSTokenizer(tokenizer)
    tagger.makesure_userdict_loaded()  # our tags into its table, which tokens() reads
    return tagger


def tokens(folded: str) -> list[Token]:
    """``folded`` (simplified) cut into tagged words with their offsets.

    Words are cut by jieba's segmenter (its dictionary, and its 4-state HMM for runs of
    characters the dictionary does not know) and tagged from the dictionary; a new word is
    a person's name when it starts with a surname. jieba's own tagger runs a Viterbi over
    every (position, tag) pair of unknown runs in Python, fifteen times slower: it is kept
    for the runs of single characters that start with a surname (张/又/侠), where it reads
    names the segmenter splits.
    """
    tagger = _tagger()
    tags = tagger.word_tag_tab
    out: list[Token] = []
    at = 0
    for word, flag in _retag_surname_runs(
        [(w, tags.get(w) or _new_word_tag(w)) for w in _cut(tagger.tokenizer, folded)]
    ):
        if _name_tail_glued(out, word):
            # 李家/超自 -> 李家/超/自: the given name's last character glued to a particle
            out.append(Token(word[0], "ng", at, at + 1))
            word, flag, at = word[1], "p", at + 1
        out.append(Token(word, flag, at, at + len(word)))
        at += len(word)
    return out


def _cut(tokenizer: Any, folded: str) -> Iterator[str]:
    """jieba's words of ``folded``, each run of word characters longer than
    :data:`_LONGEST_RUN` cut in pieces first; the words, joined, are ``folded``."""
    start = 0
    for run in _LONG_RUN.finditer(folded):
        for at in range(run.start() + _LONGEST_RUN, run.end(), _LONGEST_RUN):
            yield from tokenizer.cut(folded[start:at])
            start = at
    yield from tokenizer.cut(folded[start:])


def _retag_surname_runs(words: list[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """Runs of 2-4 single Han characters that start with a surname, cut again by jieba's
    POS tagger; every other word as it is."""
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and len(words[j][0]) == 1 and _HAN.match(words[j][0]):
            j += 1
        if 2 <= j - i <= 4 and words[i][0] in SURNAMES_ZH:
            run = "".join(w for w, _ in words[i:j])
            yield from ((pair.word, pair.flag) for pair in _tagger().cut(run))
        else:
            j = max(j, i + 1)
            yield from words[i:j]
        i = j


def _new_word_tag(word: str) -> str:
    """The tag of a word the dictionary does not have: a name, another Han word (a proper
    noun, as a post's organ often is: 国保支队), or unknown ("x")."""
    if 2 <= len(word) <= 4 and _HAN.match(word):
        surname = 2 if word[:2] in SURNAMES_ZH else 1 if word[0] in SURNAMES_ZH else 0
        if surname and 1 <= len(word) - surname <= 2:
            return "nr"
    return "nz" if _HAN.match(word) else "x"


def _name_tail_glued(before: list[Token], word: str) -> bool:
    return (
        bool(before)
        and before[-1].flag.startswith("nr")
        and len(before[-1].word) == 2
        and len(word) == 2
        and word[1] in _NOT_NAME_CHARS
        and word[0] not in _NOT_NAME_CHARS
        and _HAN.match(word) is not None
    )


def _is_title(word: str) -> bool:
    return word in TITLES_ZH or (len(word) > 2 and word[-2:] in TITLES_ZH)


def _name_from(toks: list[Token], i: int) -> int:
    """How many tokens from ``i`` make a person's name after a title or 任命 (0: none)."""
    length = taken = 0
    for tok in toks[i : i + 3]:
        if not _HAN.match(tok.word) or _is_title(tok.word) or tok.word in STOP_VERBS_ZH:
            break
        single = len(tok.word) == 1 and tok.word not in _NOT_NAME_CHARS
        named = tok.flag.startswith("nr") and len(tok.word) <= 3
        if not (single or named or (taken and tok.flag == "n" and len(tok.word) == 2)):
            break
        if length + len(tok.word) > 4:
            break
        length += len(tok.word)
        taken += 1
        if named and len(tok.word) == 3:
            break  # a whole name: what follows is the sentence
    return taken if length >= 2 else 0


class ChineseFinder:
    """Finds persons, organs and places in simplified text (fold traditional first)."""

    def __init__(self) -> None:
        _tagger()  # load the dictionary now, not inside the first text

    def find(
        self, folded: str, original: str, base: int, pages: Pages, links: list[tuple[int, int]]
    ) -> tuple[list[Mention], list[Token]]:
        """Mentions in ``folded``; surfaces are cut from ``original`` (same offsets)."""
        toks = tokens(folded)
        found: list[Mention] = []

        def add(start: int, end: int, method: Method, kind: EntityType) -> None:
            if not inside_any(base + start, base + end, links):
                found.append(
                    Mention(base + start, base + end, pages.page(base + start), method, kind,
                            original[start:end], name_key(folded[start:end]))
                )  # fmt: skip

        i = 0
        while i < len(toks):
            tok = toks[i]
            after_title = i > 0 and (_is_title(toks[i - 1].word) or toks[i - 1].word == "任命")
            if after_title and (n := _name_from(toks, i)):
                add(tok.start, toks[i + n - 1].end, "title", "person")
                i += n
                continue
            if tok.flag.startswith("nr") and 2 <= len(tok.word) <= 4 and not _is_title(tok.word):
                n = _name_from(toks, i) or 1
                end = toks[i + n - 1].end if tok.end - tok.start < 3 else tok.end
                add(tok.start, end, "tagger", "person")
                i += n if end != tok.end else 1
                continue
            if tok.flag == "nt" or tok.word in ORGANS_ZH:
                add(tok.start, tok.end, "tagger", "organisation")
            elif tok.flag == "ns" and len(tok.word) >= 2:
                add(tok.start, tok.end, "tagger", "place")
            i += 1
        return found, toks


def _post_before(toks: list[Token], at: int) -> tuple[int, str, str]:
    """The post (organ + title) written right before token ``at``: (start, post, organ)."""
    if at == 0 or not _is_title(toks[at - 1].word):
        return -1, "", ""
    first = at - 1
    while (
        first > 0
        and at - first < 6
        and toks[first - 1].flag.startswith(_NOUNISH)
        and not toks[first - 1].flag.startswith("nr")
        and toks[first - 1].word not in STOP_VERBS_ZH
        and _HAN.match(toks[first - 1].word)
    ):
        first -= 1
    post = "".join(t.word for t in toks[first:at])
    return toks[first].start, post, _organ_of(post)


def _post_after(toks: list[Token], at: int) -> tuple[int, str, str]:
    """The post a phrase after the name gives ("同志为行动科科长"): (end, post, organ)."""
    j, words = at, []
    while j < len(toks) and j - at < 8 and _HAN.match(toks[j].word):
        words.append(toks[j].word)
        j += 1
        if _is_title(toks[j - 1].word) and (j == len(toks) or not _is_title(toks[j].word)):
            break
    phrase = "".join(words)
    lead = _APPOINT_AFTER.match(phrase)
    if not lead or not words or not _is_title(words[-1]):
        return -1, "", ""
    post = phrase[lead.end() :]
    return toks[j - 1].end, post, _organ_of(post)


_TITLES_LONGEST_FIRST = sorted(TITLES_ZH, key=len, reverse=True)


def _organ_of(post: str) -> str:
    for title in _TITLES_LONGEST_FIRST:
        if post.endswith(title) and len(post) > len(title):
            organ = post[: -len(title)]
            return organ if organ.endswith(ORGAN_SUFFIXES) or organ in ORGANS_ZH else ""
    return ""


def claims_zh(folded: str, toks: list[Token], persons: list[Mention], base: int) -> list[Claim]:
    """Position claims around each person: "保安局局长李家超", "任命陈志明同志为行动科科长",
    "王建国担任市公安局局长", with 自2020年3月起 / 至2022年 as dates in the same clause."""
    starts = {t.start: n for n, t in enumerate(toks)}
    ends = {t.end: n for n, t in enumerate(toks)}
    clauses = _Clauses(folded)
    out: list[Claim] = []
    for person in persons:
        first, last = starts.get(person.start - base), ends.get(person.end - base)
        if first is None or last is None:
            continue
        span_start, post, organ = _post_before(toks, first)
        span_end = person.end - base
        if not post:
            span_start = person.start - base
            span_end, post, organ = _post_after(toks, last + 1)
        if not post:
            continue
        sentence = folded[clauses.start(span_start) : clauses.end(span_end)]
        since, until = _SINCE.search(sentence), _UNTIL.search(sentence)
        out.append(
            Claim(person, post, organ, iso_date(since.group(1)) if since else "",
                  iso_date(until.group(1)) if until else "",
                  (base + span_start, base + span_end))
        )  # fmt: skip
    return out


_CLAUSE_END = re.compile("[，。！？；\n]")


class _Clauses:
    """Where the clauses of a text begin and end, found once per text (searching back from
    every person for each mark costs the whole text when a mark is absent)."""

    def __init__(self, text: str) -> None:
        self._marks = [m.start() for m in _CLAUSE_END.finditer(text)]
        self._length = len(text)

    def start(self, at: int) -> int:
        """The start of the clause holding offset ``at``."""
        before = bisect.bisect_left(self._marks, at)
        return self._marks[before - 1] + 1 if before else 0

    def end(self, at: int) -> int:
        """The first clause mark at or after ``at`` (the text's end if none)."""
        after = bisect.bisect_left(self._marks, at)
        return self._marks[after] if after < len(self._marks) else self._length

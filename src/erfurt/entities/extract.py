"""One extractor run over one text: known entities, unknown persons and organisations in
Chinese and English, and position claims, in bounded pieces of the text."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import TextIO

from erfurt.entities.chinese import ChineseFinder, Token, claims_zh
from erfurt.entities.english import EnglishFinder, claims_en
from erfurt.entities.known import KnownIndex, Resolve
from erfurt.entities.model import Claim, Found, Mention
from erfurt.entities.readings import ReadingFinder
from erfurt.entities.text import Pages, chunks, fold_han, han_share, link_spans

__all__ = ["MAX_MENTIONS", "PIECE_CHARS", "Extractor"]

PIECE_CHARS = 100_000
"""Texts are read in pieces of at most this many characters, cut at a sentence end when
one is near: memory stays flat whatever the text's size, and a text with no sentence
breaks is still read (in pieces cut at a space, or anywhere)."""
MAX_MENTIONS = 200_000
"""More mentions than this in one text is a list or garbage: the rest is left unread and
the run says so."""
_MIN_LATIN = 20  # letters before a piece is worth handing to the English model
_RANK = {"known": 0, "title": 1, "pattern": 1, "ner": 2, "tagger": 2}
_RESOLVED_CACHE = 10_000


class Extractor:
    """Holds the loaded finders; :meth:`extract` reads one text."""

    def __init__(
        self,
        known: KnownIndex,
        resolve: Resolve | None = None,
        readings: ReadingFinder | None = None,
    ) -> None:
        self.known = known
        self._resolve = resolve
        self._readings = readings
        self._resolved: dict[str, str] = {}
        self._chinese = ChineseFinder()
        self._english = EnglishFinder()

    def extract(self, text: str) -> Found:
        """Everything found in ``text`` (pages separated by form feeds)."""
        return self.extract_pieces(chunks(text, PIECE_CHARS))

    def extract_file(self, stream: TextIO) -> Found:
        """Everything found in a text read from ``stream``, one piece at a time."""
        return self.extract_pieces(_pieces(stream))

    def extract_pieces(self, pieces: Iterable[tuple[int, str]]) -> Found:
        """Everything found in consecutive ``(offset, piece)`` of one text."""
        mentions: list[Mention] = []
        claims: list[Claim] = []
        warnings: list[str] = []
        page = 1
        for base, piece in pieces:
            pages = Pages(piece, base, page)
            page = pages.last
            found, found_claims = self._piece(piece, base, pages)
            mentions += found
            claims += found_claims
            if len(mentions) > MAX_MENTIONS:
                warnings.append(
                    f"more than {MAX_MENTIONS:,} mentions: the text after character "
                    f"{base + len(piece):,} was not read"
                )
                break
        return Found(tuple(mentions), tuple(claims), tuple(warnings))

    def _piece(self, piece: str, base: int, pages: Pages) -> tuple[list[Mention], list[Claim]]:
        links = [(base + s, base + e) for s, e in link_spans(piece)]
        found = self.known.find(piece, base, pages, links)
        if self._readings is not None:
            found += self._readings.find(piece, base, pages, links)
        han, latin = han_share(piece)
        folded, tokens = piece, list[Token]()
        if han:
            folded = fold_han(piece)
            chinese, tokens = self._chinese.find(folded, piece, base, pages, links)
            found += chinese
        if latin >= _MIN_LATIN:
            found += self._english.find(piece, base, pages, links)
        mentions = [self._linked(m) for m in _without_overlaps(found)]
        persons = [m for m in mentions if m.type == "person"]
        claims = claims_zh(folded, tokens, persons, base) if han else []
        if latin >= _MIN_LATIN:
            claims += claims_en(piece, persons, base)
        return mentions, _distinct(claims)

    def _linked(self, mention: Mention) -> Mention:
        if mention.known or mention.type != "person" or self._resolve is None:
            return mention
        if mention.folded not in self._resolved:
            if len(self._resolved) >= _RESOLVED_CACHE:
                self._resolved.clear()
            self._resolved[mention.folded] = self._resolve(mention.surface)
        known = self._resolved[mention.folded]
        return replace(mention, known=known) if known else mention


def _without_overlaps(found: list[Mention]) -> list[Mention]:
    """One mention per stretch of text: a known entity before a titled name before a
    tagger's guess, the longer before the shorter."""
    kept: list[Mention] = []
    starts: list[int] = []  # of the kept mentions, which never overlap: sorted by start
    ends: list[int] = []
    for mention in sorted(found, key=lambda m: (_RANK[m.method], m.start - m.end, m.start)):
        at = bisect.bisect_left(starts, mention.start)
        if (at < len(starts) and starts[at] < mention.end) or (at and ends[at - 1] > mention.start):
            continue
        starts.insert(at, mention.start)
        ends.insert(at, mention.end)
        kept.append(mention)
    return sorted(kept, key=lambda m: m.start)


def _distinct(claims: list[Claim]) -> list[Claim]:
    seen: dict[tuple[int, int, str], Claim] = {}
    for claim in claims:
        seen.setdefault((claim.holder.start, claim.holder.end, claim.post), claim)
    return list(seen.values())


def _pieces(stream: TextIO) -> Iterator[tuple[int, str]]:
    carry, offset = "", 0
    while True:
        read = stream.read(PIECE_CHARS)
        buffer = carry + read
        if not buffer:
            return
        for at, piece in chunks(buffer, PIECE_CHARS):
            if read and at + len(piece) == len(buffer):
                carry = piece  # the tail may end mid-sentence: read more before cutting it
                break
            yield offset + at, piece
        else:
            carry = ""
        offset += len(buffer) - len(carry)
        if not read:
            if carry:
                yield offset, carry
            return

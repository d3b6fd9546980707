"""Regenerate the Chinese reading tables in src/erfurt/names/data/ from their sources.

    python scripts/names_data.py          # needs the dev extra (cantonese-romanisation)

- han_readings.tsv: character -> Mandarin pinyin (pypinyin, up to two readings) and Hong
  Kong government Cantonese spellings (cantonese-romanisation's charToRoman table; a
  simplified character also gets the spellings of its traditional forms, via OpenCC).
- cantonese_pinyin.tsv: Cantonese spelling -> the pinyin of the characters spelt so, and
  how common each of those readings is in names: the share of the spelling's characters,
  weighted by how often each character occurs in the person names (tag ``nr``) of jieba's
  dictionary, that have that pinyin.

Prepared once so that screening does not load pypinyin's phrase dictionary or fold
13,000 characters through OpenCC at start-up.
"""

from __future__ import annotations

import json
from collections import defaultdict
from importlib import resources
from pathlib import Path

import jieba
import opencc
from pypinyin import Style, pinyin
from pypinyin.pinyin_dict import pinyin_dict

DATA = Path(__file__).resolve().parents[1] / "src" / "erfurt" / "names" / "data"
SOURCES = (
    "# Sources: pypinyin (MIT) for pinyin, the charToRoman table of cantonese-romanisation (MIT)\n"
    "# for Hong Kong government Cantonese, OpenCC (Apache-2.0) for traditional -> simplified.\n"
    "# Regenerate with scripts/names_data.py.\n"
)


def _mandarin(char: str) -> list[str]:
    readings = pinyin(char, style=Style.NORMAL, heteronym=True)[0]
    return [r.replace("ü", "v") for r in readings if r.isascii() and r.isalpha()][:2]


def _name_frequencies() -> dict[str, int]:
    """How often each character occurs in the person names of jieba's dictionary."""
    frequency: dict[str, int] = defaultdict(int)
    text = Path(jieba.__file__).with_name("dict.txt").read_text("utf-8")
    for line in text.splitlines():
        word, count, tag = line.split()
        if tag == "nr":
            for char in word:
                frequency[char] += int(count)
    return frequency


def _shares(weights: dict[str, float]) -> str:
    total = sum(weights.values()) or 1.0
    return " ".join(f"{p}={weights[p] / total:.4f}" for p in sorted(weights))


def main() -> None:
    fold = opencc.OpenCC("hk2s")
    to_simple = opencc.OpenCC("t2s")
    table = json.loads(
        resources.files("cantoroman")
        .joinpath("data")
        .joinpath("charToRoman.json")
        .read_text("utf-8")
    )
    cantonese: dict[str, list[str]] = defaultdict(list)
    for char, spellings in table.items():
        clean = [s for s in spellings if s.isascii() and s.isalpha()]
        cantonese[char] += clean
        simple = to_simple.convert(fold.convert(char))
        if len(simple) == 1 and simple != char:
            cantonese[simple] += clean
    chars = sorted(set(cantonese) | {chr(code) for code in pinyin_dict})
    lines = []
    for char in chars:
        mandarin = _mandarin(char)
        spoken = list(dict.fromkeys(cantonese.get(char, [])))
        if mandarin or spoken:
            lines.append(f"{char}\t{' '.join(mandarin)}\t{' '.join(spoken)}\n")
    (DATA / "han_readings.tsv").write_text(
        "# character <TAB> pinyin readings <TAB> Hong Kong government Cantonese spellings\n"
        + SOURCES
        + "".join(lines),
        encoding="utf-8",
    )
    bridge: dict[str, set[str]] = defaultdict(set)
    users: dict[str, int] = defaultdict(int)
    names = _name_frequencies()
    weights: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for char, spellings in table.items():
        simple = to_simple.convert(char)
        first = _mandarin(simple)[:1]
        for spelling in spellings:
            if first and spelling.isascii() and spelling.isalpha() and len(spelling) >= 2:
                bridge[spelling].add(first[0])
                users[spelling] += 1
                weights[spelling][first[0]] += names.get(char, 0) + (
                    names.get(simple, 0) if simple != char else 0
                )
    # Spellings of fewer than three characters are mostly one-off English-like forms
    # ("ball", "card"), not syllables.
    bridge = {s: p for s, p in bridge.items() if users[s] >= 3}
    (DATA / "cantonese_pinyin.tsv").write_text(
        "# Cantonese syllable (spelling of 3+ characters) <TAB> pinyin of the characters spelt so\n"
        "# <TAB> pinyin=share: how common the reading is in names (jieba's dictionary, MIT)\n"
        + SOURCES
        + "".join(
            f"{c}\t{' '.join(sorted(p))}\t{_shares(weights[c])}\n"
            for c, p in sorted(bridge.items())
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()

"""Regenerate the Chinese reading tables in src/erfurt/names/data/ from their sources.

    python scripts/names_data.py          # needs the dev extra (cantonese-romanisation)

- han_readings.tsv: character -> Mandarin pinyin (pypinyin, up to two readings) and Hong
  Kong government Cantonese spellings (cantonese-romanisation's charToRoman table; a
  simplified character also gets the spellings of its traditional forms, via OpenCC).
- cantonese_pinyin.tsv: Cantonese spelling -> the pinyin of the characters spelt so.

Prepared once so that screening does not load pypinyin's phrase dictionary or fold
13,000 characters through OpenCC at start-up.
"""

from __future__ import annotations

import json
from collections import defaultdict
from importlib import resources
from pathlib import Path

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
    for char, spellings in table.items():
        first = _mandarin(to_simple.convert(char))[:1]
        for spelling in spellings:
            if first and spelling.isascii() and spelling.isalpha() and len(spelling) >= 2:
                bridge[spelling].add(first[0])
                users[spelling] += 1
    # Spellings of fewer than three characters are mostly one-off English-like forms
    # ("ball", "card"), not syllables.
    bridge = {s: p for s, p in bridge.items() if users[s] >= 3}
    (DATA / "cantonese_pinyin.tsv").write_text(
        "# Cantonese syllable (spelling of 3+ characters) <TAB> pinyin of the characters spelt so\n"
        + SOURCES
        + "".join(f"{c}\t{' '.join(sorted(p))}\n" for c, p in sorted(bridge.items())),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()

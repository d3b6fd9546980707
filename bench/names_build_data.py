"""Write the labelled sets of bench/names_data/ from the persons we wrote by hand.

- ``chinese_pairs.csv`` (query, listed, is_match, kind): from ``chinese_persons.csv``, every
  written form of a person against the name a list gives them (matches; aliases such as
  "Joshua Wong" are other names of the entity, not forms of its listed name, so they are
  queried against whole entities only), and, labelled non-matches by construction, the
  surname alone, the given name alone, the given syllables
  swapped, one given character changed to one that reads differently, a homophone written
  with another character (Han against Han), a given character missing or added, and
  another person of the same surname.
- ``negatives_other.csv`` (name, locale): 400 generated names in ten non-Chinese locales
  (``names_generate.py``), none spelt like a name on the 2021 OFAC list.

Characters are folded and read with OpenCC and pypinyin (not with erfurt's tables), so the
labels do not depend on the engine they measure.

    python bench/names_build_data.py
"""

from __future__ import annotations

import csv
import hashlib
import sys
from pathlib import Path

from opencc import OpenCC
from pypinyin import Style, lazy_pinyin, pinyin

sys.path.insert(0, str(Path(__file__).resolve().parent))
import names_generate
import names_halves

# Common given-name characters: the replacements for one-character changes and homophones.
POOL = (
    "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰萍红娟建国志文斌辉力宇鹏飞浩然涵"
    "欣怡轩诺萱思远俊峰佳琪晓东海燕春梅立新宏亮振嘉豪婉婷雅琳博天佑承恩宁德永安福贵荣"
    "祥瑞凯铭鑫晨阳光辰星月雪冰清源泉江河山林森松柏竹兵武威龙凤鸣声群众和谐民生金银"
)
_S2T, _T2S = OpenCC("s2t"), OpenCC("t2s")


def _readings(char: str) -> set[str]:
    return set(pinyin(char, style=Style.NORMAL, heteronym=True)[0])


def _pick(seed: str, options: list[str]) -> str:
    return options[hashlib.sha256(seed.encode()).digest()[0] % len(options)]


def _changed(han: str, position: int, homophone: bool) -> str | None:
    """``han`` with the character at ``position`` replaced: by one that shares no reading
    (a different name in every script), or by a homophone (a different name in Han only)."""
    char = _T2S.convert(han[position])
    readings = _readings(char)
    options = [
        c
        for c in POOL
        if c != char
        and (
            lazy_pinyin(c)[0] == lazy_pinyin(char)[0] if homophone else not _readings(c) & readings
        )
    ]
    if not options:
        return None
    return han[:position] + _pick(han, options) + han[position + 1 :]


def _plain(text: str) -> str:
    return "".join(c for c in text.lower().replace("ü", "v") if c.isalpha())


def _family_length(person: dict[str, str]) -> int:
    """How many characters the surname has: 欧阳 two; "LAM CHENG, ..." two surnames."""
    surname = person["listed"].split(",")[0]
    syllables = lazy_pinyin(person["han"])
    for k in range(1, len(syllables)):
        if _plain("".join(syllables[:k])) == _plain(surname):
            return k
    return len(surname.split())


def _syllables(person: dict[str, str]) -> list[str] | None:
    """pypinyin's syllables of the name when they agree with the hand-written pinyin."""
    syllables = [s.replace("v", "u") for s in lazy_pinyin(person["han"])]
    return (
        syllables
        if _plain("".join(syllables)) == _plain(person["pinyin"]).replace("v", "u")
        else None
    )


def _pairs(
    person: dict[str, str], persons: list[dict[str, str]]
) -> list[tuple[str, str, bool, str]]:
    han, listed = person["han"], person["listed"]
    other_script = _S2T.convert(han) if person["region"] == "cn" else _T2S.convert(han)
    out = [(han, listed, True, "han"), (other_script, han, True, "han-folded")]
    if other_script != han:
        out.append((other_script, listed, True, "han-other-script"))
    head = _family_length(person)
    syllables = _syllables(person)
    family, _, given = person["pinyin"].rpartition(" ")
    if person["region"] == "cn":
        out += [(person["pinyin"], listed, True, "pinyin")]
        out += [(f"{given} {family}", listed, True, "pinyin-given-first")]
        if syllables:
            wade = [
                w.replace("'", "").replace("v", "u")
                for w in lazy_pinyin(han, style=Style.WADEGILES)
            ]
            wade_family = "-".join(wade[:head]).capitalize()
            out.append(
                (f"{wade_family} {'-'.join(wade[head:]).capitalize()}", listed, True, "wade-giles")
            )
    for form in filter(None, person["forms"].split(";")):
        out.append((form, listed, True, "form"))
    # Non-matches, by construction.
    surname, _, given_listed = listed.partition(", ")
    out.append((surname.title(), listed, False, "surname-only"))
    if given_listed:
        out.append((given_listed, listed, False, "given-only"))
    if len(han) - head >= 2:
        changed = _changed(han, len(han) - 1, homophone=False)
        if changed:
            out += [
                (changed, listed, False, "one-character"),
                (changed, han, False, "one-character-han"),
            ]
        homophone = _changed(han, len(han) - 1, homophone=True)
        if homophone:
            out.append((homophone, han, False, "homophone-han"))
        out += [
            (han[:-1], listed, False, "missing-character"),
            (han[:-1], han, False, "missing-character-han"),
        ]
        if syllables and person["region"] == "cn" and syllables[head] != syllables[head + 1]:
            swapped = f"{surname.title()} {(syllables[head + 1] + syllables[head]).capitalize()}"
            out.append((swapped, listed, False, "given-swapped"))
    else:
        extra = _pick(han + "+", list(POOL))
        out += [
            (han + extra, listed, False, "extra-character"),
            (han + extra, han, False, "extra-character-han"),
        ]
    namesakes = [p for p in persons if p is not person and p["listed"].split(",")[0] == surname]
    if namesakes:
        other = _pick(han, [p["han"] for p in namesakes])
        out.append((other, listed, False, "same-surname"))
    return out


def chinese_pairs() -> list[dict[str, str]]:
    persons = names_halves.read_rows(names_halves.OWN / "chinese_persons.csv")
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for person in persons:
        for query, listed, is_match, kind in _pairs(person, persons):
            key = (query, listed)
            if key not in rows and query != listed:
                rows[key] = {
                    "query": query,
                    "listed": listed,
                    "is_match": str(is_match).lower(),
                    "kind": kind,
                    "person": person["id"],
                }
    return list(rows.values())


def other_negatives(count: int = 400) -> list[dict[str, str]]:
    from erfurt.names import read_ofac_sdn
    from erfurt.names.normalise import latin_tokens

    entities = read_ofac_sdn(names_halves.SHARED / "ofac-sdn-2021").entities
    listed = {frozenset(latin_tokens(n)) for e in entities for n in e.names}
    locales = [locale for locale in names_generate.WEIGHTS if not locale.startswith("zh")]
    found = names_generate.negatives(
        count * 2, lambda n: frozenset(latin_tokens(n)) in listed, 11, locales
    )
    return [{"name": name, "locale": locale} for name, locale in found[:count]]


def _write(path: Path, rows: list[dict[str, str]], header: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(header)
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    _write(
        names_halves.CHINESE_PAIRS,
        chinese_pairs(),
        "# Written by bench/names_build_data.py from chinese_persons.csv: do not edit by hand.\n",
    )
    _write(
        names_halves.OTHER_NEGATIVES,
        other_negatives(),
        "# Written by bench/names_build_data.py (names_generate.py, seed 11): on no list.\n",
    )


if __name__ == "__main__":
    main()

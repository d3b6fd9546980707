"""Han-script names: traditional/simplified folding and readings in three romanisations.

A Han name is read character by character into a :class:`Syllable`: the simplified
character (for comparing Han with Han), and the Mandarin pinyin, Wade-Giles and Hong
Kong government Cantonese spellings it may be written in. Surnames get their surname
readings (曾 Zeng, 區 Ou/Au, 單 Shan), and a Hong Kong married name such as 林鄭月娥
keeps both surnames (林 Lam + 鄭 Cheng) as its family part.

The readings come from ``data/han_readings.tsv`` (pinyin from pypinyin, Cantonese from
the Hong Kong government romanisation table of cantonese-romanisation), prepared by
``scripts/names_data.py``; OpenCC folds characters. All load on first use.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from erfurt.names.romanise import is_syllable, pinyin_to_wade

__all__ = [
    "SYSTEMS",
    "Syllable",
    "cantonese_readings",
    "cantonese_syllables",
    "cantonese_to_pinyin",
    "compound_surname",
    "fold",
    "is_han",
    "read_han",
    "reading_shares",
    "regional_spellings",
    "surname_pinyin",
    "traditional",
    "usual_cantonese",
]

# Surnames whose surname reading differs from (or is not the first of) the everyday one.
_SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "曾": ("zeng",), "区": ("ou",), "单": ("shan",), "解": ("xie",), "仇": ("qiu",),
    "朴": ("piao",), "查": ("zha",), "盖": ("ge",), "乐": ("yue", "le"), "缪": ("miao",),
    "尉": ("yu", "wei"), "秘": ("bi",), "种": ("chong",), "翟": ("zhai",), "员": ("yun",),
    "能": ("nai",), "召": ("shao",), "繁": ("po",), "冼": ("xian",), "洗": ("xian",),
    "覃": ("qin", "tan"), "黑": ("he",), "牟": ("mou", "mu"), "宿": ("su",), "句": ("gou",),
    "隗": ("wei",), "过": ("guo",), "华": ("hua",), "纪": ("ji",), "任": ("ren",),
    "沈": ("shen",), "薄": ("bo",), "柏": ("bai",), "长": ("chang",), "重": ("chong",),
}  # fmt: skip

# Two-character surnames, and common one-character surnames (simplified), used to find
# where the family name ends.
_COMPOUND_TEXT = (
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 令狐 宇文 长孙 夏侯 司徒 澹台 轩辕 端木 独孤 "
    "西门 南宫 万俟 闻人 呼延 申屠 太史 公羊 赫连 钟离 宇文 第五"
)
_COMPOUND_SURNAMES = frozenset(_COMPOUND_TEXT.split())
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤区单欧麦关卓冼岑植霍伍甘温骆翁庄柯左涂严殷章倪祝葛骆容蒙"
)


@dataclass(frozen=True, slots=True)
class Syllable:
    """One Han character of a name and the Latin spellings it may be written in, by system."""

    han: str  # simplified form
    pinyin: tuple[str, ...]  # surname readings first for a family character
    wade: tuple[str, ...]  # Wade-Giles (no apostrophes) and Taiwanese usage
    cantonese: tuple[str, ...]  # Hong Kong government spellings, then Macau ones
    family: bool

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every spelling in any system: pinyin first, then Wade-Giles and Cantonese."""
        return tuple(dict.fromkeys((*self.pinyin, *self.wade, *self.cantonese)))

    def system(self, name: str) -> tuple[str, ...]:
        """The spellings in one system: "pinyin", "wade", "mandarin" (both) or "cantonese"."""
        if name == "mandarin":
            return tuple(dict.fromkeys((*self.pinyin, *self.wade)))
        return {"pinyin": self.pinyin, "wade": self.wade, "cantonese": self.cantonese}[name]


# The systems a romanised name is read in: one of them per name. Pinyin, Wade-Giles and
# Taiwanese usage all spell Mandarin and are mixed in practice ("Wan E-hsiang", "Wang
# Jin-pyng"); Mandarin and Cantonese readings are not mixed in one name.
SYSTEMS = ("mandarin", "cantonese")

# Taiwanese passport usage beside Wade-Giles (蔡英文 Tsai Ing-wen, 馬英九 Ma Ying-jeou,
# 侯友宜 Hou Yu-ih, 柯文哲 Ko Wen-je, 宋楚瑜 Soong): pinyin syllable -> extra spellings.
_TAIWAN_USAGE: dict[str, tuple[str, ...]] = {
    "ying": ("ing",), "jiu": ("jeou",), "yi": ("ih", "yih"), "zhe": ("je",), "song": ("soong",),
    "e": ("e",), "li": ("lee",), "hao": ("hau",), "ping": ("pyng",), "xi": ("shyi",),
    "xiu": ("shiow",), "dun": ("den",),
}  # fmt: skip

# Spellings in use for one character that no rule gives: Taiwanese (蘇貞昌 Su Tseng-chang,
# 朱立倫 Chu Li-luan) and Hong Kong (陳茂波 Chan Mo-po, 毛孟靜 Mo Man-ching, 董建華 Tung
# Chee-hwa) usage, by simplified character.
_TAIWAN_CHARACTERS: dict[str, tuple[str, ...]] = {"贞": ("tseng",), "伦": ("luan",)}
_HONG_KONG_CHARACTERS: dict[str, tuple[str, ...]] = {
    "茂": ("mo",), "孟": ("man",), "华": ("hwa",),
}  # fmt: skip


@cache
def regional_spellings() -> dict[str, frozenset[str]]:
    """Taiwanese-usage and Macau spellings -> the pinyin and Hong Kong spellings they stand
    for ("ih" -> "yi", "iat" -> "yat"), so that romanised names compare across regions."""
    table: dict[str, set[str]] = {}
    for pinyin, usages in _TAIWAN_USAGE.items():
        for usage in usages:
            table.setdefault(usage, set()).add(pinyin)
    for char, usages in _TAIWAN_CHARACTERS.items():  # 倫 "luan" is "lun"
        for usage in usages:
            table.setdefault(usage, set()).update((_reading(char) or ([], []))[0])
    for spelling in cantonese_syllables():
        for form in _macau(spelling):
            table.setdefault(form, set()).add(spelling)
    return {k: frozenset(v - {k}) for k, v in table.items() if v - {k}}


_VOICELESS = {"b": "p", "d": "t", "g": "k", "j": "ch"}
_VOWELS = frozenset("aeiou")


def _hong_kong(spelling: str) -> set[str]:
    """Hong Kong usage beside the table's spellings: voiceless initials (波 "Po", 國 "Kwok"),
    "j" as "ts" (子 "Tsz"), no final "h" or "r" after "o" ("boh" -> "bo"), "ee" for a final
    "i" (智 "Chee"), "i" for "ei" (麒 "Ki"), "sh" for "s" (岑 "Sham"), "wun" for "woon"
    (冠 "Kwun"), "wah" for "wa" (鏵 "Wah")."""
    forms = {spelling}
    if spelling[-2:] in ("oh", "or") and len(spelling) > 2:
        forms.add(spelling[:-1])
    for form in list(forms):
        if form[:1] in _VOICELESS:
            forms.add(_VOICELESS[form[0]] + form[1:])
        if form.startswith("j"):
            forms.add("ts" + form[1:])
            if form == "ji":
                forms.add("tsz")
    forms |= {f[:-1] + "ee" for f in forms if f.endswith("i") and f[-2:-1] not in _VOWELS}
    forms |= {f[:-2] + "i" for f in forms if f.endswith("ei") and len(f) > 2}  # 麒 "Ki"
    forms |= {"sh" + f[1:] for f in forms if f.startswith("s") and not f.startswith("sh")}
    forms |= {f[:-3] + "un" for f in forms if f.endswith("woon")}
    forms |= {f + "h" for f in forms if f.endswith("wa")}
    return forms - {spelling}


def _macau(spelling: str) -> tuple[str, ...]:
    """Macau (Portuguese-based) forms of a Hong Kong Cantonese spelling (賀一誠 Ho Iat-seng,
    梁 Leong, 張 Cheong, 岑 Sam, 國 Kuok; 梁維特 Leong Vai-tac, 黃少澤 Wong Sio-chak,
    高開賢 Kou Hoi-in, 歐 Ao, 劉 Lao). Not "Chon" for "Chun" nor "U" for "Yu": they made
    Korean and Vietnamese names read as Cantonese ("Ngô Sơn")."""
    forms = {spelling}
    if spelling.startswith("yi"):
        forms.add("i" + spelling[2:])  # yiu -> iu
    elif spelling[:1] == "y" and spelling[1:2] in set("aeou"):
        forms.add("i" + spelling[1:])  # yat -> iat
    forms |= {f.replace("eung", "eong") for f in forms}
    if spelling.endswith("ing") and len(spelling) > 3:
        forms.add(spelling[:-3] + "eng")  # shing -> sheng
    forms |= {"s" + f[2:] for f in forms if f.startswith("sh")}  # sheng -> seng, sham -> sam
    forms |= {"ku" + f[2:] for f in forms if f.startswith("kw")}  # kwok -> kuok
    forms |= {"v" + f[1:] for f in forms if f.startswith("w") and f[1:2] != "o"}  # wai -> vai
    forms |= {f[:-1] + "c" for f in forms if f.endswith("k")}  # tak -> tac
    forms |= {f[:-2] + suffix for f in forms for end, suffix in _MACAU_ENDS if f.endswith(end)}
    if len(spelling) == 2 and spelling.endswith("o"):
        forms.add(spelling + "u")  # ko -> kou
    return tuple(sorted(forms - {spelling}))


# Macau endings for Hong Kong ones: 少 "Sio" for "Siu", 劉 "Lao" for "Lau".
_MACAU_ENDS = (("iu", "io"), ("au", "ao"))


def is_han(char: str) -> bool:
    """Whether ``char`` is a CJK ideograph (any of the unified blocks)."""
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2EBEF
        or 0xF900 <= code <= 0xFAFF
        or 0x30000 <= code <= 0x3134F
    )


@cache
def _converter(config: str) -> Any:
    import opencc

    return opencc.OpenCC(config)


def fold(text: str) -> str:
    """Traditional (Hong Kong, Taiwan) characters folded to simplified: 夏寶龍 -> 夏宝龙."""
    return str(_converter("t2s").convert(_converter("hk2s").convert(text)))


def traditional(text: str) -> str:
    """Simplified characters written in traditional ones (Taiwan standard): 习近平 -> 習近平."""
    return str(_converter("s2t").convert(text))


def _data(name: str) -> list[list[str]]:
    text = resources.files("erfurt.names").joinpath("data").joinpath(name).read_text("utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@cache
def _reading_lines() -> dict[str, str]:
    # 42,000 characters: keep each line as text and split only the ones a name uses.
    text = resources.files("erfurt.names").joinpath("data").joinpath("han_readings.tsv")
    return {line[0]: line[2:] for line in text.read_text("utf-8").splitlines() if line[0] != "#"}


def _reading(char: str) -> tuple[list[str], list[str]] | None:
    """A character's pinyin readings and Hong Kong government Cantonese spellings."""
    line = _reading_lines().get(char)
    if line is None:
        return None
    mandarin, cantonese = line.split("\t")
    return mandarin.split(), cantonese.split()


@cache  # one set: callers pass it as a cache key (romanise._inventory), compared by identity
def cantonese_syllables() -> frozenset[str]:
    """Hong Kong government Cantonese syllables (spellings of three or more characters)."""
    return frozenset(cantonese_to_pinyin())


@cache
def cantonese_to_pinyin() -> dict[str, frozenset[str]]:
    """Cantonese syllable -> the pinyin syllables of characters spelt so (``data/``)."""
    return {row[0]: frozenset(row[1].split()) for row in _data("cantonese_pinyin.tsv")}


@cache
def cantonese_readings() -> dict[str, frozenset[str]]:
    """Cantonese spelling -> the pinyin syllables of characters spelt so, for the Hong Kong
    government table's spellings and the Hong Kong and Macau usage spelt from them ("po"
    for "bo", "see" for "si", "sham" for "sam", "leong" for "leung"), except usage forms
    that are Mandarin syllables and no table spelling ("heng")."""
    return {form: frozenset(shares) for form, shares in reading_shares().items()}


@cache
def reading_shares() -> dict[str, dict[str, float]]:
    """Cantonese spelling (as in :func:`cantonese_readings`) -> pinyin -> how common that
    reading is in names: the name-frequency share of the spelling's characters read so
    ("sam": "shen" 0.33, "xie" 0.00). A usage form takes the most common share of the
    table spellings it comes from; a character's own usage ("mo" for 茂) counts as common."""
    spelt = {
        row[0]: {p: float(v) for p, v in (pair.split("=") for pair in row[2].split())}
        for row in _data("cantonese_pinyin.tsv")
    }
    table: dict[str, dict[str, float]] = {}
    for spelling, shares in spelt.items():
        usage = {spelling, *_hong_kong(spelling)}
        for form in {*usage, *(m for u in usage for m in _macau(u))}:
            # A Mandarin syllable that is no table spelling is read as Mandarin ("heng").
            if form in spelt or not is_syllable(form):
                known = table.setdefault(form, {})
                for pinyin, share in shares.items():
                    known[pinyin] = max(known.get(pinyin, 0.0), share)
    for char, spellings in _HONG_KONG_CHARACTERS.items():  # 茂 "mo" is "mao"
        for spelled in spellings:
            for pinyin in (_reading(char) or ([], []))[0]:
                table.setdefault(spelled, {})[pinyin] = 1.0
    return table


def compound_surname(simplified: str) -> bool:
    """Whether a simplified Han name starts with a two-character surname (欧阳, 司马)."""
    return len(simplified) >= 3 and simplified[:2] in _COMPOUND_SURNAMES


def usual_cantonese(spellings: tuple[str, ...]) -> str:
    """The spelling Hong Kong usage prefers among a character's Cantonese spellings: voiceless
    initials (家 "ka", 鄧 "tang", 炳 "ping", not "ga", "dang", "bing"), else the first;
    empty when there is none."""
    return min(spellings, key=lambda s: (s[:1] in "gbdj", spellings.index(s)), default="")


def _family_length(simplified: str) -> int:
    if compound_surname(simplified):
        return 2
    if len(simplified) == 4 and simplified[0] in _SURNAMES and simplified[1] in _SURNAMES:
        return 2  # a Hong Kong married name: husband's surname + own surname
    return 1 if len(simplified) >= 2 else 0


def _is_surname(simplified: str) -> bool:
    return simplified[:2] in _COMPOUND_SURNAMES or simplified[:1] in _SURNAMES


def _family_first(name: str) -> str:
    """Han text in family-first order, without spaces: "东 王" (given name, space, surname,
    as Western-order forms write it) becomes "王东"."""
    parts = name.split()
    if len(parts) == 2 and _is_surname(fold(parts[1])) and not _is_surname(fold(parts[0])):
        return parts[1] + parts[0]
    return "".join(parts)


def read_han(name: str) -> tuple[Syllable, ...]:
    """Read a name written in Han characters (other characters are ignored).

    Returns one :class:`Syllable` per Han character, family name first.
    """
    han = "".join(c for c in _family_first(name) if is_han(c))
    if not han:
        return ()
    simplified = fold(han)
    if len(simplified) != len(han):  # OpenCC maps character to character; be safe
        simplified = han
    family = _family_length(simplified)
    out: list[Syllable] = []
    for i, char in enumerate(simplified):
        mandarin, cantonese = _reading(char) or _reading(han[i]) or ([], [])
        readings = mandarin
        if i < family and char in _SURNAME_READINGS:
            readings = [*_SURNAME_READINGS[char], *readings]
        if han[i] != char:
            cantonese = [*cantonese, *(_reading(han[i]) or ([], []))[1]]
        wade = [w for r in readings for w in (pinyin_to_wade(r), *_TAIWAN_USAGE.get(r, ()))]
        wade += _TAIWAN_CHARACTERS.get(char, ())
        cantonese = [*cantonese, *(v for c in cantonese for v in sorted(_hong_kong(c)))]
        cantonese += _HONG_KONG_CHARACTERS.get(char, ())
        macau = [m for c in cantonese for m in _macau(c)]
        out.append(
            Syllable(
                han=char,
                pinyin=tuple(dict.fromkeys(r for r in readings if r)),
                wade=tuple(dict.fromkeys(w for w in wade if w)),
                cantonese=tuple(dict.fromkeys(c for c in (*cantonese, *macau) if c)),
                family=i < family,
            )
        )
    return tuple(out)


@cache
def surname_pinyin() -> dict[str, frozenset[str]]:
    """A common surname's spelling in any system ("tai", "tsang", "leung") -> the pinyin of
    the surnames spelled so ("dai"; "zeng" and "ceng"; "liang")."""
    table: dict[str, set[str]] = {}
    for char in _SURNAMES:
        surname = read_han(char + char)[0]  # a two-character name: the first is a surname
        for spelling in surname.spellings:
            table.setdefault(spelling, set()).update(surname.pinyin)
    return {spelling: frozenset(pinyin) for spelling, pinyin in table.items()}

"""Romanised Chinese: pinyin, Wade-Giles and syllable splitting (pure functions and data).

Wade-Giles is written here without apostrophes and umlauts, as passports and sanctions
lists write it ("Hsi Chin-ping", "Mao Tse-tung"), so aspirated and plain initials fall
together (``ch`` stands for pinyin ``zh``, ``ch``, ``j`` and ``q``).
"""

from __future__ import annotations

from functools import cache

__all__ = ["PINYIN_SYLLABLES", "is_syllable", "pinyin_to_wade", "split_syllables", "wade_to_pinyin"]

# Every toneless Mandarin syllable in pinyin (``v`` for ü), from pypinyin's dictionary.
_PINYIN = """
a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can cang
cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan
chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei den deng di dia
dian diao die ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang fei fen feng fo
fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo ha hai han
hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao jie
jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan
kuang kui kun kuo la lai lan lang lao le lei leng li lia lian liang liao lie lin ling liu lo long
lou lu luan lun luo lv lve ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo
mou mu na nai nan nang nao ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan
nuo nv nve o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia qian
qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru rua
ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she shei shen sheng shi
shou shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang
tao te teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu
xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying yo
yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhei
zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun
zuo
"""
PINYIN_SYLLABLES: frozenset[str] = frozenset(_PINYIN.split())

# Whole syllables whose Wade-Giles form does not follow from the initial and final rules.
_WADE_WHOLE = {
    "zhi": "chih", "chi": "chih", "shi": "shih", "ri": "jih", "zi": "tzu", "ci": "tzu",
    "si": "ssu", "er": "erh", "yi": "i", "you": "yu", "yan": "yen", "ye": "yeh",
    "yong": "yung", "yue": "yueh", "e": "o", "ge": "ko", "ke": "ko", "he": "ho",
}  # fmt: skip
_WADE_INITIALS = (
    ("zh", "ch"), ("ch", "ch"), ("sh", "sh"), ("b", "p"), ("p", "p"), ("d", "t"), ("t", "t"),
    ("g", "k"), ("k", "k"), ("j", "ch"), ("q", "ch"), ("x", "hs"), ("r", "j"), ("z", "ts"),
    ("c", "ts"), ("s", "s"), ("h", "h"), ("m", "m"), ("f", "f"), ("n", "n"), ("l", "l"),
    ("w", "w"), ("y", "y"),
)  # fmt: skip


def pinyin_to_wade(syllable: str) -> str:
    """The Wade-Giles spelling (no apostrophes) of one toneless pinyin syllable."""
    if syllable in _WADE_WHOLE:
        return _WADE_WHOLE[syllable]
    initial, wade_initial = "", ""
    for pin, wade in _WADE_INITIALS:
        if syllable.startswith(pin):
            initial, wade_initial = pin, wade
            break
    final = syllable[len(initial) :].replace("v", "u")
    if final.endswith("ong"):
        final = final[:-3] + "ung"
    elif final == "ian" or final.endswith("ian"):
        final = final[:-3] + "ien"
    elif final.endswith("ie") or final.endswith("ue"):
        final += "h"
    elif final == "ui" and initial in {"g", "k"}:
        final = "uei"
    elif final == "uo" and initial not in {"g", "k", "h", "sh"}:
        final = "o"
    return wade_initial + final


MAX_SYLLABLES = 3


@cache
def _wade_table() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for syllable in sorted(PINYIN_SYLLABLES):
        wade = pinyin_to_wade(syllable)
        if wade != syllable:
            table.setdefault(wade, []).append(syllable)
    return {wade: tuple(pinyin) for wade, pinyin in table.items()}


def wade_to_pinyin(syllable: str) -> tuple[str, ...]:
    """The pinyin syllables a Wade-Giles syllable can stand for (empty if none differ)."""
    return _wade_table().get(syllable, ())


_LONE = frozenset({"a", "e", "o"})  # lone vowels split too eagerly inside ("xian" -> "xi an")


@cache
def _inventory(extra: frozenset[str]) -> frozenset[str]:
    return (PINYIN_SYLLABLES - _LONE) | frozenset(_wade_table()) | extra


def is_syllable(token: str, extra: frozenset[str] = frozenset()) -> bool:
    """Whether ``token`` is one pinyin, Wade-Giles (or ``extra``) syllable."""
    return token in _inventory(extra)


def _split_cost(parts: tuple[str, ...]) -> tuple[bool, int]:
    """Rank splits: one without a lone leading vowel ("an ai", not "a nai"), then the fewest."""
    return (parts[0] in _LONE, len(parts))


def split_syllables(token: str, extra: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """Split a romanised token into the fewest syllables ("baolong" -> ("bao", "long")).

    ``extra`` adds syllables of other romanisations (Cantonese). Returns an empty tuple
    when the token is not a run of two to MAX_SYLLABLES syllables.
    """
    if len(token) > 24 or not token.isascii() or not token.isalpha():
        return ()
    inventory = _inventory(extra)
    best: list[tuple[str, ...] | None] = [None] * (len(token) + 1)
    best[0] = ()
    for end in range(1, len(token) + 1):
        for start in range(max(0, end - 6), end):
            head = best[start]
            piece = token[start:end]
            # A lone vowel is a syllable only where nothing can precede it ("Exiang" 鄂湘).
            if head is not None and (piece in inventory or (start == 0 and piece in _LONE)):
                found = best[end]
                candidate = (*head, piece)
                if found is None or _split_cost(candidate) < _split_cost(found):
                    best[end] = candidate
    parts = best[len(token)]
    # Chinese given names are one or two syllables; more is a word of another language.
    return parts if parts is not None and 2 <= len(parts) <= MAX_SYLLABLES else ()

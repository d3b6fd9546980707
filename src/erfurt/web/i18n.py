"""The interface's words in English, simplified and traditional Chinese, and choosing one.

The words are kept in ``words.toml`` beside this module, one table per key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from importlib.resources import files

from erfurt.charts import TIMELINE_WORDS, UNITS

LANGUAGES: tuple[str, ...] = ("en", "zh-Hans", "zh-Hant")
LANGUAGE_NAMES: Mapping[str, str] = {"en": "English", "zh-Hans": "简体中文", "zh-Hant": "繁體中文"}


def _load_words() -> dict[str, dict[str, str]]:
    words: dict[str, dict[str, str]] = tomllib.loads(
        files("erfurt.web").joinpath("words.toml").read_text(encoding="utf-8")
    )
    return words


WORDS: Mapping[str, Mapping[str, str]] = _load_words()


def translate(key: str, language: str) -> str:
    """The interface string ``key`` in ``language`` (English for an unknown language)."""
    forms = WORDS[key]
    return forms.get(language, forms["en"])


def choose_language(asked: str | None, cookie: str | None, accept: str) -> str:
    """The language to answer in: ``?lang=``, then the cookie, then Accept-Language."""
    for given in (asked, cookie):
        if given in LANGUAGES:
            return given
    for part in accept.split(","):
        tag = part.split(";")[0].strip().lower()
        if tag in {"zh-tw", "zh-hk", "zh-mo", "zh-hant"} or tag.startswith("zh-hant"):
            return "zh-Hant"
        if tag.startswith("zh"):
            return "zh-Hans"
        if tag.startswith("en"):
            return "en"
    return "en"


def chart_words(prefix: str, keys: Iterable[str], language: str) -> dict[str, str]:
    """A chart's words in ``language``: each of ``keys`` from the word ``prefix + key``
    (the axis's words, shared by every chart, from their own keys), and the periods'
    names (lower case, as a chart's sentences use them)."""
    words = {
        key: translate(key if key in TIMELINE_WORDS else prefix + key, language) for key in keys
    }
    return words | {period: translate(period, language).lower() for period in UNITS}

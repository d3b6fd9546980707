"""The interface's words: every key the pages use is there, in all three languages."""

from __future__ import annotations

import re
from pathlib import Path

from erfurt.web.i18n import LANGUAGES, WORDS, translate

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "erfurt" / "web" / "templates"
USED = re.compile(r"""\bt\(\s*['"]([a-z_]+)['"]\s*\)""")


def test_every_key_has_each_language_and_no_empty_form() -> None:
    for key, forms in WORDS.items():
        assert set(forms) == set(LANGUAGES), key
        assert all(text.strip() for text in forms.values()), key


def test_every_key_a_template_uses_is_in_the_words() -> None:
    used = {m for page in TEMPLATES.rglob("*.html") for m in USED.findall(page.read_text())}
    assert used, "the pattern finds the templates' t('key') calls"
    assert used - set(WORDS) == set()


def test_words_come_in_the_asked_script_and_english_otherwise() -> None:
    assert translate("search", "zh-Hans") == "搜索"
    assert translate("search", "zh-Hant") == "搜尋"
    assert translate("intake_codename", "zh-Hant") == "代號"
    assert translate("search", "fr") == "Search"

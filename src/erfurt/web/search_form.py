"""The search page's form and links: its pages and its facets, each keeping the other fields.

A facet is a link that adds its value as a filter of the form (the query language's
``collection:``, ``type:``, ``added:``, ``lang:`` and ``extractor:``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

__all__ = ["FORM_PARAMETERS", "facet_groups", "search_url"]

FORM_PARAMETERS = {"type": "type", "added": "added", "lang": "language", "extractor": "extractor"}
"""Each form filter's query-language field and its URL parameter (``lang`` is the page's
own language, so a document's language is asked as ``language``)."""

# facet -> (URL parameter it sets or None, word of its heading)
_FACETS = {
    "collection": ("collection", "collection"),
    "media_type": ("type", "type"),
    "year": ("added", "year"),
    "lang": ("language", "text_language"),
    "extractor": ("extractor", "extractor"),
}


def search_url(form: dict[str, str], **changes: str | int) -> str:
    """The search page's address for ``form`` (parameter -> value) changed by ``changes``;
    empty values are left out."""
    merged: dict[str, str | int] = {**form, **changes}
    return "/search?" + urlencode({key: value for key, value in merged.items() if value != ""})


def facet_groups(form: dict[str, str], facets: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    """Each facet's heading word and values, with the link that filters by the value (None
    when the facet has no filter or the form filters by it already)."""
    groups = []
    for key, counts in facets.items():
        parameter, word = _FACETS[key]
        values = [
            {
                "value": value,
                "count": count,
                "href": None
                if parameter is None or form.get(parameter) == value
                else search_url(form, **{parameter: value, "page": ""}),
            }
            for value, count in counts.items()
        ]
        if values:
            groups.append({"word": word, "values": values})
    return groups

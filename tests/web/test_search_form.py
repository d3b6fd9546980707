"""The search page's filters, total and facets: links that narrow, hidden collections unseen."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from erfurt.web.search_form import search_url

from .conftest import RESTRICTED, log_in

_TOTAL = re.compile(r'<p class="total">[^:<]+: ([\d,]+)(\+?)</p>')
_FACET = re.compile(r'<li><a href="([^"]+)">([^<]+)</a> <span class="count">\((\d+)\)</span></li>')


def _total(page: str) -> int:
    found = _TOTAL.search(page)
    assert found is not None, page
    return int(found.group(1).replace(",", ""))


def _names(page: str) -> set[str]:
    found = re.findall(r'<a href="/documents/\d+\?q=[^"]*">([^<]+)</a>', page)
    return {html.unescape(n) for n in found}


def test_form_filters_narrow_the_hits_and_stay_in_the_form(client: TestClient) -> None:
    log_in(client, "ana")
    query = {"q": "shooting OR quisling"}
    everything = client.get("/search", params=query).text
    assert {"xss.html", "border-order.txt"} <= _names(everything)
    as_html = client.get("/search", params={**query, "type": "html"}).text
    assert _names(as_html) == {"xss.html"} and _total(as_html) == 1
    assert 'name="type" value="html"' in as_html  # the form shows the filter given
    this_year = str(datetime.now(UTC).year)
    assert _total(client.get("/search", params={**query, "added": this_year}).text) == _total(
        everything
    )
    long_ago = client.get("/search", params={**query, "added": "1990..1999"}).text
    assert _total(long_ago) == 0 and not _names(long_ago)


def test_every_facet_link_leads_to_as_many_documents_as_it_counts(client: TestClient) -> None:
    log_in(client, "ana")
    page = client.get("/search", params={"q": "國家安全部 OR order OR quisling"}).text
    links = _FACET.findall(page)
    parameters = {p for href, _, _ in links for p in re.findall(r"[?&](\w+)=", html.unescape(href))}
    assert {"collection", "type", "added", "language", "extractor"} <= parameters
    for href, value, count in links:
        narrowed = client.get(html.unescape(href)).text
        assert _total(narrowed) == int(count), (value, href)


def test_the_extractor_filter_narrows_and_hidden_documents_change_no_count(
    client: TestClient,
) -> None:
    query = {"q": "order OR shooting OR quisling OR 國家安全部"}
    log_in(client, "ana")
    as_html = client.get("/search", params={**query, "extractor": "html"}).text
    assert _names(as_html) == {"xss.html"} and _total(as_html) == 1
    assert 'name="extractor" value="html"' in as_html
    as_text = {"q": f"({query['q']}) extractor:text"}  # the API's filters are in the query
    everything = client.get("/api/v1/search", params=as_text).json()
    public = client.get("/api/v1/search", params={**as_text, "collection": "public"}).json()
    assert everything["total"] > public["total"] > 0
    assert everything["facets"]["extractor"] == {"text": everything["total"]}
    log_in(client, "rita")  # the restricted collection's text files count for nobody else
    seen = client.get("/api/v1/search", params=as_text).json()
    assert (seen["total"], seen["facets"]) == (public["total"], public["facets"])
    page = client.get("/search", params={**query, "extractor": "text"}).text
    assert _total(page) == public["total"] and RESTRICTED not in page
    client.cookies.clear()


def test_hidden_collections_change_neither_the_total_nor_any_facet(client: TestClient) -> None:
    query = {"q": "order OR shooting OR 國家安全部"}
    log_in(client, "ana")  # may see both collections: "public" alone is what rita sees
    allowed = client.get("/api/v1/search", params=query).json()
    public = client.get("/api/v1/search", params={**query, "collection": "public"}).json()
    assert allowed["total"] > public["total"]
    assert RESTRICTED in allowed["facets"]["collection"]
    log_in(client, "rita")  # a reviewer not named for the restricted collection
    seen = client.get("/api/v1/search", params=query).json()
    assert (seen["total"], seen["facets"]) == (public["total"], public["facets"])
    page = client.get("/search", params=query).text
    assert _total(page) == public["total"]
    assert RESTRICTED not in page
    for _, value, _ in _FACET.findall(page):
        assert value != RESTRICTED
    client.cookies.clear()


def test_the_form_speaks_each_language_with_a_label_for_every_field(client: TestClient) -> None:
    log_in(client, "ana")
    for language, heading in (("en", "Narrow the results"), ("zh-Hans", "缩小结果范围"),
                              ("zh-Hant", "縮小結果範圍")):  # fmt: skip
        page = client.get("/search", params={"q": "order", "lang": language}).text
        assert heading in page, language
        for field in ("q", "collection", "type", "added", "language", "extractor"):
            assert f'<label for="{field}">' in page and f'id="{field}"' in page, field
    traditional = client.get("/search", params={"q": "order", "lang": "zh-Hant"}).text
    assert "擷取工具" in traditional and "類型" in traditional


def test_a_filter_of_more_than_one_word_or_a_bad_date_is_refused_clearly(
    client: TestClient,
) -> None:
    log_in(client, "ana")
    two = client.get("/search", params={"q": "order", "type": "text plain"})
    assert two.status_code == 400 and "without spaces or quotes" in two.text
    quoted = client.get("/search", params={"q": "order", "type": '"><script>alert(1)</script>'})
    assert quoted.status_code == 400 and "<script>alert" not in quoted.text
    bad_date = client.get("/search", params={"q": "order", "added": "<b>soon</b>"})
    assert bad_date.status_code == 400 and "<b>soon" not in bad_date.text


def test_links_keep_the_other_fields_and_drop_empty_ones() -> None:
    form = {"q": "a & b", "collection": "", "type": "pdf", "added": "", "language": "",
            "extractor": ""}  # fmt: skip
    assert search_url(form, page=2) == "/search?q=a+%26+b&type=pdf&page=2"

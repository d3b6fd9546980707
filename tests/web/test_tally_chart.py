"""The public tally's chart: an SVG with alt text, its numbers in a table, redrawn as it grows."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from .conftest import log_in


def _declare(client: TestClient, **given: object) -> None:
    log_in(client, "vic")
    token = client.cookies.get("erfurt_csrf") or ""
    body = {"alias": "chart test", "organisations": ["Party"], **given}
    answer = client.post("/api/v1/declarations", json=body, headers={"x-csrf-token": token})
    assert answer.status_code == 201, answer.text
    client.cookies.clear()


def _table_total(page: str) -> int:
    table = page.split('class="chart-data"', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r"<tr><td>([^<]*)</td><td>(\d+)</td><td>(\d+)</td></tr>", table)
    assert cells, "the chart's numbers are in a table"
    running = 0
    for _, count, cumulative in cells:
        running += int(count)
        assert int(cumulative) == running
    return running


def test_the_tally_page_shows_its_chart_with_alt_text_and_numbers(client: TestClient) -> None:
    _declare(client)
    page = client.get("/tally", params={"lang": "en"}).text
    found = re.search(r'<img src="/tally/chart.svg\?lang=en" alt="([^"]+)"', page)
    assert found, "the chart has alt text"
    alt = html.unescape(found.group(1))
    total = client.get("/api/v1/tally").json()["total"]["declarations"]
    assert "declarations" in alt and f"{total:,} declarations shown" in alt
    assert _table_total(page) == total
    svg = client.get("/tally/chart.svg")
    assert svg.headers["content-type"] == "image/svg+xml"
    assert b"<svg" in svg.content and b"<text" in svg.content and b"<script" not in svg.content
    _declare(client)
    again = client.get("/tally", params={"lang": "zh-Hant"}).text
    assert _table_total(again) == total + 1, "the chart is redrawn when the log grows"
    assert "圖表中的數字" in again


def test_the_chart_needs_no_login_and_shows_no_private_field(client: TestClient) -> None:
    client.cookies.clear()
    svg = client.get("/tally/chart.svg").content
    for private in (b"chart test", b"vic", b"Party"):
        assert private not in svg


def test_every_grouping_and_chart_unit_is_translated(client: TestClient) -> None:
    for by in ("day", "month", "organisation", "place", "total"):
        page = client.get("/tally", params={"by": by, "lang": "zh-Hans"})
        assert page.status_code == 200
        header = page.text.split('<table>\n  <thead><tr><th scope="col">', 1)[1].split("<", 1)[0]
        assert header and not header.isascii(), f"the {by} column is not translated: {header}"


def _grouped_chart(client: TestClient, by: str, language: str) -> tuple[str, str, str, int]:
    """The chart by ``by`` as the page in ``language`` shows it: (alt text, SVG, and the
    largest key and its count from the API's tally)."""
    page = client.get("/tally", params={"by": by, "lang": language}).text
    found = re.search(rf'<img src="(/tally/chart/{by}\.svg[^"]*)" alt="([^"]+)"', page)
    assert found, f"the chart by {by} has alt text"
    svg = client.get(html.unescape(found.group(1)))
    assert svg.headers["content-type"] == "image/svg+xml"
    assert b"<b>" not in svg.content and b"<script" not in svg.content
    rows = client.get("/api/v1/tally", params={"by": by}).json()["rows"]
    top = min(rows, key=lambda row: (-row["declarations"], row["key"]))
    return html.unescape(found.group(2)), svg.text, top["key"], top["declarations"]


def test_the_tally_by_organisation_or_place_is_charted_in_the_page_language(
    client: TestClient,
) -> None:
    odd = "Erfurt <b>Nord</b> $1-$2"  # markup, and "$"s that would make it mathtext
    _declare(client, organisations=["Youth League", "Party"], place=odd)
    _declare(client, place="Erfurt")
    alt, svg, top, count = _grouped_chart(client, "organisation", "zh-Hans")
    assert alt.startswith("按组织统计的声明。") and f"最多的是{top}，共{count}份" in alt
    assert "按组织统计的声明" in svg and "Youth League" in svg
    alt, svg, top, count = _grouped_chart(client, "place", "en")
    assert alt.startswith("Declarations by place.") and f"The largest is {top} with {count}." in alt
    assert f">{html.escape(odd, quote=False)}</text>" in svg, "drawn as typed, escaped"
    assert client.get("/tally/chart/day.svg").status_code == 404
    assert "/tally/chart/" not in client.get("/tally", params={"by": "month"}).text


def test_the_chart_over_time_is_drawn_in_the_page_language(client: TestClient) -> None:
    _declare(client)
    for language, title, bars in (
        ("en", "Declarations in example.org/web-test", "Bars: declarations per "),
        ("zh-Hans", "example.org/web-test的声明", "条形：每"),
        ("zh-Hant", "example.org/web-test的聲明", "長條：每"),
    ):
        page = client.get("/tally", params={"lang": language}).text
        found = re.search(rf'<img src="/tally/chart.svg\?lang={language}" alt="([^"]+)"', page)
        assert found, language
        assert html.unescape(found.group(1)).startswith(f"{title}。" if "zh" in language
                                                        else f"{title}. {bars}")  # fmt: skip
        assert bars in html.unescape(found.group(1))
        svg = client.get("/tally/chart.svg", params={"lang": language}).content.decode()
        assert title in svg, language

"""The public tally's chart: an SVG with alt text, its numbers in a table, redrawn as it grows."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from .conftest import log_in


def _declare(client: TestClient) -> None:
    log_in(client, "vic")
    token = client.cookies.get("erfurt_csrf") or ""
    body = {"alias": "chart test", "organisations": ["Party"]}
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
    found = re.search(r'<img src="/tally/chart.svg" alt="([^"]+)"', page)
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

"""The document page's page images: drawn on the server, OCR boxes laid over, terms marked,
nothing drawn for whoever may not see the document."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from erfurt.archive import Accounts, Archive, ArchivePaths
from erfurt.cli.options import all_views
from erfurt.ingest import ExtractOptions, add_paths, extract_pending
from erfurt.web import create_app
from ingest_samples import EN_LINES, image_bytes, scan_image, text_pdf

from .conftest import CHEAP, PASSWORD, log_in

PDF_PAGES = [["The ledger of the harbour office."], ["Payments to the border guards."]]
SECRET_PAGES = [["A witness saw the harbour office burn."]]


@dataclass(frozen=True)
class Viewed:
    client: TestClient
    path: Path
    pdf: int
    scan: int
    secret: int


@pytest.fixture(scope="module")
def viewed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Viewed]:
    root = tmp_path_factory.mktemp("viewer")
    (root / "open").mkdir()
    (root / "sealed").mkdir()
    text_pdf(root / "open" / "ledger.pdf", PDF_PAGES)
    (root / "open" / "statement.png").write_bytes(image_bytes(scan_image(EN_LINES, degrade=False)))
    text_pdf(root / "sealed" / "witness.pdf", SECRET_PAGES)
    path = root / "archive"
    with Archive.init(path, origin="example.org/viewer", who="setup", views=all_views()) as a:
        with Accounts.open(a.paths, hasher=CHEAP) as accounts:
            accounts.add_user("ana", "archivist", PASSWORD)
            accounts.add_user("rita", "reviewer", PASSWORD)
            accounts.restrict("witnesses", ["ana"])
        add_paths(a, [root / "open"], collection="public", who="ana")
        add_paths(a, [root / "sealed"], collection="witnesses", who="ana")
        extract_pending(a, ExtractOptions(), who="setup", workers=1)
        numbers = {str(r["name"]): i for i, r in a.records(kinds={"document.added"})}
    app = create_app(path, views=all_views(), login_burst=10_000)
    with TestClient(app, base_url="https://testserver") as client:
        yield Viewed(
            client, path, numbers["ledger.pdf"], numbers["statement.png"], numbers["witness.pdf"]
        )


def _yellow(png: bytes) -> int:
    """Pixels of the marking's yellow (red and green high, blue low) in ``png``."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return sum(1 for r, g, b in image.get_flattened_data() if r > 200 and g > 150 and b < 120)


def _cached(path: Path) -> list[Path]:
    folder = ArchivePaths(path).page_images
    return sorted(folder.iterdir()) if folder.exists() else []


def test_pdf_pages_are_drawn_once_and_the_search_terms_marked_in_their_text(
    viewed: Viewed,
) -> None:
    client = viewed.client
    log_in(client, "rita")
    page = client.get(f"/documents/{viewed.pdf}", params={"q": "harbour OR guards"}).text
    for number in (1, 2):  # each page has a term: its picture is asked for with the query
        assert f'<img src="/documents/{viewed.pdf}/pages/{number}.png?q=harbour+OR+guards"' in page
    assert "<mark>harbour</mark>" in page and "<mark>guards</mark>" in page
    drawn = client.get(f"/documents/{viewed.pdf}/pages/2.png")
    assert drawn.status_code == 200 and drawn.headers["content-type"] == "image/png"
    assert drawn.headers["cache-control"] == "no-store"
    image = Image.open(io.BytesIO(drawn.content))
    assert image.height > image.width  # an A4 page, upright
    cached = _cached(viewed.path)
    again = client.get(f"/api/v1/documents/{viewed.pdf}/pages/2.png")
    assert again.content == drawn.content and _cached(viewed.path) == cached
    assert ArchivePaths(viewed.path).page_images.stat().st_mode & 0o077 == 0  # owner-only
    marked = client.get(f"/documents/{viewed.pdf}/pages/2.png", params={"q": "guards"})
    assert _yellow(marked.content) > 100 and _yellow(drawn.content) == 0
    assert client.get(f"/documents/{viewed.pdf}/pages/2.png", params={"q": "harbour"}).content == (
        drawn.content
    )  # nothing of it on that page: the picture as drawn


def test_ocr_boxes_lie_over_a_scan_and_those_holding_a_term_are_filled(viewed: Viewed) -> None:
    client = viewed.client
    log_in(client, "rita")
    data = client.get(f"/api/v1/documents/{viewed.scan}", params={"q": "police"}).json()
    (view,) = data["page_views"]
    assert view["image"] == f"/documents/{viewed.scan}/pages/1.png"
    assert (view["width"], view["height"]) == (1700, 560)
    hits = [box for box in view["boxes"] if box["hit"]]
    assert len(view["boxes"]) >= 3 and [box["text"] for box in hits] == [EN_LINES[1]]
    top = hits[0]["top"]
    assert 180 < top < 80 + 120 + 60  # the second line, drawn at y=200
    page = client.get(f"/documents/{viewed.scan}", params={"q": "police"}).text
    assert '<svg viewBox="0 0 1700 560" role="img"' in page
    assert len(re.findall(r'<rect class="ocr-box hit"', page)) == 1
    assert f"<title>{html.escape(EN_LINES[1])}</title>" in page
    image = Image.open(io.BytesIO(client.get(view["image"]).content))
    assert abs(image.width / image.height - 1700 / 560) < 0.01


def test_a_hidden_document_is_never_drawn_for_someone_who_may_not_see_it(
    viewed: Viewed,
) -> None:
    client = viewed.client
    log_in(client, "rita")
    missing = client.get("/documents/9999/pages/1.png")
    for url in (f"/documents/{viewed.secret}/pages/1.png",
                f"/api/v1/documents/{viewed.secret}/pages/1.png"):  # fmt: skip
        hidden = client.get(url)
        assert hidden.status_code == missing.status_code == 404
        assert "witness" not in hidden.text
    with Archive.open(viewed.path) as archive:
        secret_blob = str(archive.record(viewed.secret)["blob"])
    assert not any(p.name.startswith(secret_blob) for p in _cached(viewed.path))
    log_in(client, "ana")  # named for the collection: sees it drawn
    assert client.get(f"/documents/{viewed.secret}/pages/1.png").status_code == 200
    client.cookies.clear()  # nobody logged in: the login form, never the picture
    assert "image" not in client.get(f"/documents/{viewed.pdf}/pages/1.png").headers["content-type"]
    assert client.get(f"/api/v1/documents/{viewed.pdf}/pages/1.png").status_code == 401


def test_a_page_the_file_lacks_is_refused_clearly_and_text_files_have_no_images(
    viewed: Viewed,
) -> None:
    client = viewed.client
    log_in(client, "rita")
    past = client.get(f"/api/v1/documents/{viewed.pdf}/pages/3.png")
    assert past.status_code == 400 and "there is no page 3" in past.json()["error"]
    assert client.get(f"/api/v1/documents/{viewed.pdf}/pages/0.png").status_code == 400
    page = client.get(f"/documents/{viewed.pdf}", params={"q": '"unclosed'}).text
    assert "<mark>" not in page and "pages/1.png" in page  # an unreadable query marks nothing

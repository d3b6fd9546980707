"""Journeys in a real Chromium (Debian's, driven by Playwright): screenshots kept as artefacts.

Screenshots go to $ERFURT_ARTEFACTS or a temporary folder (never the repository).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from playwright.sync_api import Browser, Page, Route

from erfurt.archive import Archive, verify_receipt
from erfurt.declarations import Receipt, open_commitment
from erfurt.log import Checkpoint, Signer, format_proof, leaf_hash, sign_note

from .conftest import PASSWORD, Built

ARTEFACTS = Path(os.environ.get("ERFURT_ARTEFACTS") or tempfile.gettempdir()) / "erfurt-web"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 420, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()


def _shot(page: Page, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


def _log_in(page: Page, server: str, user: str, lang: str = "en") -> None:
    page.goto(f"{server}/login?lang={lang}")
    page.fill("#username", user)
    page.fill("#password", PASSWORD)
    _shot(page, f"login-{lang}")
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_load_state()


def test_archivist_uploads_a_folder_then_finds_it_by_traditional_query(
    page: Page, server: str, tmp_path: Path
) -> None:
    folder = tmp_path / "交來的文件"
    (folder / "sub").mkdir(parents=True)
    (folder / "紀錄.txt").write_text("檔案館收到的會議紀錄：秘密警察的名單。\n", encoding="utf-8")
    (folder / "sub" / "note.txt").write_text("A note about the district office.\n")
    _log_in(page, server, "ana", lang="zh-Hant")
    page.goto(f"{server}/upload")
    page.fill("#upload-collection", "uploads")
    page.set_input_files("#upload-folder", str(folder))
    page.click("#upload-form button")
    page.wait_for_selector("#upload-results tr:nth-child(2)")
    _shot(page, "upload-zh-Hant")
    outcomes = page.inner_text("#upload-results")
    assert outcomes.count("added #") == 2, outcomes
    page.goto(f"{server}/search?q=会议纪录")  # simplified finds traditional once extracted
    for _ in range(600):  # extraction runs in the background: reload until it is indexed
        if page.locator("ol.hits li").count():
            break
        page.wait_for_timeout(100)
        page.reload()
    assert "交來的文件/紀錄.txt" in page.inner_text("ol.hits")


def test_a_large_upload_goes_in_pieces_and_resumes_after_a_dropped_connection(
    page: Page, server: str, built: Built, tmp_path: Path
) -> None:
    big = tmp_path / "long-scan.txt"
    content = "".join(f"Line {n} of a long scan of the district files.\n" for n in range(40))
    big.write_text(content, encoding="utf-8")
    dropped: list[str] = []

    def drop_the_second_piece(route: Route) -> None:
        offset = route.request.headers.get("upload-offset", "0")
        if route.request.method == "PATCH" and offset != "0" and not dropped:
            dropped.append(offset)
            route.abort("connectionreset")
            return
        route.continue_()

    _log_in(page, server, "ana")
    page.route("**/api/v1/uploads/*", drop_the_second_piece)
    page.goto(f"{server}/upload")
    assert page.get_attribute("#upload-form", "data-piece") == str(8 * 1024 * 1024)
    page.eval_on_selector("#upload-form", "form => { form.dataset.piece = '512'; }")
    page.fill("#upload-collection", "uploads")
    page.set_input_files("#upload-files", str(big))
    page.click("#upload-form button")
    page.wait_for_selector("#upload-results tr")
    outcome = page.inner_text("#upload-results")
    assert "added #" in outcome, outcome
    assert dropped == ["512"]  # the second piece was cut off, and sent again
    record = int(outcome.split("added #")[1].split()[0])
    with Archive.open(built.path) as archive:
        kept = archive.record(record)
        assert kept["name"] == "long-scan.txt"
        assert archive.read_blob(kept["blob"]) == content.encode()


def test_archivist_finds_a_chinese_document_by_traditional_query(page: Page, server: str) -> None:
    _log_in(page, server, "ana", lang="zh-Hant")
    page.fill("#q", "國家安全部")
    page.click("form[role=search] button")
    page.wait_for_load_state()
    _shot(page, "search-zh-Hant")
    assert page.locator("ol.hits mark").count() >= 1
    page.click("text=國安部報告.txt")
    page.wait_for_load_state()
    _shot(page, "document-zh-Hant")
    assert "邊境射擊命令" in page.inner_text("main")
    assert page.locator("h2#custody").inner_text() == "保管鏈"
    page.goto(f"{server}/search?q=border&lang=en")
    _shot(page, "search-en")
    assert "border-order.txt" in page.inner_text("main")


def test_volunteer_declares_and_downloads_the_receipt(
    page: Page, server: str, tmp_path: Path
) -> None:
    _log_in(page, server, "vic", lang="zh-Hans")
    page.goto(f"{server}/declare")
    _shot(page, "declare-zh-Hans")
    page.fill("#alias", "春天")
    page.check("input[value='Party']")
    page.fill("#place", "台北")
    page.fill("#statement", "我声明退出。")
    page.click("form[action='/declare'] button[type=submit]")
    page.wait_for_load_state()
    _shot(page, "declared-zh-Hans")
    assert int(page.inner_text("#number")) >= 1
    with page.expect_download() as download:
        page.click("#receipt")
    saved = tmp_path / "receipt.proof"
    download.value.save_as(saved)
    assert saved.read_text(encoding="utf-8").startswith("c2sp.org/tlog-proof@v1\n")
    page.goto(f"{server}/tally?lang=en")
    _shot(page, "tally-en")


def test_a_declarants_identity_goes_into_the_private_receipt_only(
    page: Page, server: str, built: Built, tmp_path: Path
) -> None:
    identity = "王小明; 1990-01-02"
    _log_in(page, server, "vic", lang="zh-Hant")
    page.goto(f"{server}/declare")
    page.fill("#alias", "秋天")
    page.check("input[value='Party']")
    page.fill("#identity", identity)
    with page.expect_response(lambda r: r.url.endswith("/declare")) as answer:
        page.click("form[action='/declare'] button[type=submit]")
    assert answer.value.headers["cache-control"] == "no-store"
    page.wait_for_load_state()
    _shot(page, "declared-private-receipt-zh-Hant")
    with page.expect_download() as download:
        page.click("#private-receipt")
    saved = tmp_path / "private-receipt.json"
    download.value.save_as(saved)
    private = saved.read_bytes()
    assert page.inner_text("#receipt-hash") == hashlib.sha256(private).hexdigest()
    # The printed QR code, as the browser drew it, reads back as that hash.
    page.wait_for_function(
        "(qr) => qr.complete && qr.naturalWidth > 0", arg=page.query_selector("#receipt-qr")
    )
    assert _qr_read(page, "#receipt-qr") == hashlib.sha256(private).hexdigest()
    receipt = Receipt.from_bytes(private, "download")
    assert receipt.identity == identity
    with Archive.open(built.path) as archive:
        proved = verify_receipt(receipt.proof, archive.verifier)
    assert open_commitment(receipt, proved.record.fields, "download").alias == "秋天"
    # The identity and the receipt's salt are nowhere in the archive's folder.
    secrets = [identity.encode(), "王小明".encode(), receipt.salt.hex().encode(), receipt.salt]
    for file in (f for f in built.path.rglob("*") if f.is_file()):
        held = file.read_bytes()
        assert not any(s in held for s in secrets), file


def test_volunteer_cannot_see_a_restricted_collection(
    page: Page, server: str, built: Built
) -> None:
    _log_in(page, server, "vic")
    witness = built.documents["witnesses/witness-statement.txt"]
    answer = page.goto(f"{server}/documents/{witness}")
    assert answer is not None and answer.status == 403
    answer = page.goto(f"{server}/search?q=shooting")
    assert answer is not None and answer.status == 403
    _shot(page, "volunteer-search-refused-en")
    assert "witness" not in page.content().lower()


def test_csp_blocks_injected_script(page: Page, server: str, built: Built) -> None:
    errors: list[str] = []
    page.on("dialog", lambda dialog: errors.append(dialog.message))
    _log_in(page, server, "ana")
    page.goto(f"{server}/search?q=quisling")
    page.goto(f"{server}/documents/{built.documents['<img src=x onerror=alert(2)>.txt']}")
    _shot(page, "xss-document-en")
    assert errors == []


def test_anonymous_visitor_verifies_a_receipt_in_the_browser(
    page: Page, server: str, built: Built, tmp_path: Path
) -> None:
    with Archive.open(built.path) as archive:
        receipts = [archive.prove(i) for i in (0, 1, archive.size // 2, archive.size - 1)]
    receipt = tmp_path / "record.proof"
    receipt.write_bytes(receipts[-1])
    page.goto(f"{server}/verify?lang=zh-Hant")
    page.set_input_files("#receipt-file", str(receipt))
    page.click("#verify-form button")
    page.wait_for_selector("#verify-result:not(:empty)")
    assert page.get_attribute("#verify-result", "class") == "verified", page.inner_text(
        "#verify-result"
    )
    _shot(page, "verify-ok-zh-Hant")
    # Every receipt verifies; flipping any byte of one makes it fail (all in the page).
    results = page.evaluate(
        """async (receipts) => {
            const vkey = document.getElementById("vkey").value;
            const good = [];
            for (const text of receipts) {
                const bytes = new TextEncoder().encode(text);
                good.push((await window.erfurtCheckReceipt(bytes, vkey)).ok);
            }
            const bytes = new TextEncoder().encode(receipts[0]);
            let accepted = 0;
            for (let i = 0; i < bytes.length; i++) {
                const altered = bytes.slice();
                altered[i] ^= 0x01;
                if ((await window.erfurtCheckReceipt(altered, vkey)).ok) accepted++;
            }
            return {good, accepted, length: bytes.length};
        }""",
        [r.decode("utf-8") for r in receipts],
    )
    assert results["good"] == [True] * len(receipts)
    assert results["length"] > 200 and results["accepted"] == 0
    receipt.write_bytes(receipts[-1].replace(b"index ", b"index 1", 1))
    page.set_input_files("#receipt-file", str(receipt))
    page.click("#verify-form button")
    page.wait_for_selector("#verify-result.error")
    assert "inclusion proof" in page.inner_text("#verify-result")
    assert page.is_hidden("#assurance"), "a refused receipt proves nothing"
    _shot(page, "verify-failed-zh-Hant")


def _assured(page: Page, server: str, lang: str, receipt: Path, vkey: str) -> dict[str, list[str]]:
    page.goto(f"{server}/verify?lang={lang}")
    page.fill("#vkey", vkey)
    page.set_input_files("#receipt-file", str(receipt))
    page.click("#verify-form button")
    page.wait_for_selector("#assurance:not([hidden])")
    lists = ("proved", "trusted", "unchecked")
    shown = {n: page.locator(f"#assurance-{n} li").all_inner_texts() for n in lists}
    shown["headings"] = page.locator("#assurance section:not([hidden]) h2").all_inner_texts()
    return shown


def test_the_verifier_says_what_a_receipt_proves_and_what_it_did_not_check(
    page: Page, server: str, tmp_path: Path
) -> None:
    log, witness = Signer.generate("example.org/assured"), Signer.generate("witness.example/w1")
    entry = b'{"kind":"declaration.made","time":"2026-12-01T10:00:00Z"}'
    checkpoint = Checkpoint("example.org/assured", 1, leaf_hash(entry)).to_text()
    receipt = tmp_path / "witnessed.proof"
    receipt.write_bytes(format_proof(0, [], sign_note(checkpoint, [log, witness]), extra=entry))
    shown = _assured(page, server, "en", receipt, log.verifier.vkey)
    assert shown["proved"] == [
        "Record 0 (declaration.made) is in the log of example.org/assured at size 1, "
        "signed by example.org/assured."
    ]
    when, view, key, true = shown["trusted"]
    assert "2026-12-01T10:00:00Z" in when and "operator's own clock" in when
    assert "no witness cosignature is checked" in view
    assert key.startswith("That example.org/assured is the key") and "accurate" in true
    # The witness signed too, but the browser checks only the log's key: it says so.
    assert shown["unchecked"] == ["witness.example/w1"]
    _shot(page, "verify-assurance-en")
    for lang, heading, record in (
        ("zh-Hans", "它证明了什么", "记录 0"),
        ("zh-Hant", "它證明了什麼", "記錄 0"),
    ):
        shown = _assured(page, server, lang, receipt, log.verifier.vkey)
        assert shown["headings"][0] == heading and shown["proved"][0].startswith(record)
        assert "2026-12-01T10:00:00Z" in shown["trusted"][0]
        assert shown["unchecked"] == ["witness.example/w1"]
        _shot(page, f"verify-assurance-{lang}")
    receipt.write_bytes(format_proof(0, [], sign_note(checkpoint, [log]), extra=entry))
    shown = _assured(page, server, "en", receipt, log.verifier.vkey)
    assert shown["unchecked"] == [] and len(shown["headings"]) == 2


def test_verifier_keys_whose_base64_holds_a_plus(page: Page, server: str) -> None:
    # Regression: the in-browser verifier split the key on every '+', so about one log
    # key in two (whose base64 holds a '+') was refused.
    signer = next(s for s in (Signer.generate("example.org/plus") for _ in range(200))
                  if "+" in s.verifier.vkey.split("+", 2)[2])  # fmt: skip
    entry = b'{"kind":"archive.created"}'
    checkpoint = Checkpoint("example.org/plus", 1, leaf_hash(entry))
    receipt = format_proof(0, [], sign_note(checkpoint.to_text(), [signer]), extra=entry)
    page.goto(f"{server}/verify")
    answer = page.evaluate(
        "async ([text, vkey]) => window.erfurtCheckReceipt(new TextEncoder().encode(text), vkey)",
        [receipt.decode(), signer.verifier.vkey],
    )
    assert answer["ok"], answer


def test_reviewer_screens_a_csv_and_matches_a_name(page: Page, server: str, tmp_path: Path) -> None:
    names = tmp_path / "to-screen.csv"
    names.write_text("id,name\nr1,Jane Doe\nr2,王毅\nr3,\n", encoding="utf-8")
    for lang in ("zh-Hant", "en"):
        _log_in(page, server, "rita", lang=lang)
        page.goto(f"{server}/names/screen?lang={lang}")
        _shot(page, f"screen-{lang}")
        page.set_input_files("#file", str(names))
        page.click("form[action='/names/screen'] button[type=submit]")
        page.wait_for_selector("table.screened", timeout=60_000)
        _shot(page, f"screened-{lang}")
        first = page.locator("table.screened tbody tr").first
        assert "王毅" in first.inner_text() and "alert" in (first.get_attribute("class") or "")
        with page.expect_download() as download:
            page.click("a[href$='results.csv']")
        assert "王毅" in Path(download.value.path()).read_text(encoding="utf-8-sig")
    page.goto(f"{server}/names?name=Wang%20Yi&birth_date=1953-10-08&lang=zh-Hans")
    _shot(page, "names-zh-Hans")
    assert "王毅" in page.inner_text("main") and page.locator("caption").count() >= 1
    page.goto(f"{server}/names/lists?lang=en")
    _shot(page, "lists-en")
    assert "test-list" in page.inner_text("main")


def test_archivist_exports_a_package_and_a_visitor_verifies_it(
    page: Page, server: str, built: Built, tmp_path: Path
) -> None:
    index = built.documents["public/border-order.txt"]
    _log_in(page, server, "ana")
    page.goto(f"{server}/documents/{index}?lang=en")
    with page.expect_download() as download:
        page.click(f"a[href='/documents/{index}/package']")
    package = tmp_path / "package.zip"
    download.value.save_as(package)
    page.context.clear_cookies()
    for lang in ("zh-Hans", "en"):
        page.goto(f"{server}/verify/package?lang={lang}")
        page.set_input_files("#package-file", str(package))
        page.click("#package-form button[type=submit]")
        page.wait_for_selector("#package-result p.verified:not(:text('…'))")
        _shot(page, f"verify-package-{lang}")
        assert f" {index} (document.added)" in page.inner_text("#package-result")
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(forged, "w") as target:
        for info in source.infolist():
            body = source.read(info)
            target.writestr(info, body.replace(b"by the minister", b"by nobody"))
    page.set_input_files("#package-file", str(forged))
    page.click("#package-form button[type=submit]")
    page.wait_for_selector("#package-result p.error")
    _shot(page, "verify-package-refused-en")
    assert "Not verified" in page.inner_text("#package-result")


PAGES = [
    "/search?q=border",
    "/documents/{doc}",
    "/upload",
    "/declare",
    "/calls",
    "/names?name=Wang%20Yi&birth_date=1953-10-08",
    "/names/screen",
    "/names/lists",
    "/tally",
    "/verify",
    "/verify/package",
]


@pytest.mark.parametrize("lang", ["en", "zh-Hans", "zh-Hant"])
def test_every_page_fits_a_phone_in_each_language(
    page: Page, server: str, built: Built, lang: str
) -> None:
    """Screenshots of every page; none is wider than a phone's screen or mislabelled."""
    _log_in(page, server, "root", lang=lang)
    doc = built.documents["public/國安部報告.txt"]
    for path in PAGES:
        url = path.format(doc=doc)
        page.goto(f"{server}{url}{'&' if '?' in url else '?'}lang={lang}")
        name = url.strip("/").split("?")[0].replace("/", "-") or "home"
        _shot(page, f"page-{name}-{lang}")
        assert page.get_attribute("html", "lang") == lang
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{url} is {overflow} px wider than the screen in {lang}"


def _qr_read(page: Page, selector: str) -> str:
    """What the QR code at ``selector`` reads as, from screenshots of it as drawn: on a
    loaded machine a capture can come before the page has settled and read as nothing,
    so a few are taken (never more than 20) until one reads."""
    decoded = ""
    for _ in range(20):
        drawn = np.frombuffer(page.locator(selector).screenshot(), dtype=np.uint8)
        image = cv2.imdecode(drawn, cv2.IMREAD_GRAYSCALE)
        assert image is not None
        decoded, _, _ = cv2.QRCodeDetector().detectAndDecode(image)
        if decoded:
            break
        page.wait_for_timeout(100)
    return str(decoded)

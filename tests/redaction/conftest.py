"""An archive holding a PDF with a text layer, a photographed page and a plain-text
statement; the PDF and the photo redacted.

Built once per session through the real pipeline (add, extract with OCR, `erfurt redact`):
the planted strings, Latin and Chinese, are found in the extracted texts and marked there.
A copy taken before redacting serves the tests of `erfurt redact` itself (one `add` for
both: each starts extraction workers, the slowest step).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher, profiles
from click.testing import CliRunner, Result

from erfurt.archive import Accounts, Archive
from erfurt.cli import cli
from erfurt.cli.options import all_views
from erfurt.ingest import ExtractOptions, add_paths, extract_pending
from ingest_samples import image_bytes, scan_image, text_pdf

# What must never leave the archive, and words beside them that must still be published.
PLANTED = ("Zarathustra", "Quixbell", "Velmorica", "龙小凤")
BOXED = "Ostrovany"  # marked by the box over its line only, never by a span
KEPT = ("police", "station")
PDF_PAGES = [
    [
        "Witness Zarathustra Quixbell saw Commissioner of Police Carrie Lam.",
        "他说举报人龙小凤在场。",
        "The police came at noon.",
    ],
    [f"Second page: Quixbell again, {BOXED}.", "A box over this line."],
]
PHOTO_LINES = ["Informant Velmorica spoke", "举报人龙小凤作证", "The station was closed"]
REGION = "2:0,0,1000,120"  # the top of the PDF's second page
PASSWORD = "a long test password"
STATEMENT = "The statement of Lam Wai-ming, taken on 4 June.\nHe saw the order.\n"
CHEAP = PasswordHasher.from_parameters(profiles.CHEAPEST)


def run(*args: str | Path) -> Result:
    """Run the erfurt CLI in-process."""
    return CliRunner().invoke(cli, [str(a) for a in args])


def spans_of(text: str, strings: tuple[str, ...]) -> list[str]:
    """``--span`` options covering every occurrence of ``strings`` in ``text``."""
    options = []
    for planted in strings:
        start = text.find(planted)
        while start >= 0:
            options += ["--span", f"{start}:{start + len(planted)}"]
            start = text.find(planted, start + 1)
    return options


def document_text(archive: Path, index: int) -> tuple[str, str]:
    """(blob, extracted text with pages joined by form feeds) of document ``index``."""
    shown = run("show", "--archive", archive, str(index), "--json")
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    return data["record"]["blob"], "\f".join(data["text"]["pages"])


@dataclass(frozen=True)
class Redacted:
    path: Path
    pdf: int  # document records
    photo: int
    pdf_blob: str
    photo_blob: str
    redactions: tuple[int, int]  # the redaction records, pdf's then photo's
    unredacted: Path  # a copy taken before redacting, the statement at record `statement`
    statement: int


@pytest.fixture(scope="session")
def redacted(tmp_path_factory: pytest.TempPathFactory) -> Redacted:
    root = tmp_path_factory.mktemp("redaction")
    source = root / "source"
    source.mkdir()
    text_pdf(source / "leak.pdf", PDF_PAGES, font="cjk")
    photo = scan_image(PHOTO_LINES, degrade=False, size=60)
    (source / "photo.png").write_bytes(image_bytes(photo))
    (source / "statement.txt").write_text(STATEMENT, encoding="utf-8")
    path = root / "archive"
    with Archive.init(path, origin="example.org/redaction", who="setup", views=all_views()) as a:
        with Accounts.open(a.paths, hasher=CHEAP) as accounts:
            accounts.add_user("ana", "archivist", PASSWORD)
        files = [source / name for name in ("leak.pdf", "photo.png", "statement.txt")]
        added = add_paths(a, files, who="ana")
        extract_pending(a, ExtractOptions(), who="setup", workers=1)
        pdf, photo_index, statement = (r.record for r in added.files)
    assert pdf is not None and photo_index is not None and statement is not None
    unredacted = Path(shutil.copytree(path, root / "unredacted", symlinks=True))
    records = []
    for index in (pdf, photo_index):
        blob, text = document_text(path, index)
        marks = spans_of(text, PLANTED)
        assert len(marks) >= 4, f"OCR or the text layer lost a planted string: {text!r}"
        if index == pdf:
            marks += ["--box", REGION]
        done = run("redact", "--archive", path, blob, *marks, "--reason", "names a witness")
        assert done.exit_code == 0, done.output
        listed = json.loads(run("redactions", "list", "--archive", path, "--json").stdout)
        records.append(listed[-1]["record"])
    pdf_blob, _ = document_text(path, pdf)
    photo_blob, _ = document_text(path, photo_index)
    return Redacted(
        path,
        pdf,
        photo_index,
        pdf_blob,
        photo_blob,
        (records[0], records[1]),
        unredacted,
        statement,
    )

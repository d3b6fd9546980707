"""Benchmark of ingest and search: a generated mixed corpus, pipeline vs bare libraries.

- Ingest: a mixed corpus (born-digital PDFs in English and Chinese, scans, e-mails with
  attachments, HTML, .docx, .xlsx, zips, text in UTF-8/GB18030/Big5) preserved, logged and
  extracted by the pipeline with every core; baseline: the same files (and the attachments
  and zip members in them) through the bare extraction libraries in a process pool of the
  same size, in the same run, with no archive.
- Search: a generated corpus of English and Chinese documents indexed in the search view;
  p50/p95 latency of English words, phrases and prefixes and Chinese substrings; baseline:
  the same queries as a LIKE scan of the folded text (what a search without an index does).
- Memory: peak RSS of `erfurt add` (the largest process of its tree) at two corpus sizes.
"""

from __future__ import annotations

import email
import email.policy
import io
import multiprocessing
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

import charset_normalizer
import docx
import openpyxl
import pypdfium2
import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from erfurt.archive import Archive
from erfurt.ingest import (
    DocumentsView,
    ExtractionsView,
    ExtractOptions,
    add_paths,
    extract_pending,
)
from erfurt.search import (
    SearchView,
    count_pending,
    create_tables,
    fold,
    index_document,
    index_text,
    search,
)
from ingest_samples import (  # the generators the tests use
    HANS_LINES,
    HANT_LINES,
    docx_file,
    email_with_attachment,
    image_bytes,
    scan_image,
    text_pdf,
    xlsx_file,
    zip_file,
)
from rss import run_sampling_rss

WORKERS = os.cpu_count() or 1
_SYLLABLES = ["ka", "lo", "mi", "ten", "ra", "vos", "del", "un", "por", "sa", "ti", "gre", "an"]
_ENGLISH = (
    "The police detained twelve people at the station on Main Street after the protest. "
    "Witnesses said the officers refused to give their names or show any warrant. "
)


def _words(rng: random.Random, count: int) -> list[str]:
    return ["".join(rng.choices(_SYLLABLES, k=rng.randint(1, 3))) for _ in range(count)]


def _han(rng: random.Random, count: int) -> str:
    """Common simplified characters (GB2312 level 1), in random order."""
    return "".join(
        bytes([rng.randint(0xB0, 0xD6), rng.randint(0xA1, 0xFE)]).decode("gb2312", "replace")
        for _ in range(count)
    )


def make_corpus(folder: Path, files: int, *, scans: bool, seed: int = 1) -> int:
    """Write ``files`` distinct files of mixed kinds; return their total size in bytes."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    scratch = folder.parent / f"{folder.name}-scratch"
    scratch.mkdir(exist_ok=True)
    for n in range(files):
        kind = n % 20
        tag = f"item {n} " + " ".join(_words(rng, 8))
        if kind <= 5:
            encoding = ("utf-8", "gb18030", "big5")[n % 3]
            lines = HANT_LINES if encoding == "big5" else HANS_LINES
            text = f"{tag}\n{_ENGLISH * 3}\n{''.join(lines)}\n"
            (folder / f"{n:05}-note.txt").write_bytes(text.encode(encoding, "replace"))
        elif kind <= 8:
            text_pdf(folder / f"{n:05}-en.pdf", [[tag, *_ENGLISH.split(". ")]] * 3)
        elif kind <= 10:
            text_pdf(folder / f"{n:05}-zh.pdf", [[tag, *HANS_LINES], HANT_LINES], font="cjk")
        elif kind <= 12 or (kind == 19 and not scans) or (kind == 18 and not scans):
            body = "".join(f"<p>{tag} {_ENGLISH}</p>" for _ in range(6))
            page = f"<html><head><meta charset='utf-8'><title>{tag}</title></head><body>"
            page += f"<nav>Home | About</nav><article>{body}</article><footer>(c)</footer>"
            (folder / f"{n:05}-page.html").write_text(page, encoding="utf-8")
        elif kind <= 14:
            attachment = text_pdf(scratch / "att.pdf", [[tag, "attached list"]]).read_bytes()
            email_with_attachment(folder / f"{n:05}-mail.eml", attachment, name=f"list-{n}.pdf")
        elif kind == 15:
            document = docx.Document(str(docx_file(scratch / "d.docx")))
            document.add_paragraph(tag)
            document.save(str(folder / f"{n:05}-minutes.docx"))
        elif kind == 16:
            workbook = openpyxl.load_workbook(xlsx_file(scratch / "s.xlsx"))
            workbook.active.append([tag])  # type: ignore[union-attr]  # a fresh workbook has one
            workbook.save(str(folder / f"{n:05}-sheet.xlsx"))
        elif kind == 17:
            zip_file(
                folder / f"{n:05}-bundle.zip", {"a.txt": tag.encode(), "b.txt": _ENGLISH.encode()}
            )
        else:
            lines = [tag[:40], *(HANS_LINES if n % 2 else ["Witness statement", _ENGLISH[:50]])]
            (folder / f"{n:05}-scan.png").write_bytes(image_bytes(scan_image(lines)))
    return sum(p.stat().st_size for p in folder.iterdir())


# -- the baseline: the libraries alone ---------------------------------------------------


def _bare(path_and_data: tuple[str, bytes | None]) -> int:
    """Extract one file with the libraries directly; the characters of text found."""
    name, data = path_and_data
    raw = data if data is not None else Path(name).read_bytes()
    suffix = Path(name).suffix.lower()
    if suffix == ".pdf":
        document = pypdfium2.PdfDocument(raw)
        chars = sum(len(page.get_textpage().get_text_range()) for page in document)
        document.close()
        return chars
    if suffix == ".png":
        text = _tesseract(raw, "chi_sim+eng")
        if any("\u4e00" <= c <= "\u9fff" for c in text):
            text = _tesseract(raw, "chi_tra+eng")
        return len(text)
    if suffix == ".txt":
        return len(str(charset_normalizer.from_bytes(raw).best()))
    if suffix == ".html":
        return len(trafilatura.extract(raw) or "")
    if suffix == ".eml":
        message = email.message_from_bytes(raw, policy=email.policy.default)
        chars = 0
        for part in message.walk():
            if part.is_multipart():
                continue
            if part.get_filename():
                chars += _bare((part.get_filename() or "", part.get_payload(decode=True)))
            else:
                chars += len(part.get_content())  # type: ignore[attr-defined]  # EmailMessage
        return chars
    if suffix == ".docx":
        return sum(len(p.text) for p in docx.Document(io.BytesIO(raw)).paragraphs)
    if suffix == ".xlsx":
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        chars = sum(
            len(str(v))
            for ws in book.worksheets
            for r in ws.iter_rows(values_only=True)
            for v in r
            if v
        )
        book.close()
        return chars
    if suffix == ".zip":
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return sum(_bare((m, archive.read(m))) for m in archive.namelist())
    return 0


def _tesseract(image: bytes, language: str) -> str:
    done = subprocess.run(
        ["tesseract", "stdin", "stdout", "-l", language, "--psm", "1"],
        input=image,
        capture_output=True,
        env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin"},
        check=True,
    )
    return done.stdout.decode("utf-8", "replace")


def bare_seconds(folder: Path) -> float:
    """Seconds for the bare libraries over every file, in a pool of WORKERS processes."""
    jobs = [(str(p), None) for p in sorted(folder.iterdir())]
    start = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(WORKERS) as pool:
        list(pool.imap_unordered(_bare, jobs, chunksize=1))
    return time.perf_counter() - start


def pipeline_seconds(folder: Path, archive_path: Path) -> tuple[float, float, int]:
    """Seconds to preserve and log, seconds to extract, and how many texts were logged."""
    views = [DocumentsView(), ExtractionsView(), SearchView()]
    with Archive.init(archive_path, origin="bench.example/ingest", who="bench", views=views) as a:
        start = time.perf_counter()
        add_paths(a, [folder], who="bench")
        added = time.perf_counter()
        done = extract_pending(a, ExtractOptions(), who="bench", workers=WORKERS)
        extracted = time.perf_counter()
    return added - start, extracted - added, len(done)


# -- search --------------------------------------------------------------------------------


def build_search(
    db: sqlite3.Connection, docs: int, rng: random.Random
) -> tuple[list[tuple[str, str]], float]:
    """Index ``docs`` generated documents; return their (English, Chinese) parts and docs/s."""
    create_tables(db)
    vocabulary = _words(rng, 5000)
    parts = []
    start = time.perf_counter()
    for n in range(docs):
        english = " ".join(rng.choices(vocabulary, k=rng.randint(40, 90)))
        chinese = _han(rng, rng.randint(40, 120))
        text = f"{english}. {chinese}。" if n % 3 else f"{chinese}。{english}."
        index_document(db, 2 * n, f"b{n}", f"doc-{n}.txt", f"c{n % 10}")
        index_text(db, 2 * n + 1, f"b{n}", "bench", text)
        parts.append((english, chinese))
        if n % 5000 == 4999:
            count_pending(db)
            db.commit()
    count_pending(db)
    db.commit()
    return parts, docs / (time.perf_counter() - start)


def _queries(parts: list[tuple[str, str]], rng: random.Random, count: int) -> dict[str, list[str]]:
    """Queries taken from indexed documents, so each finds at least one."""
    picks = [rng.choice(parts) for _ in range(count)]
    words = [english.split() for english, _ in picks]
    at = [rng.randint(0, len(w) - 2) for w in words]

    def chinese(text: str, size: int) -> str:
        start = rng.randint(0, len(text) - size)
        return text[start : start + size]

    return {
        "English word": [w[i] for w, i in zip(words, at, strict=True)],
        "English phrase": [f'"{w[i]} {w[i + 1]}"' for w, i in zip(words, at, strict=True)],
        "English prefix": [f"{w[i][:3]}*" for w, i in zip(words, at, strict=True)],
        "Chinese 3-6 chars": [chinese(c, rng.randint(3, 6)) for _, c in picks],
        "Chinese 1-2 chars": [chinese(c, rng.randint(1, 2)) for _, c in picks],
    }


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def search_rows(docs: int, count: int) -> list[dict[str, Any]]:
    rng = random.Random(3)
    with tempfile.TemporaryDirectory() as tmp:
        db = sqlite3.connect(Path(tmp) / "views.sqlite")
        parts, rate = build_search(db, docs, rng)
        rows: list[dict[str, Any]] = [
            {
                "area": "search",
                "metric": f"documents indexed/s ({docs:,} docs)",
                "erfurt": rate,
                "baseline": None,
                "notes": "fold + one FTS5 index (words, Chinese character pairs)",
            }
        ]
        for label, queries in _queries(parts, rng, count).items():
            timings, scans = [], []
            for query in queries:
                start = time.perf_counter()
                search(db, query, limit=20)
                timings.append((time.perf_counter() - start) * 1000)
                term = fold(query.strip('"*'))
                start = time.perf_counter()
                db.execute(
                    "SELECT blob FROM search_texts WHERE folded LIKE ?", (f"%{term}%",)
                ).fetchall()
                scans.append((time.perf_counter() - start) * 1000)
            p50, p95 = _percentiles(timings)
            b50, b95 = _percentiles(scans)
            rows.append(
                {
                    "area": "search",
                    "metric": f"{label} p50 ms ({docs:,} docs)",
                    "erfurt": p50,
                    "baseline": b50,
                    "notes": "baseline: LIKE scan of the folded text",
                }
            )
            rows.append(
                {
                    "area": "search",
                    "metric": f"{label} p95 ms ({docs:,} docs)",
                    "erfurt": p95,
                    "baseline": b95,
                    "notes": "target < 50 ms",
                }
            )
        db.close()
    return rows


# -- memory ------------------------------------------------------------------------------


def peak_rss_mib(folder: Path, archive: Path) -> tuple[int, int]:
    """Peak RSS (MiB) of `erfurt add` over ``folder``: the main process, the largest worker."""
    cli = [sys.executable, "-c", "from erfurt.cli import main; main()"]
    init = [*cli, "init", "--archive", str(archive), "--who", "b"]
    subprocess.run(init, check=True, capture_output=True)
    add = [*cli, "add", "--archive", str(archive), "--who", "b", str(folder)]
    _, main_peak, worker_peak = run_sampling_rss(add)
    return main_peak, worker_peak


def run(quick: bool) -> list[dict[str, Any]]:
    files = 100 if quick else 1000
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        size = make_corpus(corpus, files, scans=True)
        preserve_s, extract_s, texts = pipeline_seconds(corpus, Path(tmp) / "archive")
        bare_s = bare_seconds(corpus)
        total = preserve_s + extract_s
        note = (
            f"{files} files + attachments/members = {texts} texts, {size / 1e6:.1f} MB, "
            f"{WORKERS} workers"
        )
        rows += [
            {
                "area": "ingest",
                "metric": "files/s (erfurt add: preserve, log, extract)",
                "erfurt": files / total,
                "baseline": files / bare_s,
                "notes": note,
            },
            {
                "area": "ingest",
                "metric": "MB/s",
                "erfurt": size / 1e6 / total,
                "baseline": size / 1e6 / bare_s,
                "notes": "",
            },
            {
                "area": "ingest",
                "metric": "seconds, all files",
                "erfurt": total,
                "baseline": bare_s,
                "notes": (
                    f"target <= 1.25x; preserve+log {preserve_s:.1f} s, "
                    f"extract+log {extract_s:.1f} s"
                ),
            },
            {
                "area": "ingest",
                "metric": "seconds, extraction stage only",
                "erfurt": extract_s,
                "baseline": bare_s,
                "notes": "extraction, text blobs, records, views, search index",
            },
        ]
    rows += search_rows(5_000 if quick else 100_000, 30 if quick else 200)
    small, large = (100, 300) if quick else (1000, 10_000)
    for count in (small, large):
        with tempfile.TemporaryDirectory() as tmp:
            corpus = Path(tmp) / "corpus"
            make_corpus(corpus, count, scans=False, seed=count)
            main_peak, worker_peak = peak_rss_mib(corpus, Path(tmp) / "archive")
            rows.append(
                {
                    "area": "ingest",
                    "metric": f"peak RSS MiB, erfurt add of {count:,} files",
                    "erfurt": main_peak,
                    "baseline": None,
                    "notes": f"main process, no scans; largest worker {worker_peak} MiB",
                }
            )
    return rows


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(row)

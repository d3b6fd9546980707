"""The command line for text: add extracts, search, failures, --retry-failed, reextract, show."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from erfurt.cli import cli
from ingest_samples import EN_LINES, HANT_LINES, encrypted_pdf, image_bytes, scan_image, text_pdf


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def _hits(result: Result) -> list[dict[str, Any]]:
    hits: list[dict[str, Any]] = json.loads(result.stdout)["hits"]
    return hits


def _rows(result: Result) -> list[dict[str, object]]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


@pytest.fixture
def arch(tmp_path: Path) -> Path:
    path = tmp_path / "arch"
    assert run("init", "--archive", path, "--who", "t").exit_code == 0
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "scan.png").write_bytes(image_bytes(scan_image(EN_LINES)))
    text_pdf(docs / "hk.pdf", [HANT_LINES], font="cid-hant")
    encrypted_pdf(docs / "locked.pdf", "s3cret")
    added = run("add", "--archive", path, "--who", "t", "--collection", "c1", docs)
    assert added.exit_code == 0, added.output
    assert "3 added" in added.output and "2 extracted, 1 failed" in added.output
    return path


def test_search_in_each_language_as_json(arch: Path) -> None:
    [english] = _hits(run("search", "--archive", arch, "--json", '"twelve people"'))
    assert english["name"] == "scan.png" and english["extractor"] == "ocr"
    fragment = english["fragments"][0]
    start, end = fragment["highlights"][0]
    assert fragment["text"][start:end] == "twelve people" and fragment["page"] == 1
    [chinese] = _hits(run("search", "--archive", arch, "--json", "国家卫生"))
    assert chinese["name"] == "hk.pdf" and "國家衛生" in chinese["fragments"][0]["text"]
    assert (
        _hits(run("search", "--archive", arch, "--json", "--collection", "c1", "xylophone")) == []
    )


def test_search_human_output_and_bad_query(arch: Path) -> None:
    shown = run("search", "--archive", arch, "國")
    assert shown.exit_code == 0 and "hk.pdf  (collection c1," in shown.output
    bad = run("search", "--archive", arch, "--json", '""')
    assert bad.exit_code == 1
    assert json.loads(bad.stdout)["ok"] is False


def test_failures_then_retry_with_the_password(arch: Path, tmp_path: Path) -> None:
    [failure] = _rows(run("failures", "--archive", arch, "--json"))
    assert failure["name"] == "locked.pdf" and "encrypted" in str(failure["reason"])
    assert "--pdf-passwords" in str(failure["hint"])
    passwords = tmp_path / "passwords.txt"
    passwords.write_text("wrong\ns3cret\n", encoding="utf-8")
    retried = run("add", "--archive", arch, "--retry-failed", "--pdf-passwords", passwords)
    assert retried.exit_code == 0 and "1 extracted, 0 failed" in retried.output
    assert _rows(run("failures", "--archive", arch, "--json")) == []
    assert run("add", "--archive", arch).exit_code == 2  # nothing to add, nothing to retry


def test_reextract_then_show_the_document(arch: Path) -> None:
    done = run("reextract", "--archive", arch, "--extractor", "ocr", "--collection", "c1")
    assert done.exit_code == 0 and "re-extracted 1" in done.output
    [hit] = _hits(run("search", "--archive", arch, "--json", "detained"))
    body = json.loads(run("show", "--archive", arch, "--json", hit["document"]).stdout)
    kinds = [c["record"]["kind"] for c in body["custody"]]
    assert kinds == ["document.added", "text.extracted", "text.extracted"]
    assert body["text"]["extractor"] == "ocr" and "detained" in body["text"]["pages"][0]
    human = run("show", "--archive", arch, hit["document"]).output
    assert "Witness statement" in human
    assert re.search(r"--- page 1 \(OCR confidence \d+\) ---", human)
    # an English scan tesseract is sure of is read by it alone (see extractors/ocr/english.py)
    assert "ocr: tesseract 5." in human
    assert "ocr models: eng.traineddata" in human
    ocr = body["text"]["ocr"]
    assert "eng.traineddata" in ocr["models"]
    assert isinstance(ocr["confidence"][0], int) and 50 < ocr["confidence"][0] <= 100
    [newest] = [c["record"] for c in body["custody"]][-1:]
    assert newest["ocr_confidence"] == ocr["confidence"]


def test_failures_low_confidence_lists_ocr_pages_under_the_threshold(arch: Path) -> None:
    [hit] = _hits(run("search", "--archive", arch, "--json", "detained"))
    body = json.loads(run("show", "--archive", arch, "--json", hit["document"]).stdout)
    confidence = body["text"]["ocr"]["confidence"][0]
    listed = _rows(run("failures", "--archive", arch, "--json", "--low-confidence", confidence + 1))
    assert [(p["name"], p["pages"]) for p in listed] == [
        ("scan.png", [{"page": 1, "confidence": confidence}])
    ]
    assert _rows(run("failures", "--archive", arch, "--json", "--low-confidence", confidence)) == []
    human = run("failures", "--archive", arch, "--low-confidence", confidence + 1).output
    assert f"scan.png  (collection c1): page 1 ({confidence})" in human
    default = run("failures", "--archive", arch, "--low-confidence")
    assert default.exit_code == 0 and "with OCR confidence under 90" in default.output


def test_extraction_limits_come_from_the_archive_settings(tmp_path: Path) -> None:
    path = tmp_path / "small"
    assert run("init", "--archive", path, "--who", "t").exit_code == 0
    settings = path / "erfurt.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(re.sub(r"(?m)^extract_max_size = .*$", "extract_max_size = 10", text))
    note = tmp_path / "note.txt"
    note.write_text("a note longer than ten bytes", encoding="utf-8")
    assert run("add", "--archive", path, note).exit_code == 0
    [failure] = _rows(run("failures", "--archive", path, "--json"))
    assert "larger than the limit of 10 bytes" in str(failure["reason"])
    assert "extract_max_size" in str(failure["hint"])

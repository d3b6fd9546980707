"""`erfurt redact`, `erfurt redactions list` and `erfurt export` of a redacted document."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from erfurt.archive import Archive
from erfurt.cli.options import all_views
from erfurt.redaction import MASK, published_passage

from .conftest import STATEMENT, Redacted, document_text, run

NAME = "Lam Wai-ming"


@pytest.fixture
def statement(redacted: Redacted, tmp_path: Path) -> tuple[Path, str, int, int]:
    """A fresh copy of the archive before redaction: (archive, the statement's blob, the
    name's offset in its text, the statement's document record)."""
    archive = Path(shutil.copytree(redacted.unredacted, tmp_path / "archive", symlinks=True))
    blob, text = document_text(archive, redacted.statement)
    return archive, blob, text.index(NAME), redacted.statement


def _listed(archive: Path) -> list[dict[str, object]]:
    listed = run("redactions", "list", "--archive", archive, "--json")
    assert listed.exit_code == 0, listed.output
    return list(json.loads(listed.stdout))


@pytest.mark.parametrize(
    ("marks", "says"),
    [
        (["--span", "4-9"], "is not START:END"),
        (["--span", "0:100000"], "ends past the text"),
        (["--box", "1:0,0,500,500"], "regions apply to PDFs and images"),
        ([], "nothing to redact"),
    ],
)
def test_a_bad_mark_is_refused_with_a_hint_and_nothing_is_logged(
    statement: tuple[Path, str, int, int], marks: list[str], says: str
) -> None:
    archive, blob, _, _ = statement
    refused = run("redact", "--archive", archive, blob, *marks, "--reason", "witness")
    assert refused.exit_code == 1
    assert says in refused.output and "Hint:" in refused.output
    assert "Traceback" not in refused.output
    assert _listed(archive) == []


def test_an_unknown_blob_is_refused(statement: tuple[Path, str, int, int]) -> None:
    archive, _, _, _ = statement
    for blob in ("0" * 64, "not-a-hash"):
        refused = run("redact", "--archive", archive, blob, "--span", "0:3", "--reason", "r")
        assert refused.exit_code == 1 and "Hint:" in refused.output, refused.output


def test_the_export_of_a_redacted_document_says_it_is_not_the_original(
    statement: tuple[Path, str, int, int], tmp_path: Path
) -> None:
    archive, blob, at, document = statement
    span = f"{at}:{at + len(NAME)}"
    done = run("redact", "--archive", archive, blob, "--span", span, "--reason", "a witness")
    assert done.exit_code == 0, done.output
    [redaction] = _listed(archive)
    assert redaction["original"] == blob and redaction["reason"] == "a witness"
    assert redaction["spans"] == [[at, at + len(NAME)]] and redaction["redacted"] is None

    exported = run(
        "export", "--archive", archive, str(document), "--out", tmp_path / "pkg", "--json"
    )
    assert exported.exit_code == 0, exported.output
    assert json.loads(exported.stdout)["record"] == redaction["record"]
    package = tmp_path / "pkg"
    how = (package / "data" / "HOW-TO-VERIFY.txt").read_text(encoding="utf-8")
    assert how.startswith("THIS PACKAGE DOES NOT HOLD THE ORIGINAL")
    [published] = list((package / "data" / "original").iterdir())
    text = published.read_text(encoding="utf-8")
    assert NAME not in text and MASK * len(NAME) in text and "He saw the order." in text
    record = json.loads((package / "data" / "record.json").read_bytes())
    assert record["kind"] == "redaction.marked" and NAME not in json.dumps(record)

    vkey = run("log", "vkey", "--archive", archive).stdout.strip()
    checked = run("verify", "--archive", archive, package, "--vkey", vkey)
    assert checked.exit_code == 0, checked.output

    court = run(
        "export", "--archive", archive, str(document), "--out", tmp_path / "court", "--unredacted"
    )
    assert court.exit_code == 0, court.output
    assert NAME in (tmp_path / "court" / "data" / "original" / "statement.txt").read_text()


def test_a_second_redaction_keeps_the_first_marks(statement: tuple[Path, str, int, int]) -> None:
    archive, blob, at, _ = statement
    for span in (f"{at}:{at + 3}", f"{at + 4}:{at + len(NAME)}"):
        done = run("redact", "--archive", archive, blob, "--span", span, "--reason", "witness")
        assert done.exit_code == 0, done.output
    first, second = _listed(archive)
    assert second["spans"] == [[at, at + 3], [at + 4, at + len(NAME)]]
    assert len(first["spans"]) == 1  # type: ignore[arg-type]


def test_a_text_extracted_again_is_not_shown_with_old_offsets(
    statement: tuple[Path, str, int, int],
) -> None:
    archive, blob, at, _ = statement
    span = f"{at}:{at + len(NAME)}"
    assert run("redact", "--archive", archive, blob, "--span", span, "--reason", "w").exit_code == 0
    again = run("reextract", "--archive", archive, "--extractor", "text", "--quiet")
    assert again.exit_code == 0, again.output
    with Archive.open(archive, views=all_views()) as opened, opened.read_views() as db:
        [(newer,)] = db.execute("SELECT max(record) FROM citations WHERE kind='text.extracted'")
        [redaction] = _listed(archive)
        assert newer != redaction["text_record"]
        assert published_passage(db, blob, newer, 0, STATEMENT) is None
        masked = published_passage(db, blob, int(str(redaction["text_record"])), 0, STATEMENT)
        assert masked is not None and NAME not in masked
    refused = run("redact", "--archive", archive, blob, "--span", "0:3", "--reason", "w")
    assert refused.exit_code == 1 and "extracted again" in refused.output
    assert "--replace" in refused.output
    again = run("redact", "--archive", archive, blob, "--span", span, "--reason", "w", "--replace")
    assert again.exit_code == 0, again.output
    assert _listed(archive)[-1]["text_record"] == newer


def test_the_redactions_view_is_rebuilt_from_the_log(statement: tuple[Path, str, int, int]) -> None:
    archive, blob, at, _ = statement
    span = f"{at}:{at + len(NAME)}"
    assert run("redact", "--archive", archive, blob, "--span", span, "--reason", "w").exit_code == 0
    before = _listed(archive)
    assert run("rebuild", "--archive", archive, "--quiet").exit_code == 0
    assert _listed(archive) == before
    checked = run("log", "check", "--archive", archive, "--views")
    assert checked.exit_code == 0, checked.output

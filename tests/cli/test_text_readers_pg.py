"""The readers behind `erfurt failures`, `reextract` and `redactions list` answer alike on
both view backends (issue 13 item 2): each is given the connection `query_views()` lends."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from erfurt.archive import Archive
from erfurt.errors import InputError
from erfurt.ingest import (
    DocumentsView,
    ExtractionsView,
    ExtractOptions,
    add_paths,
    extract_pending,
    require_collection,
    require_extractor,
)
from erfurt.ingest.extractions import failures, low_confidence
from erfurt.redaction import RedactionsView, Span, mark_redaction, redactions

VIEWS = [DocumentsView(), ExtractionsView(), RedactionsView()]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive (views in SQLite) with a text, a failed PDF and a redaction."""
    root = tmp_path_factory.mktemp("text-readers")
    (root / "files").mkdir()
    (root / "files" / "order.txt").write_text("Carrie Lam signed the order.\n", encoding="utf-8")
    (root / "files" / "broken.pdf").write_bytes(b"%PDF-1.7\nnot really a pdf\n")
    path = root / "archive"
    with Archive.init(path, origin="example.org/text-readers", who="t", views=VIEWS) as archive:
        add_paths(archive, [root / "files"], collection="main", who="ana")
        extract_pending(archive, ExtractOptions(), who="t", workers=1)
        with archive.query_views() as db:
            [(order,)] = db.execute("SELECT blob FROM documents WHERE name = 'order.txt'")
        mark_redaction(archive, order, spans=[Span(0, 10)], regions=[], reason="a witness", who="t")
    return path


def _refusal(check: Callable[..., Any], *args: object) -> str:
    with pytest.raises(InputError) as refused:
        check(*args)
    return f"{refused.value.message} / {refused.value.hint}"


def _answers(archive: Archive) -> list[object]:
    with archive.query_views() as db:
        require_collection(db, "main")
        require_collection(db, None)
        require_extractor(db, "text")
        return [
            _refusal(require_collection, db, "nowhere"),
            _refusal(require_extractor, db, "ocr"),
            failures(db, "main"),
            low_confidence(db, 101, "main"),
            redactions(db),
            redactions(db, "0" * 64),
        ]


def test_the_text_and_redaction_readers_answer_alike_on_both_backends(
    extracted: Path, view_database: str
) -> None:
    with Archive.open(extracted, views=VIEWS) as local:
        expected = _answers(local)
    assert "main" in str(expected[0]) and "text" in str(expected[1])
    assert len(expected[2]) == 1 and len(expected[4]) == 1  # type: ignore[arg-type]
    with Archive.open(extracted, views=VIEWS, database=view_database) as other:
        assert _answers(other) == expected

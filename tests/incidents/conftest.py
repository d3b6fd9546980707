"""An archive with the incidents view and three documents' texts to cite."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from erfurt.archive import Archive, Record
from erfurt.incidents import IncidentsView

TEXTS = {
    "report": "On 12 August 1961 three people were shot at the wall by Border Regiment 33.",
    "newspaper": "Five people died at the wall on 12 August 1961, the paper says.",
    "reprint": "Five people died at the wall on 12 August 1961, the paper says. (reprint)",
}


class Clock:
    """The archive's clock: 25 November 2026, a second later at every reading."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@dataclass(frozen=True)
class Texts:
    """The text record of each document in :data:`TEXTS`."""

    records: dict[str, int]

    def cite(self, name: str, phrase: str) -> str:
        """``RECORD:START-END`` of ``phrase`` in text ``name``."""
        start = TEXTS[name].index(phrase)
        return f"{self.records[name]}:{start}-{start + len(phrase)}"


def add_text(archive: Archive, name: str, text: str) -> int:
    """Preserve a document and log its extracted text; returns the text record."""
    source = archive.put_bytes(f"original of {name}".encode())
    blob = archive.put_bytes(text.encode())
    [index] = archive.append(
        [
            Record(
                "text.extracted",
                {
                    "source": source.sha256,
                    "text": blob.sha256,
                    "extractor": "test",
                    "extractor_version": "1",
                    "media_type": "text/plain",
                    "pages": 1,
                    "chars": len(text),
                    "time": archive.now(),
                },
            )
        ]
    )
    return index


@pytest.fixture
def archive(archive_path: Path) -> Iterator[Archive]:
    with Archive.init(
        archive_path,
        origin="test.example/incidents",
        who="tester",
        views=[IncidentsView()],
        clock=Clock(),
    ) as opened:
        yield opened


@pytest.fixture
def texts(archive: Archive) -> Texts:
    return Texts({name: add_text(archive, name, text) for name, text in TEXTS.items()})

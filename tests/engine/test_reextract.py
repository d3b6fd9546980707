"""`erfurt reextract` on a real local Dask cluster of 2 worker processes (its own: one
worker is killed here): the records of the local reextraction, each once, even when a
worker dies mid-job."""

from __future__ import annotations

import json
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import Result

from engine_jobs import ClusterAccess, Killing, files_of_every_kind, records_without_times, run
from erfurt.archive import Archive
from erfurt.engine import Engine
from erfurt.ingest import (
    DocumentsView,
    ExtractionsView,
    ExtractOptions,
    add_paths,
    extract_pending,
)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """An archive whose files were added and extracted here, and its record count."""
    folder = tmp_path_factory.mktemp("reextract")
    views = [DocumentsView(), ExtractionsView()]
    with Archive.init(folder / "arch", origin="t.example/a", who="t", views=views) as archive:
        add_paths(archive, [files_of_every_kind(folder / "files")], who="t")
        extract_pending(archive, ExtractOptions(time_limit_s=3600), who="t", workers=1)
        return folder / "arch", archive.size


def _copy(extracted: tuple[Path, int], to: Path) -> Path:
    return Path(shutil.copytree(extracted[0], to))


def _reextracted(path: Path, since: int) -> Counter[str]:
    with Archive.open(path, views=[DocumentsView(), ExtractionsView()]) as archive:
        return records_without_times(archive, since)


def _texts(done: Result) -> list[str]:
    """The JSON lines printed, without record numbers (which follow the finishing order)."""
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    return sorted(json.dumps({k: v for k, v in r.items() if k != "record"}) for r in rows)


@pytest.fixture(scope="module")
def local(
    extracted: tuple[Path, int], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Counter[str], Result]:
    """The records and output of `erfurt reextract --extractor text` on the local engine
    (the 30 notes and the 2 texts in the zip)."""
    path = _copy(extracted, tmp_path_factory.mktemp("local") / "arch")
    done = run(
        *("reextract", "--archive", path, "--extractor", "text", "--who", "t"),
        *("--engine", "local", "--jobs", "1", "--json", "--quiet"),
    )
    assert done.exit_code == 0, done.output
    records = _reextracted(path, extracted[1])
    kinds = Counter(json.loads(key)[0] for key in records.elements())
    assert kinds["text.extracted"] == 32 and max(records.values()) == 1
    return records, done


def test_reextraction_on_the_engine_logs_the_local_records(
    extracted: tuple[Path, int],
    local: tuple[Counter[str], Result],
    access: ClusterAccess,
    tmp_path: Path,
) -> None:
    path = _copy(extracted, tmp_path / "arch")
    done = run(
        *("reextract", "--archive", path, "--extractor", "text", "--who", "t"),
        *access.options(),
        *("--json", "--quiet"),
    )
    assert done.exit_code == 0, done.output
    assert _reextracted(path, extracted[1]) == local[0]
    assert _texts(done) == _texts(local[1])
    assert done.stderr == local[1].stderr  # re-extracted N, failed 0


def test_reextraction_with_a_worker_killed_appends_nothing_twice(
    extracted: tuple[Path, int],
    local: tuple[Counter[str], Result],
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Chunks of 4 files: tasks are still running when results come back.
    monkeypatch.setattr(sys.modules["erfurt.extractors.distributed"], "_CHUNK", 4)
    path = _copy(extracted, tmp_path / "arch")
    killing = Killing(engine)
    with Archive.open(path, views=[DocumentsView(), ExtractionsView()]) as archive:
        extract_pending(
            archive, ExtractOptions(time_limit_s=3600), who="t", extractor="text", pool=killing
        )
    assert killing.killed and killing.killed not in engine.worker_pids().values()
    assert _reextracted(path, extracted[1]) == local[0]  # each record once

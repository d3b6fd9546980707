"""Batch jobs on a real local Dask cluster of 2 worker processes (one per module): the
same output and records as the local engine, a worker killed mid-job (the last test: the
cluster has one worker after it), an engine that cannot be reached, and the engine
benchmark's smoke test."""

from __future__ import annotations

import json
import socket
import sys
from collections import Counter
from pathlib import Path

import pytest

from benches import load_bench
from engine_jobs import (
    ClusterAccess,
    Killing,
    configure,
    files_of_every_kind,
    records_without_times,
    run,
)
from erfurt.archive import Archive
from erfurt.engine import Engine, EngineSpec
from erfurt.errors import ConfigError, EngineError
from erfurt.ingest import (
    DocumentsView,
    ExtractionPool,
    ExtractionsView,
    ExtractOptions,
    add_paths,
    extract_pending,
)
from erfurt.names import read_ofac_sdn

BENCH = load_bench("bench_engine")
OFAC: Path = BENCH.OFAC  # the shared 2021 list, read in place


@pytest.fixture(scope="module")
def screened(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """An archive with a slice of the 2021 OFAC list (as FtM), and a CSV of names spelt
    as people type them."""
    assert (OFAC / "sdn.csv").is_file(), f"shared test data missing: {OFAC}"
    folder = tmp_path_factory.mktemp("screen")
    listed = read_ofac_sdn(OFAC).entities[::6]
    ftm = folder / "ofac-slice.json"
    lines = [
        {"id": e.id, "schema": e.schema, "properties": {"name": list(e.names)}} for e in listed
    ]
    ftm.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    archive = folder / "arch"
    assert run("init", "--archive", archive, "--who", "tester").exit_code == 0
    assert run("lists", "import", "ftm", ftm, "--archive", archive).exit_code == 0
    rows = ["id,name,birth_date"]
    for number, entity in enumerate(listed[::5]):
        name = entity.names[0].replace(",", "")
        typed = (name, name.lower(), name[:-1], " ".join(reversed(name.split())))[number % 4]
        rows.append(f"r{number},{typed},{'1960' if number % 3 == 0 else ''}")
    rows += ["empty,,", "bad-date,Someone Else,1960-13-40"]
    queries = folder / "names.csv"
    queries.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return archive, queries


def test_screening_on_the_engine_prints_what_the_local_engine_prints(
    screened: tuple[Path, Path], access: ClusterAccess, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive, queries = screened
    monkeypatch.setattr(
        sys.modules["erfurt.names.screen"], "_ENGINE_CHUNK", 64
    )  # several tasks, cheaply
    local = run("screen", "--archive", archive, queries, "--jobs", "2", "--quiet")
    on_engine = run("screen", "--archive", archive, queries, *access.options(), "--quiet")
    assert local.exit_code == 0 and on_engine.exit_code == 0, on_engine.output
    rows = [json.loads(line) for line in local.stdout.splitlines()]
    assert len(rows) > 4 * 64
    assert sum(bool(row["matches"]) for row in rows) > 150
    assert on_engine.stdout == local.stdout
    assert on_engine.stderr == local.stderr  # the summary: alerts per list, rows skipped


def test_the_engine_is_chosen_by_the_archive_configuration(
    screened: tuple[Path, Path], access: ClusterAccess
) -> None:
    archive, queries = screened
    config = archive / "erfurt.toml"
    kept = configure(archive, access.settings())
    try:
        configured = run("screen", "--archive", archive, queries, "--quiet")
        config.write_text(kept, encoding="utf-8")
        configure(archive, {"engine": f"dask://127.0.0.1:{_free_port()}"})
        unreachable = run("screen", "--archive", archive, queries, "--quiet")
    finally:
        config.write_text(kept, encoding="utf-8")
    local = run("screen", "--archive", archive, queries, "--quiet", "--engine", "local")
    assert configured.exit_code == 0 and configured.stdout == local.stdout
    assert unreachable.exit_code == 1
    assert "no Dask scheduler answers at tcp://127.0.0.1:" in unreachable.output
    assert "Hint: start the scheduler" in unreachable.output
    assert "Traceback" not in unreachable.output


def test_the_engine_benchmark_runs_on_the_cluster_and_resumes(
    access: ClusterAccess, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """bench/bench_engine.py's smoke test (it fails if the engine's results differ): 300
    names in slices of 120, a checkpoint after each; run again, it screens nothing more."""
    kept = tmp_path / "checkpoint.json"
    bench = {"address": access.address, "tls": access.tls(), "checkpoint": kept}
    rows = BENCH.run(quick=True, slice_size=120, **bench)
    assert {row["area"] for row in rows} == {"engine"} and len(rows) == 3
    assert all(row["erfurt"] > 0 for row in rows)
    assert all(row["baseline"] > 0 for row in rows if "baseline" in row)
    assert "peak RSS MiB: engine worker" in rows[-1]["notes"]
    slices = json.loads(kept.read_text(encoding="utf-8"))["slices"]
    assert sorted(slices) == ["0/0", "0/1", "0/2"]
    progress = capsys.readouterr().err.splitlines()
    assert [line.split()[1] for line in progress] == ["120/300", "240/300", "300/300"]
    again = BENCH.run(quick=True, slice_size=120, **bench)
    assert again[:2] == rows[:2]  # the figures kept, nothing screened again
    assert capsys.readouterr().err == f"resuming: 3 slices done in {kept}\n"
    with pytest.raises(SystemExit, match="other parameters"):
        BENCH.run(quick=True, slice_size=100, **bench)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_an_unreachable_scheduler_is_a_clear_error() -> None:
    with pytest.raises(EngineError, match="no Dask scheduler answers") as caught:
        Engine.start(EngineSpec.parse(f"dask://127.0.0.1:{_free_port()}"))
    assert "dask scheduler" in caught.value.hint


def test_a_scheduler_without_workers_is_a_clear_error() -> None:
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=0,
        processes=False,
        protocol="tcp://",
        host="127.0.0.1",
        dashboard_address=None,
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
    ) as alone:
        address = "dask://" + alone.scheduler_address.removeprefix("tcp://")
        # No worker will ever come: how long it is waited for changes nothing (the
        # connection itself keeps the default timeout, as a loaded machine may need it).
        with pytest.raises(EngineError, match="has no worker") as caught:
            Engine.start(EngineSpec.parse(address), worker_timeout=2)
    assert "dask worker" in caught.value.hint


@pytest.mark.parametrize(
    "value",
    ["spark", "dask://", "dask://host", "tcp://h:1", "dask:8786", "tls://h", "dask://h:\u00b2"],
)
def test_an_engine_erfurt_does_not_know_is_refused(value: str) -> None:
    with pytest.raises(ConfigError, match="is not one Erfurt knows"):
        EngineSpec.parse(value)


def _extracted(path: Path, folder: Path, runner: ExtractionPool | Killing) -> Counter[str]:
    views = [DocumentsView(), ExtractionsView()]
    with Archive.init(path, origin="t.example/a", who="t", views=views) as a:
        add_paths(a, [folder], who="t")
        extract_pending(a, ExtractOptions(time_limit_s=3600), who="t", pool=runner)
        return records_without_times(a)


def test_extraction_on_the_engine_logs_the_local_records_even_when_a_worker_dies(
    engine: Engine, tmp_path: Path
) -> None:
    folder = files_of_every_kind(tmp_path / "files")
    with ExtractionPool(ExtractOptions(time_limit_s=3600), workers=1) as pool:
        local = _extracted(tmp_path / "local", folder, pool)
    assert len(engine.worker_pids()) == 2
    killing = Killing(engine)
    distributed = _extracted(tmp_path / "engine", folder, killing)
    assert killing.killed and killing.killed not in engine.worker_pids().values()
    assert distributed == local  # the same records, each once: nothing appended twice
    kinds = Counter(json.loads(key)[0] for key in local.elements())
    assert kinds["text.extracted"] == 36 and kinds["extraction.failed"] == 0
    assert max(local.values()) == 1

"""The PostgreSQL search benchmark runs on a few documents, so bench code cannot rot."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from benches import load_bench
from pg_cluster import PgCluster, running_cluster


def test_search_pg_bench_runs_tiny_and_both_backends_answer_alike(pg_cluster: PgCluster) -> None:
    module = load_bench("bench_search_pg")
    build, *latency = module.run(docs=60, rounds=1, cluster=pg_cluster)
    assert build["erfurt"] > 0 and build["baseline"] > 0
    assert {row["metric"].split(" on ")[0] for row in latency} >= {"p95 ms names", "p95 ms zh"}


@pytest.fixture
def kept() -> Iterator[Path]:
    """A folder for a kept build that the server's user can reach (pytest's tmp_path
    sits in a folder only its owner may enter)."""
    folder = Path(tempfile.mkdtemp(prefix="erfurt-kept-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


def test_a_kept_build_is_queried_again_with_the_page_cache_asked(kept: Path) -> None:
    module = load_bench("bench_search_pg")
    module.run(docs=40, rounds=0, keep=kept)
    assert (kept / "documents").read_text() == "40\n"
    latency = module.run(reuse=kept, rounds=1, shared_buffers="32MB")
    assert "p95 ms zh on PostgreSQL (40 docs)" in {row["metric"] for row in latency}
    with (
        running_cluster(durable=True, kept=kept / "pg", shared_buffers="48MB") as cluster,
        psycopg.connect(cluster.url()) as db,
    ):
        assert db.execute("SHOW shared_buffers").fetchone() == ("48MB",)

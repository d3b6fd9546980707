"""An archive whose blobs and published log are in S3, through the command line."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from erfurt.archive import Archive, PublishedLog, Record
from erfurt.cli import cli
from s3_server import SECRET, S3Bucket


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def arch(tmp_path: Path, s3: S3Bucket) -> Path:
    """An archive with ``blobs = "s3://<bucket>/blobs"``, and two documents added."""
    path = tmp_path / "arch"
    assert (
        run("init", "--archive", path, "--origin", "test.example/s3", "--who", "t").exit_code == 0
    )
    config = path / "erfurt.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('blobs = ""', f'blobs = "s3://{s3.name}/blobs"'), "utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "report.txt").write_text("The 1973 shooting order.\n", encoding="utf-8")
    (docs / "名单.txt").write_text("国家卫生健康委员会\n", encoding="utf-8")
    added = run("add", "--archive", path, "--who", "ana", "--json", "--quiet", docs)
    assert added.exit_code == 0, added.output
    return path


def _check(arch: Path, *args: str) -> Result:
    return run("log", "check", "--archive", arch, "--json", *args)


def _width(key: str) -> int:
    return int(key.rpartition("/")[2])


def _blob_keys(s3: S3Bucket) -> list[str]:
    return [k for k in s3.listing() if k.startswith("blobs/")]


def test_blobs_in_the_store_are_added_read_checked_and_put_back(
    arch: Path, s3: S3Bucket, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Archive.open(arch, catch_up=False) as archive:
        cited = {
            sha for _, record in archive.records(as_logged=True) for sha in record.blobs().values()
        }
        index, report = next(
            (i, r) for i, r in archive.records(as_logged=True) if r.get("name") == "report.txt"
        )
        blob = report.blobs()["blob"]
    assert cited and _blob_keys(s3) == sorted(f"blobs/{s[:2]}/{s[2:4]}/{s}" for s in cited)
    assert not any(p.is_file() for p in (arch / "blobs").rglob("*"))
    for key in _blob_keys(s3):
        assert key.rpartition("/")[2] == hashlib.sha256(s3.get(key)).hexdigest()
    leaked = [p for p in arch.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]
    assert leaked == []

    shutil.rmtree(arch / "cache")  # read back from the store, not the cache
    shown = json.loads(run("show", "--archive", arch, "--json", str(index)).stdout)
    assert "shooting order" in "".join(shown["text"]["pages"])
    checked = _check(arch)
    assert checked.exit_code == 0, checked.output
    assert json.loads(checked.stdout)["blobs_checked"] == len(cited)

    # A write the store lost: the check asks the store (the cache still has the blob).
    s3.delete(f"blobs/{blob[:2]}/{blob[2:4]}/{blob}")
    lost = _check(arch)
    assert lost.exit_code == 1
    problems = json.loads(lost.stdout)["problems"]
    assert any(f"blob {blob} is missing from s3://" in p for p in problems)
    # Preserving the file again puts it back, once, through throttling and a lost reply.
    s3.faults.add(lambda method, path: method == "PUT", "throttle", times=2)
    s3.faults.add(lambda method, path: method == "PUT", "drop-reply", times=1)
    before = len(s3.listing())
    with Archive.open(arch, catch_up=False) as archive:
        assert archive.put_file(tmp_path / "docs" / "report.txt").sha256 == blob
    assert len(s3.listing()) == before + 1
    assert _check(arch).exit_code == 0

    # A store that keeps refusing: `add` stops with the store's error and a hint, and
    # logs nothing of the batch.
    size = json.loads(_check(arch).stdout)["tree_size"]
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    s3.faults.add(lambda method, path: method == "PUT", "throttle", times=1_000)
    (tmp_path / "later.txt").write_text("A statement sent later.\n", encoding="utf-8")
    down = run("add", "--archive", arch, "--who", "ana", "--quiet", tmp_path / "later.txt")
    assert down.exit_code == 1
    assert "SlowDown" in down.output and "run it again" in down.output
    assert "Traceback" not in down.output and SECRET not in down.output
    s3.faults.clear()
    assert json.loads(_check(arch).stdout)["tree_size"] == size

    s3.replace(_blob_keys(s3)[0], b"not what was preserved")  # a store that lies
    altered = _check(arch)
    assert altered.exit_code == 1 and "has been altered" in altered.stdout


@pytest.fixture
def logged(tmp_path: Path) -> Path:
    """An archive (blobs in its folder) whose log holds a few records."""
    path = tmp_path / "logged"
    with Archive.init(path, origin="test.example/published", who="t") as archive:
        for n in range(4):
            blob = archive.put_bytes(f"statement {n}".encode())
            record = {"blob": blob.sha256, "size": blob.size, "name": f"{n}.txt"}
            archive.append(
                [
                    Record(
                        "document.added",
                        {
                            **record,
                            "media_type": "text/plain",
                            "collection": "c",
                            "time": archive.now(),
                            "who": "t",
                        },
                    )
                ]
            )
    return path


def test_the_log_published_to_the_store_checks_and_is_repaired_by_publishing_again(
    logged: Path, s3: S3Bucket
) -> None:
    arch = logged
    target = f"s3://{s3.name}/log"
    first = run("log", "publish", "--archive", arch, "--out", target, "--json")
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    local = sorted(
        p.relative_to(arch / "log").as_posix() for p in (arch / "log").rglob("*") if p.is_file()
    )
    assert sorted(k.removeprefix("log/") for k in s3.listing() if k.startswith("log/")) == local
    assert report["uploaded"] == len(local) - 1 and report["already_there"] == 0
    assert s3.get("log/checkpoint") == (arch / "log" / "checkpoint").read_bytes()

    checked = _check(arch, "--published", target)
    assert checked.exit_code == 0, checked.output
    with Archive.open(arch, catch_up=False) as archive:
        published = PublishedLog.open(target, archive.vkey)
        assert [r for _, r in published.records()] == [
            r for _, r in archive.records(as_logged=True)
        ]

    # The newest entry bundle (older partial ones are not needed by the checkpoint).
    bundle = max((k for k in s3.listing() if k.startswith("log/tile/entries/")), key=_width)
    s3.delete(bundle)  # a write the store lost
    lost = _check(arch, "--published", target)
    assert lost.exit_code == 1 and "tile/entries" in lost.output

    again = json.loads(run("log", "publish", "--archive", arch, "--out", target, "--json").stdout)
    assert again["uploaded"] == 1 and again["already_there"] == len(local) - 2
    assert _check(arch, "--published", target).exit_code == 0

    s3.replace(bundle, b"other bytes")  # a store that lies
    assert _check(arch, "--published", target).exit_code == 1
    refused = run("log", "publish", "--archive", arch, "--out", target, "--json")
    assert refused.exit_code == 1
    assert "not overwritten" in refused.stdout
    assert s3.get(bundle) == b"other bytes"


def test_publishing_with_no_destination_says_how_to_give_one(logged: Path) -> None:
    result = run("log", "publish", "--archive", logged)
    assert result.exit_code == 2 and "publish" in result.output and "--out" in result.output

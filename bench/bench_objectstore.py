"""Benchmark of blobs in S3 against blobs in the archive folder, same run.

A batch of blobs is staged and committed (``StagedBlobs``, the path ``erfurt add`` takes),
then each is read back and re-hashed (``read_blob``; for S3 from the store, the cache
emptied first). The S3 store is moto's server on loopback, in a child process, so the CPU
seconds are Erfurt's own (client, hashing, staging); the wall times also hold moto's work
and its one connection per request, so they are a floor, not the speed of a real store.
The baseline is the folder store (fsync'd, renamed) on the same blobs in the same run.

    $ python bench/bench_objectstore.py          # 200 x 64 KiB and 8 x 4 MiB, 3 rounds
    $ python bench/bench_objectstore.py --quick  # 8 x 64 KiB and 2 x 1 MiB, 1 round
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import multiprocessing
import os
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing import Queue
from pathlib import Path
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

from erfurt.archive import ArchivePaths
from erfurt.archive.blobs import BlobStore
from erfurt.archive.s3blobs import BucketPlace

_BUCKET = "erfurt-bench"


def _serve(ports: Queue[int]) -> None:
    """In the child process: run moto's S3 server on a free port until killed."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    ports.put(server.get_host_and_port()[1])
    threading.Event().wait()


@contextmanager
def _s3() -> Iterator[None]:
    """A moto S3 server on a free loopback port in a child process, and the AWS
    environment pointing at it."""
    ports: Queue[int] = multiprocessing.Queue()
    child = multiprocessing.Process(target=_serve, args=(ports,), daemon=True)
    child.start()
    host, port = "127.0.0.1", ports.get()
    settings = {
        "AWS_ENDPOINT_URL_S3": f"http://{host}:{port}",
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    saved = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    try:
        boto3.client("s3").create_bucket(Bucket=_BUCKET)
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        child.terminate()
        child.join()


def _blobs(count: int, size: int, round_: int) -> list[bytes]:
    """``count`` distinct blobs of ``size`` bytes, different in every round."""
    seed = os.urandom(size)
    return [f"{round_}:{n}:".encode() + seed[: size - 16] for n in range(count)]


def _timed(work: Any) -> tuple[float, float]:
    """Wall and CPU seconds of ``work()``."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def _round(store: BlobStore, paths: ArchivePaths, data: list[bytes]) -> dict[str, float]:
    def put() -> None:
        staged = store.staged()
        try:
            for blob in data:
                staged.put_bytes(blob)
            staged.commit()
        finally:
            staged.discard()

    put_wall, put_cpu = _timed(put)
    names = [hashlib.sha256(blob).hexdigest() for blob in data]
    shutil.rmtree(paths.blob_cache, ignore_errors=True)
    get_wall, get_cpu = _timed(lambda: [store.read_blob(name) for name in names])
    return {"put": put_wall, "put_cpu": put_cpu, "get": get_wall, "get_cpu": get_cpu}


def _measure(count: int, size: int, rounds: int) -> dict[str, dict[str, float]]:
    """Median seconds per phase, for the folder store and the S3 store, rounds interleaved."""
    results: dict[str, list[dict[str, float]]] = {"folder": [], "s3": []}
    with tempfile.TemporaryDirectory() as tmp:
        paths = {name: ArchivePaths(Path(tmp) / name) for name in results}
        stores = {
            "folder": BlobStore(paths["folder"]),
            "s3": BlobStore(paths["s3"], BucketPlace(f"s3://{_BUCKET}/{size}", paths["s3"])),
        }
        for round_ in range(rounds):
            data = _blobs(count, size, round_)
            for name, store in stores.items():
                results[name].append(_round(store, paths[name], data))
    return {
        name: {phase: statistics.median(r[phase] for r in runs) for phase in runs[0]}
        for name, runs in results.items()
    }


def run(quick: bool) -> list[dict[str, Any]]:
    """Blobs/s and MB/s put and got, S3 (moto on loopback) against the folder store."""
    shapes = [(8, 64 * 1024), (2, 1024 * 1024)] if quick else [(200, 64 * 1024), (8, 4 << 20)]
    rounds = 1 if quick else 3
    rows: list[dict[str, Any]] = []
    with _s3():
        for count, size in shapes:
            medians = _measure(count, size, rounds)
            mb = count * size / 1e6
            for phase, verb in (("put", "staged and committed"), ("get", "read and re-hashed")):
                s3, folder = medians["s3"], medians["folder"]
                rows.append(
                    {
                        "area": "objectstore",
                        "metric": f"MB/s {verb}, {count} blobs of {size // 1024} KiB",
                        "erfurt": mb / s3[phase],
                        "baseline": mb / folder[phase],
                        "notes": (
                            f"S3 (moto, loopback, another process) vs folder; Erfurt's CPU s "
                            f"{s3[phase + '_cpu']:.2f} vs {folder[phase + '_cpu']:.2f}; "
                            f"median of {rounds}"
                        ),
                    }
                )
    return rows


def main() -> None:
    """Print the rows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one round")
    for row in run(parser.parse_args().quick):
        s3, folder = row["erfurt"], row["baseline"]
        print(f"{row['metric']}: S3 {s3:,.1f}, folder {folder:,.1f}; {row['notes']}")


if __name__ == "__main__":
    main()

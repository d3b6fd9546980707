"""Secure intake: what encrypting on arrival costs against writing the same bytes in clear.

Sealing a submission (X25519 + ChaCha20-Poly1305 in 64 KiB chunks, to a file, fsync'd)
and opening it again, against the baseline of writing the same bytes unencrypted to a
file (fsync'd) in the same run. Medians of repeated runs: the machine is shared.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from erfurt.intake import EnvelopeWriter, open_envelope

MiB = 1024 * 1024
PIECE = 256 * 1024  # what an upload hands over at a time


def _median_seconds(action: Callable[[], None], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Rows: sealing and opening throughput (MiB/s) against a plain write."""
    size = 4 * MiB if quick else 128 * MiB
    repeats = 1 if quick else 3
    data = os.urandom(size)
    key = X25519PrivateKey.generate()
    with tempfile.TemporaryDirectory() as folder:
        sealed, plain, opened = (Path(folder) / n for n in ("sealed", "plain", "opened"))

        def seal() -> None:
            with sealed.open("wb") as out:
                writer = EnvelopeWriter(key.public_key(), out)
                for start in range(0, size, PIECE):
                    writer.write(data[start : start + PIECE])
                writer.finish()
                out.flush()
                os.fsync(out.fileno())

        def write_plain() -> None:
            with plain.open("wb") as out:
                for start in range(0, size, PIECE):
                    out.write(data[start : start + PIECE])
                out.flush()
                os.fsync(out.fileno())

        def open_sealed() -> None:
            with sealed.open("rb") as source, opened.open("wb") as out:
                open_envelope(key, source, out, "bench")

        baseline = _median_seconds(write_plain, repeats)
        sealing = _median_seconds(seal, repeats)
        opening = _median_seconds(open_sealed, repeats)
        assert opened.read_bytes() == data
    mib = size / MiB
    notes = f"{mib:.0f} MiB, median of {repeats}; baseline: the same bytes written in clear"
    return [
        {"area": "intake", "metric": "seal on arrival (MiB/s)", "erfurt": mib / sealing,
         "baseline": mib / baseline, "notes": notes},
        {"area": "intake", "metric": "open offline (MiB/s)", "erfurt": mib / opening,
         "baseline": mib / baseline, "notes": notes},
    ]  # fmt: skip

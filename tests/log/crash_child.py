"""Child process for the crash test: append batches forever, acknowledge each one.

Usage: python crash_child.py DIRECTORY SKEY SEED. It prints ``open`` once the log is open
(recovered); then after each ``append`` returns it prints
``<first index> <tree size> <base64 checkpoint note>`` and flushes, so every printed line
is an acknowledged batch.
"""

from __future__ import annotations

import base64
import hashlib
import random
import sys
from pathlib import Path

from erfurt.log import LogWriter, Signer


def entry(index: int) -> bytes:
    """The deterministic content of entry ``index``."""
    digest = hashlib.sha256(str(index).encode()).hexdigest()
    return f"entry {index} {digest[: index % 64]}".encode()


def main() -> None:
    directory, skey, seed = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    rng = random.Random(seed)
    with LogWriter.open(directory, Signer.from_skey(skey)) as writer:
        print("open", flush=True)
        while True:
            start = writer.tree_size
            batch = [
                entry(i) for i in range(start, start + rng.choice([1, 7, 255, 256, 900, 3000]))
            ]
            first = writer.append(batch)
            note = base64.b64encode(writer.checkpoint).decode()
            print(first, writer.tree_size, note, flush=True)


if __name__ == "__main__":
    main()

"""Screening speed and memory of this tree's name engine against a git revision's, in one run.

The machines here are shared and loaded, so a speed means something only against a
baseline measured in the same run: this exports the revision's ``src/`` (``git archive``)
to a temporary folder and runs the same screening in alternating child processes (this
tree, the revision, this tree, ...). Each child loads a prepared index of the full OFAC
list (built beforehand by its own code), screens the same queries (persons of the list
with one typo, then yente negatives, names only) twice: on the fresh index, then warm;
it reports queries per second and its peak memory (VmHWM). Medians over the rounds.

    python bench/names_versus.py [REV] [--rounds N]   # REV defaults to main
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import asdict
from io import BytesIO
from pathlib import Path

from erfurt.names import read_ofac_sdn

# Sibling modules: found whether this runs as a script or with -m.
sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_names
import names_halves as halves

ROOT = halves.ROOT
_BUILD = """
import sys
from erfurt.names import Matcher, read_ofac_sdn
from pathlib import Path
entities = list(read_ofac_sdn(Path(sys.argv[1])).entities)
Path(sys.argv[2]).write_bytes(Matcher.build(entities).to_bytes())
"""
_SCREEN = """
import json, sys, time
from erfurt.errors import InputError
from erfurt.names import Matcher, Query
matcher = Matcher.from_bytes(open(sys.argv[1], "rb").read())
asked = json.load(open(sys.argv[2], encoding="utf-8"))
queries = [Query(q["name"], q["birth_date"], q["country"], q["schema"]) for q in asked]
rates = []
for _ in range(2):  # fresh index, then warm
    start = time.perf_counter()
    for query in queries:
        try:
            matcher.match(query, limit=5, threshold=0.7)
        except InputError:
            pass
    rates.append(len(queries) / (time.perf_counter() - start))
status = open("/proc/self/status").read()
print(rates[0], rates[1], int(status.split("VmHWM:")[1].split()[0]) / 1024)
"""


def _export(rev: str, folder: Path) -> Path:
    """The revision's ``src/`` tree, unpacked under ``folder``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "src"], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder / "src"


def _child(code: str, src: Path, *arguments: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(src)}
    command = [sys.executable, "-c", code, *map(str, arguments)]
    return subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout


def main() -> None:
    rev = next((a for a in sys.argv[1:] if not a.startswith("--")), "main")
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 3
    entities = list(read_ofac_sdn(halves.SHARED / "ofac-sdn-2021").entities)
    queries = [q for q, _ in bench_names.typo_positives(entities, 500)]
    queries += [q for q, _ in bench_names.negatives(500, qualified=False)]
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        trees = {"this tree": ROOT / "src", rev: _export(rev, folder / "rev")}
        asked = folder / "queries.json"
        asked.write_text(json.dumps([asdict(q) for q in queries], ensure_ascii=False))
        results: dict[str, list[tuple[float, ...]]] = {name: [] for name in trees}
        index = {name: folder / f"index-{i}.bin" for i, name in enumerate(trees)}
        for name, src in trees.items():
            _child(_BUILD, src, halves.SHARED / "ofac-sdn-2021", index[name])
        for _ in range(rounds):
            for name, src in trees.items():
                out = _child(_SCREEN, src, index[name], asked)
                results[name].append(tuple(float(x) for x in out.split()))
    print(f"{len(queries)} queries, {rounds} rounds, medians (load: {os.getloadavg()[0]:.1f})")
    for name, runs in results.items():
        fresh, warm, peak = (statistics.median(r[i] for r in runs) for i in range(3))
        print(f"{name:12} fresh {fresh:7.0f} q/s  warm {warm:7.0f} q/s  peak {peak:5.0f} MiB")


if __name__ == "__main__":
    main()

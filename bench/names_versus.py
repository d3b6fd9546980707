"""Screening speed and memory of this tree's name engine against a git revision's, in one run.

The machines here are shared and loaded, so a speed means something only against a
baseline measured in the same run: this exports the revision's ``src/`` (``git archive``)
to a temporary folder and runs the same screening in alternating child processes (this
tree, the revision, this tree, ...). Each child loads a prepared index of the full OFAC
list (built beforehand by its own code), screens the same queries (persons of the list
with one typo, then yente negatives, names only) twice: on the fresh index, then warm;
it reports queries per second of its own CPU time (so that the other processes of a
loaded machine count less) and its peak memory (VmHWM). A third pass screens as
``/match`` does (yente negatives with birth date and nationality, limit 5, no threshold, so
every candidate is scored). Medians over the rounds.

With ``--same``, it proves instead that a change moved no score: both trees answer the
development halves (queries with and without birth date and nationality, limit 10, no
threshold; labelled pairs scored name against name) and every answer, explanation
included, must be identical.

    python bench/names_versus.py [REV] [--rounds N] [--same]   # REV defaults to main
"""

from __future__ import annotations

import argparse
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
from typing import Any

from erfurt.names import Query, read_ofac_sdn

# Sibling modules: found whether this runs as a script or with -m.
sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_names
import names_generate
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
rates = []
for which, threshold in (("screen", 0.7), ("screen", 0.7), ("service", 0.0)):
    queries = [Query(**q) for q in asked[which]]
    start = time.process_time()
    for query in queries:
        try:
            matcher.match(query, limit=5, threshold=threshold)
        except InputError:
            pass
    rates.append(len(queries) / (time.process_time() - start))
status = open("/proc/self/status").read()
print(*rates, int(status.split("VmHWM:")[1].split()[0]) / 1024)
"""

_ANSWER = """
import json, sys
from erfurt.errors import InputError
from erfurt.names import Matcher, Query
from erfurt.names.parts import analyse
from erfurt.names.score import compare_names
matcher = Matcher.from_bytes(open(sys.argv[1], "rb").read())
asked = json.load(open(sys.argv[2], encoding="utf-8"))
for q in asked["queries"]:
    try:
        found = [repr(m) for m in matcher.match(Query(**q), limit=10)]
    except InputError as exc:
        found = [exc.message]
    print(json.dumps(found, ensure_ascii=False))
for name1, name2, schema in asked["pairs"]:
    s = compare_names(analyse(name1, schema), analyse(name2, schema))
    found = s and [s.score, s.query.text, s.query.how, s.listed.text, s.listed.how, s.decided]
    print(json.dumps(found, ensure_ascii=False))
"""


def _development() -> dict[str, list[Any]]:
    """The queries and labelled pairs of every development half (see names_halves.py)."""
    dev: halves.Half = "development"
    entities = list(read_ofac_sdn(halves.SHARED / "ofac-sdn-2021").entities)
    typos = [
        q for q, wanted in bench_names.typo_positives(entities, 500) if halves.half(wanted) == dev
    ]
    names = [r["query"] for r in halves.chinese_pairs(dev)] + [
        r["form"] for r in halves.hong_kong()
    ]
    names += [r["name"] for r in halves.other_negatives(dev)]
    names += [
        n for n, _ in names_generate.negatives(1000, lambda n: False) if halves.half(n) == dev
    ]
    queries = [*typos, *(Query(n, schema="Person") for n in names)]
    for qualified in (False, True):
        queries += [q for q, which in bench_names.negatives(4000, qualified) if which == dev]
    pairs = [(r["name1"], r["name2"], r["schema"]) for r in halves.cases(dev)]
    pairs += [(r["query"], r["listed"], "Person") for r in halves.chinese_pairs(dev)]
    return {"queries": [asdict(q) for q in queries], "pairs": pairs}


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


def same(rev: str) -> bool:
    """Whether this tree and ``rev`` answer every development query and pair identically
    (prints the count, and the first difference)."""
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        asked = folder / "asked.json"
        asked.write_text(json.dumps(_development(), ensure_ascii=False))
        answers = []
        for i, src in enumerate((ROOT / "src", _export(rev, folder / "rev"))):
            index = folder / f"index-{i}.bin"
            _child(_BUILD, src, halves.SHARED / "ofac-sdn-2021", index)
            answers.append(_child(_ANSWER, src, index, asked).splitlines())
    ours, theirs = answers
    print(f"{len(ours)} answers (this tree), {len(theirs)} ({rev})")
    for n, (a, b) in enumerate(zip(ours, theirs, strict=False)):
        if a != b:
            print(f"first difference, answer {n}:\n  this tree: {a}\n  {rev}: {b}")
            return False
    return len(ours) == len(theirs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("rev", nargs="?", default="main", help="the git revision to compare")
    parser.add_argument("--rounds", type=int, default=3, help="child processes per tree")
    parser.add_argument("--same", action="store_true", help="compare answers, not speed")
    args = parser.parse_args()
    rev, rounds = args.rev, args.rounds
    if args.same:
        identical = same(rev)
        print("identical" if identical else "DIFFERENT")
        sys.exit(0 if identical else 1)
    entities = list(read_ofac_sdn(halves.SHARED / "ofac-sdn-2021").entities)
    queries = [q for q, _ in bench_names.typo_positives(entities, 500)]
    queries += [q for q, _ in bench_names.negatives(500, qualified=False)]
    asked_as_match = [q for q, _ in bench_names.negatives(1000, qualified=True)]
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        trees = {"this tree": ROOT / "src", rev: _export(rev, folder / "rev")}
        asked = folder / "queries.json"
        asked.write_text(
            json.dumps(
                {
                    "screen": [asdict(q) for q in queries],
                    "service": [asdict(q) for q in asked_as_match],
                },
                ensure_ascii=False,
            )
        )
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
        fresh, warm, service, peak = (statistics.median(r[i] for r in runs) for i in range(4))
        print(
            f"{name:12} fresh {fresh:5.0f} q/s  warm {warm:5.0f} q/s  "
            f"/match-style {service:5.0f} q/s  peak {peak:4.0f} MiB"
        )


if __name__ == "__main__":
    main()

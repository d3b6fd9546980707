"""Entity extraction as `erfurt entities extract` runs it (the OFAC list loaded: known
forms, readings of listed names, persons linked by the names engine), in KB of text per
CPU-second, against another checkout on the same texts in the same run.

Each checkout runs in a child process with one BLAS thread; CPU seconds (not wall time)
are compared, so the load other work puts on the machine disturbs the ratio little. The
children also hash what they found: equal digests mean the two checkouts found the same
mentions and claims.

    python bench/bench_entities_speed.py [--quick] [--against ../main/src]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
_CHILD = """
import hashlib, json, sys, time
from threadpoolctl import threadpool_limits
sys.path.insert(0, {bench!r})
import bench_entities
from erfurt.cli.entities import matcher_extractor
from erfurt.entities import KnownEntity
from erfurt.names import Matcher, read_ofac_sdn
listed = read_ofac_sdn(bench_entities.OFAC).entities[::{step}]
extractor = matcher_extractor([KnownEntity(e.id, e.schema, e.names) for e in listed],
                              Matcher.build(listed))
out = {{}}
with threadpool_limits(1):
    for lang, size in {texts!r}:
        text = getattr(bench_entities, f"_{{lang}}_text")(size)
        extractor.extract(text[:5000])
        started = time.process_time()
        found = extractor.extract(text)
        cpu = time.process_time() - started
        out[lang] = {{"bytes": len(text.encode()), "cpu": cpu,
                     "digest": hashlib.sha256(found.to_bytes()).hexdigest()}}
print(json.dumps(out))
"""


def measure(src: Path | None, quick: bool) -> dict[str, dict[str, Any]]:
    """KB, CPU seconds and result digest per language, of the checkout at ``src``."""
    size = 20_000 if quick else 100_000
    code = _CHILD.format(
        bench=str(HERE), step=16 if quick else 1, texts=[("english", size), ("chinese", size)]
    )
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    measured: dict[str, dict[str, Any]] = json.loads(done.stdout.splitlines()[-1])
    return measured


def run(quick: bool = False, against: Path | None = None) -> list[dict[str, Any]]:
    """One row per language: KB/s per core here, and in ``against`` (a ``src`` folder)."""
    ours = measure(HERE.parent / "src", quick)
    theirs = measure(against, quick) if against is not None else None
    rows = []
    for lang, mine in ours.items():
        other = theirs[lang] if theirs else None
        same = "" if other is None else f"; same results: {other['digest'] == mine['digest']}"
        rows.append(
            {"area": "entities",
             "metric": f"entity extraction with the OFAC list, {lang} (KB per CPU-second)",
             "erfurt": mine["bytes"] / mine["cpu"] / 1e3,
             "baseline": None if other is None else other["bytes"] / other["cpu"] / 1e3,
             "notes": (f"baseline: {against}" if against else "no --against checkout")
             + f"; {mine['bytes'] / 1e3:.0f} KB; target >= 200" + same}
        )  # fmt: skip
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small texts, every 16th entry")
    parser.add_argument("--against", type=Path, help="the src folder of another checkout")
    options = parser.parse_args()
    for row in run(options.quick, options.against):
        print(json.dumps(row, ensure_ascii=False))

"""Entity extraction as `erfurt entities extract` runs it (the OFAC list loaded: known
forms, readings of listed names, persons linked by the names engine), in KB of text per
CPU-second, against another checkout on the same texts in the same run.

Each checkout runs in a child process with one BLAS thread; CPU seconds (not wall time)
are compared, so the load other work puts on the machine disturbs the ratio little. The
children also hash what they found: equal digests mean the two checkouts found the same
mentions and claims. The texts repeat the labelled documents of ``bench_entities.py``, so
the finders' caches of readings and matcher answers help more than on fresh text.

    python bench/bench_entities_speed.py [--quick] [--against ../main/src]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

# Sibling modules: found whether this runs as a script, in a child or from the smoke test.
sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_entities
import entities_linking

HERE = Path(__file__).resolve().parent


def extraction_cpu(quick: bool) -> dict[str, dict[str, Any]]:
    """Bytes, CPU seconds and result digest per language, with the erfurt this process
    imports (quick: 5 KB texts and a few listed persons instead of the OFAC list)."""
    from threadpoolctl import threadpool_limits

    from erfurt.cli.entities import matcher_extractor
    from erfurt.entities import KnownEntity
    from erfurt.names import Matcher, read_ofac_sdn

    if quick:
        listed = entities_linking.list_entries(entities_linking.persons()[::16])
    else:
        listed = read_ofac_sdn(bench_entities.OFAC).entities
    known = [KnownEntity(e.id, e.schema, e.names) for e in listed]
    extractor = matcher_extractor(known, Matcher.build(listed))
    size = 5_000 if quick else 100_000
    out = {}
    with threadpool_limits(1):
        for lang, text in (
            ("english", bench_entities._english_text(size)),
            ("chinese", bench_entities._chinese_text(size)),
        ):
            extractor.extract(text[:2000])
            started = time.process_time()
            found = extractor.extract(text)
            cpu = time.process_time() - started
            out[lang] = {"bytes": len(text.encode()), "cpu": cpu,
                         "digest": hashlib.sha256(found.to_bytes()).hexdigest()}  # fmt: skip
    return out


def measure(src: Path, quick: bool) -> dict[str, dict[str, Any]]:
    """:func:`extraction_cpu` in a child process importing erfurt from ``src``."""
    code = (
        f"import json, sys; sys.path.insert(0, {str(HERE)!r}); import bench_entities_speed; "
        f"print(json.dumps(bench_entities_speed.extraction_cpu({quick})))"
    )
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    measured: dict[str, dict[str, Any]] = json.loads(done.stdout.splitlines()[-1])
    return measured


def rows(
    ours: dict[str, dict[str, Any]],
    theirs: dict[str, dict[str, Any]] | None,
    against: Path | None,
) -> list[dict[str, Any]]:
    """One row per language: KB per CPU-second here and in the other checkout."""
    out = []
    for lang, mine in ours.items():
        other = theirs[lang] if theirs else None
        same = "" if other is None else f"; same results: {other['digest'] == mine['digest']}"
        out.append(
            {"area": "entities",
             "metric": f"entity extraction with the OFAC list, {lang} (KB per CPU-second)",
             "erfurt": mine["bytes"] / mine["cpu"] / 1e3,
             "baseline": None if other is None else other["bytes"] / other["cpu"] / 1e3,
             "notes": (f"baseline: {against}" if against else "no --against checkout")
             + f"; {mine['bytes'] / 1e3:.0f} KB; target >= 200" + same}
        )  # fmt: skip
    return out


def run(quick: bool = False, against: Path | None = None) -> list[dict[str, Any]]:
    """The rows, this checkout and ``against`` (a ``src`` folder) each in a child."""
    ours = measure(HERE.parent / "src", quick)
    theirs = measure(against, quick) if against is not None else None
    return rows(ours, theirs, against)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small texts, a small list")
    parser.add_argument("--against", type=Path, help="the src folder of another checkout")
    options = parser.parse_args()
    for row in run(options.quick, options.against):
        print(json.dumps(row, ensure_ascii=False))

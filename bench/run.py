"""Run every benchmark in bench/ and print one table; write bench/results/latest.json.

python bench/run.py            full run (minutes)
python bench/run.py --quick    a fast smoke run on tiny sizes
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
import time
import traceback
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _format(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.0f}"
    return str(value)


def _cells(row: dict[str, Any]) -> tuple[str, str, str, str, str]:
    """One table line. Rows should carry area, metric, erfurt, baseline and notes; keys
    outside that contract (units, targets, percentiles...) are shown in the notes."""
    known = {"area", "metric", "erfurt", "baseline", "notes"}
    value, base = row.get("erfurt"), row.get("baseline")
    notes = [str(row["notes"])] if row.get("notes") else []
    notes += [f"{k}={v}" for k, v in row.items() if k not in known]
    if isinstance(value, int | float) and isinstance(base, int | float) and base:
        notes.insert(0, f"{value / base:.2f}x")
    metric = str(row.get("metric", "-"))
    return (str(row.get("area", "-")), metric, _format(value), _format(base), "; ".join(notes))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for a smoke run")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))
    rows: list[dict[str, Any]] = []
    failed = []
    for path in sorted(HERE.glob("bench_*.py")):
        print(f"running {path.name} ...", file=sys.stderr)
        try:  # one broken benchmark must not hide the others' figures
            rows += importlib.import_module(path.stem).run(quick=args.quick)
        except Exception:
            traceback.print_exc()
            failed.append(path.name)
            area = path.stem.removeprefix("bench_")
            rows.append({"area": area, "metric": "FAILED", "erfurt": None, "notes": "see stderr"})
    header = ("area", "metric", "erfurt", "baseline", "ratio / notes")
    table = [header, *(_cells(row) for row in rows)]
    widths = [max(len(r[i]) for r in table) for i in range(4)]
    for r in table:
        print("  ".join(r[i].ljust(widths[i]) for i in range(4)) + "  " + r[4])
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    meta = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "python": platform.python_version(),
        "quick": args.quick,
    }
    (results / "latest.json").write_text(json.dumps({**meta, "rows": rows}, indent=2) + "\n")
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

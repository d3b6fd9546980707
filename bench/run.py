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
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _format(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.0f}"
    return str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for a smoke run")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))
    rows: list[dict[str, Any]] = []
    for path in sorted(HERE.glob("bench_*.py")):
        module = importlib.import_module(path.stem)
        print(f"running {path.name} ...", file=sys.stderr)
        rows += module.run(quick=args.quick)
    header = ("area", "metric", "erfurt", "baseline", "ratio / notes")
    table = [header]
    for row in rows:
        base = row.get("baseline")
        ratio = f"{row['erfurt'] / base:.2f}x; " if base else ""
        table.append(
            (
                row["area"],
                row["metric"],
                _format(row["erfurt"]),
                _format(base),
                ratio + row.get("notes", ""),
            )
        )
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
    return 0


if __name__ == "__main__":
    sys.exit(main())

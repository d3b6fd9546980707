"""A large non-UTF-8 text file: peak memory and seconds of its extraction.

Erfurt's text extractor (encoding judged on a 256 KiB sample, decoded in chunks) against
the whole-file approach it replaced (charset-normalizer over all the bytes, then both
Chinese readings of all of it scored character by character, then one decode), each in a
fresh process on the same GB18030 file, measured in the same run.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

MiB = 1024 * 1024
LINE = "王立强说我们在北京看到了这些文件。Witness statement, 4 June.\n"

_ERFURT = """
import resource, sys, time
from pathlib import Path
from erfurt.extractors import ExtractOptions
from erfurt.extractors.text import extract_text
start = time.perf_counter()
chars = len(extract_text(Path(sys.argv[1]), ExtractOptions()).text)
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, chars)
"""
_WHOLE_FILE = """
import resource, sys, time
from pathlib import Path
import charset_normalizer
from erfurt.extractors.text import _is_common
start = time.perf_counter()
data = Path(sys.argv[1]).read_bytes()
best = charset_normalizer.from_bytes(data).best()
readings = []
for encoding in ("gb18030", "big5hkscs"):
    try:
        wide = [c for c in data.decode(encoding) if ord(c) > 0x7F]
    except UnicodeDecodeError:
        continue
    readings.append((sum(map(_is_common, wide)) / max(len(wide), 1), encoding))
encoding = max(readings)[1] if readings else (best.encoding if best else "utf-8")
chars = len(data.decode(encoding, errors="replace"))
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, chars)
"""


def _measure(code: str, path: Path) -> tuple[float, float, int]:
    done = subprocess.run(
        ["nice", sys.executable, "-c", code, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    seconds, max_rss_kib, chars = done.stdout.split()
    return float(seconds), int(max_rss_kib) / 1024, int(chars)


def run(quick: bool) -> list[dict[str, Any]]:
    """Extract one generated GB18030 text (256 KiB quick, 20 MiB full) both ways."""
    size = MiB // 4 if quick else 20 * MiB
    line = LINE.encode("gb18030")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.txt"
        path.write_bytes(line * (size // len(line)))
        erfurt_s, erfurt_mib, erfurt_chars = _measure(_ERFURT, path)
        whole_s, whole_mib, whole_chars = _measure(_WHOLE_FILE, path)
    mb = f"{size / MiB:g}"
    note = f"{mb} MiB GB18030; chars {erfurt_chars} vs {whole_chars}"
    return [
        {
            "area": "ingest",
            "metric": f"peak RSS MiB, {mb} MiB text",
            "erfurt": erfurt_mib,
            "baseline": whole_mib,
            "notes": note,
        },
        {
            "area": "ingest",
            "metric": f"seconds, {mb} MiB text",
            "erfurt": erfurt_s,
            "baseline": whole_s,
            "notes": "baseline: the whole-file detection Erfurt used before",
        },
    ]


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv), indent=1))

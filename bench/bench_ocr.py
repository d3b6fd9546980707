"""Benchmark of OCR on generated degraded scans: accuracy (CER) and speed per engine.

The evaluation set (tests/ocr_pages.py): 41 A4 pages, simplified and traditional Chinese,
English and mixed, in Hei, Ming, Kai, DejaVu Serif and Sans faces, each clean or degraded
(scan: 1-2° tilt, 150 dpi, blur, speckle; jpeg: scan + JPEG quality 25; rot90; two
columns; stamp and pen stroke; phone photo; fax: 126 dpi, thresholded), and nine pages of
Chinese written in columns (vertical, scanned: eight traditional, four in each half, and
one simplified), with gold text.
Each page is in the ``dev`` or ``eval`` half by a hash of its id; the pipeline's
parameters were chosen on ``dev`` alone.

Engines, each on every page in the same run, one process, one thread each:

- ``tesseract``: tesseract 5.3.0 alone on the whole page, ``--psm 1``, with the language
  pack of the page's script given (``chi_sim``, ``chi_tra``, ``eng``, ``chi_sim+eng``):
  more than tesseract knows in real use, so an upper bound for it;
- ``ppocr``: PP-OCRv4 alone as ``rapidocr-onnxruntime`` runs it by default;
- ``pipeline``: Erfurt's OCR stage (``erfurt.ingest.extract_file`` on the image file).

Time is measured as CPU seconds of this process and the processes it ran (tesseract),
user and system: what a page costs a core, which a busy shared machine inflates far less
than wall time. Wall seconds are printed too.

``python bench/bench_ocr.py [--half dev] [--engines pipeline]`` prints a markdown table
per page and per script and degradation.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from erfurt.ingest import ExtractOptions, extract_file
from ocr_pages import VERTICAL, Sample, cer, evaluation_set, half_of, sample

_PACKS = {"hans": "chi_sim", "hant": "chi_tra", "en": "eng", "mixed": "chi_sim+eng"}
ENGINES = ("tesseract", "ppocr", "pipeline")


def _tesseract(page: Sample) -> str:
    done = subprocess.run(
        ["tesseract", "stdin", "stdout", "-l", _PACKS[page.script], "--psm", "1"],
        input=page.image,
        capture_output=True,
        env={"OMP_THREAD_LIMIT": "1"},
        check=True,
    )
    return done.stdout.decode("utf-8", "replace")


def _ppocr() -> Callable[[Sample], str]:
    from rapidocr_onnxruntime import RapidOCR

    engine = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)

    def read(page: Sample) -> str:
        found, _ = engine(page.image)
        return "\n".join(str(line[1]) for line in found or [])

    return read


def _pipeline(folder: Path) -> Callable[[Sample], str]:
    options = ExtractOptions()

    def read(page: Sample) -> str:
        path = folder / "page"
        path.write_bytes(page.image)
        return extract_file(path, "page", options).text

    return read


Reading = tuple[Sample, float, float, float]
"""A page, the CER an engine read it at, the CPU seconds and the wall seconds it took."""


def cpu_seconds() -> float:
    """User and system CPU seconds of this process and of its finished children."""
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(pages: list[Sample], engines: tuple[str, ...] = ENGINES) -> dict[str, list[Reading]]:
    """A :data:`Reading` of every page by every engine."""
    with tempfile.TemporaryDirectory() as scratch:
        factories: dict[str, Callable[[], Callable[[Sample], str]]] = {
            "tesseract": lambda: _tesseract,
            "ppocr": _ppocr,
            "pipeline": lambda: _pipeline(Path(scratch)),
        }
        readers = {engine: factories[engine]() for engine in engines}
        if "pipeline" in engines:  # models load once, before the clock starts
            readers["pipeline"](sample("hans", "clean", lines=1))
        results: dict[str, list[Reading]] = defaultdict(list)
        for page in pages:
            for engine in engines:
                cpu, wall = cpu_seconds(), time.perf_counter()
                text = readers[engine](page)
                cpu, wall = cpu_seconds() - cpu, time.perf_counter() - wall
                results[engine].append((page, cer(text, page.gold), cpu, wall))
    return results


def worker_memory_mib(
    scripts: tuple[str, ...] = ("hans", "hant", "en"), a4: bool = True
) -> tuple[float, float]:
    """Peak resident memory and peak address space (what RLIMIT_AS must allow), MiB, of a
    fresh process that loads the OCR stage and reads a scan in each of ``scripts``.
    (tesseract runs in its own process, under the same limit, and is not counted.)"""
    code = (
        "import sys, tempfile; from pathlib import Path\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parents[1] / 'tests')!r})\n"
        "from erfurt.ingest import ExtractOptions, extract_file\n"
        "from ocr_pages import sample\n"
        "folder = Path(tempfile.mkdtemp())\n"
        f"for script in {scripts!r}:\n"
        f"    (folder / 'p').write_bytes(sample(script, 'scan', a4={a4}).image)\n"
        "    extract_file(folder / 'p', 'p', ExtractOptions())\n"
        "status = dict(line.split(':', 1) for line in open('/proc/self/status') if ':' in line)\n"
        "print(int(status['VmHWM'].split()[0]) / 1024, int(status['VmPeak'].split()[0]) / 1024)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    resident, address_space = done.stdout.decode().split()
    return float(resident), float(address_space)


def _mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else float("nan")


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Rows for bench/run.py: CER per engine and script on degraded and clean pages of
    each half, throughput against tesseract alone, memory of one worker."""
    pages = [sample("hans", "scan", lines=2, a4=False)] if quick else evaluation_set()
    rows = summary(measure(pages))
    resident, address_space = (
        worker_memory_mib(("hant",), a4=False) if quick else worker_memory_mib()
    )
    for metric, value in (("peak RSS", resident), ("peak address space", address_space)):
        rows.append(
            {
                "area": "ocr",
                "metric": f"{metric} of one OCR worker, MiB",
                "erfurt": round(value),
                "baseline": None,
                "notes": "models loaded, scans read; tesseract's own process not counted",
            }
        )
    return rows


def summary(results: dict[str, list[Reading]]) -> list[dict[str, Any]]:
    """Mean CER per half, script and page group (:func:`_group`), for each engine;
    degraded pages per CPU second, and the median of each page's time over tesseract's
    (NaN for an engine not run)."""
    rows: list[dict[str, Any]] = []
    for half in ("dev", "eval"):
        for script in ("hans", "hant", "en", "mixed"):
            for group in ("degraded", "clean", VERTICAL):
                cells = {
                    engine: [
                        c
                        for p, c, _, _ in readings
                        if p.half == half and p.script == script and _group(p) == group
                    ]
                    for engine, readings in results.items()
                }
                if not cells["pipeline"]:
                    continue
                rows.append(
                    {
                        "area": "ocr",
                        "metric": f"CER {script} {group} ({half})",
                        "erfurt": round(_mean(cells["pipeline"]), 3),
                        "baseline": round(_mean(cells.get("tesseract", [])), 3),
                        "ppocr": round(_mean(cells.get("ppocr", [])), 3),
                        "pages": len(cells["pipeline"]),
                    }
                )
    degraded = [p.degradation != "clean" for p, _, _, _ in results["pipeline"]]
    for column, name in ((2, "CPU"), (3, "wall")):
        seconds = {
            e: [r[column] for r, d in zip(readings, degraded, strict=True) if d]
            for e, readings in results.items()
        }
        rows.append(
            {
                "area": "ocr",
                "metric": f"degraded A4 pages/s/core, {name} time (median)",
                "erfurt": _per_second(seconds["pipeline"]),
                "baseline": _per_second(seconds.get("tesseract", [])),
                "ppocr": _per_second(seconds.get("ppocr", [])),
                "notes": "baseline: tesseract alone; median of each page's time over "
                f"tesseract's: {_median_ratio(seconds['pipeline'], seconds.get('tesseract'))}",
            }
        )
    return rows


def _per_second(seconds: list[float]) -> float:
    """Pages per second (the median page's); NaN for an engine not run."""
    return round(1 / statistics.median(seconds), 3) if seconds else float("nan")


def _median_ratio(ours: list[float], theirs: list[float] | None) -> float:
    if not theirs:
        return float("nan")
    return round(statistics.median(a / b for a, b in zip(ours, theirs, strict=True)), 2)


def _group(page: Sample) -> str:
    """``clean``, ``vertical`` (Chinese in columns, scanned) or ``degraded`` (the others)."""
    return page.degradation if page.degradation in {"clean", VERTICAL} else "degraded"


def _table(results: dict[str, list[Reading]], engines: tuple[str, ...]) -> None:
    print(
        "| page | half | font | " + " | ".join(f"{e} CER | CPU s | wall s" for e in engines) + " |"
    )
    print("|---|---|---|" + "---|---|---|" * len(engines))
    for number, (page, _, _, _) in enumerate(results[engines[0]]):
        cells = ["{1:.3f} | {2:.2f} | {3:.1f}".format(*results[e][number]) for e in engines]
        print(f"| {page.id} | {page.half} | {page.font} | " + " | ".join(cells) + " |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=("dev", "eval"))
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument(
        "--only", help="page ids containing this text (or any of these, comma-separated)"
    )
    args = parser.parse_args(argv)
    engines = tuple(args.engines.split(","))
    pages = evaluation_set(
        lambda page: (
            (args.half in {None, half_of(page)})
            and (not args.only or any(o in page for o in args.only.split(",")))
        )
    )
    os.nice(5)
    results = measure(pages, engines)
    _table(results, engines)
    if "pipeline" in engines:
        print("\n| metric | pipeline | tesseract | ppocr | pages |\n|---|---|---|---|---|")
        for row in summary(results):
            cells = (row["erfurt"], row["baseline"], row["ppocr"], row.get("pages", ""))
            print(f"| {row['metric']} | " + " | ".join(str(c) for c in cells) + " |")
    print(f"max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

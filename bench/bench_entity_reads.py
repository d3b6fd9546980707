"""Entity pages read by someone from whom a collection is hidden, against a reader who may
see everything (the same archive, same run), and the entities view's rebuild.

The archive: ``--files`` text files, four in five in collection ``public`` and one in five
in ``vault``; each names three of 300 made-up persons. Texts are extracted as ``erfurt
add`` does; each text's mentions are logged as one ``entities.found`` record (made here,
not by the taggers: this measures the view and its readers, not extraction). Then one in
ten of the vault's files is added again to ``public``, as an uploader would: their mentions
are held back from a reader of ``public`` only (``erfurt.entities.visible``). Reported,
median of ``--repeat`` runs: the entity list and the most named person's dossier, each for
a reader with ``vault`` hidden and for one with nothing hidden; and the replay of the log
into fresh documents and entities views (records/s). CPU seconds are this process's.

    $ python bench/bench_entity_reads.py [--files 2000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from erfurt.archive import Archive, Record
from erfurt.cli.options import all_views
from erfurt.entities import (
    EXTRACTOR,
    EXTRACTOR_VERSION,
    FOUND_KIND,
    EntitiesView,
    EntityFilter,
    Found,
    Mention,
    list_entities,
    read_dossier,
)
from erfurt.ingest import DocumentsView, ExtractOptions, add_paths, extract_pending

FILES = 2_000
PERSONS = 300
HIDDEN = frozenset({"vault"})
_VIEWS = (DocumentsView, EntitiesView)


def _person(n: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return f"Velmor {letters[n % 26].upper()}{letters[n // 26 % 26]}{letters[n % 7]}strand"


def _text(n: int) -> tuple[str, list[str]]:
    named = [_person((n * 7 + k * 101) % PERSONS) for k in range(3)]
    return f"Minutes {n}: {named[0]} met {named[1]} and {named[2]} at noon.\n", named


def build(root: Path, files: int) -> Path:
    """The archive described in the module's docstring, under ``root``."""
    folders = {name: root / name for name in ("public", "vault", "again")}
    for folder in folders.values():
        folder.mkdir()
    for n in range(files):
        text, _ = _text(n)
        folder = folders["vault" if n % 5 == 0 else "public"]
        (folder / f"f{n:06d}.txt").write_text(text, encoding="utf-8")
        if n % 50 == 0:  # one in ten of the vault's files, added again later
            (folders["again"] / f"copy{n:06d}.txt").write_text(text, encoding="utf-8")
    path = root / "archive"
    views = all_views()
    with Archive.init(path, origin="example.org/entity-reads", who="bench", views=views) as a:
        add_paths(a, [folders["public"]], collection="public", who="bench")
        add_paths(a, [folders["vault"]], collection="vault", who="bench")
        extract_pending(a, ExtractOptions(), who="bench", workers=1)
        texts = [r for _, r in a.records(kinds={"text.extracted"})]
        batch = [_found(a, r) for r in texts]
        for start in range(0, len(batch), 500):
            a.append(batch[start : start + 500])
        add_paths(a, [folders["again"]], collection="public", who="bench")
    return path


def _found(archive: Archive, text: Record) -> Record:
    body = archive.read_blob(str(text["text"])).decode("utf-8")
    mentions = []
    for name in body.split(": ", 1)[1].replace(" met ", ",").replace(" and ", ",").split(","):
        surface = name.split(" at ")[0]
        start = body.index(surface)
        mentions.append(
            Mention(start, start + len(surface), 1, "ner", "person", surface, surface.lower())
        )
    found = Found(tuple(mentions), ())
    blob = archive.put_bytes(found.to_bytes())
    return Record(FOUND_KIND, {
        "source": text["source"], "text": text["text"], "found": blob.sha256,
        "extractor": EXTRACTOR, "extractor_version": EXTRACTOR_VERSION,
        "mentions": len(mentions), "claims": 0, "time": "2026-12-02T12:00:00Z",
    })  # fmt: skip


def _median(work: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``repeat`` runs of ``work``."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def run(quick: bool = False, files: int = FILES, repeat: int = 5) -> list[dict[str, Any]]:
    """Build the archive and measure (quick: 200 files, 3 runs); one row per reading."""
    files, repeat = (200, 3) if quick else (files, repeat)
    with tempfile.TemporaryDirectory(prefix="bench-entity-reads-") as scratch:
        path = build(Path(scratch), files)
        with Archive.open(path, views=[view() for view in _VIEWS]) as archive:
            everyone = list_entities(archive, per_page=1000)
            top = everyone.entities[0].id
            shown = sum(e.mentions for e in everyone.entities)
            held = shown - sum(
                e.mentions
                for e in list_entities(archive, EntityFilter(hidden=HIDDEN), per_page=1000).entities
            )
            rows = []
            for label, work in (
                ("list", lambda h: list_entities(archive, EntityFilter(hidden=h))),
                ("dossier", lambda h: read_dossier(archive, top, hidden=h)),
            ):
                hidden = _median(partial(work, HIDDEN), repeat)
                seen = _median(partial(work, frozenset()), repeat)
                rows.append({
                    "metric": f"entity {label}, vault hidden vs nothing hidden (s, median)",
                    "erfurt": hidden[0], "baseline": seen[0],
                    "notes": f"CPU s {hidden[1]:.3f} vs {seen[1]:.3f}; {files} files, "
                    f"{shown} mentions, {held} of them hidden or held back",
                })  # fmt: skip
            size = archive.size
            replay = _median(archive.rebuild, max(1, repeat // 2))
        rows.append({
            "metric": "replay into documents and entities views (records/s)",
            "erfurt": size / replay[0], "baseline": None,
            "notes": f"{size} records, CPU s {replay[1]:.2f}",
        })  # fmt: skip
        return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=FILES, help="how many files")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (median)")
    args = parser.parse_args()
    for row in run(files=args.files, repeat=args.repeat):
        print(row, flush=True)


if __name__ == "__main__":
    main()

"""The evaluation protocol of the name engine: every labelled set cut in two halves.

Each labelled row belongs to the *development* half or the *evaluation* half, decided by
SHA-256 over a salt and the row's identifying fields, so the cut is fixed before any
parameter is chosen and cannot follow the results. Parameters and rules are chosen on the
development half only; the evaluation half is measured and reported, never read for errors
and never asserted row by row in a test (``tests/names/test_halves.py`` checks that).

Fixed on 2026-12-01, before the changes of issue 10. The sets:
- nomenklatura's ``cases.csv`` (826 pairs; key: name1, name2, schema);
- our Chinese name pairs ``bench/names_data/chinese_pairs.csv`` (key: query, listed);
- our name-only negatives ``bench/names_data/negatives_other.csv`` (key: name);
- yente's ``negatives_global.csv`` (key: full name, birth date, nationality);
- listed persons queried with a typo (bench_names.py; key: entity id);
- generated negatives (names_generate.py; key: name).

The Hong Kong officials set (``tests/names/hk_officials.csv``) is not cut: the engine was
built around those 19 persons, so the whole set is development data.

    half("Olaf Schulze", "Olaf Scholz", "Person")  # -> "development"
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path
from typing import Literal

ROOT = Path(__file__).resolve().parents[1]
# The shared data sits beside the clone (``../shared``), or beside its parent for a worktree.
SHARED = next(
    (p / "shared" / "data" / "names" for p in ROOT.parents if (p / "shared" / "data").is_dir()),
    ROOT.parent / "shared" / "data" / "names",
)
CASES = SHARED / "nomenklatura-name_bench" / "cases.csv"
HK_SET = ROOT / "tests" / "names" / "hk_officials.csv"  # development data, whole
OWN = ROOT / "bench" / "names_data"
CHINESE_PAIRS = OWN / "chinese_pairs.csv"
YENTE_NEGATIVES = SHARED / "yente-fixtures" / "negatives_global.csv"
OTHER_NEGATIVES = OWN / "negatives_other.csv"
SALT = "erfurt-names-halves-2026-12-01"

Half = Literal["development", "evaluation"]


def half(*fields: str) -> Half:
    """The half a labelled row belongs to, from its identifying fields."""
    digest = hashlib.sha256("\t".join((SALT, *fields)).encode("utf-8")).digest()
    return "evaluation" if digest[0] % 2 else "development"


def read_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a labelled CSV file (UTF-8, a header line; lines starting '#' skipped)."""
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def cases(which: Half) -> list[dict[str, str]]:
    """One half of nomenklatura's labelled pairs."""
    return [r for r in read_rows(CASES) if half(r["name1"], r["name2"], r["schema"]) == which]


def hong_kong() -> list[dict[str, str]]:
    """The Hong Kong officials set (entity_id, form, system): development data, whole."""
    return read_rows(HK_SET)


def chinese_pairs(which: Half) -> list[dict[str, str]]:
    """One half of our labelled Chinese pairs (query, listed, is_match, kind)."""
    return [r for r in read_rows(CHINESE_PAIRS) if half(r["query"], r["listed"]) == which]


def other_negatives(which: Half) -> list[dict[str, str]]:
    """One half of our name-only negatives in other languages (name, language)."""
    return [r for r in read_rows(OTHER_NEGATIVES) if half(r["name"]) == which]


def yente_negatives(which: Half | None = None) -> list[dict[str, str]]:
    """yente's synthetic negatives (all of them when ``which`` is None)."""
    rows = read_rows(YENTE_NEGATIVES)
    if which is None:
        return rows
    return [r for r in rows if half(r["full_name"], r["date_of_birth"], r["nationality"]) == which]

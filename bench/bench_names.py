"""Names: erfurt's screening engine against nomenklatura's logic-v2, in the same run.

Every row reads "erfurt vs logic-v2" on the same data (``../shared/data/names``):
- F1 at threshold 0.70 on nomenklatura's 826 labelled pairs (``cases.csv``), and on a
  held-out half of them (split by a hash of the row; parameters were chosen on the other);
- recall on 500 OFAC SDN persons (2021 list) with one typo each, birth date and
  nationality kept: the right entity first and at or above 0.70;
- alert rate on yente's synthetic negatives (``negatives_global.csv``), and how many of
  its Han-script rows alert;
- the Hong Kong officials set (``tests/names/hk_officials.csv``): right entity first;
- single-name queries per second on one core, cold start and peak memory.

logic-v2 gets the candidates a search index would give it: the 25 listed entities
whose names have the best rapidfuzz token-set ratio (the setting of the research note).

    python -m bench.bench_names [--quick]
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from erfurt.errors import InputError
from erfurt.names import DEFAULT_THRESHOLD, Entity, Match, Matcher, Query, read_ofac_sdn
from erfurt.names.parts import analyse
from erfurt.names.score import compare_names

# A sibling module: found whether this runs as a script, with -m or from the smoke test.
sys.path.insert(0, str(Path(__file__).resolve().parent))
import names_generate
import names_halves as halves

DATA = halves.SHARED
THRESHOLD = DEFAULT_THRESHOLD
CANDIDATES = 25
LETTERS = "abcdefghijklmnopqrstuvwxyz"
Scored = tuple[float, bool]  # a score and whether the pair is labelled a match
HALVES: tuple[halves.Half, ...] = ("development", "evaluation")


def _row(
    metric: str, erfurt: float, baseline: float, unit: str, target: str, note: str = ""
) -> dict[str, Any]:
    return {
        "area": "names",
        "metric": metric,
        "erfurt": round(erfurt, 4),
        "baseline": round(baseline, 4),
        "baseline_name": "nomenklatura logic-v2",
        "unit": unit,
        "target": target,
        "notes": note,
    }


def _f1(results: list[Scored]) -> float:
    tp = sum(1 for s, m in results if s >= THRESHOLD and m)
    fp = sum(1 for s, m in results if s >= THRESHOLD and not m)
    fn = sum(1 for s, m in results if s < THRESHOLD and m)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


class LogicV2:
    """nomenklatura's logic-v2 over FollowTheMoney entities made from the same data."""

    def __init__(self, entities: list[Entity]) -> None:
        from followthemoney import model
        from nomenklatura.matching import LogicV2 as Algorithm
        from nomenklatura.matching import ScoringConfig
        from rapidfuzz import fuzz, process

        self._model, self._algorithm, self._config = model, Algorithm, ScoringConfig.defaults()
        self._process, self._scorer = process, fuzz.token_set_ratio
        self.entities = {e.id: e for e in entities}
        self._proxies: dict[str, Any] = {}
        self._queries = 0
        self.pairs = 0
        self._names: list[str] = []
        self._owners: list[str] = []
        for entity in entities:
            for name in entity.names:
                self._names.append(name.lower())
                self._owners.append(entity.id)

    def proxy(self, entity: Entity) -> Any:
        found = self._proxies.get(entity.id)
        if found is None:
            schema = (
                entity.schema
                if entity.schema in {"Person", "Vessel", "Airplane"}
                else "Organization"
            )
            found = self._model.make_entity(schema)
            found.id = entity.id
            found.add("name", list(entity.names))
            found.add("birthDate", list(entity.birth_dates), quiet=True)
            found.add("nationality", list(entity.countries), quiet=True)
            found.add("country", list(entity.countries), quiet=True)
            found.add("idNumber", list(entity.identifiers), quiet=True)
            self._proxies[entity.id] = found
        return found

    def query(self, query: Query) -> Any:
        proxy = self._model.make_entity(query.schema or "Person")
        self._queries += 1
        proxy.id = f"query-{self._queries}"  # logic-v2 caches name analysis by entity id
        proxy.add("name", query.name)
        if query.birth_date:
            proxy.add("birthDate", query.birth_date)
        if query.country:
            proxy.add("nationality", query.country)
        return proxy

    def candidates(self, name: str) -> list[str]:
        found = self._process.extract(
            name.lower(), self._names, scorer=self._scorer, limit=CANDIDATES * 4
        )
        ids: list[str] = []
        for _, _, position in found:
            owner = self._owners[position]
            if owner not in ids:
                ids.append(owner)
        return ids[:CANDIDATES]

    def compare(self, query: Any, entity: Entity) -> float:
        return float(self._algorithm.compare(query, self.proxy(entity), self._config).score)

    def best(self, query: Query, extra: list[str] = ()) -> tuple[str | None, float]:  # type: ignore[assignment]
        proxy = self.query(query)
        ids = list(dict.fromkeys([*self.candidates(query.name), *extra]))
        scored = [(self.compare(proxy, self.entities[i]), i) for i in ids]
        if not scored:
            return None, 0.0
        score, best = max(scored)
        return best, score


def typo(name: str, rng: random.Random) -> str:
    """``name`` with one typo: a letter changed, dropped, added or swapped (``rng``)."""
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    i = rng.choice(letters)
    kind = rng.choice(["sub", "del", "ins", "swap"])
    if kind == "sub":
        return name[:i] + rng.choice(LETTERS.replace(name[i].lower(), "")) + name[i + 1 :]
    if kind == "del":
        return name[:i] + name[i + 1 :]
    if kind == "ins":
        return name[:i] + rng.choice(LETTERS) + name[i:]
    j = i + 1 if i + 1 < len(name) and name[i + 1].isalpha() else i - 1
    a, b = sorted((i, j))
    return name[:a] + name[b] + name[a] + name[b + 1 :]


def spoken(name: str) -> str:
    """OFAC's "LAST, First" as people type it: "First Last"."""
    family, _, given = name.partition(", ")
    return f"{given} {family}" if given else name


def typo_positives(entities: list[Entity], count: int) -> list[tuple[Query, str]]:
    """``count`` listed persons with a birth date, each name with one typo (seeded)."""
    rng = random.Random(4)
    persons = [e for e in entities if e.schema == "Person" and e.birth_dates]
    chosen = rng.sample(persons, count)
    return [
        (
            Query(
                typo(spoken(e.names[0]), rng),
                e.birth_dates[0],
                e.countries[0] if e.countries else None,
                "Person",
            ),
            e.id,
        )
        for e in chosen
    ]


def _match(matcher: Matcher, query: Query, limit: int, threshold: float = 0.0) -> list[Match]:
    try:
        return matcher.match(query, limit=limit, threshold=threshold)
    except InputError:  # refused as not a name: no alert
        return []


def negatives(count: int, qualified: bool) -> list[tuple[Query, halves.Half]]:
    """yente's negatives (all when ``count`` is at least their number), names only or with
    their birth dates and nationalities, each with its half."""
    rows = halves.yente_negatives()
    chosen = rows if count >= len(rows) else random.Random(7).sample(rows, count)
    return [
        (
            Query(
                r["full_name"],
                (r["date_of_birth"] or None) if qualified else None,
                (r["nationality"] or None) if qualified else None,
                "Person",
            ),
            halves.half(r["full_name"], r["date_of_birth"], r["nationality"]),
        )
        for r in chosen
    ]


def _is_han(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


def _pair_scores(v2: LogicV2, rows: list[dict[str, str]]) -> tuple[list[Scored], list[Scored]]:
    """erfurt's and logic-v2's scores of labelled pairs (name only), with their labels."""
    from followthemoney import model

    ours: list[Scored] = []
    theirs: list[Scored] = []
    for case in rows:
        is_match = case["is_match"] == "true"
        found = compare_names(
            analyse(case["name1"], case["schema"]), analyse(case["name2"], case["schema"])
        )
        ours.append((found.score if found else 0.0, is_match))
        left, right = model.make_entity(case["schema"]), model.make_entity(case["schema"])
        v2.pairs += 1  # logic-v2 caches name analysis by entity id: never reuse one
        left.id, right.id = f"a{v2.pairs}", f"b{v2.pairs}"
        left.add("name", case["name1"])
        right.add("name", case["name2"])
        theirs.append((float(v2._algorithm.compare(left, right, v2._config).score), is_match))
    return ours, theirs


def bench_cases(v2: LogicV2) -> list[dict[str, Any]]:
    """F1 at 0.70 on each half of nomenklatura's cases.csv (see names_halves.py)."""
    rows = []
    for which in ("development", "evaluation"):
        labelled = halves.cases(which)
        ours, theirs = _pair_scores(v2, labelled)
        rows.append(
            _row(
                f"F1 on cases.csv, {which} half ({len(labelled)} pairs) at 0.70",
                _f1(ours),
                _f1(theirs),
                "F1",
                ">= 0.92" if which == "evaluation" else "",
                "halves fixed by SHA-256 (bench/names_halves.py); parameters chosen on development",
            )
        )
    return rows


def bench_recall(
    matcher: Matcher, v2: LogicV2, positives: list[tuple[Query, str]], baseline_count: int
) -> list[dict[str, Any]]:
    """Right entity first at or above 0.70, per half (keyed by the listed entity's id)."""
    rows = []
    for which in HALVES:
        chosen = [(q, wanted) for q, wanted in positives if halves.half(wanted) == which]
        hits = 0
        for query, wanted in chosen:
            found = matcher.match(query, limit=1, threshold=THRESHOLD)
            hits += bool(found) and found[0].entity_id == wanted
        base_hits = 0
        for query, wanted in chosen[:baseline_count]:
            best, score = v2.best(query)
            base_hits += best == wanted and score >= THRESHOLD
        base = min(baseline_count, len(chosen))
        rows.append(
            _row(f"OFAC recall, one typo (right entity first, >= 0.70), {which} half",
                 hits / max(len(chosen), 1), base_hits / max(base, 1), "share", ">= 0.98",
                 f"{len(chosen)} queries; logic-v2 on the first {base}")
        )  # fmt: skip
    return rows


def bench_negatives(
    matcher: Matcher,
    v2: LogicV2,
    halved: list[tuple[Query, halves.Half]],
    baseline_count: int,
    label: str,
) -> list[dict[str, Any]]:
    """Alert rates per half, and how many Han-script rows alert (both halves)."""
    alerted = {q.name: bool(_match(matcher, q, 1, THRESHOLD)) for q, _ in halved}
    queries = [q for q, _ in halved]
    base_alerts = base_han = base_han_total = 0
    for query in queries[:baseline_count]:
        _, score = v2.best(query)
        base_alerts += score >= THRESHOLD
        if _is_han(query.name):
            base_han_total += 1
            base_han += score >= THRESHOLD
    rows = []
    for which in HALVES:
        chosen = [q for q, h in halved if h == which]
        alerts = sum(alerted[q.name] for q in chosen)
        rows.append(
            _row(f"alert rate on {label}, {which} half", alerts / max(len(chosen), 1),
                 base_alerts / baseline_count, "share",
                 "<= 0.001" if "birth" in label else "<= 0.005",
                 f"{len(chosen)} negatives ({alerts} alerts); logic-v2 on the first "
                 f"{baseline_count} of both halves")
        )  # fmt: skip
    han = [q for q in queries if _is_han(q.name)]
    han_alerts = sum(alerted[q.name] for q in han)
    rows.append(
        _row(f"Han-script rows alerted ({label})", han_alerts / max(len(han), 1),
             base_han / max(base_han_total, 1), "share", "",
             f"erfurt {han_alerts}/{len(han)}; logic-v2 {base_han}/{base_han_total}")
    )  # fmt: skip
    return rows


def bench_own_negatives(
    matcher: Matcher, v2: LogicV2, entities: list[Entity], count: int, baseline_count: int
) -> list[dict[str, Any]]:
    """Alert rates on our generated negatives (12 locales, Chinese half) and on our 400
    negatives in other languages, names only; namesakes of listed names left out."""
    from erfurt.names.normalise import latin_tokens

    listed = {frozenset(latin_tokens(n)) for e in entities for n in e.names}
    generated = names_generate.negatives(count, lambda n: frozenset(latin_tokens(n)) in listed)
    rows = []
    for label, names in (
        ("our generated negatives, 12 locales", [n for n, _ in generated]),
        ("our negatives in 10 other languages", _own_negative_names()),
    ):
        queries = [Query(name, schema="Person") for name in names]
        theirs = sum(v2.best(q)[1] >= THRESHOLD for q in queries[:baseline_count])
        base = min(baseline_count, len(queries))
        for which in HALVES:
            chosen = [q for q in queries if halves.half(q.name) == which]
            alerts = sum(bool(_match(matcher, q, 1, THRESHOLD)) for q in chosen)
            rows.append(
                _row(f"alert rate on {label}, {which} half", alerts / max(len(chosen), 1),
                     theirs / base, "share", "<= 0.01",
                     f"{len(chosen)} names ({alerts} alerts); logic-v2 on the first {base} "
                     "of both halves")
            )  # fmt: skip
    return rows


def _own_negative_names() -> list[str]:
    return [r["name"] for which in HALVES for r in halves.other_negatives(which)]


def bench_chinese_pairs(v2: LogicV2) -> list[dict[str, Any]]:
    """F1 at 0.70 on each half of our labelled Chinese pairs (name against name)."""
    rows = []
    for which in HALVES:
        labelled = [
            {
                "schema": "Person",
                "name1": r["query"],
                "name2": r["listed"],
                "is_match": r["is_match"],
            }
            for r in halves.chinese_pairs(which)
        ]
        ours, theirs = _pair_scores(v2, labelled)
        rows.append(
            _row(f"F1 on our Chinese pairs, {which} half ({len(labelled)} pairs)", _f1(ours),
                 _f1(theirs), "F1", "", "Han, pinyin, Wade-Giles, Cantonese; built non-matches")
        )  # fmt: skip
    return rows


def chinese_entities() -> list[Entity]:
    """Our Chinese persons as a list would carry them (main name and aliases)."""
    persons = halves.read_rows(halves.OWN / "chinese_persons.csv")
    return [
        Entity(
            f"own-{p['id']}", "Person", (p["listed"], *filter(None, p["aliases"].split(";"))), "own"
        )
        for p in persons
    ]


def bench_chinese_entities(
    matcher: Matcher, v2: LogicV2, baseline_count: int
) -> list[dict[str, Any]]:
    """Right entity first for the Chinese forms of our set (the OFAC list as distractors;
    an OFAC entry of the same person counts as right when its name is the listed one)."""
    from erfurt.names.normalise import latin_tokens

    listed = {e.id: e.names[0] for e in chinese_entities()}
    rows = []
    for which in HALVES:
        forms = [
            r for r in halves.chinese_pairs(which) if r["is_match"] == "true" and "," in r["listed"]
        ]

        def right(entity_id: str | None, name: str, row: dict[str, str]) -> bool:
            wanted = f"own-{row['person']}"
            return entity_id == wanted or latin_tokens(name) == latin_tokens(listed[wanted])

        ours = 0
        for row in forms:
            found = _match(matcher, Query(row["query"], schema="Person"), 1)
            ours += bool(found) and right(found[0].entity_id, found[0].name, row)
        theirs = 0
        for row in forms[:baseline_count]:
            best, _ = v2.best(Query(row["query"], schema="Person"), extra=[f"own-{row['person']}"])
            theirs += best is not None and right(best, v2.entities[best].names[0], row)
        rows.append(
            _row(f"our Chinese forms: right entity first, {which} half", ours / len(forms),
                 theirs / min(baseline_count, len(forms)), "share", ">= 0.98",
                 f"{len(forms)} forms; logic-v2 on the first {min(baseline_count, len(forms))}")
        )  # fmt: skip
    return rows


def bench_hong_kong(matcher: Matcher, v2: LogicV2) -> dict[str, Any]:
    rows = halves.hong_kong()
    hk_ids = sorted({r["entity_id"] for r in rows})
    ours = theirs = 0
    for row in rows:
        query = Query(row["form"], schema="Person")
        found = matcher.match(query, limit=1)
        ours += bool(found) and found[0].entity_id == row["entity_id"]
        best, _ = v2.best(query, extra=hk_ids)
        theirs += best == row["entity_id"]
    return _row(
        "Hong Kong officials: right entity first",
        ours / len(rows),
        theirs / len(rows),
        "share",
        "1.0",
        f"{len(rows)} forms (Han, pinyin, Wade-Giles, Cantonese, English) of {len(hk_ids)} persons",
    )


def _rate(run: Callable[[Query], object], queries: list[Query]) -> float:
    start = time.perf_counter()
    for query in queries:
        run(query)
    return len(queries) / (time.perf_counter() - start)


def bench_speed(
    index: bytes, v2: LogicV2, queries: list[Query], baseline_count: int
) -> dict[str, Any]:
    matcher = Matcher.from_bytes(index)
    fresh = _rate(lambda q: _match(matcher, q, 5, THRESHOLD), queries)  # first use included
    warm = _rate(lambda q: _match(matcher, q, 5, THRESHOLD), queries)  # as a screening goes on
    theirs = _rate(v2.best, queries[:baseline_count])
    return _row(
        "queries/s on one core (full OFAC list)",
        warm,
        theirs,
        "queries/s",
        ">= 1000",
        f"{len(queries)} queries (typo'd SDN persons and negatives), warm; fresh index "
        f"{fresh:.0f}/s (first use decodes the names it reaches); logic-v2 {baseline_count}",
    )


_ERFURT_COLD = """
import json, sys, time
start = time.perf_counter()
from erfurt.names import Matcher, Query
matcher = Matcher.from_bytes(open(sys.argv[1], "rb").read())
matcher.match(Query("林鄭月娥"))
matcher.match(Query("Lam Cheng Yuet-ngor"))
seconds = time.perf_counter() - start
for name in json.load(open(sys.argv[2], encoding="utf-8")):  # then screen, for the peak
    try:
        matcher.match(Query(name), limit=5)
    except Exception:
        pass
print(seconds, _peak())
"""
_V2_COLD = """
import json, sys, time
start = time.perf_counter()
from followthemoney import model
from nomenklatura.matching import LogicV2, ScoringConfig
entities = []
for row in json.load(open(sys.argv[1])):
    proxy = model.make_entity(row["schema"])
    proxy.id = row["id"]
    proxy.add("name", row["names"])
    entities.append(proxy)
query = model.make_entity("Person")
query.id = "q"
query.add("name", "Lam Cheng Yuet-ngor")
LogicV2.compare(query, entities[0], ScoringConfig.defaults())
print(time.perf_counter() - start, _peak())
"""
# ru_maxrss survives exec on Linux (a child reports its parent's peak): read VmHWM.
_PEAK = """
def _peak():
    status = open("/proc/self/status").read()
    return int(status.split("VmHWM:")[1].split()[0])
"""


def _subprocess(code: str, *arguments: Path) -> tuple[float, float]:
    out = subprocess.run(
        [sys.executable, "-c", _PEAK + code, *map(str, arguments)],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, kib = out.stdout.split()
    return float(seconds), int(kib) / 1024


def bench_cold(index: bytes, entities: list[Entity], screened: list[Query]) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as folder:
        index_path = Path(folder) / "index.bin"
        index_path.write_bytes(index)
        names = Path(folder) / "names.json"
        names.write_text(
            json.dumps([q.name for q in screened], ensure_ascii=False), encoding="utf-8"
        )
        dump = Path(folder) / "entities.json"
        schemas = {"Person", "Vessel", "Airplane"}
        dump.write_text(
            json.dumps(
                [
                    {
                        "id": e.id,
                        "schema": e.schema if e.schema in schemas else "Organization",
                        "names": list(e.names),
                    }
                    for e in entities
                ]
            )
        )
        ours = [_subprocess(_ERFURT_COLD, index_path, names) for _ in range(3)]
        theirs = [_subprocess(_V2_COLD, dump) for _ in range(3)]
    ours.sort()
    theirs.sort()
    note = "median of 3 processes: import, load the full OFAC list, a Han and a Latin query"
    return [
        _row("cold start (s)", ours[1][0], theirs[1][0], "s", "< 1", note),
        _row(
            "peak memory (MiB)",
            ours[1][1],
            theirs[1][1],
            "MiB",
            "< 300",
            f"VmHWM of the same processes; erfurt's after also screening {len(screened)} names",
        ),
    ]


def run(quick: bool, smoke: bool = False) -> list[dict[str, Any]]:
    """Every names benchmark; ``quick`` uses smaller samples, ``smoke`` tiny ones (tests)."""
    entities = list(read_ofac_sdn(DATA / "ofac-sdn-2021").entities)
    started = time.perf_counter()
    matcher = Matcher.build(entities)
    index = matcher.to_bytes()
    build_seconds = time.perf_counter() - started
    v2 = LogicV2(entities)
    positives = typo_positives(entities, 20 if smoke else 500)
    count = 100 if smoke else 4_000 if quick else 50_000
    baseline = 5 if smoke else 100 if quick else 2_000
    plain = negatives(count, qualified=False)
    rows = bench_cases(v2)
    rows += bench_chinese_pairs(v2)
    rows += bench_recall(matcher, v2, positives, 20 if quick else 500)
    rows += bench_negatives(matcher, v2, plain, baseline, "yente negatives_global, names only")
    qualified = negatives(count, qualified=True)
    rows += bench_negatives(
        matcher,
        v2,
        qualified,
        baseline,
        "yente negatives_global, with birth dates and nationalities",
    )
    rows += bench_own_negatives(
        matcher, v2, entities, 100 if smoke else 1_000 if quick else 5_000, 20 if quick else 500
    )
    mixed = Matcher.build([*entities, *chinese_entities()])
    both = LogicV2([*entities, *chinese_entities()])
    rows += bench_chinese_entities(mixed, both, 5 if smoke else 30 if quick else 150)
    rows.append(bench_hong_kong(matcher, v2))
    speed_queries = [q for q, _ in positives] + [q for q, _ in plain[:500]]
    rows.append(bench_speed(index, v2, speed_queries, 20 if quick else 200))
    if not quick:
        rows += bench_cold(index, entities, speed_queries)
        rows[-1]["notes"] += (
            f"; erfurt index built once in {build_seconds:.1f} s ({len(index) / 1e6:.1f} MB)"
        )
    return rows


def main() -> None:
    rows = run("--quick" in sys.argv, "--smoke" in sys.argv)
    print(f"{'metric':55} {'erfurt':>10} {'logic-v2':>10}  target    note")
    for row in rows:
        figures = f"{row['erfurt']:>10} {row['baseline']:>10}  {row['target']:9}"
        print(f"{row['metric']:55} {figures} {row['notes']}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"(peak RSS of this process: {peak:.0f} MiB)")


if __name__ == "__main__":
    main()

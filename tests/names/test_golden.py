"""Speed work must not move a score (issues 11 and 13): answers pinned exactly.

``golden_matches.json`` holds what the matcher answered before the speed work of issue 11
(main at cae2007) for a fixed sample of development queries (yente's negatives and
positives, typos of listed persons, our Chinese forms and other-language negatives,
variants of listed names of every schema) and labelled pairs: every entity, score,
explanation and what decided it must stay exactly as it was (floats compared exactly).
A change that means to move a score updates the file and says why.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from erfurt.errors import InputError
from erfurt.names import Matcher, Query
from erfurt.names.parts import analyse
from erfurt.names.score import compare_names

GOLDEN = json.loads((Path(__file__).with_name("golden_matches.json")).read_text("utf-8"))


def _answer(matcher: Matcher, asked: dict[str, Any]) -> Any:
    query = Query(**{**asked, "identifiers": tuple(asked.get("identifiers", ()))})
    try:
        found = matcher.match(query, limit=5)
    except InputError as exc:
        return {"refused": exc.message}
    return [
        [m.entity_id, m.score, m.name, m.list, [[f.name, f.value, f.detail] for f in m.explanation]]
        for m in found
    ]


@pytest.fixture(scope="module")
def loaded_matcher(ofac_matcher: Matcher) -> Matcher:
    """The same index as the service loads it: from its stored bytes."""
    return Matcher.from_bytes(ofac_matcher.to_bytes())


def test_the_sample_is_broad() -> None:
    queries = [row["query"] for row in GOLDEN["queries"]]
    assert len(queries) >= 100
    assert any(any("\u4e00" <= c <= "\u9fff" for c in q["name"]) for q in queries)
    assert {q.get("schema") for q in queries} >= {"Person", "Organization", None}
    assert sum(bool(row["matches"]) for row in GOLDEN["queries"]) >= 80


@pytest.mark.parametrize("which", ["built", "loaded"])
def test_every_pinned_answer_is_unchanged(
    which: str, ofac_matcher: Matcher, loaded_matcher: Matcher
) -> None:
    matcher = ofac_matcher if which == "built" else loaded_matcher
    changed = [
        (row["query"]["name"], row["matches"], found)
        for row in GOLDEN["queries"]
        if (found := _answer(matcher, row["query"])) != row["matches"]
    ]
    assert not changed, changed[:3]


def test_answers_do_not_depend_on_earlier_queries(loaded_matcher: Matcher) -> None:
    """What a matcher keeps from query to query changes no answer: asked again in reverse
    order, every answer is the pinned one."""
    rows = GOLDEN["queries"][::-1]
    assert [_answer(loaded_matcher, row["query"]) for row in rows] == [r["matches"] for r in rows]


def test_every_pinned_pair_score_is_unchanged() -> None:
    changed = []
    for row in GOLDEN["pairs"]:
        a, b, schema = row["names"]
        found = compare_names(analyse(a, schema), analyse(b, schema))
        got = [found and found.score, found and found.decided, found and found.how]
        if got != [row["score"], row["decided"], row["how"]]:
            changed.append((row["names"], got))
    assert not changed, changed[:3]

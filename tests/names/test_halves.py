"""The evaluation protocol holds: halves are fixed, and no test asserts an evaluation row."""

from __future__ import annotations

from pathlib import Path

from names_halves import SALT, cases, chinese_pairs, half, other_negatives

TESTS = Path(__file__).resolve().parents[1]


def _test_sources() -> list[str]:
    return [p.read_text("utf-8") for p in sorted(TESTS.rglob("*.py"))]


def _quoted(text: str, sources: str) -> bool:
    return f'"{text}"' in sources or f"'{text}'" in sources


def test_the_halves_are_fixed_by_hash() -> None:
    # Changing the salt or the key would move rows between halves: it is part of the protocol.
    assert SALT == "erfurt-names-halves-2026-12-01"
    assert half("Olaf Schulze", "Olaf Scholz", "Person") == "development"
    assert half("Octavian Scholz", "Olaf Scholz", "Person") == "development"
    development, evaluation = cases("development"), cases("evaluation")
    assert len(development) + len(evaluation) == 826
    assert 350 < len(development) < 476


def test_no_test_asserts_a_row_of_an_evaluation_half() -> None:
    pairs = [(row["name1"], row["name2"]) for row in cases("evaluation")]
    pairs += [(row["query"], row["listed"]) for row in chinese_pairs("evaluation")]
    quoted = [
        (a, b)
        for source in _test_sources()
        for a, b in pairs
        if _quoted(a, source) and _quoted(b, source)
    ]
    quoted += [
        (row["name"], "")
        for source in _test_sources()
        for row in other_negatives("evaluation")
        if _quoted(row["name"], source)
    ]
    assert not quoted


def test_our_sets_are_large_enough_and_cut_in_two() -> None:
    development, evaluation = chinese_pairs("development"), chinese_pairs("evaluation")
    assert len(development) + len(evaluation) >= 300
    assert min(len(development), len(evaluation)) > 0.4 * (len(development) + len(evaluation))
    assert len(other_negatives("development")) + len(other_negatives("evaluation")) >= 300

"""The evaluation protocol holds: halves are fixed, and no test asserts an evaluation row."""

from __future__ import annotations

from pathlib import Path

from names_halves import SALT, cases, half

TESTS = Path(__file__).resolve().parents[1]


def _test_sources() -> str:
    return "\n".join(p.read_text("utf-8") for p in sorted(TESTS.rglob("*.py")))


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
    sources = _test_sources()
    quoted = [
        (row["name1"], row["name2"])
        for row in cases("evaluation")
        if _quoted(row["name1"], sources) and _quoted(row["name2"], sources)
    ]
    assert not quoted

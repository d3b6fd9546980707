"""Issue 10, seventh pass: name parts that agree, but as weak evidence (made-up names)."""

from __future__ import annotations

from erfurt.names import DEFAULT_THRESHOLD, Entity, Matcher, Query, explain
from erfurt.names.parts import analyse
from erfurt.names.score import compare_names


def score(query: str, listed: str) -> float:
    found = compare_names(analyse(query), analyse(listed))
    return found.score if found else 0.0


def test_only_a_later_given_name_agreeing_is_weak_evidence() -> None:
    assert score("Lucía Herrera", "HERRERA, Carmen Lucia") < DEFAULT_THRESHOLD
    assert score("Lucía Herrera", "HERRERA VIDAL, Carmen Lucia") < DEFAULT_THRESHOLD
    assert score("Samir Haddad", "HADDAD, Youssef S") < DEFAULT_THRESHOLD  # an initial
    # The first given name, all given names, or an initial first: the name as used.
    assert score("Carmen Herrera", "HERRERA, Carmen Lucia") >= DEFAULT_THRESHOLD
    assert score("Carmen Lucía Herrera", "HERRERA, Carmen Lucia") == 1.0
    assert score("Lucía Herrera", "HERRERA, C. Lucia") >= DEFAULT_THRESHOLD


def test_a_surname_agreeing_only_as_a_mistyped_first_part_is_weak_evidence() -> None:
    # "Peter Paul" is read Peter, of the Paul family: Peter is no mistyped PETERS.
    assert score("Peter Paul", "PETERS, Paul Andrew") < DEFAULT_THRESHOLD
    # In its place a mistyped surname agrees; exactly, it agrees in either order.
    assert score("Paul Peter", "PETERS, Paul Andrew") >= DEFAULT_THRESHOLD
    assert score("Peters Paul", "PETERS, Paul Andrew") >= DEFAULT_THRESHOLD
    # A Chinese surname is written first: its typo is read there.
    assert score("Zhnag Weiguo", "ZHANG, Weiguo") >= DEFAULT_THRESHOLD


def test_an_agreeing_birth_date_lifts_weak_evidence_to_the_threshold() -> None:
    listed = Entity("p1", "Person", ("HERRERA, Carmen Lucia",), "test", ("1961-04-09",))
    matcher = Matcher.build([listed])
    assert matcher.match(Query("Lucía Herrera", schema="Person"))[0].score < DEFAULT_THRESHOLD
    dated = matcher.match(Query("Lucía Herrera", "1961-04-09", schema="Person"))[0]
    assert dated.score >= DEFAULT_THRESHOLD
    assert "only a later given name agrees" in explain(dated.explanation)[0]


def test_an_honorific_that_is_the_only_given_name_is_kept() -> None:
    assert score("Sheikh Haddad", "HADDAD, Sheikh") == 1.0
    assert score("Haddad", "HADDAD, Sheikh") < DEFAULT_THRESHOLD  # a bare surname
    listed = Entity("p1", "Person", ("HADDAD, Sheikh",), "test", ("1958-02-11",))
    matcher = Matcher.build([listed])
    found = matcher.match(Query("Shiekh Haddad", "1958-02-11", schema="Person"))
    assert found and found[0].score >= DEFAULT_THRESHOLD  # one typo in it
    # Beside a given name an honorific is still dropped.
    assert score("Dr Nadia Haddad", "HADDAD, Nadia") == 1.0

"""Tagged writes (idempotency keys): a request sent again is answered, never appended twice."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from erfurt.archive import (
    Archive,
    Record,
    RegistrySecret,
    RequestsView,
    RequestTag,
    WriteQueue,
    tagged,
)
from erfurt.archive.requests import answered_request
from erfurt.errors import RequestConflictError

SECRET = RegistrySecret(bytes(range(32)))


def _note(text: str) -> Record:
    return Record(
        "declaration.made",
        {"alias": text, "organisations": ["Party"], "channel": "online",
         "time": "2026-12-01T00:00:00Z"},
    )  # fmt: skip


def _tag(key: str, body: bytes = b'{"alias":"a"}', principal: str = "vic") -> RequestTag:
    return RequestTag.of(SECRET, principal=principal, route="POST /x", key=key, body=body)


def _init(path: Path) -> None:
    Archive.init(path, origin="example.org/requests", who="t").close()


def test_a_request_sent_again_gets_its_first_records_even_after_a_rebuild(
    archive_path: Path, view_database: str
) -> None:
    _init(archive_path)
    database = view_database or None
    tag = _tag("key-1")
    with WriteQueue(archive_path, database=database) as queue:
        first = queue.submit(tagged([_note("a"), _note("b")], tag))
        again = queue.submit(tagged([_note("a, sent later"), _note("b, sent later")], tag))
        other = queue.submit(tagged([_note("c")], _tag("key-2")))
    assert first == again == [1, 2] and other == [3]
    with Archive.open(archive_path, views=[RequestsView()], database=database) as archive:
        assert archive.size == 4
        assert [archive.record(i)["alias"] for i in first] == ["a", "b"]
        archive.rebuild()  # the views are a function of the log: the request is still known
    with WriteQueue(archive_path, database=database) as queue:
        assert queue.submit(tagged([_note("after the rebuild")], tag)) == [1, 2]
    with Archive.open(archive_path) as archive:
        assert archive.size == 4


def test_the_same_key_with_another_body_is_refused_and_nothing_is_appended(
    archive_path: Path, view_database: str
) -> None:
    _init(archive_path)
    database = view_database or None
    with WriteQueue(archive_path, database=database) as queue:
        queue.submit(tagged([_note("a")], _tag("key", b"first body")))
        with pytest.raises(RequestConflictError) as refused:
            queue.submit(tagged([_note("a")], _tag("key", b"another body")))
        assert "another body" in refused.value.message and "new key" in refused.value.hint
        # another account, or no tag at all, is another request
        assert queue.submit(tagged([_note("a")], _tag("key", b"x", principal="ana"))) == [2]
        assert queue.submit([_note("untagged")]) == [3]
    with Archive.open(archive_path) as archive:
        assert archive.size == 4


def test_fifty_copies_sent_at_once_are_appended_once(archive_path: Path) -> None:
    """Copies landing in one batch, or in later ones, get the one answer; copies with
    another body are refused whichever came first."""
    _init(archive_path)
    bodies = [b"body A"] * 40 + [b"body B"] * 10
    answers: dict[int, list[int] | RequestConflictError] = {}
    with WriteQueue(archive_path) as queue:
        start = threading.Barrier(len(bodies))

        def send(n: int) -> None:
            records = tagged([_note(f"copy {n}"), _note(f"copy {n}, second")], _tag("k", bodies[n]))
            start.wait()
            try:
                answers[n] = queue.submit(records)
            except RequestConflictError as exc:
                answers[n] = exc

        threads = [threading.Thread(target=send, args=(n,)) for n in range(len(bodies))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    with Archive.open(archive_path) as archive:
        assert archive.size == 3
        winner = int(str(archive.record(1)["alias"]).split()[1])
    for n, answer in answers.items():
        if bodies[n] == bodies[winner]:
            assert answer == [1, 2], n
        else:
            assert isinstance(answer, RequestConflictError), n
    assert len(answers) == len(bodies)


def test_the_view_ignores_hostile_tags_and_never_stretches_a_request(
    archive_path: Path, view_database: str
) -> None:
    _init(archive_path)
    database = view_database or None
    tag = _tag("key")
    hostile = [
        Record("declaration.made", {**_note("x").fields, "request": ["not", "a", "digest"]}),
        Record("declaration.made", {**_note("y").fields, "request": "ab" * 32}),  # no body
        Record("declaration.made", {**_note("z").fields, "request": "G" * 64,
                                     "request_body": "0" * 64}),
    ]  # fmt: skip
    with Archive.open(archive_path, views=[RequestsView()], database=database) as archive:
        # A writer that skips the check (a script appending directly) logs the same tag
        # twice, apart: the request stays its first run.
        archive.append(tagged([_note("first")], tag))
        archive.append(hostile)
        archive.append(tagged([_note("again")], tag))
        with archive.query_views() as db:
            assert answered_request(db, tag) == [1]
            assert db.execute("SELECT count(*) FROM requests_answered").fetchone()[0] == 1
        archive.rebuild()
        with archive.query_views() as db:
            assert answered_request(db, tag) == [1]


def test_a_tag_shows_neither_the_key_nor_the_body_and_needs_the_secret() -> None:
    tag = _tag("my-client-key-0001", b'{"alias":"Spring"}')
    assert len(tag.request) == len(tag.body) == 64
    assert "my-client-key" not in tag.request + tag.body
    other_secret = RegistrySecret(bytes(32))
    again = RequestTag.of(other_secret, principal="vic", route="POST /x",
                          key="my-client-key-0001", body=b'{"alias":"Spring"}')  # fmt: skip
    assert again.request != tag.request and again.body != tag.body
    # the parts cannot be shifted into one another: ("a", "b c") is not ("a b", "c")
    split = RequestTag.of(SECRET, principal="a", route="b c", key="k", body=b"")
    moved = RequestTag.of(SECRET, principal="a b", route="c", key="k", body=b"")
    assert split.request != moved.request

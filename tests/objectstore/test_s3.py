"""The S3 object store against a real S3-protocol server: conditional puts, retries, faults."""

from __future__ import annotations

from pathlib import Path

import pytest

from erfurt.archive import Archive
from erfurt.errors import ConfigError, IntegrityError, StorageError
from erfurt.objectstore import ObjectStore, S3Location
from s3_server import SECRET, S3Bucket


def _store(s3: S3Bucket, prefix: str = "p", attempts: int = 4) -> ObjectStore:
    return ObjectStore(S3Location.parse(f"s3://{s3.name}/{prefix}"), attempts=attempts)


def _puts(s3: S3Bucket) -> list[str]:
    return [path for method, path in s3.faults.seen if method == "PUT"]


def test_an_immutable_object_is_put_once_and_never_overwritten(s3: S3Bucket) -> None:
    store = _store(s3)
    assert store.put_immutable("ab/cd/one", b"first bytes") is True
    assert store.put_immutable("ab/cd/one", b"first bytes") is False  # same bytes: fine
    with pytest.raises(IntegrityError, match="other bytes; it was not overwritten") as caught:
        store.put_immutable("ab/cd/one", b"other bytes")
    assert f"s3://{s3.name}/p/ab/cd/one" in caught.value.message
    assert s3.get("p/ab/cd/one") == b"first bytes"
    assert s3.listing() == ["p/ab/cd/one"]


def test_a_mutable_object_is_replaced_and_missing_ones_read_as_none(s3: S3Bucket) -> None:
    store = _store(s3, prefix="")
    store.put("checkpoint", b"size 1")
    store.put("checkpoint", b"size 2")
    assert store.get("checkpoint") == b"size 2"
    assert store.get("nothing") is None
    assert store.digest("nothing") is None
    assert not store.exists("nothing")
    assert s3.listing() == ["checkpoint"]


def test_throttling_is_retried_with_backoff(s3: S3Bucket) -> None:
    store = _store(s3)
    s3.faults.add(lambda method, path: method == "PUT", "throttle", times=2)
    assert store.put_immutable("tile/0/000", b"tile bytes") is True
    assert len(_puts(s3)) == 3
    assert s3.get("p/tile/0/000") == b"tile bytes"


def test_an_upload_whose_reply_was_lost_is_retried_without_a_duplicate(s3: S3Bucket) -> None:
    store = _store(s3)
    s3.faults.add(lambda method, path: method == "PUT", "drop-reply", times=1)
    # The first PUT reached the store; the retry is refused (If-None-Match) and the
    # bytes there are compared: the same, so the upload stands, once.
    assert store.put_immutable("tile/0/001", b"tile bytes") is False
    assert len(_puts(s3)) == 2
    assert s3.listing() == ["p/tile/0/001"]
    assert s3.get("p/tile/0/001") == b"tile bytes"


def test_a_store_that_keeps_failing_is_a_clear_error_without_the_secret(s3: S3Bucket) -> None:
    store = _store(s3, attempts=2)
    s3.faults.add(lambda method, path: True, "throttle", times=1_000)
    with pytest.raises(StorageError) as caught:
        store.put_immutable("tile/0/002", b"tile bytes")
    assert "SlowDown" in caught.value.message
    assert f"s3://{s3.name}/p/tile/0/002" in caught.value.message
    assert "run it again" in caught.value.hint
    assert SECRET not in str(caught.value)
    assert len(_puts(s3)) == 2


def test_a_missing_bucket_is_a_clear_error(s3: S3Bucket) -> None:
    store = ObjectStore(S3Location.parse("s3://no-such-bucket-here/p"), attempts=1)
    with pytest.raises(StorageError, match="NoSuchBucket"):
        store.put("checkpoint", b"x")


def test_no_credentials_is_a_clear_error(s3: S3Bucket, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(StorageError, match="no S3 credentials") as caught:
        _store(s3).get("checkpoint")
    assert "AWS_ACCESS_KEY_ID" in caught.value.hint
    assert "erfurt.toml" in caught.value.hint


@pytest.mark.parametrize(
    "url",
    [
        "s3://user:secret@bucket/p",
        "s3://bucket/p?X-Amz-Credential=abc",
        "https://bucket/p",
        "s3://B/p",
        "s3://bucket/a/../b",
    ],
)
def test_an_address_with_credentials_or_not_s3_is_refused(url: str) -> None:
    with pytest.raises(ConfigError) as caught:
        S3Location.parse(url, setting="blobs")
    assert "secret" not in caught.value.message.replace("s3://user:secret", "")
    assert "AWS environment" in caught.value.hint


def test_listing_is_relative_to_the_prefix(s3: S3Bucket) -> None:
    store = _store(s3, prefix="log/one")
    other = _store(s3, prefix="log/one-other")
    store.put_immutable("tile/0/000.p/3", b"abc")
    store.put_immutable("tile/0/000.p/5", b"abcde")
    other.put_immutable("tile/0/000.p/7", b"x")
    assert sorted(store.list("tile/0/000.p")) == ["tile/0/000.p/3", "tile/0/000.p/5"]
    assert set(store.etags()) == {"tile/0/000.p/3", "tile/0/000.p/5"}


def test_reading_stops_past_a_limit(s3: S3Bucket) -> None:
    store = _store(s3)
    store.put("checkpoint", b"x" * 1000)
    assert store.get("checkpoint", limit=10) == b"x" * 11
    assert store.get("checkpoint", limit=1000) == b"x" * 1000


def test_blobs_set_to_anything_but_an_s3_address_is_refused_on_open(tmp_path: Path) -> None:
    path = tmp_path / "arch"
    Archive.init(path, origin="test.example/blobs", who="t").close()
    config = path / "erfurt.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('blobs = ""', 'blobs = "/mnt/blobs"'), encoding="utf-8")
    with pytest.raises(ConfigError, match="blobs '/mnt/blobs' is not an s3:// address"):
        Archive.open(path)

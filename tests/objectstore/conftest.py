"""One S3 server for the session (moto, loopback, free port); a new bucket for each test.

Each test also gets the AWS environment pointing at the server through the fault proxy,
with no developer's AWS configuration read.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import boto3
import pytest

from s3_server import SECRET, S3Bucket, S3Server, running_s3_server

_buckets = itertools.count()


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    with running_s3_server() as server:
        yield server


@pytest.fixture
def s3(
    s3_server: S3Server, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[S3Bucket]:
    """A new bucket, and the AWS environment (only) pointing at the server through the proxy."""
    empty = tmp_path_factory.mktemp("aws") / "none"
    for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.setenv(name, str(empty))
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", s3_server.endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no instance-role probing
    bucket = f"erfurt-test-{next(_buckets)}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_server.direct,
        aws_access_key_id="testing",
        aws_secret_access_key=SECRET,
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=bucket)
    s3_server.faults.clear()
    yield S3Bucket(bucket, client, s3_server.faults)
    s3_server.faults.clear()

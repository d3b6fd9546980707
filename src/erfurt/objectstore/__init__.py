"""Objects in an S3-compatible store: put once with ``If-None-Match: *``, read back.

The archive keeps its blobs here when ``blobs = "s3://bucket/prefix"`` is set in
``erfurt.toml``, and ``erfurt log publish`` copies the log here; the keys are the paths
the files have in the archive folder. Credentials come from the AWS environment only.

    >>> from erfurt.objectstore import S3Location
    >>> location = S3Location.parse("s3://evidence/archive-1/blobs")
    >>> location.key("ab/cd/abcd0123")
    'archive-1/blobs/ab/cd/abcd0123'

    $ AWS_ENDPOINT_URL_S3=https://s3.example.org erfurt log publish --to s3://evidence/log
"""

from erfurt.objectstore.s3 import ObjectStore, S3Location, is_s3_url

__all__ = ["ObjectStore", "S3Location", "is_s3_url"]

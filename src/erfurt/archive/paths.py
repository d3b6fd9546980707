"""Where everything in an archive folder lives: the one place that builds its paths."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ArchivePaths"]


@dataclass(frozen=True, slots=True)
class ArchivePaths:
    """The layout of one archive folder (see docs/architecture.md)."""

    root: Path

    @property
    def config(self) -> Path:
        """``erfurt.toml``: the archive's settings."""
        return self.root / "erfurt.toml"

    @property
    def log(self) -> Path:
        """The C2SP static log: publish this folder as it is."""
        return self.root / "log"

    @property
    def blobs(self) -> Path:
        """Content-addressed originals and derived texts."""
        return self.root / "blobs"

    @property
    def blob_cache(self) -> Path:
        """Local copies of blobs kept in S3 (``blobs = "s3://..."``); deletable at any time."""
        return self.root / "cache" / "blobs"

    @property
    def page_images(self) -> Path:
        """Pages of originals drawn for the web viewer (owner-only); deletable at any time."""
        return self.root / "cache" / "pages"

    @property
    def views(self) -> Path:
        """The folder of rebuildable views."""
        return self.root / "views"

    @property
    def views_db(self) -> Path:
        """The SQLite database that holds every view."""
        return self.views / "views.sqlite"

    @property
    def private(self) -> Path:
        """Secrets of the archive (owner-only); never published."""
        return self.root / "private"

    @property
    def signing_key(self) -> Path:
        """The log's Ed25519 signing key, in Go's note ``PRIVATE+KEY+...`` form."""
        return self.private / "log.key"

    @property
    def log_state(self) -> Path:
        """The log writer's lock, pending list and temp files: kept out of ``log/``."""
        return self.private / "log-state"

    @property
    def access_db(self) -> Path:
        """Accounts, password hashes, sessions, API tokens and collection rules: never published."""
        return self.private / "access.sqlite"

    @property
    def saved_searches(self) -> Path:
        """The user's saved searches and what their alerts have shown (never published)."""
        return self.private / "saved-searches.sqlite"

    @property
    def sealing_key(self) -> Path:
        """The key that seals names of people harmed and witnesses (never published)."""
        return self.private / "sealing.key"

    @property
    def uploads(self) -> Path:
        """Web uploads while they are received (owner-only; emptied once each is preserved)."""
        return self.private / "uploads"

    @property
    def tmp(self) -> Path:
        """Partial writes; emptied when the archive is opened for writing."""
        return self.root / "tmp"

    def blob(self, sha256: str) -> Path:
        """Where the blob with this SHA-256 (lower-case hex) lives."""
        return Path(self.blob_file(sha256))

    def blob_file(self, sha256: str) -> str:
        """:meth:`blob` as a string, for system calls made several times per file ingested
        (pathlib's joins and conversions cost more than the calls themselves)."""
        return os.path.join(self.root, "blobs", sha256[:2], sha256[2:4], sha256)

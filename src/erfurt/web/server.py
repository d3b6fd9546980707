"""Running the app with uvicorn on one address."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import uvicorn

from erfurt.archive import View
from erfurt.web.app import create_app


def serve(
    archive_path: Path,
    *,
    views: Sequence[View],
    host: str,
    port: int,
    secret_file: Path | None = None,
) -> None:
    """Serve the archive until interrupted (one process: the archive has one writer)."""
    app = create_app(archive_path, views=views, secret_file=secret_file)
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)

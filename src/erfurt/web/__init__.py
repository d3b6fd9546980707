"""The web interface and HTTP API of a served archive (``erfurt serve``).

    >>> from pathlib import Path
    >>> from erfurt.web import create_app
    >>> # app = create_app(Path("archive"), views=all_views())   # an ASGI app for uvicorn

Pages and the JSON API under ``/api/v1/`` are two renderings of the same queries; every
write goes through the archive's single writer; who may see what is decided by
:mod:`erfurt.archive`'s access policy.
"""

from erfurt.web.app import create_app
from erfurt.web.server import serve

__all__ = ["create_app", "serve"]

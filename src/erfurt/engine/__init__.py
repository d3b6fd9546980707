"""Batch work on a distributed engine (Dask): a cluster given by address, or one started here.

    >>> from erfurt.engine import Engine, EngineSpec
    >>> with Engine.start(EngineSpec.parse("dask"), workers=2) as engine:  # doctest: +SKIP
    ...     offset = engine.share(10)  # sent to each worker once
    ...     list(engine.map(lambda chunk, k: [x + k for x in chunk], [[1, 2], [3]], offset,
    ...                     ordered=True))
    [[11, 12], [13]]

The driver (the process that called :meth:`Engine.start`) hands out chunks of work and
gets their results back; it alone appends to the log. See docs/engine.md.
"""

from erfurt.engine.cluster import Engine
from erfurt.engine.spec import EngineSpec
from erfurt.engine.tls import EngineTLS

__all__ = ["Engine", "EngineSpec", "EngineTLS"]

"""Erfurt: preserve records of abuses of power in a verifiable, append-only log.

The record is the log (:mod:`erfurt.log`); the archive (:mod:`erfurt.archive`) keeps
original files as content-addressed blobs, appends canonical records to the log and
derives rebuildable views from it; features and interfaces sit above.

    >>> import erfurt
    >>> erfurt.__version__  # doctest: +ELLIPSIS
    '...'
"""

__version__ = "0.1.0"

__all__ = ["__version__"]

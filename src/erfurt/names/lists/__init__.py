"""Readers for sanctions and watch lists: strict, all or nothing.

    from erfurt.names.lists import read_ofac_sdn, read_ftm
    loaded = read_ofac_sdn(Path("sdn-dir"))   # sdn.csv, alt.csv, add.csv
    loaded.entities[0].id                     # "ofac-36"

A file that is truncated or not what the reader expects raises InputError naming the
file and line; nothing is returned half-read.
"""

from erfurt.names.lists.common import LoadedList
from erfurt.names.lists.ftm import read_ftm
from erfurt.names.lists.ofac import OFAC_FILES, read_ofac_sdn

__all__ = ["OFAC_FILES", "LoadedList", "read_ftm", "read_ofac_sdn"]

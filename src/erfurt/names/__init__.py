"""Names in any script: matching and screening against sanctions and watch lists.

    from erfurt.names import Matcher, Query, read_ofac_sdn
    matcher = Matcher.build(read_ofac_sdn(Path("ofac")).entities)
    matcher.match(Query("林鄭月娥"))[0].entity_id        # "ofac-29249"
    matcher.match(Query("Lam Cheng Yuet-ngor"))[0].score  # 1.0

Han names are folded traditional -> simplified and read in pinyin (with surname
readings), Wade-Giles and Hong Kong Cantonese; romanised names are split into
syllables; when both sides are written in Han, the characters decide.
"""

from erfurt.names.lists import OFAC_FILES, LoadedList, read_ftm, read_ofac_sdn
from erfurt.names.matcher import DEFAULT_THRESHOLD, Matcher
from erfurt.names.model import Entity, Match, Query, parse_date
from erfurt.names.score import Feature

__all__ = [
    "DEFAULT_THRESHOLD",
    "OFAC_FILES",
    "Entity",
    "Feature",
    "LoadedList",
    "Match",
    "Matcher",
    "Query",
    "parse_date",
    "read_ftm",
    "read_ofac_sdn",
]

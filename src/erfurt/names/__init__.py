"""Names in any script: matching and screening against sanctions and watch lists.

    >>> from erfurt.names import Entity, Matcher, Query
    >>> lam = Entity("ofac-29249", "Person", ("LAM, Carrie", "LAM CHENG, Yuet-ngor"), "ofac-sdn")
    >>> matcher = Matcher.build([lam])
    >>> [(m.entity_id, m.score) for m in matcher.match(Query("林鄭月娥"))]
    [('ofac-29249', 1.0)]

Han names are folded traditional -> simplified and read in pinyin (with surname
readings), Wade-Giles and Hong Kong Cantonese; romanised names are split into
syllables; when both sides are written in Han, the characters decide.
"""

from erfurt.names.explain import explain
from erfurt.names.lists import OFAC_FILES, LoadedList, read_ftm, read_ofac_sdn
from erfurt.names.matcher import DEFAULT_THRESHOLD, Matcher
from erfurt.names.model import Entity, Match, Query, parse_date
from erfurt.names.score import Feature
from erfurt.names.screen import ScreenResult, parse_queries, read_queries, screen
from erfurt.names.spellings import character_spellings, name_spellings, surname_readings
from erfurt.names.store import (
    ImportedList,
    NamesView,
    import_list,
    load_matcher,
    loaded_entities,
    loaded_lists,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "OFAC_FILES",
    "Entity",
    "Feature",
    "ImportedList",
    "LoadedList",
    "Match",
    "Matcher",
    "NamesView",
    "Query",
    "ScreenResult",
    "character_spellings",
    "explain",
    "import_list",
    "load_matcher",
    "loaded_entities",
    "loaded_lists",
    "name_spellings",
    "parse_date",
    "parse_queries",
    "read_ftm",
    "read_ofac_sdn",
    "read_queries",
    "screen",
    "surname_readings",
]

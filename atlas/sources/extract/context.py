"""Context that makes a matched name something other than a place: an organisation
("Bank of America", "American Heart Association", "Turkish Airlines") or a person
("said Mary", "Mary Smith", "St. Marys"). Shared by country and place mentions.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .inflect import russian_forms
from .names import FIRST_NAMES, GIVEN_NAMES_CYRILLIC, GIVEN_NAMES_LATIN, PERSON_NAMES

# "Bank of America", "University of Texas": the name completes an organisation.
_ORG_BEFORE = re.compile(
    r"(?<![\w-])(?:Bank|University|College|Institute|Museum|Academy|Association|Federation|Society|Chamber|Church|"
    r"Library|Hospital|Council|Commonwealth\s+Bank|Daughters|Sons|Friends|Knights|Orchestra|Symphony|Ballet|"
    r"Universität|Hochschule|Bank|Museum|Университет\w*|Банк\w*)\s+(?:of|der|des|für)\s+(?:the\s+)?$")
# A run of capitalised words after the name that ends in an organisation head:
# "American Heart Association", "China Southern Airlines", "Texas Instruments Inc".
_ORG_HEADS = ("Association|Associates|Airlines|Airways|Air\\s+Lines|Bank|Bancorp|University|Institute|Corporation|Corp|"
              "Company|Co|Inc|Ltd|LLC|PLC|Plc|Group|Holdings|Foundation|Society|League|Times|Post|Herald|Journal|"
              "Tribune|Gazette|Press|Today|Express|Motors|Telecom|Railways|Railroad|Partners|Club|FC|Rangers|"
              "Orchestra|Fund|Trust|Museum|Academy|Hospital|Church|College|School|Council|Committee|Federation|"
              "Authority|Airport|Stadium|Broadcasting|Energy|Petroleum|Oil|Gas|Steel|Airline|Magazine|Review|"
              "Insurance|Pharmaceuticals|Electric|Power|Technologies|Systems|Industries|Heritage|Cancer|Heart|"
              "Red\\s+Cross|Red\\s+Crescent|Police|Patrol|Service|Survey|Agency|Center|Centre|Commission|Administration|"
              "Bureau|Network|Channel|Organization|Organisation|Coalition|Movement|Forum|Alliance|Union|Institution|"
              "Plastics|Foods|Brands|Studios|Records|Pictures|Media|Software|Labs|Capital|Ventures|Hotel|Hotels|Resort")
# (within the line: "Baku\nThe European Union" is two lines, not an organisation)
_ORG_AFTER = re.compile(rf"(?:[ \t-]+(?:[A-Z][\w&'.-]*|of|and|&|for|the)){{0,4}}?[ \t-]+(?:{_ORG_HEADS})(?![\w])")
_AND_AFTER = re.compile(r"[ \t]+(?:and|und|и)[ \t]")
# Heads that may follow a country name without making it an organisation (a state body is
# still the state): "China's Foreign Ministry", "Kazakh Energy Ministry".
_STATE_BODY = re.compile(r"[\s-]+(?:[A-Z][\w'-]*\s+){0,3}?(?:Ministry|Ministerium|Government|Regierung|Army|Armee|Embassy|"
                         r"Botschaft|Parliament|Parlament|Senate|Senat)\b")

# "St. Marys", "Saint Mary", "Fort Worth": a longer toponym the gazetteer does not hold.
_LONGER_NAME_BEFORE = re.compile(r"(?<![\w-])(?:St\.?|Ste\.?|Saint|San|Santa|Fort|Ft\.|Mount|Mt\.|Port|Lake|Glen|Cape)\s+$")
_SAID_BEFORE = re.compile(r"(?<![\w-])(?:said|says|told|asked|thanked|according\s+to|wife|husband|daughter|son|mother|"
                          r"father|sister|brother|aunt|uncle)\s+$", re.I)
_SAID_AFTER = re.compile(r"\s+(?:said|says|told|asked|added|wrote|explained|stated|recalled)\b")
_LOCATIVE_BEFORE = re.compile(r"(?<![\w-])(?:in|near|from|to|at|via|outside|around|across|of|into|toward|towards|"
                              r"city\s+of|town\s+of|village\s+of|county\s+of|nach|bei|aus|von|im|in|в|во|из|под)\s+$", re.I)


def in_organisation(work: str, s: int, e: int) -> bool:
    """True when the name at ``work[s:e]`` is part of an organisation's name.

    >>> t = "Bank of America and the American Heart Association met China's Foreign Ministry."
    >>> [in_organisation(t, t.index(w), t.index(w) + len(w)) for w in ("America", "American", "China's")]
    [True, True, False]
    """
    before = work[max(0, s - 12):s]  # cheap test first: every pattern before ends in of/der/des/für (the)
    if ("of" in before or "de" in before or "für" in before) and _ORG_BEFORE.search(work, max(0, s - 40), s):
        return True
    # cheap test first: the pattern after needs spaces, then a capital or of/for/the/&
    j = e
    while j < len(work) and j < e + 8 and work[j] in " \t-":
        j += 1
    if j == e or j >= len(work) or not ("A" <= work[j] <= "Z" or work[j] in "oft&"):
        return False
    m = _ORG_AFTER.match(work, e, min(len(work), e + 80))
    # "China and the European Union": a conjunction right after the name starts another name
    return bool(m) and not _STATE_BODY.match(work, e, m.end()) and not _AND_AFTER.match(work, e)


_WORD_BEFORE = re.compile(r"([A-ZА-ЯЁ][a-zа-яё]+)\s+$")
# Words that continue a toponym, so a capitalised word after a town is no surname.
_PLACE_WORDS = frozenset("""County City River Valley Province Region Oblast District Township Parish Borough Island Islands
Bay Beach Park Airport Harbor Harbour Lake Mountain Mountains Hills Heights Springs Falls Creek Station Street Road
Avenue Square Bridge Port Strait Sea Gulf Peninsula Desert Plateau Basin Canyon Coast Metro Area Prefecture State
Governorate Municipality Village Town Oblast Krai Dam Canal Field Fields Pass Border""".split())
_NEXT_WORD = re.compile(r"[ \t]+([A-ZА-ЯЁ][\w'-]*)")


def surname_after(work: str, e: int) -> bool:
    """A capitalised word after the name that does not continue a toponym ("Maros Šefčovič").

    >>> surname_after("Antony Blinken", 6), surname_after("Fayette County", 7)
    (True, False)
    """
    m = _NEXT_WORD.match(work, e)
    return bool(m) and m.group(1) not in _PLACE_WORDS


def first_name_before(work: str, s: int) -> bool:
    """A given name right before: the match is a surname ("Kevin Roth", "George Washington")."""
    before = _WORD_BEFORE.search(work, max(0, s - 16), s)
    return bool(before) and before.group(1).lower() in given_names()


def person_context(work: str, s: int, e: int, need_locative: bool = True) -> bool:
    """True when a name that is also a personal name is used as one here: said next to it,
    a capitalised word after it (a surname), or, when ``need_locative``, no "in"/"near"... before it.

    >>> t = "Mary Smith said; said Mary. Mary; in Mary"
    >>> [person_context(t, *span) for span in ((0, 4), (22, 26), (28, 32), (37, 41))]
    [True, True, True, False]
    """
    if first_name_before(work, s) or surname_after(work, e):  # "George Washington", "Mary Smith"
        return True
    if need_locative:
        return bool(_SAID_BEFORE.search(work, max(0, s - 24), s) or _SAID_AFTER.match(work, e)
                    or not _LOCATIVE_BEFORE.search(work, max(0, s - 16), s))
    return False


def longer_name_before(work: str, s: int) -> bool:
    """True after "St.", "Fort", "Mount"...: the match is the tail of a longer toponym.

    >>> longer_name_before("St. Marys", 4), longer_name_before("in Mary", 3)
    (True, False)
    """
    return bool(_LONGER_NAME_BEFORE.search(work, max(0, s - 8), s))


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Lower-cased given names: English, Central Asian, Russian and German ones in Latin letters,
    and the Russian ones with their case forms ("Карину", "Софии")."""
    cyrillic = {f.lower() for n in GIVEN_NAMES_CYRILLIC for f in russian_forms(n)}
    return frozenset(FIRST_NAMES | GIVEN_NAMES_LATIN | cyrillic)


@lru_cache(maxsize=1)
def _person_names() -> frozenset[str]:
    return frozenset(PERSON_NAMES | given_names())


def is_person_name(name: str) -> bool:
    """True for a given name or a common surname, in any case form.

    >>> is_person_name("Elizabeth"), is_person_name("Карину"), is_person_name("Tashkent")
    (True, True, False)
    """
    return name.lower() in _person_names()

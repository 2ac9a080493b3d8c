"""Full-text search over facts: titles, summaries, evidence quotes and the text of cited articles.

What a query means (OR, phrases, prefixes, spelling variants) is :mod:`atlas.views.search_syntax`,
for both engines; the index and its ranked queries are :mod:`atlas.db.searchindex`
(SQLite FTS5 made by revision 0005, PostgreSQL tsvector). Facts whose words appear as
one phrase come first; a query naming an outside power ("Turkey") also finds the facts
that power is part of; a fact whose *article* matches ranks after the facts that match
themselves. Databases without either engine get a plain substring match.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from . import search_syntax as syntax
from ..core.actors import find_actors
from ..db import searchindex
from ..db.store import Store

MAX_TERMS, MAX_QUERY_CHARS = syntax.MAX_TERMS, syntax.MAX_QUERY_CHARS
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class SearchHit:
    """One ranked result. ``via`` says where the words were found: ``fact``, ``actor`` (the
    query names an outside power the fact involves) or ``article`` (the cited article's text)."""

    fact_id: str
    title: str
    type: str
    snippet: str
    via: str = "fact"
    date: str = ""  # the fact's start date, as stored (YYYY-MM-DD)
    countries: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()  # outside powers
    origin: str = ""  # curated, dataset or extracted


def _codes(raw) -> tuple[str, ...]:
    try:
        value = json.loads(raw or "[]")
    except (TypeError, ValueError):
        return ()
    return tuple(str(c) for c in value) if isinstance(value, list) else ()


def terms(text: str) -> list[str]:  # the LIKE fallback's words
    """The words of a query, lower-cased, at most :data:`MAX_TERMS`.

    >>> terms("  Line D! ")
    ['line', 'd']
    >>> terms('"; DROP TABLE facts --')
    ['drop', 'table', 'facts']
    """
    return [w.casefold() for w in _WORD.findall(text[:MAX_QUERY_CHARS])][:MAX_TERMS]


def search(store: Store, text: str, limit: int = 20) -> list[SearchHit]:
    """Facts matching ``text`` (syntax: :mod:`atlas.views.search_syntax`), best first; rejected facts never appear."""
    query = syntax.plain_query(text)
    if not query:
        return []
    exact = syntax.phrase_query(text)
    parsed = ([exact] if exact else []) + [query]  # the whole phrase first, then the query
    if store.dialect == "sqlite":
        queries = [syntax.to_fts5(q) for q in parsed]
    elif store.dialect == "postgresql":
        queries = [syntax.to_tsquery(q) for q in parsed]
    else:
        return _search_like(store, text, limit)
    actors = find_actors(text) if syntax.is_plain(text) else ()
    hits: dict[str, SearchHit] = {}
    for via, rows in searchindex.ranked_rows(store, queries, actors, limit):
        for fid, title, typ, snip, day, countries, actors_raw, origin in rows:
            hits.setdefault(fid, SearchHit(fid, title, typ, snip or "", via, day or "", _codes(countries),
                                           _codes(actors_raw), origin or ""))
    return list(hits.values())[:limit]


def _search_like(store: Store, text: str, limit: int) -> list[SearchHit]:
    """Fallback for databases without FTS5 here: every word as a case-insensitive substring."""
    return [SearchHit(r.id, r.title, r.type, (r.summary or "")[:160], "fact", r.date_start or "",
                      _codes(r.countries), _codes(r.actors), r.origin or "")
            for r in searchindex.substring_rows(store, terms(text), text, limit)]

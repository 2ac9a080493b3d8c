"""Full-text search on PostgreSQL (tsvector): the same ranking rules as FTS5 on SQLite."""
from __future__ import annotations

from datetime import date

import pytest

from atlas.core.models import Fact
from atlas.views.search import search
from atlas.db.store import Store

from .dash_data import ARTICLE, fill_store


@pytest.fixture
def store(pg_url) -> Store:
    s = Store(pg_url)
    fill_store(s)
    yield s
    s.dispose()


def ids(store, text, limit=20):
    return [h.fact_id for h in search(store, text, limit)]


def test_line_d_first_and_summary_evidence_article(store):
    assert ids(store, "Line D")[0] == "gas-line-d"
    hits = search(store, "Präsidenten")
    assert (hits[0].fact_id, hits[0].via) == ("summit-xian-2023", "fact")
    hits = search(store, "schneller gebaut")  # only in the article body
    assert hits and {h.via for h in hits} == {"article"}
    assert {h.fact_id for h in hits} <= {f.id for f in store.facts() if f.article_id == ARTICLE.id}


def test_prefix_actor_and_never_rejected(store):
    store.bulk_insert_facts([
        Fact(id="z1", type="trade", title="Zeppelin freight link", date_start=None, date_precision=None,
             origin="extracted", review="pending", confidence=0.5),
        Fact(id="z2", type="trade", title="Zeppelin rejected", date_start=None, date_precision=None,
             origin="extracted", review="rejected", confidence=0.5),
        Fact(id="ots-1", type="diplomacy", title="Turkic summit", date_start=date(2021, 11, 12),
             date_precision="day", origin="curated", countries=("KAZ",), actors=("TUR",))])
    assert ids(store, "zeppel") == ["z1"]
    assert [(h.fact_id, h.via) for h in search(store, "Turkey")] == [("ots-1", "actor")]


@pytest.mark.parametrize("text", ["'; DROP TABLE facts; --", "a & | ! <-> :*", "(((", "\\x00"])
def test_hostile_text_is_a_safe_query(store, text):
    search(store, text)  # no exception
    assert store.count() > 0


def test_or_phrases_prefixes_and_variants(pg_url):
    from .test_search_syntax import check_syntax, make_store

    s = make_store(pg_url)  # a fresh database: its own facts, the same cases as on SQLite
    try:
        check_syntax(s)
        hit = search(s, "Rogun dam")[0]
        assert (hit.date, hit.countries, hit.actors, hit.origin) == ("2020-01-01", ("TJK",), ("ITA",), "curated")
    finally:
        s.dispose()

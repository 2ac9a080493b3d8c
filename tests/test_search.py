"""Full-text search (atlas.views.search): ranking, index refilled after writes, hostile text."""
from __future__ import annotations

import json
from datetime import date

from hypothesis import HealthCheck, given, settings, strategies as st

from atlas.core.models import Fact
from atlas.db.searchindex import ensure_index, rebuild_index
from atlas.views.search import search
from atlas.db.store import Store

from .dash_data import ARTICLE, fill_store


def _store() -> Store:
    store = Store("sqlite://")
    fill_store(store)
    return store


def ids(store, text, limit=20):
    return [h.fact_id for h in search(store, text, limit)]


def test_line_d_finds_line_d_first():
    store = _store()
    assert ids(store, "Line D")[0] == "gas-line-d"
    assert ids(store, "line d")[0] == "gas-line-d"


def test_searches_summary_evidence_and_article_text():
    store = _store()
    # "Präsidenten" is in the curated summit fact's evidence quote (and so in its article).
    hits = search(store, "Präsidenten")
    assert (hits[0].fact_id, hits[0].via) == ("summit-xian-2023", "fact")
    assert {h.via for h in hits[1:]} <= {"article"}
    assert ids(store, "prasidenten")[0] == "summit-xian-2023"  # accents folded
    # "schneller" is only in the article body: facts citing that article are found, marked as such.
    hits = search(store, "schneller gebaut")
    assert hits and {h.via for h in hits} == {"article"}
    assert {h.fact_id for h in hits} <= {f.id for f in store.facts() if f.article_id == ARTICLE.id}


def test_actor_common_name_finds_facts_of_that_power():
    store = _store()
    store.bulk_insert_facts([Fact(id="ots-1", type="diplomacy", title="Turkic summit", date_start=date(2021, 11, 12),
                                  date_precision="day", origin="curated", countries=("KAZ",), actors=("TUR",))])
    hits = search(store, "Turkey")
    assert [(h.fact_id, h.via) for h in hits] == [("ots-1", "actor")]


def test_index_follows_writes_and_never_shows_rejected():
    store = _store()
    ensure_index(store)
    assert ids(store, "zeppelin") == []
    store.bulk_insert_facts([Fact(id="z1", type="trade", title="Zeppelin freight link", date_start=None,
                                  date_precision=None, origin="extracted", review="pending", confidence=0.5)])
    assert ids(store, "zeppelin") == ["z1"]
    store.decide(["z1"], "rejected", "tester")
    assert ids(store, "zeppelin") == []
    store.replace_curated([])  # curated facts removed: gone from the index too
    assert "gas-line-d" not in ids(store, "Line D")
    rebuild_index(store)
    assert ids(store, "Pending security") == ["x-pending"]


def test_index_is_created_once_for_a_file_store(tmp_path):
    path = tmp_path / "a.sqlite"
    s1 = Store(str(path))
    fill_store(s1)
    assert ids(s1, "Line D")[0] == "gas-line-d"
    s2 = Store(str(path))  # another process's store: the index is there, no duplicate rows
    assert ids(s2, "Line D").count("gas-line-d") == 1
    with s2.engine.connect() as c:
        n = c.exec_driver_sql("SELECT count(*) FROM fact_search").scalar()
    assert n == s2.count()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_any_text_is_a_safe_query(text):
    hits = search(_SHARED, text, 5)
    assert len(hits) <= 5


_SHARED = _store()


def test_cli_search_prints_ranked_ids(db_path, capsys):
    from atlas.cli import main

    fill_store(Store(str(db_path)))
    assert main(["--db", str(db_path), "search", "Line D", "--json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out)[0]["fact_id"] == "gas-line-d"

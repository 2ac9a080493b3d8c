"""Trends, country profiles, actor names and exports with their sources (engine only)."""
from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from atlas.core.actors import choice_label, find_actors
from atlas.views.export import article_index, csv_text, geojson_text
from atlas.core.models import Fact
from atlas.views.profiles import UnknownCountry, country_profile
from atlas.views.query import Filters, apply_filters, load_frame, select_facts
from atlas.db.store import Store
from atlas.views.trends import OTHER, actor_counts, counts_chart, type_counts

from .dash_data import ARTICLE, fill_store


@pytest.fixture
def store() -> Store:
    s = Store("sqlite://")
    fill_store(s)
    return s


def frame(store, **kw):
    return apply_filters(load_frame(store), Filters(reviews=("accepted", "pending"), **kw))


def test_actor_counts_count_each_power_once_per_fact(store):
    out = actor_counts(frame(store))
    got = {(r.period.year, r.key): r.facts for r in out.itertuples()}
    # 2023: summit (CHN), sanctions (USA, RUS), finance (CHN)
    assert got[(2023, "CHN")] == 2 and got[(2023, "USA")] == 1 and got[(2023, "RUS")] == 1
    assert got[(2014, "CHN")] == 1 and got[(2022, "RUS")] == 1 and got[(2021, "EU")] == 1
    assert out["facts"].sum() == 7


def test_actor_counts_group_the_rest_as_other(store):
    out = actor_counts(frame(store), top=1)
    assert set(out["key"]) == {"CHN", OTHER}
    assert out.loc[out["key"] == OTHER, "facts"].sum() == 4


def test_type_counts_and_chart(store):
    out = type_counts(frame(store))
    assert out.loc[out["period"].dt.year == 2023].set_index("key")["facts"].to_dict() == {
        "diplomacy": 1, "finance": 1, "sanctions": 1}
    spec = counts_chart(actor_counts(frame(store)), legend_title="Outside power").to_dict()
    assert spec["mark"]["type"] == "bar" and spec["encoding"]["y"]["stack"] == "zero"


def test_empty_frames_give_empty_counts(store):
    empty = frame(store, countries=("TKM",), types=("energy",))
    assert actor_counts(empty).empty and type_counts(empty).empty


def test_country_profile(store):
    p = country_profile(store, frame(store), "KAZ")
    assert p.name == "Kazakhstan" and p.facts == 3
    assert p.leading[0] == ("CHN", 2)
    assert p.routes.empty
    assert [(a.currency, a.value) for a in p.amounts] == [] or all(a.value > 0 for a in p.amounts)
    assert p.key_facts["origin"].iloc[0] == "curated"
    tjk = country_profile(store, frame(store), "TJK")
    assert tjk.routes["id"].tolist() == ["gas-line-d"]
    with pytest.raises(UnknownCountry, match="country: 'FRA' is not one of"):
        country_profile(store, frame(store), "FRA")


def test_profile_largest_amounts_per_currency(store):
    store.bulk_insert_facts([
        Fact(id=f"loan-{i}", type="finance", title=f"Loan {i}", date_start=date(2020, 1, i + 1),
             date_precision="day", origin="curated", countries=("KGZ",), actors=("CHN",),
             amounts=({"text": f"{v} m", "value": v * 1e6, "currency": cur},))
        for i, (v, cur) in enumerate([(5, "USD"), (300, "USD"), (40, "USD"), (2000, "CNY")])])
    p = country_profile(store, frame(store), "KGZ")
    assert [(a.fact_id, a.currency) for a in p.amounts][:3] == [("loan-1", "USD"), ("loan-2", "USD"),
                                                                 ("loan-0", "USD")]
    assert ("loan-3", "CNY") in [(a.fact_id, a.currency) for a in p.amounts]
    assert p.amounts[0].text == "300 m"


def test_actor_common_names():
    assert find_actors("Turkey") == ["TUR"] and find_actors("türkiye") == ["TUR"]
    assert find_actors("U.S.") == ["USA"] and find_actors("European Union") == ["EU"]
    assert find_actors("Narnia") == []
    assert "Turkey" in choice_label("TUR") and "US" in choice_label("USA")


def test_exports_carry_sources_and_articles_without_internal_keys(store):
    line = store.fact("gas-line-d")
    store.replace_curated([line.with_(geometry={**line.geometry, "__line__": 7, "__lines__": {"type": 7}})])
    facts = select_facts(store, Filters(reviews=("accepted", "pending")))
    gj = geojson_text(facts, article_index(store))
    assert "__line" not in gj
    feats = {f["id"]: f for f in json.loads(gj)["features"]}
    assert feats["gas-line-d"]["properties"]["sources"][0]["url"] == "https://example.org/line-d"
    extracted = next(f for f in facts if f.origin == "extracted" and f.evidence)
    arts = feats[extracted.id]["properties"]["articles"]
    assert arts == [{"id": ARTICLE.id, "title": ARTICLE.title, "url": ARTICLE.url, "publisher": ARTICLE.publisher}]
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(csv_text(facts, article_index(store))))}
    assert rows["gas-line-d"]["source_urls"] == "https://example.org/line-d"
    assert rows["gas-line-d"]["source_titles"] == "Line D"
    assert rows[extracted.id]["evidence_article"] == ARTICLE.id
    assert rows[extracted.id]["article_title"] == ARTICLE.title
    assert rows[extracted.id]["evidence_quote"] == extracted.evidence[0].quote

"""Search syntax (OR, phrases, prefixes, variants and transliterations) on SQLite FTS5, and the
result's context; the same cases run on PostgreSQL in tests/test_search_pg.py."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings, strategies as st

from atlas.core.models import Fact
from atlas.views.search import search
from atlas.views.search_syntax import MAX_TERMS, ONLY_OPERATORS, notice, parse, to_fts5, to_tsquery
from atlas.db.store import Store

from .dash_data import fill_store


def variant_facts() -> list[Fact]:
    def fact(fid, title, origin="curated", **kw):
        extra = {"dataset": "aiddata", "dataset_record": fid} if origin == "dataset" else {}
        return Fact(id=fid, type=kw.pop("type", "energy"), title=title, date_start=kw.pop("day", date(2020, 1, 1)),
                    date_precision="day", origin=origin, countries=kw.pop("countries", ("TJK",)),
                    actors=kw.pop("actors", ("RUS",)), **extra, **kw)
    return [
        fact("rogun-ru", "Плотина Рогун: новый турбинный агрегат"),
        fact("rogun-en", "Rogun dam: second unit starts", actors=("ITA",)),
        fact("kambar", "Kambar-Ata 1 hydropower plant agreed", countries=("KGZ",)),
        fact("kambar-ru", "Камбаратинская ГЭС? No: Kambarata 2 extension", countries=("KGZ",)),
        fact("xian-ru", "Саммит в Сиане", type="diplomacy", actors=("CHN",), countries=("KAZ",)),
        # the same text twice: the curated fact must come before the dataset row
        fact("a-dataset-row", "Bishkek heating plant loan", origin="dataset", actors=("CHN",), countries=("KGZ",)),
        fact("z-curated", "Bishkek heating plant loan", actors=("CHN",), countries=("KGZ",)),
        fact("pipes", "Pipeline through the Ferghana valley", type="infrastructure", countries=("UZB",)),
        fact("tashkent-en", "Tashkent metro line opened", type="infrastructure", countries=("UZB",)),
    ]


def make_store(url: str) -> Store:
    s = Store(url)
    fill_store(s)
    s.bulk_insert_facts(variant_facts())
    return s


@pytest.fixture(scope="module")
def store() -> Store:
    return make_store("sqlite://")


def ids(store, text, limit=20):
    return [h.fact_id for h in search(store, text, limit)]


def check_syntax(store) -> None:
    """The cases both backends must pass."""
    assert set(ids(store, "Rogun OR Kambarata")) >= {"rogun-ru", "rogun-en", "kambar", "kambar-ru"}
    assert set(ids(store, "Rogun | Kambar-Ata")) == set(ids(store, "Rogun OR Kambarata"))
    assert set(ids(store, "Rogun")) == {"rogun-ru", "rogun-en"}  # Рогун too
    assert set(ids(store, "Рогун")) == {"rogun-ru", "rogun-en"}
    assert set(ids(store, "Kambar-Ata")) == {"kambar", "kambar-ru"}
    assert set(ids(store, "Kambarata")) == {"kambar", "kambar-ru"}
    assert {"summit-xian-2023", "xian-ru"} <= set(ids(store, "Xian"))  # Сиане: a case of Сиань
    assert {"summit-xian-2023", "xian-ru"} <= set(ids(store, "Сиане")) == set(ids(store, "Сиань"))
    assert "tashkent-en" in ids(store, "Ташкента") and "tashkent-en" in ids(store, "Ташкенте")  # and in English
    assert ids(store, '"heating plant"') == ["z-curated", "a-dataset-row"]  # phrase; curated first on a tie
    assert ids(store, '"plant heating"') == []  # a phrase keeps its order
    assert set(ids(store, "pipe*")) == {"pipes", "gas-line-d"}  # Pipeline, pipeline
    assert ids(store, '"pipe" OR zzz') == []  # quoted: a word, no prefix
    assert ids(store, "rogun dam") == ["rogun-en"]  # plain words: all must match


def test_syntax_on_sqlite(store):
    check_syntax(store)


def test_hits_carry_date_country_origin_and_power(store):
    hit = search(store, "Rogun dam")[0]
    assert (hit.date, hit.countries, hit.actors, hit.origin) == ("2020-01-01", ("TJK",), ("ITA",), "curated")
    row = next(h for h in search(store, '"heating plant"') if h.fact_id == "a-dataset-row")
    assert row.origin == "dataset" and row.countries == ("KGZ",)


def test_only_operators_give_a_notice(store):
    for text in ("OR", '""', "* | OR", "|"):
        assert notice(text) == ONLY_OPERATORS and search(store, text) == []
    assert notice("") is None and notice("Rogun OR") is None
    assert ids(store, "Rogun OR") == ids(store, "Rogun")  # a dangling OR is ignored


def test_renderers_quote_every_word():
    q = parse('x"; DROP TABLE facts; -- OR NEAR(a b) AND ^col:*')
    assert all('"' not in w and "'" not in w for g in q for t in g for a in t.alternatives for w in a)
    assert to_fts5(parse("Kambar-Ata"))  # well-formed for both engines
    assert "<->" in to_tsquery(parse("Kambar-Ata"))


@settings(max_examples=120, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab "|*-\'OR()^:NEAR+Сиань')), max_size=40))
def test_operator_soup_is_a_safe_query(text):
    hits = search(_SHARED, text, 5)
    assert len(hits) <= 5
    assert (notice(text) is None) or hits == []


_SHARED = make_store("sqlite://")


def test_cli_search_shares_the_engine_and_says_when_only_operators(tmp_path, capsys):
    from atlas.cli import main

    db = tmp_path / "a.sqlite"
    make_store(str(db)).dispose()
    assert main(["--db", str(db), "search", "Rogun OR Kambar-Ata", "--json"]) == 0
    import json

    got = json.loads(capsys.readouterr().out)
    assert {h["fact_id"] for h in got} >= {"rogun-ru", "kambar"} and {"date", "countries", "origin"} <= set(got[0])
    assert main(["--db", str(db), "search", "OR |"]) == 1
    assert capsys.readouterr().err.strip() == ONLY_OPERATORS


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_parse_meets_any_text(text):
    q = parse(text)
    words = [w for g in q for t in g for a in t.alternatives for w in a]
    assert all(w and all(ch.isalnum() or ch == "_" for ch in w) for w in words)  # \w only: quoting is safe
    assert sum(max(len(a) for a in t.alternatives) for g in q for t in g) <= 2 * MAX_TERMS  # bounded
    assert (notice(text) is None) == (not text.strip() or bool(q))

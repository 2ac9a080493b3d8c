"""AppTest of the Compare and Methodology pages and the Countries page's measures (by widget key)."""
from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from atlas.views.compare import NONE_CHOSEN, NO_FACTS
from atlas.core.markup import md_plain
from atlas.views.search_syntax import ONLY_OPERATORS
from atlas.core.models import CENTRAL_ASIA, Fact
from atlas.db.store import Store
from tests.dash_data import fill_store
from tests.helpers import app, metric, qp

FACTS = [
    Fact(id="wb-p1", type="infrastructure", title="Co-financed road", date_start=date(2019, 3, 1),
         date_precision="month", origin="dataset", countries=("UZB",), actors=("WB", "ADB"), dataset="aiddata",
         dataset_record="P1", amount=100e6, currency="USD", finance_group="wb-p1",
         record={"shares": [{"actor": "WB", "name": "IDA", "amount": 70e6},
                            {"actor": "ADB", "name": "ADB", "amount": 30e6}]}),
    Fact(id="aiddata-1", type="energy", title="Linked loan, first tranche", date_start=date(2020, 1, 1),
         date_precision="year", origin="dataset", countries=("KGZ",), actors=("CHN",), dataset="aiddata",
         dataset_record="1", amount=300e6, currency="USD (constant 2021)", finance_group="aiddata-1"),
    Fact(id="aiddata-2", type="energy", title="Linked loan, second tranche", date_start=date(2021, 1, 1),
         date_precision="year", origin="dataset", countries=("KGZ",), actors=("CHN",), dataset="aiddata",
         dataset_record="2", amount=457.7e6, currency="USD (constant 2021)", finance_group="aiddata-1"),
    Fact(id="rus-base", type="security", title="Air base agreement", date_start=date(2012, 9, 20),
         date_precision="day", origin="curated", countries=("KGZ",), actors=("RUS",)),
    Fact(id="rus-summit", type="diplomacy", title="CIS summit in Bishkek", date_start=date(2019, 10, 11),
         date_precision="day", origin="curated", countries=("KGZ",), actors=("RUS",)),
]


@pytest.fixture
def money_db(db_url, monkeypatch) -> str:
    url = db_url  # SQLite, then PostgreSQL (skipped without its server binaries)
    store = Store(url)
    fill_store(store)
    store.bulk_insert_facts(FACTS)
    store.dispose()
    monkeypatch.setenv("ATLAS_DB", url)
    return url


def balance(at: AppTest, country: str):
    return next(d for d in at.dataframe if d.key == f"cmp_balance_{country}")


def test_compare_shows_powers_side_by_side_with_money(money_db):
    at = app("pages/7_Compare.py", country="KGZ", actor=["CHN", "RUS"]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.main.header[0].value == "Kyrgyzstan"
    t = balance(at, "KGZ").value.set_index("Power")
    assert t.loc["China", "Money committed (USD)"] == "$457.7 m"  # linked records once, at the largest
    # the 2 linked records (one project), Line D and the extracted finance fact (one project each)
    assert t.loc["China", "Projects"] == 3 and t.loc["China", "Facts"] == 4
    assert t.loc["Russian Federation", "Security ties"] == 1 and t.loc["Russian Federation", "Summits"] == 1
    assert "datasets $457.7 m" in t.loc["China", "Money by part"]
    assert t.loc["China", "Projects by part"] == "curated 1 · datasets 1 · extracted 1"
    assert t.loc["China", "Data"].startswith("Data?") and "actor=CHN" in t.loc["China", "Data"]
    assert len(at.main.get("vega_lite_chart")) == 2  # money by year, facts by type


def test_a_cell_lists_the_facts_behind_it(money_db):
    at = app("pages/7_Compare.py", country="KGZ", actor=["CHN", "RUS"]).run()
    row = balance(at, "KGZ").value["Power"].tolist().index("China")
    at.session_state["cmp_balance_KGZ"] = {"selection": {"rows": [], "columns": [],
                                                         "cells": [[row, "Money committed (USD)"]]}}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    behind = next(d.value for d in at.dataframe if "usd" in d.value.columns)  # keys show only on selectable tables
    assert behind["id"].tolist() == ["aiddata-2"] and behind["usd"].tolist() == ["$457.7 m"]
    assert all(u.startswith("./?") and "fact=aiddata-2" in u for u in behind["map"])


def test_co_financed_project_gives_each_power_its_share(money_db):
    at = app("pages/7_Compare.py", country="UZB", actor=["WB", "ADB"]).run()
    assert not at.exception, [e.value for e in at.exception]
    t = balance(at, "UZB").value.set_index("Power")
    assert t.loc["World Bank Group", "Money committed (USD)"] == "$70.0 m"
    assert t.loc["Asian Development Bank", "Money committed (USD)"] == "$30.0 m"


def test_leaving_datasets_out(money_db):
    at = app("pages/7_Compare.py", country="KGZ", actor=["CHN"]).run()
    at.checkbox(key="nodatasets").check().run()
    assert not at.exception and qp(at, "nodatasets") == ["1"]
    assert balance(at, "KGZ").value.set_index("Power").loc["China", "Money committed (USD)"] == "$0"


def test_unknown_power_and_empty_comparison_give_one_line(money_db):
    at = app("pages/7_Compare.py", country="KGZ", actor=["ZZZ", "FRA"]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("ZZZ" in w.value and "is not one of" in w.value for w in at.warning)
    assert any(i.value == NO_FACTS.format(power="France", country="Kyrgyzstan") for i in at.info)
    at = app("pages/7_Compare.py", country="XXX", actor="RUS").run()
    assert not at.exception and any("XXX" in w.value and "is not one of" in w.value for w in at.warning)
    assert [h.value for h in at.main.header] == list(CENTRAL_ASIA.values())  # no valid country: all five
    at = app("pages/7_Compare.py", country="TKM", type="trade").run()
    assert not at.exception and len(at.info) == 1 and at.info[0].value.startswith("No facts match the filters")


def test_no_powers_chosen_shows_the_leading_ones(money_db):
    at = app("pages/7_Compare.py", country="KGZ").run()
    assert not at.exception
    assert any(i.value == NONE_CHOSEN.format(n=2) for i in at.info)  # only China and Russia are there
    assert balance(at, "KGZ").value["Power"].iloc[0] == "China"


def test_methodology_page(money_db):
    at = app("pages/8_Methodology.py").run()
    assert not at.exception, [e.value for e in at.exception]
    layers = next(d.value for d in at.dataframe if "licence" in d.value.columns).set_index("layer")
    assert layers.loc["AidData GCDF 3.0", "facts"] == 3 and layers.loc["Curated facts", "facts"] == 6
    assert "ODC-By" in "".join(h.value for h in at.html)  # licences read from DATASETS
    assert any(s.value == "What each measure counts" for s in at.subheader)


def test_countries_lists_dataset_amounts_formatted_with_their_basis(money_db):
    at = app("pages/6_Countries.py", country="KGZ").run()
    assert not at.exception, [e.value for e in at.exception]
    amounts = next(d.value for d in at.dataframe if "basis" in d.value.columns)
    assert amounts["amount"].tolist() == ["$457.7 m"]  # the linked records once, at their largest
    assert amounts["basis"].tolist() == ["USD (constant 2021)"]
    assert any("constant 2021 USD" in c.value for c in at.caption)


def test_countries_leading_powers_follow_the_measure(money_db):
    at = app("pages/6_Countries.py", country="KGZ").run()
    assert at.radio(key="rank").value == "facts" and metric(at, "Leading outside power") == "China"
    at.radio(key="rank").set_value("money").run()
    assert not at.exception and qp(at, "rank") == ["money"]
    assert "**Leading outside powers by money committed (USD):**" in [m.value for m in at.markdown]
    assert md_plain("China: $457.7 m (curated $0 · datasets $457.7 m · extracted $0)") in at.markdown[-1].value
    assert any(s.value == "Money committed (USD) per year by outside power" for s in at.main.subheader)
    totals = md_plain("Money committed (USD): $457.7 m (curated $0 · datasets $457.7 m · extracted $0)")
    assert any(totals in c.value for c in at.caption)  # the country's totals, each with its parts
    at.checkbox(key="nodatasets").check().run()
    assert metric(at, "Leading outside power") == "—"  # no USD left without the datasets
    assert any(md_plain("Money committed (USD): $0 (curated $0") in c.value for c in at.caption)


def test_a_clicked_bar_lists_the_facts_behind_it(money_db):
    at = app("pages/7_Compare.py", country="KGZ", actor=["CHN", "RUS"]).run()
    at.session_state["cmp_money_KGZ"] = {"selection": {"pick": [{"year": 2021, "actor": "CHN"}]}}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    behind = next(d.value for d in at.dataframe if "usd" in d.value.columns)
    assert behind["id"].tolist() == ["aiddata-2"]
    at.session_state["cmp_money_KGZ"] = {"selection": {"pick": [{"year": "<b>x</b>", "actor": "CHN"}]}}
    at.run()  # a forged selection is ignored, never a traceback
    assert not at.exception and not any("usd" in d.value.columns for d in at.dataframe)


def test_search_box_says_when_only_operators_and_shows_context(money_db):
    at = app("pages/7_Compare.py", q="OR |").run()
    assert not at.exception and any(c.value == ONLY_OPERATORS for c in at.sidebar.caption)
    at = app("pages/3_Data.py", q="tranche OR Line D").run()
    assert not at.exception
    labels = [at.button(key=f"search_hit_{i}").label for i in range(3)]
    assert labels[0].startswith("Central Asia") and any("tranche" in b for b in labels)
    assert md_plain("2014-09-13 · TJK, UZB, KGZ · curated · China · energy") in [c.value for c in at.sidebar.caption]


def test_detail_panel_offers_a_citation_to_copy(money_db, monkeypatch):
    monkeypatch.setenv("ATLAS_PUBLIC_URL", "https://atlas.example/")
    at = app("pages/0_Map.py", fact="gas-line-d").run()
    assert not at.exception, [e.value for e in at.exception]
    cite = [c.value for c in at.code if "Central Asia Influence Atlas" in c.value]
    assert cite and cite[0].startswith('CNPC, "Line D", 2014, https://example.org/line-d. In: Central Asia Influence')
    assert "https://atlas.example/?fact=gas-line-d, accessed " in cite[0]


def test_timeline_trends_follow_the_measure(money_db):
    at = app("pages/1_Timeline.py", country="KGZ", rank="money").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.radio(key="rank").value == "money"
    assert any(s.value == "Money committed (USD) per period by outside power" for s in at.main.subheader)
    assert any('"title": "Money committed (USD)"' in c.proto.spec for c in at.main.get("vega_lite_chart"))

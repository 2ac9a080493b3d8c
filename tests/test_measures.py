"""Measures: facts, projects and money by power, each project or share counted once (engine only)."""
from __future__ import annotations

from datetime import date

import pytest

from atlas.views.measures import (UnknownMeasure, by_power, contributions, figure, money_by_country, money_index,
                            per_year, tally, total)
from atlas.core.models import Fact
from atlas.views.query import load_frame
from atlas.db.store import Store


def record(fid: str, *, amount, actors=("CHN",), country="KGZ", group="", shares=None, year=2020,
           typ="infrastructure", currency="USD") -> Fact:
    return Fact(id=fid, type=typ, title=f"Record {fid}", date_start=date(year, 1, 1), date_precision="year",
                origin="dataset", countries=(country,), actors=tuple(actors), dataset="aiddata", dataset_record=fid,
                amount=amount, currency=currency if amount is not None else "", finance_group=group or fid,
                record={"shares": shares} if shares is not None else {})


@pytest.fixture
def store() -> Store:
    s = Store("sqlite://")
    s.bulk_insert_facts([
        # a co-financed project: one fact, two financiers with their shares
        record("wb-1", amount=100e6, actors=("WB", "ADB"), country="UZB", shares=[
            {"actor": "WB", "name": "IDA", "amount": 70e6}, {"actor": "ADB", "name": "ADB", "amount": 30e6}]),
        # AidData's linked records: one group, counted once at its largest amount
        record("a-1", amount=300e6, group="g1"), record("a-2", amount=457.7e6, group="g1", year=2021),
        record("a-3", amount=None, group="g1"),
        record("a-4", amount=5e6, typ="finance", year=2021),
        record("cny", amount=9e9, currency="CNY"),  # not USD: never counted as money
        Fact(id="loan-text", type="finance", title="Loan in the news", date_start=date(2022, 5, 1),
             date_precision="day", origin="extracted", review="accepted", confidence=0.9, countries=("KGZ",),
             actors=("RUS",), amounts=({"text": "$20 million", "value": 20e6, "currency": "USD"},)),
        Fact(id="summit", type="diplomacy", title="A summit", date_start=date(2023, 5, 19), date_precision="day",
             origin="curated", countries=("KGZ", "UZB"), actors=("CHN", "RUS"),
             amounts=({"text": "$1 bn", "value": 1e9, "currency": "USD"},)),  # not a money fact type
    ])
    return s


@pytest.fixture
def contrib(store):
    return contributions(load_frame(store), money_index(store))


def test_a_project_with_two_financiers_counts_once_in_total_and_once_per_share(contrib):
    uzb = contrib[contrib["country"] == "UZB"]
    assert money_by_country(contrib)["UZB"] == 100e6
    assert dict((a, f.total) for a, f in by_power(uzb, "money")) == {"WB": 70e6, "ADB": 30e6}
    assert total(uzb, "projects").total == 1 and total(uzb, "facts").total == 2  # the summit is a fact too


def test_linked_records_count_once_at_their_largest_amount(contrib):
    kgz = contrib[contrib["country"] == "KGZ"]
    money = dict((a, f) for a, f in by_power(kgz, "money"))
    assert money["CHN"].total == pytest.approx(457.7e6 + 5e6)  # g1 once (largest), a-4, not the CNY record
    assert money["CHN"].text() == "$462.7 m (curated $0 · datasets $462.7 m · extracted $0)"
    assert money["RUS"].extracted == 20e6 and money["RUS"].dataset == 0
    assert total(kgz, "projects").total == 4  # g1, a-4, cny, loan-text
    assert total(kgz, "facts").total == 7


def test_datasets_can_be_left_out(store):
    c = contributions(load_frame(store), money_index(store), datasets=False)
    assert set(c["fact_id"]) == {"loan-text", "summit"}
    assert dict((a, f.total) for a, f in by_power(c, "money")) == {"RUS": 20e6}


def test_money_by_year_follows_the_carrying_record(contrib):
    t = per_year(contrib, "money", ["CHN"])
    assert {int(r.year): r.total for r in t.itertuples()} == {2021: pytest.approx(462.7e6)}


def test_leading_powers_by_measure_differ_from_fact_counts(contrib):
    kgz = contrib[contrib["country"] == "KGZ"]
    assert by_power(kgz, "facts")[0][0] == "CHN"
    assert [a for a, _ in by_power(kgz, "money")] == ["CHN", "RUS"]


def test_tally_keeps_parts_and_unknown_measure_is_named(contrib):
    t = tally(contrib, "facts", ["country", "actor"])
    f = figure(t, "facts", country="KGZ", actor="RUS")
    assert (f.curated, f.extracted, f.dataset) == (1, 1, 0)
    with pytest.raises(UnknownMeasure, match="measure: 'weight' is not one of facts, projects, money"):
        tally(contrib, "weight", ["actor"])


def test_empty_frame_gives_empty_figures(store):
    c = contributions(load_frame(store).iloc[0:0], money_index(store))
    assert by_power(c, "money") == [] and total(c, "facts").total == 0

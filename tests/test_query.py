"""Filters: vectorised selection and the URL round trip."""
from __future__ import annotations

from datetime import date

import pytest

from atlas.core.models import Fact, Source
from atlas.views.query import Filters, apply_filters, leading_actor, load_frame, select_facts

SRC = (Source("P", "T", "2020"),)


def fact(fid, **kw) -> Fact:
    base = dict(id=fid, type="energy", title=fid, date_start=date(2020, 1, 1), date_precision="day",
                origin="curated", countries=("KAZ",), actors=("CHN",), sources=SRC,
                geometry={"type": "Point", "coordinates": [70.0, 45.0]}, geo_precision="city")
    base.update(kw)
    return Fact(**base)


@pytest.fixture
def store(any_store):
    any_store.bulk_insert_facts([
        fact("a"),
        fact("b", countries=("UZB", "KAZ"), actors=("RUS", "CSTO"), type="security", date_start=date(2022, 1, 6)),
        fact("c", countries=("TJK",), actors=("RUS",), type="security", date_start=date(2012, 10, 5)),
        fact("d", origin="extracted", review="pending", confidence=0.4, type="sanctions",
             actors=("USA",), date_start=None, date_precision=None),
        fact("e", origin="extracted", review="accepted", confidence=0.9, type="sanctions", actors=("USA",),
             date_start=date(2023, 4, 1)),
        fact("f", origin="extracted", review="rejected", confidence=0.9, countries=("KGZ",)),
        fact("g", date_start=date(2019, 1, 1), date_end=date(2021, 1, 1), countries=("TKM",)),
    ])
    return any_store


def ids(store, f: Filters) -> list[str]:
    return sorted(apply_filters(load_frame(store), f)["id"])


def test_default_shows_curated_and_accepted_never_rejected(store):
    assert ids(store, Filters()) == ["a", "b", "c", "e", "g"]
    assert ids(store, Filters(reviews=("accepted", "pending"))) == ["a", "b", "c", "d", "e", "g"]


def test_country_matches_any_listed_country(store):
    assert ids(store, Filters(countries=("KAZ",))) == ["a", "b", "e"]
    assert ids(store, Filters(countries=("UZB", "TJK"))) == ["b", "c"]


def test_actor_type_origin(store):
    assert ids(store, Filters(actors=("RUS",))) == ["b", "c"]
    assert ids(store, Filters(actors=("CSTO",))) == ["b"]
    assert ids(store, Filters(types=("security",))) == ["b", "c"]
    assert ids(store, Filters(origins=("extracted",))) == ["e"]


def test_time_window_overlaps_and_drops_undated(store):
    f = Filters(since=date(2020, 6, 1), until=date(2022, 12, 31), reviews=("accepted", "pending"))
    assert ids(store, f) == ["b", "g"]  # g runs 2019–2021; d has no date


def test_min_confidence_applies_to_extracted_only(store):
    assert ids(store, Filters(reviews=("accepted", "pending"), min_confidence=0.5)) == ["a", "b", "c", "e", "g"]


def test_query_round_trip():
    f = Filters(countries=("KAZ", "UZB"), actors=("CHN",), types=("energy",), since=date(2020, 1, 1),
                until=date(2024, 1, 1), origins=("curated",), reviews=("pending",), min_confidence=0.5)
    again, warnings = Filters.from_query(f.to_query())
    assert again == f and warnings == []
    assert f.to_query()["country"] == ["KAZ", "UZB"]


def test_query_warns_on_bad_values():
    f, warnings = Filters.from_query({"country": ["kaz", "FRA"], "since": "May", "minconf": "high"})
    assert f.countries == ("KAZ",)
    assert warnings == [
        "country: 'FRA' is not one of KAZ, KGZ, TJK, TKM, UZB",
        "since: 'May' is not a date (YYYY-MM-DD)",
        "minconf: 'high' is not a number between 0 and 1",
    ]


def test_empty_reviews_round_trip():
    f = Filters(reviews=())
    assert f.to_query() == {"review": ["none"]} and Filters.from_query(f.to_query())[0] == f
    assert Filters.from_query({"review": ["all"]})[0].reviews == ("accepted", "pending")


def test_leading_actor(store):
    df = apply_filters(load_frame(store), Filters())
    lead = leading_actor(df)
    assert lead["TJK"] == ("RUS", 1) and lead["KAZ"][0] == "CHN"


def test_select_facts_returns_full_facts_in_date_order(store):
    got = select_facts(store, Filters(countries=("KAZ",)))
    assert [f.id for f in got] == ["a", "b", "e"] and got[0].sources == SRC


def test_snapshot_is_used_only_for_its_version(db_path):
    from atlas.views.query import load_frame_snapshotted
    from atlas.db.store import Store

    store = Store(str(db_path))
    store.bulk_insert_facts([fact("a"), fact("b", countries=("UZB",))])
    first = load_frame_snapshotted(store)
    snaps = list(db_path.parent.glob("*.frame-v*.arrow"))
    assert len(snaps) == 1 and snaps[0].name.endswith(f"-v{store.version()}.arrow")
    again = load_frame_snapshotted(Store(str(db_path)))  # another process would read the file
    import pandas as pd

    pd.testing.assert_frame_equal(again, first.reset_index(drop=True))  # same values and dtypes
    assert sorted(apply_filters(again, Filters(countries=("UZB",)))["id"]) == ["b"]

    store.bulk_insert_facts([fact("c", countries=("TJK",))])  # a write bumps the version
    newer = load_frame_snapshotted(store)
    assert sorted(newer["id"]) == ["a", "b", "c"]
    assert [p.name for p in db_path.parent.glob("*.frame-v*.arrow")] == [
        f"{db_path.name}.frame-v{store.version()}.arrow"]


def test_broken_snapshot_is_rebuilt(db_path):
    from atlas.views.query import load_frame_snapshotted
    from atlas.db.store import Store

    store = Store(str(db_path))
    store.bulk_insert_facts([fact("a")])
    snap = db_path.parent / f"{db_path.name}.frame-v{store.version()}.arrow"
    snap.write_bytes(b"not arrow")
    assert list(load_frame_snapshotted(store)["id"]) == ["a"]

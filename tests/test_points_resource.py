"""The map's points resource (atlas/views/pointdata.py, ui/pointserver.py): what a URL can ask
for, what it answers, and that the map's own message stays small however many facts there are."""
from __future__ import annotations

import gzip
import json
from dataclasses import replace
from datetime import date
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from atlas.core.models import CENTRAL_ASIA, FACT_TYPES
from atlas.db.store import Store
from atlas.sources.files import load_boundaries
from atlas.views import maplayers, maps
from atlas.views.pointdata import (BadPointsRequest, PointsRequest, StalePoints, points_url, query_pairs,
                                   read_points_request)
from atlas.views.query import Filters, apply_filters, load_frame
from atlas.core.synthetic import synthetic_facts
from tests.dash_data import fill_store, random_facts
from ui import pointserver

BOUNDARIES = load_boundaries()


def pairs(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


filters_strategy = st.builds(
    Filters,
    countries=st.lists(st.sampled_from(sorted(CENTRAL_ASIA)), unique=True, max_size=3).map(tuple),
    types=st.lists(st.sampled_from(FACT_TYPES), unique=True, max_size=3).map(tuple),
    reviews=st.sampled_from([(), ("accepted",), ("accepted", "pending")]),
    since=st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2030, 1, 1))),
    min_confidence=st.sampled_from([0.0, 0.5, 0.75]),
)


@given(filters_strategy, st.sampled_from(["facts", "leading", "finance"]), st.sampled_from(["power", "sector"]))
def test_a_url_the_page_writes_reads_back_as_the_same_request(f, measure, color):
    url = points_url("7.abcdef12", f, measure, color)
    assert read_points_request(pairs(url), "7.abcdef12") == PointsRequest("7.abcdef12", f, measure, color)


@settings(max_examples=200)
@given(st.lists(st.tuples(st.sampled_from(["v", "country", "review", "type", "since", "measure", "color", "x", ""]),
                          st.text(max_size=20)), max_size=8))
def test_any_query_is_a_request_or_a_named_refusal(raw):
    try:
        req = read_points_request(raw, "1.a")
    except (BadPointsRequest, StalePoints) as exc:
        assert str(exc)
    else:
        assert "rejected" not in req.filters.reviews


@pytest.mark.parametrize("raw, message", [
    ([("v", "1.a"), ("review", "rejected")], "points URL: review: 'rejected' is not one of accepted, pending"),
    ([("v", "1.a"), ("admin", "1")], "points URL: unknown field 'admin'"),
    ([("country", "KAZ")], "points URL: v (the store version) is missing"),
    ([("v", "1.a"), ("v", "1.a")], "points URL: v is given 2 times"),
    ([("v", "1.a"), ("measure", "secret")], "points URL: measure: 'secret' is not one of facts, leading, finance"),
    ([("v", "1.a"), ("since", "yesterday")], "points URL: since: 'yesterday' is not a date (YYYY-MM-DD)"),
])
def test_a_tampered_url_is_refused_naming_the_field(raw, message):
    with pytest.raises(BadPointsRequest) as got:
        read_points_request(raw, "1.a")
    assert str(got.value) == message


def test_a_url_for_an_older_store_version_is_stale():
    with pytest.raises(StalePoints, match=r"points for store version '1.a' are gone \(now '2.a'\)"):
        read_points_request([("v", "1.a")], "2.a")


@pytest.fixture
def served(tmp_path, monkeypatch):
    """ui.pointserver answering from a filled store, with the map data the page would use."""
    store = Store(str(tmp_path / "atlas.sqlite"))
    fill_store(store)
    store.bulk_insert_facts(list(synthetic_facts(300)))

    def data_for(s: Store, req: PointsRequest) -> maplayers.MapData:
        frame = apply_filters(load_frame(s), req.filters)
        return maplayers.map_data(frame, BOUNDARIES, measure=req.measure, finance_color=req.color,
                                  point_limit=maplayers.WHOLE_POINT_LIMIT, route_limit=maplayers.WHOLE_ROUTE_LIMIT)

    monkeypatch.setattr(pointserver, "_hooked", {"store": lambda: store, "data": data_for})
    monkeypatch.setattr(pointserver, "_payloads", type(pointserver._payloads)())
    yield store
    store.dispose()


def body_of(response) -> dict:
    raw = response.body
    if response.headers.get("content-encoding") == "gzip":
        raw = gzip.decompress(raw)
    return json.loads(raw)


def drawn_ids(doc: dict) -> set[str]:
    ids = {r[doc["fields"].index("id")] for r in doc["rows"]}
    return ids | {f["properties"]["id"] for f in doc["routes"]["features"]}


@pytest.mark.parametrize("query", [{}, {"country": ["KGZ"]}, {"review": ["accepted", "pending"], "type": ["energy"]},
                                   {"review": ["none"]}])
def test_the_points_are_the_facts_the_page_shows_for_those_filters(served, query):
    f, _ = Filters.from_query(query)
    response = pointserver.answer(pairs(points_url(served.version(), f)), accepts_gzip=True)
    assert response.status_code == 200 and response.headers["content-encoding"] == "gzip"
    assert "immutable" in response.headers["cache-control"]
    shown = apply_filters(load_frame(served), f)
    located = shown[shown["lon"].notna()]
    assert drawn_ids(body_of(response)) == set(located["id"]) and len(located) > 0


def test_a_hand_made_url_cannot_reach_rejected_facts(served):
    frame = load_frame(served)
    rejected = set(frame.loc[frame["review"] == "rejected", "id"])
    assert rejected
    everything = pointserver.answer([("v", served.version()), ("review", "all")], accepts_gzip=False)
    assert everything.status_code == 200 and "content-encoding" not in everything.headers
    assert not drawn_ids(body_of(everything)) & rejected
    refused = pointserver.answer([("v", served.version()), ("review", "rejected")], accepts_gzip=True)
    assert (refused.status_code, refused.body.decode()) == (
        400, "points URL: review: 'rejected' is not one of accepted, pending")


def test_after_a_write_the_old_url_answers_404_and_the_new_one_the_new_fact(served):
    old = points_url(served.version(), Filters())
    before = drawn_ids(body_of(pointserver.answer(pairs(old), accepts_gzip=True)))
    served.bulk_insert_facts([replace(random_facts(2, seed=99)[1], id="new-fact")])
    gone = pointserver.answer(pairs(old), accepts_gzip=True)
    assert gone.status_code == 404 and gone.headers["cache-control"] == "no-store"
    new = pointserver.answer(pairs(points_url(served.version(), Filters())), accepts_gzip=True)
    assert new.status_code == 200 and drawn_ids(body_of(new)) == before | {"new-fact"}


def test_a_failure_gives_a_reference_and_no_traceback(served, monkeypatch, caplog):
    def broken(store, req):
        raise RuntimeError("secret path /srv/atlas")
    monkeypatch.setitem(pointserver._hooked, "data", broken)
    response = pointserver.answer([("v", served.version())], accepts_gzip=True)
    text = response.body.decode()
    assert response.status_code == 500 and text.startswith("The map's points could not be built (reference ")
    assert "secret" not in text and "Traceback" not in text
    assert "secret path" in caplog.text  # the details are in the server's log, under the reference


def shell_bytes(m) -> int:
    m.get_root().render()
    return len(m.get_root().render().encode())


def test_the_maps_own_message_does_not_grow_with_the_facts():
    small, big = random_facts(100, seed=3), random_facts(3000, seed=3)
    sizes = {}
    for name, facts in (("small", small), ("big", big)):
        store = Store("sqlite://")
        store.bulk_insert_facts(facts)
        data = maplayers.map_data(load_frame(store), BOUNDARIES, point_limit=maplayers.WHOLE_POINT_LIMIT)
        shell = maps.map_from_data(data, points_url=points_url(store.version(), Filters()))
        inline = maps.map_from_data(data)
        sizes[name] = (shell_bytes(shell), shell_bytes(inline))
        assert facts[-1].id not in shell.get_root().render()  # no fact travels inside the shell
        store.dispose()
    (shell_small, inline_small), (shell_big, inline_big) = sizes["small"], sizes["big"]
    assert abs(shell_big - shell_small) < 4000  # powers and the first view's bounds, not points
    assert inline_big > inline_small + 100 * 2900  # the previous design: every point inside


def test_query_pairs_flattens_a_query_dict():
    assert query_pairs({"country": ["KAZ", "UZB"], "v": "1"}) == [("country", "KAZ"), ("country", "UZB"), ("v", "1")]


def test_a_warm_up_and_a_request_at_once_make_the_payload_once(served, monkeypatch):
    import threading

    calls: list[int] = []
    started, release = threading.Event(), threading.Event()
    real = pointserver._hooked["data"]

    def slow(store, req):
        calls.append(1)
        started.set()
        release.wait(10)
        return real(store, req)

    waiting = threading.Event()

    class Watched(pointserver.Future):
        def result(self, timeout=None):
            waiting.set()  # the request found the warm-up's payload in the making
            return super().result(timeout)

    monkeypatch.setattr(pointserver, "Future", Watched)
    monkeypatch.setitem(pointserver._hooked, "data", slow)
    req = PointsRequest(served.version(), Filters())
    pointserver.prepare(served, req)
    assert started.wait(10)
    got: list = []
    asking = threading.Thread(target=lambda: got.append(pointserver.answer(
        pairs(points_url(served.version(), Filters())), accepts_gzip=True)))
    asking.start()
    assert waiting.wait(10)
    release.set()
    asking.join(10)
    assert got[0].status_code == 200 and calls == [1]


def test_records_made_straight_from_the_frame_equal_those_made_from_the_features():
    from atlas.core.synthetic import synthetic_facts
    store = Store("sqlite://")
    facts = list(synthetic_facts(800, seed=11))
    multi = replace(facts[0], id="multi-site", geometry={"type": "MultiPoint", "coordinates": [[70.1, 40.2], [71.3, 41.4]]})
    store.bulk_insert_facts(facts[1:] + [multi])
    frame = apply_filters(load_frame(store), Filters(reviews=("accepted", "pending")))
    store.dispose()
    kw = {"point_limit": maplayers.WHOLE_POINT_LIMIT, "route_limit": maplayers.WHOLE_ROUTE_LIMIT}
    with_features = maplayers.map_data(frame, BOUNDARIES, **kw)
    records_only = maplayers.map_data(frame, BOUNDARIES, point_features=False, **kw)
    assert records_only.rows() == with_features.rows() and len(records_only.rows()) > 500
    assert sum(1 for r in records_only.rows() if r[3] == "multi-site") == 2
    assert records_only.events["features"] == [] and maplayers.view_bounds(records_only) == maplayers.view_bounds(
        with_features)


@given(st.lists(st.tuples(st.one_of(st.none(), st.datetimes(min_value=__import__("datetime").datetime(1000, 1, 1),
                                                                 max_value=__import__("datetime").datetime(2100, 1, 1))),
                          st.sampled_from(["day", "month", "year", None])), min_size=1, max_size=30))
def test_short_dates_for_a_column_equal_short_date_row_by_row(rows):
    import pandas as pd

    from atlas.core.labels import short_date
    starts = pd.Series(pd.to_datetime([d for d, _ in rows]), dtype="datetime64[us]")
    precision = pd.Series([p for _, p in rows], dtype="category")
    assert maplayers.short_dates(starts, precision) == [short_date(s, p) for s, p in zip(starts, precision)]


def test_a_payload_already_made_is_not_started_again_on_the_next_rerun(served, monkeypatch):
    started: list = []
    monkeypatch.setattr(pointserver._warmer, "submit", lambda *a: started.append(a))
    req = PointsRequest(served.version(), Filters())
    pointserver.prepare(served, req)
    assert len(started) == 1  # not made yet: started
    started.clear()
    assert pointserver.answer(pairs(points_url(served.version(), Filters())), accepts_gzip=True).status_code == 200
    pointserver.prepare(served, req)
    assert started == []  # made by the request: every later rerun leaves it be


def test_a_huge_hostile_value_is_refused_in_one_short_line(served):
    response = pointserver.answer([("v", served.version()), ("country", "<script>" * 12_000)], accepts_gzip=True)
    text = response.body.decode()
    assert response.status_code == 400 and text.startswith("points URL: country: '<script><script>")
    assert len(text) == 300 and text.endswith("…")

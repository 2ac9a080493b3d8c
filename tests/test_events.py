"""Events merged across sources: the rule, the lead, splits, and the Xi'an summit end to end.

tests/fixtures/fetch/en_xian_summit_written_for_test.txt was written for this test (its
page says so in a ``<meta name="atlas-test-note">``); the seed article is real published text.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from atlas.views import events
from atlas.views.events import Item, group, same_event
from atlas.sources.fetch.http import HttpClient
from atlas.sources.fetch.run import Fetcher
from atlas.sources.ingest import ensure_seeded
from atlas.core.models import Evidence, Fact
from atlas.views.query import load_frame
from atlas.db.store import Store
from tests.fetch_server import FixtureServer, Route, article_html

SECOND = (Path(__file__).parent / "fixtures" / "fetch" / "en_xian_summit_written_for_test.txt").read_text()
D = date(2023, 5, 19).toordinal()


def item(fid, **kw) -> Item:
    base = dict(id=fid, type="diplomacy", lo=D - 1, hi=D + 1, actors=frozenset({"CHN"}),
                countries=frozenset({"KAZ", "UZB"}), lon=108.94, lat=34.26, precise=True, origin="extracted",
                review="pending", confidence=0.6)
    base.update(kw)
    return Item(**base)


@pytest.mark.parametrize("change, reason", [
    ({"type": "security"}, "different types"),
    ({"lo": D + 5, "hi": D + 7}, "dates do not overlap"),
    ({"actors": frozenset({"RUS"})}, "different actors"),
    ({"countries": frozenset({"TJK"})}, "different countries"),
    ({"lon": 71.45, "lat": 51.18}, "places more than 50 km apart"),
])
def test_each_condition_can_refuse_a_merge(change, reason):
    assert same_event(item("a"), item("b")) is None
    assert same_event(item("a"), item("b", **change)) == reason


def test_country_level_place_fits_a_precise_one_and_subset_countries_merge():
    a = item("a")
    b = item("b", lon=66.9, lat=41.7, precise=False, countries=frozenset({"KAZ"}))
    assert same_event(a, b) is None


def test_lead_is_the_curated_fact_and_two_curated_never_merge():
    ev = group([item("x1", confidence=0.9), item("c1", origin="curated", review=None),
                item("c2", origin="curated", review=None), item("x2")])
    leads = sorted(ev.members)
    assert leads == ["c1"] or leads == ["c1", "c2"]
    assert all(len([m for m in ms if m.startswith("c")]) == 1 for ms in ev.members.values())
    assert ev.members["c1"][0] == "c1"
    assert "same type (diplomacy)" in ev.reasons[ev.members["c1"][1]]


def test_grouping_is_deterministic_whatever_the_input_order():
    its = [item(f"f{i}", lo=D - 1 + i % 3, hi=D + 1 + i % 3) for i in range(12)]
    a = group(its)
    b = group(list(reversed(its)))
    assert a.members == b.members and a.reasons == b.reasons


def test_split_fact_stands_alone():
    ev = group([item("a"), item("b"), item("c")], split=["b"])
    assert "b" not in ev.lead_of and len(ev.members[ev.lead_of["a"]]) == 2


def test_accepted_beats_pending_for_the_lead():
    ev = group([item("a", confidence=0.9), item("b", review="accepted", confidence=0.2)])
    assert list(ev.members) == ["b"]


@pytest.fixture(scope="module")
def summit_store():
    """Seeds + curated, plus a second article on the Xi'an summit fetched from a local server."""
    store = Store("sqlite://")
    ensure_seeded(store)
    with FixtureServer() as srv:
        srv.routes["/xian"] = Route(article_html(SECOND, published="2023-05-19").encode())
        report = Fetcher(store, HttpClient(allow_private=True, per_host_interval=0)).run(urls=[srv.url("/xian")])
    assert report.total("new") == 1
    return store


def test_two_articles_and_the_curated_fact_give_one_event_with_three_sources(summit_store):
    frame = load_frame(summit_store)
    ev = events.events_of_frame(frame)
    assert ev.lead_of.get("c5-summit-xian-2023") == "c5-summit-xian-2023"
    view = events.event_view(summit_store, "c5-summit-xian-2023", ev)
    assert (view.n_articles, view.n_curated) == (2, 1)
    assert view.headline == "reported by 2 articles, 1 curated record"
    assert view.lead.id == "c5-summit-xian-2023"
    assert all(s.reason for s in view.supports[1:])
    # The map draws it once.
    shown = events.collapse(frame, ev)
    members = set(ev.members["c5-summit-xian-2023"])
    assert shown["id"].isin(members).sum() == 1
    assert int(shown.loc[shown["id"] == "c5-summit-xian-2023", "event_size"].iloc[0]) == len(members)
    html = events.event_html(view, {})
    assert "Reported by 2 articles, 1 curated record" in html and "<script" not in html


def test_a_reviewer_splits_a_wrong_merge_and_the_audit_keeps_it(summit_store):
    ev = events.events_of_frame(load_frame(summit_store))
    member = ev.members["c5-summit-xian-2023"][-1]
    msg = events.split(summit_store, member, who="test reviewer")
    assert msg == f"Split off: {member} now stands alone on the map."
    after = events.events_of_frame(load_frame(summit_store), events.split_ids(summit_store))
    assert member not in after.lead_of
    assert "c5-summit-xian-2023" in after.members
    [entry] = [a for a in summit_store.audit_log(member) if a["action"] == "split"]
    assert entry["who"] == "test reviewer"


def test_event_html_escapes_article_text():
    f = Fact("a", "diplomacy", "<b>x</b>", date(2023, 5, 19), "day", "extracted",
             evidence=(Evidence("art", 0, 8, "<script>"),))
    view = events.EventView(f, (events.Support(f, ""), events.Support(f, "<i>why</i>")), 1, 0)
    html = events.event_html(view, {"art": "<img src=x>"})
    assert "<script>" not in html and "<img" not in html and "&lt;script&gt;" in html


def test_the_frame_path_and_the_fact_path_group_alike():
    """The vectorised pre-pass over the frame must not lose a merge the plain rule finds."""
    from atlas.core.synthetic import synthetic_facts

    facts = list(synthetic_facts(1500, seed=3))
    twins = [replace(f, id=f.id + "-twin", origin="extracted", review="pending", confidence=0.5)
             for f in facts[::7] if f.date_start is not None]
    store = Store("sqlite://")
    store.bulk_insert_facts(facts + twins)
    by_frame = events.events_of_frame(load_frame(store))
    by_facts = events.fact_events(store.facts())
    assert len(by_frame.members) >= len(twins) // 2
    assert by_frame.members == by_facts.members


def test_events_command_lists_and_splits(summit_store, tmp_path, capsys, monkeypatch):
    import json as _json

    from atlas import cli

    monkeypatch.setattr(cli, "_store", lambda args: summit_store)
    assert cli.main(["events", "--json"]) == 0
    rows = {r["lead"]: r for r in _json.loads(capsys.readouterr().out)}
    summit = rows["c5-summit-xian-2023"]
    assert all(summit["reasons"][m].startswith("same type (diplomacy)") for m in summit["facts"][1:])
    last = summit["facts"][-1]
    assert cli.main(["events", "--split", last, "--who", "cli tester"]) == 0
    assert f"Split off: {last}" in capsys.readouterr().out
    assert any(a["who"] == "cli tester (cli)" for a in summit_store.audit_log(last))

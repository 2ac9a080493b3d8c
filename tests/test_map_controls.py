"""The map page's year slider, Play and view parameters through AppTest (widgets by key),
and the URL parsers they use (atlas/views/mapview.py) on any text."""
from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from atlas.views.mapview import BadMapParam, MapView, parse_view, parse_year, view_from_component
from ui import mapcontrols

ROOT = Path(__file__).resolve().parents[1]


def map_page(**params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "0_Map.py"), default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    return at


def warnings(at) -> list[str]:
    """The warnings' text as shown (md_plain backslash-escapes every punctuation mark)."""
    return [w.value.replace("\\", "") for w in at.warning]


def test_year_from_the_link_sets_the_slider_and_stays_in_the_url(page_store):
    at = map_page(year="2023").run()
    assert not at.exception
    assert at.select_slider(key=mapcontrols.K_YEAR).value == 2023
    assert at.query_params["year"] in ("2023", ["2023"])
    at.select_slider(key=mapcontrols.K_YEAR).set_value(mapcontrols.ALL_YEARS).run()
    assert "year" not in at.query_params


def test_play_starts_at_the_first_year_and_steps(page_store, monkeypatch):
    at = map_page().run()
    years = at.select_slider(key=mapcontrols.K_YEAR).options
    at.button(key=mapcontrols.K_PLAY).click().run()
    assert not at.exception
    first = int(years[0])
    assert at.select_slider(key=mapcontrols.K_YEAR).value == first
    assert at.session_state[mapcontrols._PLAYING] is True
    assert at.button(key=mapcontrols.K_PLAY).label == "Pause"
    clock = [1e9]  # a step is due: time moved on by more than a step
    monkeypatch.setattr(mapcontrols.time, "monotonic", lambda: clock[0])
    at.run()
    second = at.select_slider(key=mapcontrols.K_YEAR).value
    assert second > first and at.query_params["year"] in (str(second), [str(second)])
    at.run()  # no time has passed: no step
    assert at.select_slider(key=mapcontrols.K_YEAR).value == second
    at.button(key=mapcontrols.K_PLAY).click().run()  # pause
    assert at.session_state[mapcontrols._PLAYING] is False


def test_bad_view_or_year_in_a_link_is_one_line_not_a_traceback(page_store):
    at = map_page(lat="north", lon="76.9", z="99").run()
    assert not at.exception
    assert warnings(at) == ["map view in the link: lat='north' is not a number; showing the whole region."]
    assert "lat" not in at.query_params and "z" not in at.query_params
    at = map_page(year="1066").run()
    assert not at.exception
    assert warnings(at) == ["year in the link: '1066' is not a year with facts (2014–2023)"]
    assert at.select_slider(key=mapcontrols.K_YEAR).value == mapcontrols.ALL_YEARS


def test_a_good_view_in_a_link_is_kept(page_store):
    at = map_page(lat="43.25", lon="76.9", z="9").run()
    assert not at.exception and not warnings(at)
    assert at.session_state[mapcontrols._VIEW_LINK][0] == MapView(43.25, 76.9, 9.0)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["lat", "lon", "z", "x"]), st.text(max_size=30), max_size=4))
def test_parse_view_any_text(q):
    try:
        v = parse_view(q)
    except BadMapParam as exc:
        assert str(exc).startswith("map view in the link:") and "\n" not in str(exc)
    else:
        assert v is None or (-85 <= v.lat <= 85 and -180 <= v.lon <= 180 and 2 <= v.zoom <= 12)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.none(), st.text(max_size=20)))
def test_parse_year_any_text(raw):
    try:
        y = parse_year(raw, range(1991, 2027))
    except BadMapParam as exc:
        assert str(exc).startswith("year in the link:")
    else:
        assert y is None or 1991 <= y <= 2026


def test_view_reported_by_the_map_round_trips_through_the_url():
    v = view_from_component({"lat": 43.2512345, "lng": 436.9}, 9.25)  # Leaflet wraps past 180
    assert v == MapView(43.2512, 76.9, 9.25)
    assert parse_view(v.to_query()) == v


def test_back_to_the_map_from_the_reader_keeps_the_view_and_year(page_store):
    at = AppTest.from_file(str(ROOT / "pages" / "2_Articles.py"), default_timeout=60)
    at.session_state[mapcontrols._VIEW_WRITTEN] = ("43.25", "76.9", "9")
    at.session_state[mapcontrols._YEAR_WRITTEN] = "2015"
    at.run()
    assert not at.exception
    links = [m.value for m in at.markdown if "Back to the map" in m.value]
    assert links and all(p in links[0] for p in ("lat=43.25", "lon=76.9", "z=9", "year=2015")), links

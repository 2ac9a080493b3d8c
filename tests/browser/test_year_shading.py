"""The five states' shading follows the year slider (atlas/views/countryyears.py, map_countries.js):
after atlasYear(Y) in the map, each state has the colour the engine gives the facts dated up to Y."""
from __future__ import annotations

import pytest

from atlas.core.labels import power_color
from atlas.core.models import CENTRAL_ASIA
from atlas.db.store import Store
from atlas.sources.files import load_boundaries
from atlas.views import events, maplayers
from atlas.views.query import Filters, apply_filters, facts_per_country, leading_actor, load_frame

from .test_user_paths import MAP_FRAME

pytestmark = pytest.mark.browser
READY = f"""() => {{ const f = document.querySelector("{MAP_FRAME}");
    const s = f && f.contentWindow && f.contentWindow.atlasPointsState; return !!(s && s.state === 'ready'); }}"""
SHADES = """(y) => { atlasYear(y); const out = {};
    atlasCountryLayer.eachLayer(l => { const p = l.feature.properties; if (p.ca) out[p.iso_a3] = l._atlasShade; });
    return out; }"""


def drawn_frame(db):
    """The facts the map page counts: the unfiltered page's facts, one per merged event."""
    store = Store(str(db))
    frame = apply_filters(load_frame(store), Filters(reviews=("accepted", "pending")))
    frame = events.collapse(frame, events.events_of_frame(frame, events.split_ids(store)))
    store.dispose()
    return frame


def up_to(frame, year):
    return frame[frame["date_start"].dt.year <= year]


@pytest.mark.parametrize("measure", ["facts", "leading"])
def test_the_states_take_the_colour_of_the_facts_up_to_the_chosen_year(app, page, measure):
    p = page.page
    p.goto(f"{app.url}/?review=all&measure={measure}")
    p.wait_for_function(READY, timeout=60000)
    frame_js = next(f for f in p.frames if "streamlit_folium" in f.url)
    facts = drawn_frame(app.db)
    bins = maplayers.count_bins(max(facts_per_country(facts).values()))
    seen = set()
    def colours(cut):
        if measure == "facts":
            return {iso: maplayers._count_color(n, bins) for iso, n in facts_per_country(cut).items()}
        lead = leading_actor(cut)
        return {iso: power_color(lead[iso][0]) if iso in lead else maplayers.NO_DATA_COLOR for iso in CENTRAL_ASIA}

    for year in (2000, 2012, 2023):
        got = frame_js.evaluate(SHADES, year)
        assert got == colours(up_to(facts, year)), year
        seen.add(tuple(sorted(got.items())))
    assert len(seen) > 1  # the years chosen do change the map
    assert frame_js.evaluate(SHADES, None) == colours(facts)  # no year: all years, as first drawn

"""Property tests: the dataset parsers meet any text and never fail other than by ValueError."""
from __future__ import annotations

from hypothesis import given, strategies as st

from atlas.sources.datasets.aiddata import Precision, linked_records, osm_links
from atlas.sources.datasets.importer import parse_amount, parse_date, parse_year


@given(st.text(max_size=300))
def test_precision_keeps_raw_text_and_picks_a_level_it_read(raw):
    p = Precision.parse(raw)
    assert p.raw == raw
    assert (p.coarsest is None) == (not p.levels)
    assert p.coarsest is None or p.coarsest in p.levels
    assert p.geo_precision() in ("site", "approximate-site", "approximate-area")


@given(st.text(max_size=300))
def test_links_and_linked_ids_come_from_the_text(raw):
    assert all(u in raw for u in osm_links(raw))
    assert all(i.isdigit() and i in raw for i in linked_records(raw))


@given(st.text(max_size=40))
def test_cell_parsers_fail_only_with_value_error(raw):
    for fn in (parse_amount, parse_date, parse_year):
        try:
            fn(raw)
        except ValueError:
            pass


def test_precision_list_is_as_coarse_as_its_coarsest_part():
    assert Precision.parse("PRECISE, ADM4").geo_precision() == "approximate-area"
    assert Precision.parse("APPROXIMATE, APPROXIMATE, PRECISE").geo_precision() == "approximate-site"
    assert Precision.parse("PRECISE, PRECISE ").geo_precision() == "site"

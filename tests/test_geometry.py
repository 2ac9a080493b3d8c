"""atlas/core/geometry.py: points, bounds and point-in-country checks against the offline boundaries."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from shapely.geometry import Point, shape

from streamlit.testing.v1 import AppTest

from atlas.core import geometry
from atlas.views import review
from atlas.sources.files import load_curated
from atlas.core.models import Evidence, Fact
from atlas.core.markup import md_plain
from atlas.db.store import Store
from tests.dash_data import ARTICLE

ROOT = Path(__file__).resolve().parents[1]
SAMARKAND = {"type": "Point", "coordinates": [66.9597, 39.6542]}


def fact(fid: str, geom: dict | None, countries=("KAZ",), actors=("CHN",), **kw) -> Fact:
    return Fact(id=fid, type="diplomacy", title=fid, date_start=date(2023, 5, 19), date_precision="day",
                origin=kw.pop("origin", "curated"), countries=countries, actors=actors, geometry=geom,
                geo_precision="city" if geom else None, **kw)


def test_countries_at_uses_the_polygons():
    # Tashkent, Moscow, Brussels (outside the file's polygons), Astana, Xi'an
    pts = [(69.24, 41.30), (37.62, 55.75), (4.35, 50.85), (71.43, 51.13), (108.94, 34.26)]
    assert geometry.countries_at(pts) == ["UZB", "RUS", None, "KAZ", "CHN"]
    assert geometry.countries_at([]) == []


def test_representative_point_of_a_polygon_is_inside_it():
    # an L-shaped polygon whose centroid lies outside it
    ell = {"type": "Polygon", "coordinates": [[[60, 40], [64, 40], [64, 41], [61, 41], [61, 44], [60, 44], [60, 40]]]}
    lon, lat = geometry.representative_point(ell)

    assert shape(ell).contains(Point(lon, lat))


def test_country_points_lie_in_their_countries():
    pts = geometry.country_points()
    codes = ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
    assert geometry.countries_at([pts[c] for c in codes]) == codes


def test_location_problems_flag_a_point_in_an_unnamed_country():
    ok = fact("ok", {"type": "Point", "coordinates": [71.43, 51.13]})  # Astana, KAZ
    xian = fact("xian", {"type": "Point", "coordinates": [108.94, 34.26]})  # in China, an actor
    far = fact("far", {"type": "Point", "coordinates": [4.35, 50.85]})  # outside the polygons: not checked
    wrong = fact("wrong", SAMARKAND)  # in Uzbekistan, but the fact names KAZ and CHN only
    [problem] = geometry.location_problems([ok, xian, far, wrong, fact("none", None)])
    assert problem.fact_id == "wrong" and problem.found == "UZB"
    assert problem.message == ("location (66.9597, 39.6542) lies in UZB, which is not among the fact's "
                               "countries or actors (KAZ, CHN)")


def test_location_problems_allow_the_border_tolerance():
    # Just inside Uzbekistan at the Kazakh border near Tashkent (< 25 km from KAZ)
    near = fact("near", {"type": "Point", "coordinates": [69.35, 41.45]})
    assert geometry.countries_at([(69.35, 41.45)]) == ["UZB"]
    assert geometry.location_problems([near]) == []


def test_every_curated_location_lies_in_a_stated_country():
    assert geometry.location_problems(load_curated().facts) == []


MISPLACED = fact("x-1", SAMARKAND, origin="extracted", review="pending", confidence=0.5,
                 evidence=(Evidence(ARTICLE.id, 0, 20, ARTICLE.text[:20]),))
WARNING = ("Check the location: location (66.9597, 39.6542) lies in UZB, which is not among the fact's "
           "countries or actors (KAZ, CHN).")


@pytest.fixture
def near_calls(monkeypatch) -> list:
    """Every call of the one point-in-country test (:func:`atlas.core.geometry.countries_near`)."""
    calls: list = []
    real = geometry.countries_near

    def spy(points, frame=None):
        calls.append(list(points))
        return real(points, frame)

    monkeypatch.setattr(geometry, "countries_near", spy)
    return calls


def test_one_border_tolerance_and_region_box():
    assert geometry.BORDER_TOLERANCE_DEG == 0.1  # README: "0.1° tolerance" for datasets and validation alike
    assert geometry.REGION_BOUNDS == (46.0, 35.0, 88.0, 56.0)
    from atlas.views import maplayers
    from atlas.sources.datasets import geometry as dataset_geometry

    assert not hasattr(dataset_geometry, "BORDER_TOLERANCE_DEG") and not hasattr(dataset_geometry, "REGION_BOUNDS")
    assert maplayers.REGION_BOUNDS == [[35.0, 46.0], [56.0, 88.0]]  # the same box, as (lat, lon) corners
    # Tashkent lies ~0.07° from the Kazakh polygon: near it; 0.15° further south-east it is not.
    assert geometry.countries_near([(69.35, 41.45), (69.5, 41.3)]) == [{"KAZ", "UZB"}, {"UZB"}]


def test_datasets_use_the_one_point_in_country_test(near_calls):
    from atlas.sources.datasets.geometry import Boundaries

    assert Boundaries.load().countries_at([Point(69.35, 41.45), None]) == [{"KAZ", "UZB"}, set()]
    assert near_calls == [[(69.35, 41.45), None]]


def test_review_queue_warns_about_a_misplaced_extracted_fact(tmp_path, near_calls):
    store = Store(tmp_path / "a.sqlite")
    store.add_article(ARTICLE, [MISPLACED])
    [item], total = review.review_queue(store)
    assert total == 1 and item.location_warning == WARNING
    assert near_calls == [[(66.9597, 39.6542)]]  # the Review page's check is the one test


def test_review_page_shows_the_location_warning(tmp_path, monkeypatch):
    store = Store(tmp_path / "a.sqlite")
    store.replace_curated([fact("c-1", None)])  # a curated fact, so the app does not seed
    store.add_article(ARTICLE, [MISPLACED])
    store.dispose()
    monkeypatch.setenv("ATLAS_DB", str(tmp_path / "a.sqlite"))
    monkeypatch.delenv("ATLAS_EDITOR_PASSWORD", raising=False)
    at = AppTest.from_file(str(ROOT / "pages" / "5_Review.py"), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert [w.value for w in at.warning] == [md_plain(WARNING)]


@pytest.mark.parametrize("geom, box", [
    ({"type": "Point", "coordinates": [60, 40]}, (60.0, 40.0, 60.0, 40.0)),
    ({"type": "MultiLineString", "coordinates": [[[60, 40], [61, 45]], [[59, 41], [62, 39]]]}, (59.0, 39.0, 62.0, 45.0)),
])
def test_bounds(geom, box):
    assert geometry.bounds(geom) == box


def test_validate_reports_a_curated_location_in_an_unnamed_country(curated_copy, capsys, near_calls):
    from atlas.cli import main

    others = curated_copy / "others.yaml"
    text = others.read_text(encoding="utf-8")
    # the Astana SCO summit moved to Ankara: Türkiye is neither among its countries nor its actors
    others.write_text(text.replace("geometry: {type: Point, coordinates: [71.43, 51.13]}",
                                   "geometry: {type: Point, coordinates: [32.85, 39.93]}", 1), encoding="utf-8")
    assert main(["validate", "--curated", str(curated_copy)]) == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        "curated fact sco-summit-astana-2024: geometry: location (32.8500, 39.9300) lies in TUR, which is not "
        "among the fact's countries or actors (KAZ, KGZ, TJK, UZB, TKM, SCO, CHN, RUS)"]
    assert (32.85, 39.93) in near_calls[0]  # validation's check is the one test

"""Geometry: the one home of GeoJSON handling, through shapely and geopandas.

API (engine code and importers use these; nothing else walks GeoJSON coordinates):

* :func:`representative_point` ``(geometry) -> (lon, lat)`` – where a fact's marker
  goes: a Point itself; the middle vertex of a line (stable, on the route); for
  polygons a point guaranteed inside (shapely ``representative_point``).
  ``(None, None)`` for no geometry.
* :func:`positions` ``(geometry) -> [(lon, lat), ...]`` – every vertex.
* :func:`bounds` ``(geometry) -> (min_lon, min_lat, max_lon, max_lat)``.
* :func:`boundaries_frame` ``(path) -> GeoDataFrame`` – the offline country polygons
  (columns ``iso_a3, name, central_asia, geometry``; EPSG:4326), cached per path.
* :func:`country_points` ``(path) -> {iso3: (lon, lat)}`` – a point inside each country,
  where a country-level fact is drawn.
* :func:`countries_at` ``(points, path) -> [iso3 | None, ...]`` – the country each
  lon/lat pair lies in (``geopandas.sjoin``); None outside every polygon.
* :func:`countries_near` ``(points, frame) -> [{iso3, ...}, ...]`` – the one point-in-country
  test with the border tolerance: every country within :data:`BORDER_TOLERANCE_DEG` of each
  point. Validation, the Review page (through :func:`location_problems`) and the dataset
  importers (``atlas.sources.datasets.geometry.Boundaries``) all use it.
* :func:`in_region` ``(lon, lat)`` – inside :data:`REGION_BOUNDS`, the one box around the
  five states (the importers' first check; the map's first view).
* :func:`location_problems` ``(facts, path) -> [LocationProblem, ...]`` – facts whose
  location lies in a country that is neither among their ``countries`` nor their
  ``actors`` (and not within :data:`BORDER_TOLERANCE_DEG` of one that is).

The boundaries are Natural Earth 1:110m: coarse near borders, and they cover the
region and its neighbours only. A point outside every polygon (Moscow is inside;
Brussels or New York are not) is therefore not checked, and a point within
:data:`BORDER_TOLERANCE_DEG` (~10 km) of a stated country counts as inside it.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from ..sources.files import BOUNDARIES, load_boundaries
from .models import Fact

# The one border tolerance (degrees, ~10 km): the scale of Natural Earth 1:110m's border error.
# Curated data, the shipped AidData records and the World Bank subset were checked with it.
BORDER_TOLERANCE_DEG = 0.1
REGION_BOUNDS = (46.0, 35.0, 88.0, 56.0)  # (west, south, east, north): the five states with a margin
LINE_TYPES = ("LineString", "MultiLineString")
# Geometries checked position by position (every vertex of a route, every site of a project).
POSITION_TYPES = LINE_TYPES + ("MultiPoint",)

if TYPE_CHECKING:
    import geopandas as gpd


def _gpd():
    """geopandas, imported on first use: it costs ~1 s, and the store and the CLI import
    this module for :func:`representative_point` of points and lines, which need none of it."""
    import geopandas

    return geopandas


def positions(geometry: dict | None) -> list[tuple[float, float]]:
    """Every vertex of a GeoJSON geometry as ``(lon, lat)``.

    >>> positions({"type": "MultiLineString", "coordinates": [[[0, 1], [2, 3]], [[4, 5], [6, 7]]]})
    [(0.0, 1.0), (2.0, 3.0), (4.0, 5.0), (6.0, 7.0)]
    >>> positions(None)
    []
    """
    if not geometry:
        return []
    out: list[tuple[float, float]] = []

    def walk(c: Any) -> None:
        if c and isinstance(c[0], (int, float)):
            out.append((float(c[0]), float(c[1])))
        else:
            for part in c:
                walk(part)

    walk(geometry["coordinates"])
    return out


def representative_point(geometry: dict | None) -> tuple[float | None, float | None]:
    """A lon/lat to place a marker for any geometry.

    >>> representative_point({"type": "LineString", "coordinates": [[0, 0], [1, 1], [2, 2]]})
    (1.0, 1.0)
    >>> representative_point({"type": "Polygon", "coordinates": [[[0, 0], [4, 0], [4, 2], [0, 2], [0, 0]]]})
    (2.0, 1.0)
    >>> representative_point(None)
    (None, None)
    """
    if not geometry:
        return None, None
    kind = geometry["type"]
    if kind == "Point":  # the common case, kept free of shapely for bulk loads
        lon, lat = geometry["coordinates"][:2]
        return float(lon), float(lat)
    if kind == "MultiPoint":  # a project's sites: its first site stands for it in one-marker views
        lon, lat = geometry["coordinates"][0][:2]
        return float(lon), float(lat)
    if kind in LINE_TYPES:
        pts = positions(geometry)
        return pts[len(pts) // 2]
    from shapely.geometry import shape  # polygons only; see _gpd for why imports wait

    pt = shape(geometry).representative_point()
    return float(pt.x), float(pt.y)


def bounds(geometry: dict) -> tuple[float, float, float, float]:
    """``(min_lon, min_lat, max_lon, max_lat)`` of a geometry.

    >>> bounds({"type": "LineString", "coordinates": [[60, 40], [70, 38]]})
    (60.0, 38.0, 70.0, 40.0)
    """
    lons, lats = zip(*positions(geometry))
    return min(lons), min(lats), max(lons), max(lats)


@lru_cache(maxsize=4)
def boundaries_frame(path: Path = BOUNDARIES) -> "gpd.GeoDataFrame":
    """The offline country polygons as a GeoDataFrame (treat as read-only: it is cached)."""
    return _gpd().GeoDataFrame.from_features(load_boundaries(path)["features"], crs="EPSG:4326")


@lru_cache(maxsize=4)
def country_points(path: Path = BOUNDARIES) -> dict[str, tuple[float, float]]:
    """A lon/lat inside each country's polygon, where a country-level fact is drawn."""
    frame = boundaries_frame(path)
    pts = frame.geometry.representative_point()
    return {iso: (round(p.x, 3), round(p.y, 3)) for iso, p in zip(frame["iso_a3"], pts)}


def countries_at(points: Sequence[tuple[float, float]], path: Path = BOUNDARIES) -> list[str | None]:
    """The ISO3 code of the country holding each ``(lon, lat)``; None outside every polygon."""
    if not points:
        return []
    gpd = _gpd()
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy([p[0] for p in points], [p[1] for p in points]),
                           crs="EPSG:4326")
    joined = gpd.sjoin(pts, boundaries_frame(path)[["iso_a3", "geometry"]], how="left", predicate="within")
    first = joined[~joined.index.duplicated(keep="first")]["iso_a3"]
    return [iso if isinstance(iso, str) else None for iso in first.reindex(range(len(points)))]


def countries_near(points: Sequence[tuple[float, float] | None], frame: "gpd.GeoDataFrame | None" = None
                   ) -> list[set[str]]:
    """For each ``(lon, lat)`` (or None), the ISO3 codes of the countries of ``frame`` (default: every
    boundary) within :data:`BORDER_TOLERANCE_DEG` of it: the atlas's one point-in-country test.

    >>> [sorted(c) for c in countries_near([(69.35, 41.45), None])]  # in Uzbekistan, 7 km from Kazakhstan
    [['KAZ', 'UZB'], []]
    """
    out: list[set[str]] = [set() for _ in points]
    given = [(i, p) for i, p in enumerate(points) if p is not None]
    if not given:
        return out
    gpd = _gpd()
    frame = boundaries_frame() if frame is None else frame
    pts = gpd.GeoDataFrame({"i": [i for i, _ in given]},
                           geometry=gpd.points_from_xy([p[0] for _, p in given], [p[1] for _, p in given]),
                           crs="EPSG:4326")
    hit = gpd.sjoin(pts, frame[["iso_a3", "geometry"]], how="inner", predicate="dwithin",
                    distance=BORDER_TOLERANCE_DEG)
    for i, iso in zip(hit["i"], hit["iso_a3"]):
        out[int(i)].add(iso)
    return out


def in_region(lon: float, lat: float) -> bool:
    """Inside :data:`REGION_BOUNDS`.

    >>> in_region(69.2, 41.3), in_region(116.4, 39.9)
    (True, False)
    """
    west, south, east, north = REGION_BOUNDS
    return west <= lon <= east and south <= lat <= north


@dataclass(frozen=True)
class LocationProblem:
    fact_id: str
    lon: float
    lat: float
    found: str  # ISO3 of the country the point lies in
    stated: tuple[str, ...]  # the fact's countries and actors

    @property
    def message(self) -> str:
        return (f"location ({self.lon:.4f}, {self.lat:.4f}) lies in {self.found}, which is not among the fact's "
                f"countries or actors ({', '.join(self.stated) or 'none'})")


def location_problems(facts: Iterable[Fact], path: Path = BOUNDARIES) -> list[LocationProblem]:
    """Facts located in a country they do not name (see the module docstring for the rules)."""
    checks: list[tuple[Fact, tuple[float, float]]] = []
    for f in facts:
        if not f.geometry:
            continue
        pts = positions(f.geometry) if f.geometry["type"] in POSITION_TYPES else [representative_point(f.geometry)]
        checks += [(f, p) for p in pts]
    points = [p for _, p in checks]
    found = countries_at(points, path)
    near = countries_near(points, boundaries_frame(path))
    out: list[LocationProblem] = []
    reported: set[str] = set()
    for (f, (lon, lat)), iso, close in zip(checks, found, near):
        stated = tuple(dict.fromkeys(f.countries + f.actors))
        if iso is None or iso in stated or f.id in reported or close & set(stated):
            continue
        reported.add(f.id)
        out.append(LocationProblem(f.id, lon, lat, iso, stated))
    return out

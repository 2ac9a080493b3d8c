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
* :func:`countries_at` ``(points, path) -> [iso3 | None, ...]`` – point-in-country for
  many lon/lat pairs at once (``geopandas.sjoin``); None outside every polygon.
* :func:`location_problems` ``(facts, path) -> [LocationProblem, ...]`` – facts whose
  location lies in a country that is neither among their ``countries`` nor their
  ``actors`` (and not within :data:`BORDER_TOLERANCE_DEG` of one that is).

The boundaries are Natural Earth 1:110m: coarse near borders, and they cover the
region and its neighbours only. A point outside every polygon (Moscow is inside;
Brussels or New York are not) is therefore not checked, and a point within
:data:`BORDER_TOLERANCE_DEG` (~25 km) of a stated country counts as inside it.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from ..sources.files import BOUNDARIES, load_boundaries
from .models import Fact

BORDER_TOLERANCE_DEG = 0.25  # degrees; the 1:110m borders are off by this much in places
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
    found = countries_at([p for _, p in checks], path)
    gpd = _gpd()
    polygons = boundaries_frame(path).set_index("iso_a3").geometry
    out: list[LocationProblem] = []
    reported: set[str] = set()
    for (f, (lon, lat)), iso in zip(checks, found):
        stated = tuple(dict.fromkeys(f.countries + f.actors))
        if iso is None or iso in stated or f.id in reported:
            continue
        near = [c for c in stated if c in polygons.index]
        pt = gpd.points_from_xy([lon], [lat])[0]
        if any(polygons[c].distance(pt) <= BORDER_TOLERANCE_DEG for c in near):
            continue
        reported.add(f.id)
        out.append(LocationProblem(f.id, lon, lat, iso, stated))
    return out

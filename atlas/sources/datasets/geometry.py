"""Where a dataset record is drawn: geometry sources read with geopandas, then fallbacks.

Order, per record: the record's own geometry (a GeoJSON file per record, or the
official geopackage) → the points file (first vertex of the source geometry, so
approximate) → a place named in the title (the extraction gazetteer) → the
recipient country. A candidate that is missing, empty, invalid, outside the region
or outside the recipient country moves on to the next, and why is recorded.

The point-in-country check is a geopandas ``sjoin`` against the offline Natural
Earth 1:110m boundaries, which are coarse near borders: a point within
:data:`atlas.core.geometry.BORDER_TOLERANCE_DEG` of its recipient country counts as inside
(:func:`atlas.core.geometry.countries_near`, the atlas's one point-in-country test).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from ...core import geometry as atlas_geometry
from ...core.errors import ValidationError
from ...core.models import CENTRAL_ASIA
MAX_GEOMETRY_BYTES = 64 * 1024 * 1024


@dataclass
class Candidate:
    """One possible location of a record, from one source."""

    method: str  # "geometry", "points", "place-in-title", "country"
    point: Point | None
    geo_precision: str
    source: str  # file it came from, or the place name
    note: str = ""  # e.g. "first vertex of the source geometry"
    problem: str = ""  # why there is no point (missing file, invalid geometry, …)


@dataclass
class Placement:
    point: Point
    geo_precision: str
    method: str
    source: str
    note: str = ""
    rejected: list[str] = field(default_factory=list)  # "geometry: outside KAZ (…)" for each skipped candidate

    def to_record(self) -> dict:
        return {"method": self.method, "source": self.source, "note": self.note,
                "geo_precision": self.geo_precision, "rejected": list(self.rejected)}


def read_geojson_folder(folder: Path, ids: Iterable[str]) -> tuple[dict[str, object], dict[str, str]]:
    """``<id>.geojson`` files for the given ids → (id → shapely geometry, id → problem text)."""
    geoms: dict[str, object] = {}
    problems: dict[str, str] = {}
    for rid in ids:
        f = Path(folder) / f"{rid}.geojson"
        if not f.exists():
            continue
        try:
            if f.stat().st_size > MAX_GEOMETRY_BYTES:
                raise ValueError(f"larger than {MAX_GEOMETRY_BYTES:,} bytes")
            json.loads(f.read_text(encoding="utf-8"))  # strict JSON: the GCDF 2.0 copies hold bare NaN
            gdf = gpd.read_file(f)
            geoms[rid] = _union(gdf)
        except Exception as exc:  # any unreadable file is a fallback, not a failed import
            problems[rid] = f"{f.name}: unreadable ({type(exc).__name__}: {str(exc)[:120]})"
    return geoms, problems


def read_geopackage(path: Path) -> dict[str, object]:
    """The official release geopackage: one geometry per record id (features of a record unioned)."""
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:
        raise ValidationError([f"{path}: not a readable geopackage ({type(exc).__name__}: {exc})"]) from None
    idcol = next((c for c in ("id", "AidData.Record.ID", "project_id") if c in gdf.columns), None)
    if idcol is None:
        raise ValidationError([f"{path}: missing required column 'id' (the AidData record id)"])
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    gdf["_rid"] = gdf[idcol].map(_record_id)
    return {rid: _union(part) for rid, part in gdf.groupby("_rid") if rid}


def read_points(path: Path) -> tuple[dict[str, Point], dict[str, str]]:
    """The points file: ``id, first_lon, first_lat`` → (id → Point, id → problem text)."""
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise ValidationError([f"{path}: not a readable CSV ({exc})"]) from None
    missing = [c for c in ("id", "first_lon", "first_lat") if c not in df.columns]
    if missing:
        raise ValidationError([f"{path}: missing required column {c!r}" for c in missing])
    lon = pd.to_numeric(df["first_lon"], errors="coerce")
    lat = pd.to_numeric(df["first_lat"], errors="coerce")
    points, problems = {}, {}
    for i, (rid, x, y) in enumerate(zip(df["id"].map(_record_id), lon, lat)):
        if pd.isna(x) or pd.isna(y):
            problems[rid] = f"{Path(path).name}:{i + 2}: first_lon/first_lat not numbers"
        else:
            points[rid] = Point(float(x), float(y))
    return points, problems


def _record_id(v: object) -> str:
    s = str(v).strip()
    return s[:-2] if s.endswith(".0") else s


def _union(gdf: gpd.GeoDataFrame):
    geoms = [g for g in gdf.geometry if g is not None and not g.is_empty]
    if not geoms:
        return None
    return geoms[0] if len(geoms) == 1 else gpd.GeoSeries(geoms).union_all()


def representative(geom) -> tuple[Point | None, str]:
    """A point guaranteed inside a polygon (``representative_point``), or why there is none."""
    if geom is None:
        return None, "missing"
    if geom.is_empty:
        return None, "empty"
    if not geom.is_valid:
        return None, "invalid geometry"
    return geom.representative_point(), ""


@dataclass
class Boundaries:
    """The five states' polygons as a GeoDataFrame, for sjoin."""

    frame: gpd.GeoDataFrame

    @classmethod
    def load(cls, boundaries: dict | None = None) -> "Boundaries":
        gdf = (gpd.GeoDataFrame.from_features(boundaries["features"], crs=4326) if boundaries
               else atlas_geometry.boundaries_frame())
        gdf = gdf[gdf["iso_a3"].isin(list(CENTRAL_ASIA))][["iso_a3", "geometry"]].reset_index(drop=True)
        return cls(gdf)

    def countries_at(self, points: Sequence[Point | None]) -> list[set[str]]:
        """For each point, the recipient countries it lies in (within the border tolerance)."""
        return atlas_geometry.countries_near([None if p is None else (p.x, p.y) for p in points], self.frame)


def in_region(p: Point) -> bool:
    return atlas_geometry.in_region(p.x, p.y)


def choose(candidates: list[list[Candidate]], countries: Sequence[str], boundaries: Boundaries) -> list[Placement]:
    """For each record (its candidates in fallback order), the first that passes every check.

    The last candidate of each record must be its country point, which always passes.
    Checks run as one ``sjoin`` per fallback level, so 20,000 records stay fast.
    """
    n = len(candidates)
    chosen: list[Placement | None] = [None] * n
    rejected: list[list[str]] = [[] for _ in range(n)]
    depth = max((len(c) for c in candidates), default=0)
    for level in range(depth):
        todo = [i for i in range(n) if chosen[i] is None and level < len(candidates[i])]
        if not todo:
            break
        cands = [candidates[i][level] for i in todo]
        inside = boundaries.countries_at([c.point if c.point is not None and in_region(c.point) else None
                                          for c in cands])
        for i, c, isos in zip(todo, cands, inside):
            why = (c.problem or "missing") if c.point is None else ""
            if not why and c.method != "country":
                if not in_region(c.point):
                    why = f"outside the region ({c.point.x:.3f}, {c.point.y:.3f})"
                elif countries[i] not in isos:
                    where = ", ".join(sorted(isos)) or "no Central Asian state"
                    why = f"outside {countries[i]} ({c.point.x:.3f}, {c.point.y:.3f} is in {where})"
            if why:
                rejected[i].append(f"{c.method}: {why}")
                continue
            chosen[i] = Placement(c.point, c.geo_precision, c.method, c.source,
                                  c.note, rejected[i])
    missing = [i for i in range(n) if chosen[i] is None]
    if missing:
        raise ValueError(f"records without a country fallback: {missing[:5]}")
    return chosen  # type: ignore[return-value]

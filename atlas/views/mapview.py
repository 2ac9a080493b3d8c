"""The map's view and year as URL parameters: ``?lat=43.25&lon=76.9&z=9&year=2015``. Pure.

A shared link reproduces the centre and zoom; the year slider (and Play) shows facts dated
up to the end of a year. Values from a URL are checked here; a bad one raises
:class:`BadMapParam` with one line naming the parameter, which the page shows as a notice.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Mapping

VIEW_PARAMS = ("lat", "lon", "z")
YEAR_PARAM = "year"
MIN_ZOOM, MAX_ZOOM = 2.0, 12.0  # atlas.views.maps sets the same limits on the map


class BadMapParam(ValueError):
    """A map parameter in the URL that cannot be used (the message names it)."""


@dataclass(frozen=True)
class MapView:
    lat: float
    lon: float
    zoom: float

    def to_query(self) -> dict[str, str]:
        """
        >>> MapView(43.25, 76.9, 9.0).to_query()
        {'lat': '43.25', 'lon': '76.9', 'z': '9'}
        """
        return {"lat": _num(self.lat, 4), "lon": _num(self.lon, 4), "z": _num(self.zoom, 2)}

    def same_view(self, other: "MapView | None") -> bool:
        """Same zoom and a centre less than a screen pixel away: Leaflet snaps a centre to whole
        pixels, so the view a link asked for comes back a few 1/10,000 degrees off.

        >>> MapView(43.25, 76.9, 9.0).same_view(MapView(43.2492, 76.9004, 9.0))
        True
        >>> MapView(43.25, 76.9, 9.0).same_view(MapView(43.26, 76.9, 9.0)), MapView(43.25, 76.9, 9.0).same_view(None)
        (False, False)
        """
        if other is None or other.zoom != self.zoom:
            return False
        pixel = 360.0 / (256 * 2 ** self.zoom)  # degrees of longitude per pixel; latitude's are fewer
        return abs(other.lat - self.lat) < pixel and abs(other.lon - self.lon) < pixel


def _num(x: float, digits: int) -> str:
    return f"{round(float(x), digits):.{digits}f}".rstrip("0").rstrip(".")


def _one(q: Mapping[str, object], key: str) -> str | None:
    v = q.get(key)
    if isinstance(v, (list, tuple)):
        v = v[-1] if v else None
    return None if v is None else str(v)


def _float(key: str, raw: str, lo: float, hi: float) -> float:
    try:
        x = float(raw.strip())
    except ValueError:
        raise BadMapParam(f"map view in the link: {key}={raw[:40]!r} is not a number") from None
    if not math.isfinite(x) or not lo <= x <= hi:
        raise BadMapParam(f"map view in the link: {key}={raw[:40]!r} is outside {lo:g}…{hi:g}")
    return x


def parse_view(q: Mapping[str, object]) -> MapView | None:
    """The view a URL's query asks for; None when it names none.

    >>> parse_view({"lat": "43.25", "lon": ["76.9"], "z": "9"})
    MapView(lat=43.25, lon=76.9, zoom=9.0)
    >>> parse_view({}) is None
    True
    >>> parse_view({"lat": "north", "lon": "76.9", "z": "9"})
    Traceback (most recent call last):
    ...
    atlas.views.mapview.BadMapParam: map view in the link: lat='north' is not a number
    >>> parse_view({"lat": "43"})
    Traceback (most recent call last):
    ...
    atlas.views.mapview.BadMapParam: map view in the link: needs lat, lon and z together (missing lon, z)
    """
    raw = {k: _one(q, k) for k in VIEW_PARAMS}
    if all(v is None for v in raw.values()):
        return None
    missing = [k for k, v in raw.items() if v is None]
    if missing:
        raise BadMapParam(f"map view in the link: needs lat, lon and z together (missing {', '.join(missing)})")
    return MapView(_float("lat", raw["lat"], -85.0, 85.0), _float("lon", raw["lon"], -180.0, 180.0),
                   _float("z", raw["z"], MIN_ZOOM, MAX_ZOOM))


def view_from_component(center: object, zoom: object) -> MapView | None:
    """The view streamlit-folium reports (``{"lat":…, "lng":…}``, zoom), or None if unusable.

    >>> view_from_component({"lat": 43.251234, "lng": 76.9}, 9)
    MapView(lat=43.2512, lon=76.9, zoom=9.0)
    >>> view_from_component(None, 9) is None
    True
    """
    try:
        lat, lon, z = float(center["lat"]), float(center["lng"]), float(zoom)  # type: ignore[index]
    except (TypeError, KeyError, ValueError):
        return None
    if not all(math.isfinite(v) for v in (lat, lon, z)):
        return None
    lon = (lon + 180.0) % 360.0 - 180.0  # Leaflet's centre can wrap past ±180
    return MapView(round(min(85.0, max(-85.0, lat)), 4), round(lon, 4), round(min(MAX_ZOOM, max(MIN_ZOOM, z)), 2))


def parse_year(raw: object, years: Iterable[int]) -> int | None:
    """The ``year`` a URL asks for, one of ``years``; None when absent.

    >>> parse_year("2015", range(2000, 2026)), parse_year(None, [2020])
    (2015, None)
    >>> parse_year("1900", range(2000, 2026))
    Traceback (most recent call last):
    ...
    atlas.views.mapview.BadMapParam: year in the link: '1900' is not a year with facts (2000–2025)
    """
    if isinstance(raw, (list, tuple)):
        raw = raw[-1] if raw else None
    if raw is None or raw == "":
        return None
    years = sorted(years)
    text = str(raw).strip()
    span = f"{years[0]}–{years[-1]}" if years else "none"
    if not (text.isascii() and text.isdigit()) or int(text) not in years:
        raise BadMapParam(f"year in the link: {text[:40]!r} is not a year with facts ({span})")
    return int(text)

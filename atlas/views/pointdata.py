"""The map's points as a separate HTTP resource, not part of the page's websocket message. Pure.

At 100,000 facts the point records are megabytes of JSON; sent inside the map's component
message they would travel over the websocket on every filter change. Instead the map's
small shell names a URL (:func:`points_url`) that the browser fetches and caches, and the
server answers it with :func:`points_payload` (gzip'd JSON: the point records of
:mod:`atlas.views.mappoints` and the route lines).

The URL carries everything the answer depends on: the store version, the filters (in the
page's own query syntax), the country measure and the marker colouring. The server reads
it back with :func:`read_points_request`, which applies the same parser and the same
review rules as the page (:meth:`atlas.views.query.Filters.from_query`: rejected facts are
never shown), so a hand-made URL can read no fact that the page could not show. A URL
for an older store version is answered 404 (:class:`StalePoints`): its facts may have
changed, and the page fetches the current ones instead.
"""
from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from typing import Iterable, Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit

from ..core.errors import AtlasError
from ..sources.datasets.layer import COLOR_BY
from .maplayers import MEASURES, MapData
from .mappoints import RECORD_FIELDS
from .query import Filters

POINTS_PATH = "/app/atlas/points"
_OWN_PARAMS = ("v", "measure", "color")
_FILTER_PARAMS = tuple(Filters._PARAMS.values())


class BadPointsRequest(AtlasError):
    """A points URL with a value the page would never write (tampered or truncated); names the field."""


class StalePoints(AtlasError):
    """A points URL for a store version that is no longer current."""


@dataclass(frozen=True)
class PointsRequest:
    """What a points URL asks for: the raw version text beside the parsed filters."""

    version: str
    filters: Filters
    measure: str = "facts"
    color: str = "power"


def points_url(version: str, filters: Filters, measure: str = "facts", color: str = "power") -> str:
    """The URL of the points the map shows for these filters, at this store version.

    >>> points_url("12.ab34cd56", Filters(countries=("KAZ", "UZB")))
    '/app/atlas/points?v=12.ab34cd56&measure=facts&color=power&country=KAZ&country=UZB'
    """
    params: list[tuple[str, str]] = [("v", version), ("measure", measure), ("color", color)]
    params += [(k, v) for k, vs in filters.to_query().items() for v in vs]
    return f"{POINTS_PATH}?{urlencode(params)}"


def read_points_request(params: Iterable[tuple[str, str]], current_version: str) -> PointsRequest:
    """Parse a points URL's query (``(name, value)`` pairs, repeated names allowed).

    Raises :class:`BadPointsRequest` naming the first bad field, :class:`StalePoints`
    when ``v`` is not ``current_version``.

    >>> read_points_request([("v", "3.x"), ("country", "KGZ")], "3.x").filters.countries
    ('KGZ',)
    >>> read_points_request([("v", "3.x"), ("review", "rejected")], "3.x")
    Traceback (most recent call last):
    ...
    atlas.views.pointdata.BadPointsRequest: points URL: review: 'rejected' is not one of accepted, pending
    """
    grouped: dict[str, list[str]] = {}
    for name, value in params:
        if name not in _OWN_PARAMS and name not in _FILTER_PARAMS:
            raise BadPointsRequest(f"points URL: unknown field {name!r}")
        grouped.setdefault(name, []).append(value)
    own: dict[str, str] = {}
    for name in _OWN_PARAMS:
        values = grouped.pop(name, [])
        if len(values) > 1:
            raise BadPointsRequest(f"points URL: {name} is given {len(values)} times")
        if values:
            own[name] = values[0]
    if "v" not in own:
        raise BadPointsRequest("points URL: v (the store version) is missing")
    measure, color = own.get("measure", "facts"), own.get("color", "power")
    if measure not in MEASURES:
        raise BadPointsRequest(f"points URL: measure: {measure!r} is not one of {', '.join(MEASURES)}")
    if color not in COLOR_BY:
        raise BadPointsRequest(f"points URL: color: {color!r} is not one of {', '.join(COLOR_BY)}")
    filters, warnings = Filters.from_query(grouped)
    if warnings:  # the page shows these and goes on; a URL the page wrote never has them
        raise BadPointsRequest(f"points URL: {warnings[0]}")
    if own["v"] != current_version:
        raise StalePoints(f"points for store version {own['v']!r} are gone (now {current_version!r})")
    return PointsRequest(own["v"], filters, measure, color)


def request_of(url: str) -> PointsRequest:
    """What a URL made by :func:`points_url` asks for (as the server will read it).

    >>> request_of(points_url("4.ab", Filters(countries=("TJK",)), "leading")).measure
    'leading'
    """
    pairs = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    version = next((v for k, v in pairs if k == "v"), "")
    return read_points_request(pairs, version)


def points_document(data: MapData) -> dict:
    """What the browser draws: every point record and every route line of ``data``.

    >>> doc = points_document(MapData({}, {"features": []}, {"features": []}, {"features": []}, "", "facts"))
    >>> doc["fields"][:4], doc["rows"], doc["routes"]["features"]
    (['layer', 'lon', 'lat', 'id'], [], [])
    """
    return {"fields": list(RECORD_FIELDS), "rows": data.rows(), "routes": data.routes}


def points_payload(data: MapData) -> bytes:
    """:func:`points_document` as gzip'd compact JSON (strings already HTML-escaped by the layers)."""
    raw = json.dumps(points_document(data), separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return gzip.compress(raw, compresslevel=5, mtime=0)  # mtime 0: the same points give the same bytes


def query_pairs(query: Mapping[str, Iterable[str]]) -> list[tuple[str, str]]:
    """``{"country": ["KAZ"]}`` → ``[("country", "KAZ")]`` (for tests and callers with dicts)."""
    return [(k, v) for k, vs in query.items() for v in ([vs] if isinstance(vs, str) else vs)]

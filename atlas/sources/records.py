"""Parse and check raw fact records (curated YAML, edits from the app) into :class:`Fact`.

Pure: takes already-read mappings plus the articles they cite; returns facts or
:class:`Problem`s that name the file, line and field.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any, Callable, Mapping

from ..core.errors import Problem
from ..core.fields import (actor_problem, country_problem, date_order_problem, date_precision_problem,
                     geo_precision_problem, parse_date, status_problem, type_problem)
from ..core.models import GEOMETRY_TYPES, Article, Evidence, Fact, Source
from ..core.textguard import clean_title

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{2,80}$")
KNOWN_FIELDS = {
    "id", "type", "title", "summary", "date_start", "date_end", "date_precision", "countries",
    "actors", "geometry", "geo_precision", "status", "status_as_of", "evidence", "sources",
}


class _Checker:
    """Collects problems for one record, each tagged with file, line and field."""

    def __init__(self, file: str, record: Mapping[str, Any]):
        self.file, self.record = file, record
        self.lines: dict = record.get("__lines__", {}) if isinstance(record, Mapping) else {}
        self.line = record.get("__line__") if isinstance(record, Mapping) else None
        self.problems: list[Problem] = []
        rid = record.get("id") if isinstance(record, Mapping) else None
        self.prefix = f"fact {rid!r}: " if rid else ""

    def bad(self, field: str, message: str, item: Any = None) -> None:
        line = self.lines.get(field.split("[")[0].split(".")[0], self.line)
        if isinstance(item, Mapping):  # a problem inside a nested mapping: point at it
            sub = field.rsplit(".", 1)[-1] if "." in field else None
            line = item.get("__lines__", {}).get(sub, item.get("__line__", line))
        self.problems.append(Problem(self.file, self.prefix + message, line=line, field=field))

    def get(self, key: str, default: Any = None) -> Any:
        return self.record.get(key, default)


def parse_curated(
    record: Mapping[str, Any], file: str, articles: Mapping[str, Article]
) -> tuple[Fact | None, list[Problem]]:
    """Check one curated record. ``articles`` maps seed file names *and* ids to articles."""
    if not isinstance(record, Mapping):
        return None, [Problem(file, f"a fact must be a mapping, got {type(record).__name__}")]
    c = _Checker(file, record)
    for key in record:
        if key not in KNOWN_FIELDS and not str(key).startswith("__"):
            c.bad(str(key), f"unknown field {key!r}")
    fid = c.get("id")
    if not isinstance(fid, str) or not SLUG.match(fid):
        c.bad("id", f"id must be a slug of a-z, 0-9 and '-', got {fid!r}")
    ftype = c.get("type")
    if type_problem(ftype):
        c.bad("type", type_problem(ftype))
    title = c.get("title")
    if not isinstance(title, str) or not title.strip():
        c.bad("title", "title is required")
    summary = c.get("summary") or ""
    if not isinstance(summary, str):
        c.bad("summary", "summary must be text")

    dates: dict[str, date | None] = {}
    for key in ("date_start", "date_end", "status_as_of"):
        raw = c.get(key)
        if raw is None:
            dates[key] = None
            if key == "date_start":
                c.bad(key, "date_start is required")
            continue
        try:
            dates[key] = parse_date(raw)
        except ValueError as exc:
            c.bad(key, str(exc))
            dates[key] = None
    if date_order_problem(dates["date_start"], dates["date_end"]):
        c.bad("date_end", date_order_problem(dates["date_start"], dates["date_end"]))
    precision = c.get("date_precision")
    if date_precision_problem(precision):
        c.bad("date_precision", date_precision_problem(precision))

    countries = _codes(c, "countries", country_problem)
    if not countries:
        c.bad("countries", "at least one Central Asian state is required")
    actors = _codes(c, "actors", actor_problem)

    geometry = c.get("geometry")
    if geometry is not None:
        for msg in geometry_problems(geometry):
            c.bad("geometry", msg)
    geo_precision = c.get("geo_precision")
    if geometry is not None and geo_precision_problem(geo_precision):
        c.bad("geo_precision", geo_precision_problem(geo_precision))
    status = c.get("status")
    if status is not None and status_problem(status):
        c.bad("status", status_problem(status))
    if status is not None and dates["status_as_of"] is None and "status_as_of" not in {
        p.field for p in c.problems
    }:
        c.bad("status_as_of", "status_as_of is required when status is set")

    evidence = _evidence(c, articles)
    sources = _sources(c)
    if not evidence and not sources and not any(p.field.startswith(("evidence", "sources")) for p in c.problems):
        c.bad("evidence", "every curated fact needs evidence (a seed quote) or a named source")

    if c.problems:
        return None, c.problems
    return Fact(
        id=fid, type=ftype, title=clean_title(title), summary=summary.strip(),
        date_start=dates["date_start"], date_end=dates["date_end"], date_precision=precision,
        countries=countries, actors=actors, geometry=geometry, geo_precision=geo_precision,
        status=status, status_as_of=dates["status_as_of"], origin="curated", review=None,
        evidence=evidence, sources=sources,
    ), []


def _codes(c: _Checker, key: str, problem: Callable[[Any], str | None]) -> tuple[str, ...]:
    raw = c.get(key) or []
    if not isinstance(raw, list):
        c.bad(key, f"{key} must be a list of codes")
        return ()
    out = []
    for i, code in enumerate(raw):
        if problem(code):
            c.bad(f"{key}[{i}]", problem(code))
        elif code not in out:
            out.append(code)
    return tuple(out)


def geometry_problems(geometry: Any) -> list[str]:
    """What is wrong with a GeoJSON geometry (empty list when fine).

    >>> geometry_problems({"type": "Point", "coordinates": [108.94, 34.26]})
    []
    >>> geometry_problems({"type": "Point", "coordinates": [34.26, 200]})
    ['latitude 200 is outside -90..90']
    >>> geometry_problems({"type": "MultiPoint", "coordinates": [[69.2, 41.3], [71.4, 51.2]]})
    []
    """
    if not isinstance(geometry, Mapping) or geometry.get("type") not in GEOMETRY_TYPES:
        return [f"geometry must be GeoJSON with type one of {', '.join(GEOMETRY_TYPES)}"]
    problems: list[str] = []

    def walk(node: Any, depth: int) -> None:
        if depth == 0:
            if not (isinstance(node, (list, tuple)) and len(node) == 2
                    and all(isinstance(v, (int, float)) for v in node)):
                problems.append(f"a position must be [lon, lat], got {node!r}")
                return
            lon, lat = node
            if not -180 <= lon <= 180:
                problems.append(f"longitude {lon} is outside -180..180")
            if not -90 <= lat <= 90:
                problems.append(f"latitude {lat} is outside -90..90")
            return
        if not isinstance(node, (list, tuple)) or not node:
            problems.append("coordinates are empty or not a list")
            return
        for child in node:
            walk(child, depth - 1)

    depth = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}
    walk(geometry.get("coordinates"), depth[geometry["type"]])
    if geometry["type"] == "LineString" and not problems and len(geometry["coordinates"]) < 2:
        problems.append("a LineString needs at least two positions")
    return problems


def _evidence(c: _Checker, articles: Mapping[str, Article]) -> tuple[Evidence, ...]:
    raw = c.get("evidence") or []
    if not isinstance(raw, list):
        c.bad("evidence", "evidence must be a list")
        return ()
    out = []
    for i, ev in enumerate(raw):
        where = f"evidence[{i}]"
        if not isinstance(ev, Mapping):
            c.bad(where, "must be a mapping with article, start, end, quote")
            continue
        art = articles.get(str(ev.get("article")))
        start, end, quote = ev.get("start"), ev.get("end"), ev.get("quote")
        if art is None:
            c.bad(f"{where}.article", f"no article {ev.get('article')!r} in seeds/", ev)
            continue
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(art.text)):
            c.bad(f"{where}.start", f"span {start!r}..{end!r} is not inside the article (length {len(art.text)})", ev)
            continue
        if not isinstance(quote, str) or art.text[start:end] != quote:
            found = art.text.find(quote) if isinstance(quote, str) and quote else -1
            hint = f"; the quote is at {found}..{found + len(quote)}" if found >= 0 else "; the quote is not in the article"
            c.bad(f"{where}.quote", f"quote does not equal the article text at {start}..{end}{hint}", ev)
            continue
        out.append(Evidence(article=art.id, start=start, end=end, quote=quote))
    return tuple(out)


def _sources(c: _Checker) -> tuple[Source, ...]:
    raw = c.get("sources") or []
    if not isinstance(raw, list):
        c.bad("sources", "sources must be a list")
        return ()
    out = []
    for i, src in enumerate(raw):
        where = f"sources[{i}]"
        if not isinstance(src, Mapping):
            c.bad(where, "must be a mapping with publisher, title, date")
            continue
        missing = [k for k in ("publisher", "title", "date") if not src.get(k)]
        if missing:
            c.bad(where, f"a source needs {', '.join(missing)}", src)
            continue
        raw_date = src["date"]
        sdate = raw_date.isoformat() if isinstance(raw_date, date) else str(raw_date)
        if not re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", sdate):
            c.bad(f"{where}.date", f"source date must be YYYY, YYYY-MM or YYYY-MM-DD, got {sdate!r}", src)
            continue
        url = src.get("url") or ""
        if url and not re.match(r"^https?://", url):
            c.bad(f"{where}.url", f"url must start with http:// or https://, got {url!r}", src)
            continue
        out.append(Source(publisher=str(src["publisher"]), title=str(src["title"]), date=sdate, url=url))
    return tuple(out)

"""Records of a published dataset → facts of origin "dataset", through its mapping.

All-or-nothing by default: any bad row raises :class:`ValidationError` listing
``file:row: field: message`` for each, and nothing is written. With
``skip_bad=True`` the good rows are imported and the bad ones listed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Sequence

from shapely.geometry import Point

from ...core.errors import Problem, ValidationError
from ...core.geometry import country_points
from ...core.models import CENTRAL_ASIA, Fact, Source
from .aiddata import Precision, SOURCE_URL, linked_records, osm_links
from .geometry import Boundaries, Candidate, choose, read_geojson_folder, read_geopackage, read_points, representative
from .mapping import DatasetMapping
from .tables import TableRow, read_table

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_US = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def parse_date(raw: str) -> tuple[date | None, str | None]:
    """A date cell: ISO or MM/DD/YYYY; January 1 counts as the year only.

    GCDF uses January 1 where only the year is known: 135 of the 337 Central Asian
    commitment dates fall on it, against ~1 expected by chance.

    >>> parse_date("2019-07-27"), parse_date("07/27/2019")
    ((datetime.date(2019, 7, 27), 'day'), (datetime.date(2019, 7, 27), 'day'))
    >>> parse_date("2019-01-01"), parse_date(" ")
    ((datetime.date(2019, 1, 1), 'year'), (None, None))
    """
    s = (raw or "").strip()
    if not s:
        return None, None
    m = _ISO.fullmatch(s) or _US.fullmatch(s)
    if not m:
        raise ValueError("not a date (YYYY-MM-DD or MM/DD/YYYY)")
    y, mo, d = (int(m[1]), int(m[2]), int(m[3])) if m.re is _ISO else (int(m[3]), int(m[1]), int(m[2]))
    day = date(y, mo, d)  # ValueError for 2019-02-30
    return day, ("year" if (mo, d) == (1, 1) else "day")


def parse_year(raw: str) -> int | None:
    """
    >>> parse_year("2019.0"), parse_year(""), parse_year("2019")
    (2019, None, 2019)
    """
    s = (raw or "").strip()
    if not s:
        return None
    m = re.fullmatch(r"(\d{4})(?:\.0+)?", s)
    if not m:
        raise ValueError("not a year")
    return int(m[1])


def parse_amount(raw: str) -> float | None:
    """
    >>> parse_amount("134827753.471456"), parse_amount(" ")
    (134827753.471456, None)
    """
    s = (raw or "").strip()
    if not s:
        return None
    try:
        v = float(s)
    except ValueError:
        raise ValueError("not a number") from None
    if v != v or v < 0 or v == float("inf"):
        raise ValueError("not a non-negative amount")
    return v


@dataclass
class Parsed:
    row: TableRow
    record: str
    country: str
    title: str
    amount: float | None
    status: str | None
    date_start: date | None
    date_precision: str | None
    date_end: date | None
    precision: Precision
    links: list[str]
    linked: list[str]


@dataclass
class ImportResult:
    facts: list[Fact]
    bad: list[str] = field(default_factory=list)  # file:row: field: message of rows left out
    bad_records: set[str] = field(default_factory=set)  # their record ids, where readable
    out_of_region: int = 0  # rows whose recipient is not one of the five states
    flags: list[str] = field(default_factory=list)  # records whose own geometry was not used, and why


def parse_row(row: TableRow, m: DatasetMapping) -> tuple[Parsed | None, list[Problem]]:
    c, probs = row.cells, []

    def bad(fld: str, msg: str) -> None:
        col = m.columns.get(fld, fld)
        probs.append(Problem(row.file, f"{msg}: {c.get(fld, '')[:80]!r}", row.line, col))

    record = c.get("record", "").strip()
    if record.endswith(".0"):
        record = record[:-2]
    if not record.isdigit():
        bad("record", "not a record id (digits)")
    title = " ".join(c.get("title", "").split())
    if not title:
        bad("title", "empty")
    values = {}
    for fld, fn in (("amount", parse_amount), ("commitment_year", parse_year), ("completion_year", parse_year),
                    ("commitment_date", parse_date), ("completion_date", parse_date)):
        try:
            values[fld] = fn(c.get(fld, ""))
        except ValueError as exc:
            bad(fld, str(exc))
    status = m.status(c.get("status", ""))
    if status is None:
        bad("status", f"not one of {', '.join(m.status_map)}")
    if probs:
        return None, probs
    start, prec = values["commitment_date"]
    if start is None and values["commitment_year"]:
        start, prec = date(values["commitment_year"], 1, 1), "year"
    end, _ = values["completion_date"]
    if end is None and values["completion_year"] and status == "completed":
        end = date(values["completion_year"], 12, 31)
    return Parsed(row, record, c.get("country", "").strip().upper(), title, values["amount"], status,
                  start, prec, end, Precision.parse(c.get("precision", "")), osm_links(c.get("osm_link", "")),
                  linked_records(title)), []


def link_groups(records: Sequence[Parsed]) -> dict[str, str]:
    """Record → the smallest record id among all records it is linked with (union-find).

    >>> class R:  # a stand-in with just the two attributes used
    ...     def __init__(self, record, linked): self.record, self.linked = record, linked
    >>> link_groups([R("5", ["7"]), R("7", []), R("9", ["7"]), R("11", [])])
    {'5': '5', '7': '5', '9': '5', '11': '11'}
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r in records:
        find(r.record)
        for other in r.linked:
            a, b = find(r.record), find(other)
            if a != b:
                lo, hi = sorted((a, b), key=int)
                parent[hi] = lo
    return {r.record: find(r.record) for r in records}


def _title_place(title: str, country: str):
    from ..extract.gazetteer import default_gazetteer  # the extractor's gazetteer: only records with a place in the title need it
    from ..extract.resolve import PlaceContext  # likewise

    # A title alone says nothing of its region; the record does: it is about the recipient
    # country, so namesakes resolve there (Khujand, not a place elsewhere).
    ctx = PlaceContext(countries=frozenset({country}), about_region=True)
    for p in default_gazetteer().find(title, context=ctx):
        if p.country == country:
            return p
    return None


def build_facts(m: DatasetMapping, rows: Sequence[TableRow], *, geojson_dirs: Sequence[Path] = (),
                geopackages: Sequence[Path] = (), points_files: Sequence[Path] = (),
                skip_bad: bool = False, boundaries: dict | None = None) -> ImportResult:
    """Parse, locate and shape every row. Raises :class:`ValidationError` on bad rows unless ``skip_bad``."""
    parsed: list[Parsed] = []
    problems: list[Problem] = []
    bad_records: set[str] = set()
    seen: dict[str, int] = {}
    out_of_region = 0
    for row in rows:
        p, probs = parse_row(row, m)
        if p is not None and p.record in seen:
            probs = [Problem(row.file, f"record {p.record} already on line {seen[p.record]}", row.line,
                             m.columns["record"])]
            p = None
        if probs:
            problems += probs
            rid = row.cells.get("record", "").strip()
            bad_records.add(rid[:-2] if rid.endswith(".0") else rid)
            continue
        seen[p.record] = row.line
        if p.country not in CENTRAL_ASIA:
            out_of_region += 1
            continue
        parsed.append(p)
    if problems and not skip_bad:
        raise ValidationError(problems)

    ids = [p.record for p in parsed]
    geoms: dict[str, object] = {}
    geo_problems: dict[str, str] = {}
    for d in geojson_dirs:
        g, pr = read_geojson_folder(d, ids)
        geoms.update(g)
        geo_problems.update(pr)
    for gp in geopackages:
        geoms.update(read_geopackage(gp))
    points: dict[str, object] = {}
    for pf in points_files:
        pts, pr = read_points(pf)
        points.update(pts)
        for rid, msg in pr.items():
            geo_problems.setdefault(rid, msg)
    cpoints = country_points()

    candidates = []
    for p in parsed:
        cands = []
        if geojson_dirs or geopackages:
            pt, why = representative(geoms.get(p.record))
            if pt is None and p.record in geo_problems:
                why = geo_problems[p.record]
            cands.append(Candidate("geometry", pt, p.precision.geo_precision(), "source geometry",
                                   "representative point of the source geometry", problem=why))
        if points_files:
            pt = points.get(p.record)
            cands.append(Candidate("points", pt, "approximate-site" if p.precision.coarsest in ("precise", "approximate")
                                   else "approximate-area", "points file", "first vertex of the source geometry",
                                   problem="" if pt is not None else "not in the points file"))
        place = _title_place(p.title, p.country)
        cands.append(Candidate("place-in-title", Point(place.lon, place.lat) if place else None, "place-in-title",
                               place.name if place else "", f"place named in the title: {place.name}" if place else "",
                               problem="" if place else "no place of the recipient country in the title"))
        lon, lat = cpoints[p.country]
        cands.append(Candidate("country", Point(lon, lat), "country", p.country, "the recipient country"))
        candidates.append(cands)
    placements = choose(candidates, [p.country for p in parsed], Boundaries.load(boundaries))
    groups = link_groups(parsed)

    facts, flags = [], []
    for p, place in zip(parsed, placements):
        own = [r for r in place.rejected if r.startswith("geometry:") or r.startswith("points:")]
        if own and not all("missing" in r or "not in the points file" in r for r in own):
            flags.append(f"{m.key} record {p.record}: {'; '.join(own)}; placed by {place.method}")
        facts.append(_fact(m, p, place, groups[p.record]))
    return ImportResult(facts, [str(x) for x in problems], bad_records - {""}, out_of_region, flags)


def _fact(m: DatasetMapping, p: Parsed, place, group: str) -> Fact:
    c = p.row.cells
    osm = place.method in ("geometry", "points")
    licence = "; ".join(f"{lic.name}" + (f" ({lic.attribution})" if lic.name.startswith("ODbL") else "")
                        for lic in m.licences if osm or not lic.name.startswith("ODbL"))
    record = {
        "fields": {m.columns[k]: v for k, v in c.items()},
        "osm_links": p.links,
        "linked_records": p.linked,
        "precision": {"raw": p.precision.raw, "levels": list(p.precision.levels), "coarsest": p.precision.coarsest},
        "location": place.to_record(),
    }
    return Fact(
        id=m.fact_id(p.record), type=m.fact_type(c.get("sector", ""), c.get("infrastructure", "").strip().lower() == "yes"),
        title=p.title, date_start=p.date_start, date_precision=p.date_precision, date_end=p.date_end,
        origin="dataset", countries=(p.country,), actors=(m.actor,),
        geometry={"type": "Point", "coordinates": [round(place.point.x, 6), round(place.point.y, 6)]},
        geo_precision=place.geo_precision, status=p.status,
        status_as_of=p.date_end if p.status == "completed" else None,
        sources=(Source(publisher="AidData at William & Mary", title=f"{m.title}, record {p.record}",
                        date="2023", url=SOURCE_URL),),
        dataset=m.key, dataset_record=p.record, amount=p.amount, currency=m.currency if p.amount is not None else "",
        license=licence, sector=" ".join(c.get("sector", "").split()), finance_group=m.fact_id(group),
        record=record,
    )


def import_files(m: DatasetMapping, paths: Sequence[Path], *, skip_bad: bool = False) -> ImportResult:
    """Sort ``paths`` into the table and geometry sources and build the facts.

    A folder is per-record GeoJSON files; ``.gpkg`` the release geopackage; a CSV
    with ``first_lon`` the points file; any other CSV or an XLSX the table. Given
    only a table, the geometry sources the mapping names beside it are used, so
    re-importing the shipped table alone changes nothing.
    """
    tables, dirs, gpkgs, pts = [], [], [], []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            dirs.append(path)
        elif not path.exists():
            raise ValidationError([f"{path}: no such file or folder"])
        elif path.suffix.lower() == ".gpkg":
            gpkgs.append(path)
        elif path.suffix.lower() == ".csv" and _is_points(path):
            pts.append(path)
        elif path.suffix.lower() in (".csv", ".xlsx", ".xlsm"):
            tables.append(path)
        else:
            raise ValidationError([f"{path}: not a table (.csv, .xlsx), geopackage (.gpkg) or folder of GeoJSON files"])
    if len(tables) != 1:
        raise ValidationError([f"{m.key}: give exactly one table (.csv or .xlsx), got {len(tables)}"])
    if not (dirs or gpkgs or pts):
        here = tables[0].parent
        if m.geometry_folder and (here / m.geometry_folder).is_dir():
            dirs.append(here / m.geometry_folder)
        if m.points_file and (here / m.points_file).is_file():
            pts.append(here / m.points_file)
    return build_facts(m, list(read_table(tables[0], m)), geojson_dirs=dirs, geopackages=gpkgs,
                       points_files=pts, skip_bad=skip_bad)


def _is_points(path: Path) -> bool:
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        return "first_lon" in fh.readline(4096)

"""The World Bank's projects export → one fact per project, through :mod:`.worldbank`.

The release is three tables (``Projects``, ``GEOLocations``, ``Financers``), given as
one XLSX with those sheets or as three CSVs (recognised by their columns). All three
are needed: a release missing one is refused, not read as "no sites" or "no
financiers". Bad cells are reported as ``file:line: column: message: 'value'``;
nothing is written unless every row is good or ``skip_bad`` is given.

Where a project is drawn: the sites of ``GEOLocations`` inside the country they
state (``wbg_country_key``), as one ``MultiPoint`` (precision ``approximate-area``:
the Bank geocodes the places and districts a project works in, not its footprint);
rows naming a whole country are country-level; a site outside its country is left
out and listed by ``validate``. Without sites the project is drawn at its country
(precision ``country``); a regional project ("Central Asia", "World") takes its
countries from its sites, and one without any has no location.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Sequence

from shapely.geometry import Point

from ...core.errors import Problem, ValidationError
from ...core.geometry import country_points
from ...core.geometry import in_region as lonlat_in_region  # this module has its own in_region (by country name)
from ...core.models import Fact, Source
from .geometry import Boundaries
from .importer import ImportResult, parse_amount
from .mapping import DatasetMapping, norm
from .tables import Sheet, TableRow, _columns, _names, read_table
from .worldbank import (COUNTRY_KEYS, COUNTRY_NAMES, FINANCIER_COLUMNS, FINANCIER_REQUIRED, LOCATION_COLUMNS,
                        LOCATION_REQUIRED, PROJECT_COLUMNS, PROJECT_REQUIRED, SOURCE_URL, WORLDBANK, fact_type,
                        financier_actor)

PROJECTS = Sheet("Projects", PROJECT_COLUMNS, PROJECT_REQUIRED)
LOCATIONS = Sheet("GEOLocations", LOCATION_COLUMNS, LOCATION_REQUIRED)
FINANCIERS = Sheet("Financers", FINANCIER_COLUMNS, FINANCIER_REQUIRED)
SHEETS = (PROJECTS, LOCATIONS, FINANCIERS)
_PROJECT_ID = re.compile(r"P\d{4,8}")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})|(\d{1,2})/(\d{1,2})/(\d{4})")


def parse_wb_date(raw: str) -> date | None:
    """The export's dates: ISO with or without a time, or M/D/YYYY with one.

    >>> parse_wb_date("1999-06-22T00:00:00Z"), parse_wb_date("6/30/2006 12:00:00 AM"), parse_wb_date("")
    (datetime.date(1999, 6, 22), datetime.date(2006, 6, 30), None)
    """
    s = (raw or "").strip()
    if not s:
        return None
    m = _DATE.match(s)
    if not m:
        raise ValueError("not a date (YYYY-MM-DD or M/D/YYYY)")
    y, mo, d = (m[1], m[2], m[3]) if m[1] else (m[6], m[4], m[5])
    return date(int(y), int(mo), int(d))  # ValueError for 2019-02-30


def parse_coordinate(raw: str, limit: float) -> float:
    """
    >>> parse_coordinate("41.624199", 90)
    41.624199
    """
    try:
        v = float((raw or "").strip())
    except ValueError:
        raise ValueError("not a number") from None
    if not -limit <= v <= limit:
        raise ValueError(f"outside -{limit:g}..{limit:g}")
    return v


@dataclass
class Site:
    loc_id: str
    name: str
    iso: str
    lon: float
    lat: float
    admin1: str = ""
    admin2: str = ""
    line: str = ""  # file:line, for messages

    @property
    def country_level(self) -> bool:
        """A row naming the whole country, or one at (0, 0): the Bank's placeholder for "no position"
        (P177600's only site), which still says which state the project concerns."""
        return COUNTRY_NAMES.get(norm(self.name)) == self.iso or (self.lon == 0 and self.lat == 0)

    def to_record(self) -> dict:
        return {"id": self.loc_id, "name": self.name, "country": self.iso, "lon": self.lon, "lat": self.lat,
                "admin1": self.admin1, "admin2": self.admin2}


@dataclass
class Project:
    row: TableRow
    record: str
    country: str | None  # None: a regional project
    status: str
    amount: float | None
    approved: date | None
    closing: date | None
    shares: list[dict] = field(default_factory=list)
    sites: dict[str, Site] = field(default_factory=dict)


def sort_release(paths: Sequence[Path]) -> dict[str, Path]:
    """Sheet name → the file holding it: one XLSX for all three, or CSVs recognised by their header."""
    found: dict[str, Path] = {}
    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            raise ValidationError([f"{path}: no such file"])
        suffix = path.suffix.lower()
        if suffix in (".xlsx", ".xlsm"):
            for sheet in SHEETS:
                found.setdefault(sheet.sheet, path)
        elif suffix == ".csv":
            with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
                header = next(csv.reader(io.StringIO(fh.read(65536))), [])
            sheet = next((s for s in SHEETS if _columns(path, header, s, raise_missing=False) is not None), None)
            if sheet is None:
                need = "; ".join(f"{s.sheet}: {', '.join(_names(s.columns[f])[0] for f in s.required)}" for s in SHEETS)
                raise ValidationError([f"{path}: not one of the export's tables (columns needed: {need})"])
            if sheet.sheet in found and found[sheet.sheet] != path:
                raise ValidationError([f"{path}: a second {sheet.sheet} table (the first is {found[sheet.sheet]})"])
            found[sheet.sheet] = path
        else:
            raise ValidationError([f"{path}: not a table of the export (.xlsx with its three sheets, or .csv)"])
    missing = [s.sheet for s in SHEETS if s.sheet not in found]
    if missing:
        raise ValidationError([f"worldbank: no {name} table among the files given (the export has three: "
                               f"Projects, GEOLocations, Financers, as one .xlsx or three .csv)" for name in missing])
    return found


def _bad(problems: list[Problem], row: TableRow, sheet: Sheet, fld: str, msg: str) -> None:
    col = _names(sheet.columns[fld])[0]
    problems.append(Problem(row.file, f"{msg}: {row.cells.get(fld, '')[:80]!r}", row.line, col))


def in_region(country_name: str, rid: str, sites: dict[str, dict[str, Site]]) -> bool:
    """A project of the five states, a "Central Asia" regional one, or any project with a site there.

    >>> in_region("Kyrgyz Republic", "P1", {}), in_region("World", "P2", {"P2": {}}), in_region("Ghana", "P3", {})
    (True, True, False)
    """
    name = norm(country_name)
    return name in COUNTRY_NAMES or name == "central asia" or rid in sites


def read_projects(path: Path, sites: dict[str, dict[str, Site]], problems: list[Problem],
                  bad_records: set[str]) -> tuple[dict[str, Project], int]:
    """The region's projects (checked cell by cell) and how many other projects were skipped unread:
    a bad cell of a project elsewhere in the world does not stop an import of Central Asia."""
    out: dict[str, Project] = {}
    elsewhere = 0
    for row in read_table(path, PROJECTS):
        c, before = row.cells, len(problems)
        rid = c.get("record", "").strip()
        if not in_region(c.get("country_name", ""), rid, sites):
            elsewhere += 1
            continue
        if not _PROJECT_ID.fullmatch(rid):
            _bad(problems, row, PROJECTS, "record", "not a project id (P and digits)")
        elif rid in out:
            _bad(problems, row, PROJECTS, "record", f"project already on line {out[rid].row.line}")
        status = WORLDBANK.status(c.get("status", ""))
        if status is None:
            _bad(problems, row, PROJECTS, "status", "not one of Active, Closed, Dropped, Pipeline")
        values = {}
        for fld, fn in (("amount", parse_amount), ("approval_date", parse_wb_date), ("closing_date", parse_wb_date)):
            try:
                values[fld] = fn(c.get(fld, ""))
            except ValueError as exc:
                _bad(problems, row, PROJECTS, fld, str(exc))
        if not " ".join(c.get("title", "").split()):
            _bad(problems, row, PROJECTS, "title", "empty")
        if len(problems) > before:
            bad_records.add(rid)
            continue
        out[rid] = Project(row, rid, COUNTRY_NAMES.get(norm(c.get("country_name", ""))), status,
                           values["amount"], values["approval_date"], values["closing_date"],
                           sites=sites.get(rid, {}))
    return out, elsewhere


def read_financiers(path: Path, projects: dict[str, Project], problems: list[Problem], bad_records: set[str]) -> None:
    for row in read_table(path, FINANCIERS):
        c = row.cells
        rid = c.get("record", "").strip()
        p = projects.get(rid)
        if p is None:
            continue  # a financier of a project elsewhere (or of a bad row, already reported)
        try:
            amount = parse_amount(c.get("amount", ""))
        except ValueError as exc:
            _bad(problems, row, FINANCIERS, "amount", str(exc))
            bad_records.add(rid)
            continue
        name = " ".join(c.get("name", "").split())
        p.shares.append({"actor": financier_actor(c.get("financer_id", ""), name, c.get("type", "")),
                         "name": name, "amount": amount})


def read_locations(path: Path, problems: list[Problem], bad_records: set[str]) -> dict[str, dict[str, Site]]:
    """Project id → its sites in the five states (keyed on geo_loc_id, which repeats across projects)."""
    out: dict[str, dict[str, Site]] = {}
    for row in read_table(path, LOCATIONS):
        c = row.cells
        iso = COUNTRY_KEYS.get(c.get("country_key", "").strip().upper())
        rid = c.get("record", "").strip()
        if iso is None or (not c.get("lat", "").strip() and not c.get("lon", "").strip()):
            continue  # a site in another country, or one the Bank did not geocode
        point = {}
        for fld, limit in (("lat", 90), ("lon", 180)):
            try:
                point[fld] = parse_coordinate(c.get(fld, ""), limit)
            except ValueError as exc:
                _bad(problems, row, LOCATIONS, fld, str(exc))
                bad_records.add(rid)
        if len(point) < 2:
            continue
        lat, lon = point["lat"], point["lon"]
        loc = c.get("loc_id", "").strip() or f"{lon},{lat}"
        site = Site(loc, " ".join(c.get("name", "").split()), iso, lon, lat, c.get("admin1", "").strip(),
                    c.get("admin2", "").strip(), f"{row.file}:{row.line}")
        out.setdefault(rid, {}).setdefault(loc, site)
    return out


def build_facts(m: DatasetMapping, files: dict[str, Path], *, skip_bad: bool = False,
                boundaries: dict | None = None) -> ImportResult:
    problems: list[Problem] = []
    bad_records: set[str] = set()
    sites_by_project = read_locations(files["GEOLocations"], problems, bad_records)
    projects, elsewhere = read_projects(files["Projects"], sites_by_project, problems, bad_records)
    read_financiers(files["Financers"], projects, problems, bad_records)
    if problems and not skip_bad:
        raise ValidationError(problems)
    for rid in bad_records:
        projects.pop(rid, None)

    sites = [(p, s) for p in projects.values() for s in p.sites.values() if not s.country_level]

    inside = Boundaries.load(boundaries).countries_at([Point(s.lon, s.lat) for _, s in sites])
    accepted: dict[str, list[Site]] = {}
    rejected: dict[str, list[str]] = {}
    flags: list[str] = []
    for (p, s), isos in zip(sites, inside):
        if lonlat_in_region(s.lon, s.lat) and s.iso in isos:
            accepted.setdefault(p.record, []).append(s)
            continue
        where = ", ".join(sorted(isos)) or "no Central Asian state"
        why = f"site {s.name or s.loc_id} ({s.lon:.3f}, {s.lat:.3f}) is outside {s.iso} (it lies in {where})"
        rejected.setdefault(p.record, []).append(why)
        flags.append(f"{m.key} project {p.record}: {s.line}: {why}; left out")

    cpoints = country_points()
    facts, out_of_region = [], elsewhere
    for p in projects.values():
        own = accepted.get(p.record, [])
        levels = [s for s in p.sites.values() if s.country_level]
        countries = list(dict.fromkeys(([p.country] if p.country else []) + [s.iso for s in own]
                                       + [s.iso for s in levels]))
        if not countries and p.country is None and norm(p.row.cells.get("country_name", "")) != "central asia":
            out_of_region += 1  # a global project whose only sites in the five states lie outside them
            continue
        facts.append(_fact(m, p, own, levels, countries, rejected.get(p.record, []), cpoints))
    return ImportResult(facts, [str(x) for x in problems], bad_records - {""}, out_of_region, flags)


def _fact(m: DatasetMapping, p: Project, own: list[Site], levels: list[Site], countries: list[str],
          rejected: list[str], cpoints: dict) -> Fact:
    c = p.row.cells
    title = " ".join(c.get("title", "").split())
    kind, rule = fact_type(c.get("sector", ""), title)
    if own:
        geometry = {"type": "MultiPoint", "coordinates": [[round(s.lon, 6), round(s.lat, 6)] for s in own]}
        precision, note = "approximate-area", f"{len(own)} site(s) the Bank geocoded (places and districts)"
    elif countries:
        lon, lat = cpoints[countries[0]]
        geometry = {"type": "Point", "coordinates": [lon, lat]}
        precision = "country"
        note = "country-level location in the export" if levels else "no site in the export: the country"
    else:
        geometry, precision, note = None, None, "a regional project without a site in the export"
    actors = tuple(dict.fromkeys(s["actor"] for s in p.shares if s["actor"])) or (m.actor,)
    record = {
        "fields": {_names(PROJECT_COLUMNS[k])[0]: v for k, v in c.items()},
        "sites": [s.to_record() for s in own],
        "country_level": [s.to_record() for s in levels],
        "location": {"method": "sites" if own else "country" if countries else "none", "note": note,
                     "geo_precision": precision, "rejected": rejected},
        "type_rule": rule,
    }
    if p.shares:
        record["shares"] = p.shares
    return Fact(
        id=m.fact_id(p.record), type=kind, title=title, date_start=p.approved,
        date_precision="day" if p.approved else None, date_end=p.closing, origin="dataset",
        countries=tuple(countries), actors=actors, geometry=geometry, geo_precision=precision, status=p.status,
        sources=(Source(publisher="The World Bank", title=f"{m.title}, project {p.record}", date="",
                        url=SOURCE_URL),),
        dataset=m.key, dataset_record=p.record, amount=p.amount, currency=m.currency if p.amount is not None else "",
        license=m.licences[0].name, sector=" ".join(c.get("sector", "").split())[:80], finance_group=p.record,
        record=record,
    )


def import_files(m: DatasetMapping, paths: Sequence[Path], *, skip_bad: bool = False) -> ImportResult:
    return build_facts(m, sort_release(paths), skip_bad=skip_bad)

"""OFAC's Specially Designated Nationals (SDN) list → sanctions facts for entries with an
address in one of the five states.

The published CSV release is three headerless files (OFAC's data specification):
``sdn.csv`` (ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type,
Tonnage, GRT, Vess_flag, Vess_owner, Remarks), ``add.csv`` (ent_num, Add_num, Address,
City/State/Province/Postal Code, Country, Add_remarks) and ``alt.csv`` (ent_num,
alt_num, alt_type, alt_name, alt_remarks); ``-0-`` is an empty value. A file is
recognised by its name, by a header row naming the spec's columns, or by its width.

Each entry with a Central Asian address is one fact: type ``sanctions``, actor USA,
``dataset_record`` = ent_num, drawn at its address's city through the extraction
gazetteer (precision ``approximate-site``: the city, not the building) or else at its
country (``country``). Remarks of individuals (birth dates, passport numbers) are
not kept: only name, program and country are needed (see the source's LICENSE.md).
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from ...core.errors import Problem, ValidationError
from ...core.geometry import country_points
from ...core.models import DATASET_TITLES, Fact, Source
from .importer import ImportResult, _title_place
from .mapping import DatasetMapping, Licence, norm
from .tables import check_size

OFAC_PAGE = "https://ofac.treasury.gov/faqs/topic/1641"  # OFAC's FAQ on its list files and downloads
# The legacy CSV files, at the addresses OFAC's files have long been published under
# (seen in many public tools that fetch them; the host redirects to OFAC's list service).
DOWNLOAD_URLS = {
    "sdn": "https://www.treasury.gov/ofac/downloads/sdn.csv",
    "add": "https://www.treasury.gov/ofac/downloads/add.csv",
    "alt": "https://www.treasury.gov/ofac/downloads/alt.csv",
}
FILES = {  # file kind → its columns in the spec's order
    "sdn": ("ent_num", "SDN_Name", "SDN_Type", "Program", "Title", "Call_Sign", "Vess_type", "Tonnage", "GRT",
            "Vess_flag", "Vess_owner", "Remarks"),
    "add": ("ent_num", "Add_num", "Address", "City/State/Province/Postal Code", "Country", "Add_remarks"),
    "alt": ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks"),
}
NULL = "-0-"
COUNTRIES = {"kazakhstan": "KAZ", "kyrgyzstan": "KGZ", "kyrgyz republic": "KGZ", "tajikistan": "TJK",
             "turkmenistan": "TKM", "uzbekistan": "UZB"}
MAX_FILE_BYTES = 64 * 1024 * 1024  # sdn.csv is ~5 MB; a hundredfold is not a release
MAX_ALIASES = 20
MAX_REMARKS = 1000
SECTOR_CHARS = 80  # the store's sector column; a long list of programs is cut, the record keeps it whole

OFAC = DatasetMapping(
    key="ofac", title=DATASET_TITLES["ofac"], folder="ofac-sdn", table="",
    columns={"record": "ent_num", "title": "SDN_Name", "sector": "Program"}, required=(),
    actor="USA", currency="", status_map={}, sector_types={}, default_type="sanctions",
    licences=(Licence("Public domain (US Government work)", "",
                      "SDN entries: a work of the US Government, without US copyright (17 U.S.C. § 105)",
                      "Source: U.S. Treasury OFAC, SDN List"),),
    citations=("U.S. Department of the Treasury, Office of Foreign Assets Control: Specially Designated "
               "Nationals and Blocked Persons List (CSV files sdn.csv, add.csv, alt.csv).",),
    short_attribution="Sanctions: U.S. Treasury OFAC, SDN List (public domain, US Government work).",
)


def value(cell: str) -> str:
    """
    >>> value(" -0- "), value(" Almaty ")
    ('', 'Almaty')
    """
    s = " ".join((cell or "").split())
    return "" if s == NULL else s


def city_name(raw: str) -> str:
    """The place in OFAC's "City/State/Province/Postal Code" column, without postcodes.

    >>> city_name("Astana 010000"), city_name("Bishkek 720040"), city_name("-0-")
    ('Astana', 'Bishkek', '')
    """
    return " ".join(w for w in re.split(r"[\s,]+", value(raw)) if w and not any(ch.isdigit() for ch in w))


def file_kind(path: Path, first: list[str]) -> str:
    """Which of the three files: by name, then by a header row, then by width."""
    stem = path.stem.lower()
    for kind in FILES:
        if stem == kind:
            return kind
    keys = {norm(c) for c in first}
    if "sdn_name" in keys:
        return "sdn"
    if "add_num" in keys:
        return "add"
    if "alt_num" in keys or "alt_name" in keys:
        return "alt"
    width = {12: "sdn", 6: "add", 5: "alt"}.get(len(first))
    if width:
        return width
    raise ValidationError([f"{path}: not one of OFAC's SDN CSV files (sdn.csv: 12 columns, add.csv: 6, alt.csv: 5; "
                           f"this one has {len(first)})"])


def read_rows(path: Path) -> tuple[str, list[tuple[int, list[str]]]]:
    """(kind, [(line, cells)]) of one file; a header row, blank rows and the DOS end-of-file mark are skipped."""
    check_size(path, MAX_FILE_BYTES, "an SDN file")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # older releases are Windows-1252
    reader = csv.reader(io.StringIO(text.replace("\x1a", ""), newline=""))
    rows: list[tuple[int, list[str]]] = []
    try:
        start = 1
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ValidationError([f"{path}:{reader.line_num}: not valid CSV: {exc}"]) from None
    if not rows:
        raise ValidationError([f"{path}: empty file"])
    kind = file_kind(path, rows[0][1])
    if norm(rows[0][1][0]) == "ent_num":
        rows = rows[1:]
    return kind, rows


@dataclass
class Entry:
    ent: str
    name: str
    sdn_type: str
    program: str
    remarks: str
    aliases: list[str] = field(default_factory=list)
    addresses: list[dict] = field(default_factory=list)


def sort_files(paths: Sequence[Path]) -> dict[str, list[tuple[str, list[tuple[int, list[str]]]]]]:
    out: dict[str, list] = {k: [] for k in FILES}
    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            raise ValidationError([f"{path}: no such file"])
        kind, rows = read_rows(path)
        out[kind].append((str(path), rows))
    missing = [f"{k}.csv" for k in ("sdn", "add") if not out[k]]
    if missing:
        raise ValidationError([f"ofac: no {m} among the files given (the release is sdn.csv, add.csv and alt.csv)"
                               for m in missing])
    return out


def build_facts(m: DatasetMapping, files: dict, *, skip_bad: bool = False) -> ImportResult:
    problems: list[Problem] = []
    entries: dict[str, Entry] = {}
    bad: set[str] = set()

    def check(file: str, line: int, cells: list[str], kind: str) -> str | None:
        need = len(FILES[kind]) if kind != "sdn" else 4  # sdn: name, type and program at least
        if len(cells) < need:
            problems.append(Problem(file, f"{len(cells)} field(s), the {kind}.csv layout has {len(FILES[kind])}: "
                                          f"{','.join(cells)[:80]!r}", line, FILES[kind][min(len(cells), need - 1)]))
            return None
        ent = cells[0].strip()
        if not ent.isdigit() or len(ent) > 12:
            problems.append(Problem(file, f"not an entry number: {ent[:40]!r}", line, "ent_num"))
            return None
        return ent

    for file, rows in files["sdn"]:
        for line, cells in rows:
            ent = check(file, line, cells, "sdn")
            if ent is None:
                continue
            if not value(cells[1]):
                problems.append(Problem(file, f"empty name: {cells[1][:40]!r}", line, "SDN_Name"))
                bad.add(ent)
                continue
            entries[ent] = Entry(ent, value(cells[1]), value(cells[2]), value(cells[3]),
                                 value(cells[11]) if len(cells) > 11 else "")
    for file, rows in files["add"]:
        for line, cells in rows:
            ent = check(file, line, cells, "add")
            iso = COUNTRIES.get(norm(value(cells[4]))) if ent else None
            if iso is None:
                continue
            if ent in entries:
                entries[ent].addresses.append({"address": value(cells[2]), "city": value(cells[3]),
                                               "country": iso, "line": f"{file}:{line}"})
    for file, rows in files["alt"]:
        for line, cells in rows:
            ent = check(file, line, cells, "alt")
            if ent in entries and len(entries[ent].aliases) < MAX_ALIASES:
                entries[ent].aliases.append(" ".join(x for x in (value(cells[2]), value(cells[3])) if x))
    if problems and not skip_bad:
        raise ValidationError(problems)

    cpoints = country_points()
    facts = [_fact(m, e, cpoints) for e in entries.values() if e.addresses and e.ent not in bad]
    listed = sum(1 for e in entries.values() if not e.addresses)
    return ImportResult(facts, [str(p) for p in problems], bad, listed, [])


def _fact(m: DatasetMapping, e: Entry, cpoints: dict) -> Fact:
    placed = None
    for a in e.addresses:
        for text in (city_name(a["city"]), a["address"]):
            place = _title_place(text.title() if text.isupper() else text, a["country"]) if text else None
            if place is not None:
                placed = (a, place)
                break
        if placed:
            break
    countries = tuple(dict.fromkeys(a["country"] for a in e.addresses))
    if placed:
        a, place = placed
        geometry = {"type": "Point", "coordinates": [round(place.lon, 4), round(place.lat, 4)]}
        precision, note = "approximate-site", f"the city of the address: {place.name}"
    else:
        lon, lat = cpoints[countries[0]]
        geometry = {"type": "Point", "coordinates": [lon, lat]}
        precision, note = "country", "no known city in the address: the country"
    individual = norm(e.sdn_type) == "individual"
    record = {
        "fields": {"ent_num": e.ent, "SDN_Name": e.name, "SDN_Type": e.sdn_type or "entity", "Program": e.program},
        "remarks": "" if individual else e.remarks[:MAX_REMARKS],
        "aliases": e.aliases,
        "addresses": [{k: v for k, v in a.items() if k != "line"} for a in e.addresses],
        "location": {"method": "city" if placed else "country", "note": note, "geo_precision": precision,
                     "rejected": []},
    }
    if individual:
        record["remarks_withheld"] = "personal data (birth dates, documents) not kept"
    kind = "individual" if individual else (e.sdn_type or "entity")
    return Fact(
        id=m.fact_id(e.ent), type="sanctions", title=f"US sanctions listing ({kind}): {e.name}",
        summary=f"Listed by OFAC under {e.program or 'an unnamed program'}; address in {', '.join(countries)}.",
        date_start=None, date_precision=None, origin="dataset", countries=countries, actors=("USA",),
        geometry=geometry, geo_precision=precision,
        sources=(Source(publisher="U.S. Treasury, Office of Foreign Assets Control",
                        title=f"SDN List, entry {e.ent}", date="", url=OFAC_PAGE),),
        dataset=m.key, dataset_record=e.ent, license=m.licences[0].name,
        sector=e.program[:SECTOR_CHARS], record=record,
    )


def import_files(m: DatasetMapping, paths: Sequence[Path], *, skip_bad: bool = False) -> ImportResult:
    return build_facts(m, sort_files(paths), skip_bad=skip_bad)

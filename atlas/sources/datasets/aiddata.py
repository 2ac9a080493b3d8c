"""AidData's Global Chinese Development Finance Dataset 3.0 (geospatial edition).

Where each file comes from, the licences and the data's oddities are in
``data/datasets/aiddata-gcdf3/SOURCE.md``. This module is only the mapping and the
few AidData-specific parsers (free-text precision, OSM links, "Linked to Project ID#").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ...core.models import DATASET_TITLES
from .mapping import DatasetMapping, Licence, norm

AIDDATA = DatasetMapping(
    key="aiddata",
    title=DATASET_TITLES["aiddata"],
    folder="aiddata-gcdf3",
    table="projects_central_asia.csv",
    geometry_folder="geojsons",
    points_file="points_central_asia.csv",
    columns={
        "record": "AidData.Record.ID",
        "title": "Title",
        "amount": "Amount.(Constant.USD.2021)",
        "status": "Status",
        "sector": "Sector.Name",
        "country_name": "Recipient",
        "country": "Recipient.ISO-3",
        "infrastructure": "Infrastructure",
        "commitment_year": "Commitment.Year",
        "start_year": "Implementation.Start.Year",
        "completion_year": "Completion.Year",
        "commitment_date": "Commitment.Date.(MM/DD/YYYY)",
        "start_date": "Actual.Implementation.Start.Date.(MM/DD/YYYY)",
        "completion_date": "Actual.Completion.Date.(MM/DD/YYYY)",
        "precision": "Level.of.precision",
        "osm_type": "Type.of.the.OSM.feature",
        "osm_link": "OSM.link",
    },
    required=("record", "title", "amount", "status", "sector", "country", "commitment_year", "commitment_date"),
    actor="CHN",
    currency="USD (constant 2021)",
    # GCDF 3.0 status values → the atlas's status vocabulary (atlas.core.models.STATUSES).
    status_map={
        "completion": "completed",
        "implementation": "construction",
        "pipeline: commitment": "committed",
        "pipeline: pledge": "proposed",
        "suspended": "suspended",
        "cancelled": "cancelled",
    },
    # GCDF sector (OECD CRS sector names) → fact type. Every record is Chinese
    # development finance, so sectors without a closer type are "finance"; the sector
    # itself stays a filterable field.
    sector_types={
        "energy": "energy",
        "transport and storage": "infrastructure",
        "communications": "infrastructure",
        "water supply and sanitation": "infrastructure",
        "industry, mining, construction": "infrastructure",
        "trade policies and regulations": "trade",
        "banking and financial services": "finance",
        "business and other services": "finance",
        "action relating to debt": "finance",
        "general budget support": "finance",
        "other multisector": "finance",
    },
    default_type="finance",
    infrastructure_type="infrastructure",
    precision_map={"precise": "site", "approximate": "approximate-site"},  # ADMn: approximate-area
    # Records whose titles name the project of a curated fact (data/curated/pipelines.yaml).
    curated_links={
        "cagp-line-a": ("91901", "91917"),  # "... Uzbek Sections of Lines A and B of the Central Asia-China Gas Pipeline"
        "cagp-line-b": ("91901", "91917"),
        "cagp-line-c": ("54528", "91898"),  # "... Uzbek Section of Line C of the Central Asia-China Gas Pipeline"
        "cagp-line-d": ("39955",),  # "... loan for Line D of the Central Asia-China Gas Pipeline Project"
        "kazakhstan-china-oil-pipeline-atasu-alashankou": ("54527",),  # "... Atasu-Alashankou Section of ..."
    },
    licences=(
        Licence("ODC-By 1.0", "https://opendatacommons.org/licenses/by/1-0/",
                "AidData's project records",
                "AidData GCDF 3.0, AidData at William & Mary"),
        Licence("ODbL 1.0", "https://opendatacommons.org/licenses/odbl/1-0/",
                "project geometries traced from OpenStreetMap",
                "© OpenStreetMap contributors"),
    ),
    citations=(
        "Custer, S., Dreher, A., Elston, T.B., Escobar, B., Fedorochko, R., Fuchs, A., Ghose, S., Lin, J., "
        "Malik, A., Parks, B.C., Solomon, K., Strange, A., Tierney, M.J., Vlasto, L., Walsh, K., Wang, F., "
        "Zaleski, L., and Zhang, S. 2023. Tracking Chinese Development Finance: An Application of AidData’s "
        "TUFF 3.0 Methodology. Williamsburg, VA: AidData at William & Mary.",
        "Dreher, A., Fuchs, A., Parks, B. C., Strange, A., & Tierney, M.J. 2022. Banking on Beijing: The Aims "
        "and Impacts of China’s Overseas Development Program. Cambridge University Press.",
        "Goodman, S., Zhang, S., Malik, A.A., Parks, B.C., Hall, J. AidData’s Geospatial Global Chinese "
        "Development Finance Dataset. Sci Data 11, 529 (2024). https://doi.org/10.1038/s41597-024-03341-w",
    ),
    short_attribution=("Chinese development finance: AidData GCDF 3.0 (ODC-By); project geometries "
                       "© OpenStreetMap contributors (ODbL) via AidData GeoGCDF v3."),
)
SOURCE_URL = "https://github.com/aiddata/gcdf-geospatial-data"
OSM_COPYRIGHT = "https://www.openstreetmap.org/copyright"

_PRECISION_WORD = re.compile(r"[a-z]+\d*")
# Typos seen in the source's Level.of.precision (SOURCE.md): read as the word meant.
_PRECISION_TYPOS = {"preicise": "precise", "precse": "precise", "amd": "adm"}


@dataclass(frozen=True)
class Precision:
    """``Level.of.precision`` parsed, with the raw text kept beside it.

    ``coarsest`` is the least precise level in the list: what a single marker can honestly claim.

    >>> Precision.parse("PRECISE, ADM4, ADM4, PRECISE")
    Precision(raw='PRECISE, ADM4, ADM4, PRECISE', levels=('precise', 'adm4', 'adm4', 'precise'), coarsest='adm4')
    >>> Precision.parse("PREICISE ").coarsest
    'precise'
    >>> Precision.parse("AMD 4").levels, Precision.parse("ADM7`").levels
    (('adm4',), ('adm7',))
    >>> Precision.parse("").coarsest is None
    True
    """

    raw: str
    levels: tuple[str, ...]
    coarsest: str | None

    @classmethod
    def parse(cls, raw: str) -> "Precision":
        levels = []
        for part in re.split(r"[,.;]", raw or ""):
            word = re.sub(r"[^a-z0-9]", "", norm(part))
            for typo, meant in _PRECISION_TYPOS.items():
                if word.startswith(typo):
                    word = meant + word[len(typo):]
            if word:
                levels.append(word)
        return cls(raw or "", tuple(levels), max(levels, key=_rank) if levels else None)

    def geo_precision(self) -> str:
        """The atlas's word for a marker drawn from this record's geometry."""
        if self.coarsest in AIDDATA.precision_map:
            return AIDDATA.precision_map[self.coarsest]
        return "approximate-area"  # ADMn or anything unknown: an area, not a site


def _rank(level: str) -> int:
    # precise < approximate < ADM8 < ... < ADM1 (a bigger admin area is coarser)
    if level == "precise":
        return 0
    if level == "approximate":
        return 1
    m = re.fullmatch(r"adm(\d+)", level)
    return 20 - int(m.group(1)) if m else 30


_OSM_URL = re.compile(r"https?://[^\s,]+")


def osm_links(raw: str) -> list[str]:
    """The URLs in an ``OSM.link`` cell (several, comma/newline/"and" separated, trailing spaces).

    >>> osm_links("https://www.openstreetmap.org/way/1 and https://www.openstreetmap.org/way/2#map=13/41/72 ")
    ['https://www.openstreetmap.org/way/1', 'https://www.openstreetmap.org/way/2#map=13/41/72']
    >>> osm_links("Lyceum: https://www.openstreetmap.org/way/3,\\nhttps://www.openstreetmap.org/node/4")
    ['https://www.openstreetmap.org/way/3', 'https://www.openstreetmap.org/node/4']
    """
    return [u.rstrip(".;)") for u in _OSM_URL.findall(raw or "")]


_LINKED = re.compile(r"Linked to Project ID\s*#?\s*([\d#,\s&and]+)", re.I)


def linked_records(title: str) -> list[str]:
    """Record ids a title says it is linked to (tranches, co-financing, reschedulings).

    >>> linked_records("Loan for X (Linked to Project ID#54798, #54797 and #85185)")
    ['54798', '54797', '85185']
    >>> linked_records("No links here, 2019")
    []
    """
    m = _LINKED.search(title or "")
    return re.findall(r"\d+", m.group(1)) if m else []

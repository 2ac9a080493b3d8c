"""The World Bank's projects export (Projects & Operations): the declarative mapping.

The export is three sheets: ``Projects`` (one row per project), ``GEOLocations``
(one row per project and place) and ``Financers`` (one row per project and
financier). :mod:`.wbimport` reads them through the tables here; this module is only
data: columns, statuses, sector words and the financier → actor table.

Financiers: each line of ``Financers`` becomes one share of the project fact,
``{"actor": CODE or None, "name": raw name, "amount": USD or None}``. The actor code
comes from :data:`FINANCIER_IDS` (the sheet's ``financer_id``), then the first
pattern of :data:`FINANCIER_NAMES` found in the name, then the line's financial type
(every "World Bank Group" line is WB). A financier none of these identify keeps its
raw name with actor ``None`` (the borrower's own contribution, trust funds with many
donors, "unidentified" sources): never counted for an outside power.
"""
from __future__ import annotations

import re

from ...core.models import DATASET_TITLES
from .mapping import DatasetMapping, Licence, norm

SOURCE_URL = "https://datacatalog.worldbank.org/search/dataset/0037800"
# Where the export is downloaded from: seen in public code that fetches it, not on a World Bank
# page (README, "Published datasets"); whether it serves all three sheets was not checked.
DOWNLOAD_URL = "https://search.worldbank.org/api/projects/all.xls"

# Sheet → fact field → accepted column names (compared without case, spaces and
# punctuation: "boardapprovaldate" = "Board Approval Date"). The first name is the
# export's own as the API and the shared copy spell it.
PROJECT_COLUMNS = {
    "record": ("id", "Project ID"),
    "region": ("regionname", "Region"),
    "country_name": ("countryshortname", "Country"),
    "status": ("status", "Project Status"),
    "title": ("project_name", "Project Name"),
    "approval_date": ("boardapprovaldate", "Board Approval Date"),
    "closing_date": ("closingdate", "Project Closing Date"),
    "amount": ("curr_total_commitment", "Current Total Commitment", "Total IDA and IBRD Commitment"),
    "project_cost": ("curr_project_cost", "Current Project Cost"),
    "ibrd": ("curr_ibrd_commitment", "IBRD Commitment"),
    "ida": ("idacommamt", "IDA Commitment"),
    "grant": ("grantamt", "Grant Amount"),
    "borrower": ("borrower", "Borrower"),
    "agency": ("impagency", "Implementing Agency"),
    "instrument": ("lendinginstr", "Lending Instrument"),
    "sector": ("sector1", "Sector 1", "sector"),
}
PROJECT_REQUIRED = ("record", "country_name", "status", "title", "approval_date", "amount")

LOCATION_COLUMNS = {
    "record": ("project_id", "Project ID"),
    "loc_id": ("geo_loc_id", "GEO Location ID"),
    "country_key": ("wbg_country_key", "Country Code"),
    "name": ("geo_loc_name", "Place Name", "GEO Location Name"),
    "lat": ("geo_latitude_number", "Latitude"),
    "lon": ("geo_longitude_number", "Longitude"),
    "admin1": ("admin_unit1_name", "ADM1 Name"),
    "admin2": ("admin_unit2_name", "ADM2 Name"),
}
LOCATION_REQUIRED = ("record", "country_key", "name", "lat", "lon")

FINANCIER_COLUMNS = {
    "record": ("project_id", "Project ID"),
    "name": ("name", "Financier"),
    "amount": ("amount_usd", "Amount (USD)"),
    "financer_id": ("financer_id", "Financier ID"),
    "type": ("project_financial_type", "Financial Type"),
}
FINANCIER_REQUIRED = ("record", "name", "amount")

# wbg_country_key (ISO 3166 alpha-2) and the Projects sheet's country names → ISO3.
COUNTRY_KEYS = {"KZ": "KAZ", "KG": "KGZ", "TJ": "TJK", "TM": "TKM", "UZ": "UZB"}
COUNTRY_NAMES = {
    "kazakhstan": "KAZ", "republic of kazakhstan": "KAZ",
    "kyrgyz republic": "KGZ", "kyrgyzstan": "KGZ",
    "tajikistan": "TJK", "republic of tajikistan": "TJK",
    "turkmenistan": "TKM",
    "uzbekistan": "UZB", "republic of uzbekistan": "UZB",
}
# A project of a region ("Central Asia", "World", ...) takes its countries from its sites.

# Status → atlas status; the Bank's Dropped and Pipeline projects are kept but hidden by default.
STATUS_MAP = {"active": "construction", "closed": "completed", "dropped": "cancelled", "pipeline": "proposed"}
HIDDEN_STATUSES = ("cancelled", "proposed")

# Sector (the export's "Sector 1", when present) → fact type; then words of the project
# name; then "finance" (every project is a loan, credit or grant).
SECTOR_TYPES = {
    "energy and extractives": "energy",
    "transportation": "infrastructure",
    "water, sanitation and waste management": "infrastructure",
    "information and communications technologies": "infrastructure",
    "industry, trade and services": "trade",
    "financial sector": "finance",
}
TITLE_TYPES = (
    (re.compile(r"\b(energy|power|electric\w*|hydro\w*|gas|heating|casa[- ]?1000)\b", re.I), "energy"),
    (re.compile(r"\b(roads?|highway|railway|corridor|transport\w*|bridges?|water supply|irrigation|airport)\b",
                re.I), "infrastructure"),
    (re.compile(r"\b(trade|customs)\b", re.I), "trade"),
)

# The Financers sheet's financer_id → actor (codes as atlas.core.models.BLOCS and ISO3).
FINANCIER_IDS = {
    "IBRD": "WB", "IDA": "WB", "IDAT": "WB", "IDAD": "WB", "IDAH": "WB", "IDAM": "WB", "IDAW": "WB",
    "IDRI": "WB", "IDRT": "WB", "GUAR": "WB", "IFC": "WB",
    "AIIB": "AIIB", "ASDB": "ADB", "EBRD": "EBRD", "EUIB": "EIB", "ISDB": "ISDB", "IDB": "ISDB",
    "OPEC": "OPECF", "EXCN": "CHN", "KFAE": "KWT", "ADFA": "ARE", "SAUD": "SAU",
    "EXIM": "JPN", "JPN": "JPN", "PHRD": "JPN", "JSDF": "JPN",
    "OECF": "JPN",  # the Overseas Economic Cooperation Fund: Japan's, merged into JBIC in 1999
    "DFID": "GBR", "SWTZ": "CHE", "GSWI": "CHE", "FOFE": "CHE", "SECO": "CHE", "KWBP": "KOR",
    "READ": "RUS", "RTF": "RUS", "AID": "USA", "GUSA": "USA",
    "GTZ": "DEU", "KFW": "DEU", "FRDE": "FRA", "DREE": "FRA", "GNET": "NLD", "GMNE": "NLD", "NETH": "NLD",
    "GSWE": "SWE", "SIDA": "SWE", "GDEN": "DNK", "DANI": "DNK", "GAUS": "AUT", "GBEL": "BEL",
    "ECEU": "EU", "EUNI": "EU", "ECTA": "EU", "EUDF": "EU",
    "UNCF": "UN", "UNDP": "UN", "FAOR": "UN", "UNGM": "UN", "WOHO": "UN",
}
# When the id is unknown: the first pattern found in the financier's name.
FINANCIER_NAMES = (
    (r"asian infrastructure investment bank", "AIIB"),
    (r"asian development bank", "ADB"),
    (r"european bank for reconstruction", "EBRD"),
    (r"european investment bank", "EIB"),
    (r"eurasian development bank", "EDB"),
    (r"islamic development bank", "ISDB"),
    (r"opec fund", "OPECF"),
    (r"china export import bank|^china\b|\bexim(?:bank)? of china", "CHN"),
    (r"kuwait", "KWT"),
    (r"abu dhabi|united arab emirates", "ARE"),
    (r"saudi", "SAU"),
    (r"^japan|\bjica\b|japan international cooperation", "JPN"),
    (r"^uk\b|united kingdom|\bdfid\b|foreign, commonwealth", "GBR"),
    (r"^switzerland|\bswiss\b", "CHE"),
    (r"^korea|\bkorea\b", "KOR"),
    (r"^russia|\brussian\b", "RUS"),
    (r"\busaid\b|^us\b|united states", "USA"),
    (r"^germany|\bkfw\b|\bgiz\b|\bgtz\b", "DEU"),
    (r"^france|agence fran", "FRA"),
    (r"^ec\b|european commission|european union", "EU"),
    (r"international bank for reconstruction|^ida\b|international development association", "WB"),
)
_FINANCIER_NAMES = tuple((re.compile(p, re.I), code) for p, code in FINANCIER_NAMES)


def financier_actor(financer_id: str, name: str, financial_type: str = "") -> str | None:
    """The outside power behind one financier line, or None when the line names none.

    >>> financier_actor("EXCN", "China Export Import Bank")
    'CHN'
    >>> financier_actor("", "KUWAIT: Kuwait Fund for Arab Economic Development")
    'KWT'
    >>> financier_actor("XYZ", "IDA Credit from a new window", "World Bank Group")
    'WB'
    >>> financier_actor("BORR", "Borrower/Recipient", "Local Contributor") is None
    True
    """
    code = FINANCIER_IDS.get((financer_id or "").strip().upper())
    if code:
        return code
    text = " ".join((name or "").split())
    for pattern, code in _FINANCIER_NAMES:
        if pattern.search(text):
            return code
    if norm(financial_type) == "world bank group":
        return "WB"
    return None


def fact_type(sector: str, title: str) -> tuple[str, str]:
    """(fact type, the rule that chose it).

    >>> fact_type("Energy and Extractives", "x")
    ('energy', 'sector')
    >>> fact_type("", "Rural Roads Improvement Project")
    ('infrastructure', 'project name')
    >>> fact_type("", "Health Sector Reform")
    ('finance', 'default')
    """
    got = SECTOR_TYPES.get(norm(sector))
    if got:
        return got, "sector"
    for pattern, kind in TITLE_TYPES:
        if pattern.search(title or ""):
            return kind, "project name"
    return "finance", "default"


WORLDBANK = DatasetMapping(
    key="worldbank",
    title=DATASET_TITLES["worldbank"],
    folder="worldbank-projects",
    table="",  # not shipped: users import the export they download from the Bank
    columns={k: v[0] for k, v in PROJECT_COLUMNS.items()},
    required=PROJECT_REQUIRED,
    actor="WB",
    currency="USD",
    status_map=STATUS_MAP,
    sector_types=SECTOR_TYPES,
    default_type="finance",
    hidden_statuses=HIDDEN_STATUSES,
    licences=(
        Licence("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/",
                "World Bank project records, locations and financiers (the Bank's default licence for its datasets)",
                "The World Bank: World Bank Projects & Operations: projects.worldbank.org"),
    ),
    citations=("The World Bank: World Bank Projects & Operations (projects list export: Projects, GEOLocations "
               "and Financers sheets). Subset to Central Asia and reformatted by the Central Asia Influence Atlas.",),
    short_attribution=("World Bank projects: The World Bank: World Bank Projects & Operations: "
                       "projects.worldbank.org (CC BY 4.0); subset and reformatted by the atlas."),
)

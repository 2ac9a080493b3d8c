"""The article and fact model (README: "How data flows") as frozen dataclasses, and the vocabularies.

Parsing and checking of raw records lives in :mod:`atlas.sources.records`; these classes
hold values that are already valid.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from .textguard import clean_title  # a leaf below the models (no atlas imports)

FACT_TYPES = ("diplomacy", "security", "finance", "energy", "infrastructure", "trade", "sanctions")

# The five states the atlas is about, in the order the UI lists them.
CENTRAL_ASIA = {
    "KAZ": "Kazakhstan",
    "KGZ": "Kyrgyzstan",
    "TJK": "Tajikistan",
    "TKM": "Turkmenistan",
    "UZB": "Uzbekistan",
}

# Outside powers and bodies. ISO3 codes of states outside the region plus blocs.
BLOCS = {
    "EU": "European Union",
    "CSTO": "Collective Security Treaty Organization",
    "EAEU": "Eurasian Economic Union",
    "SCO": "Shanghai Cooperation Organisation",
    "OTS": "Organization of Turkic States",
    "NATO": "NATO",
    "UN": "United Nations",
    "CIS": "Commonwealth of Independent States",
    # Multilateral lenders: financiers of published datasets' projects and of curated facts.
    "WB": "World Bank Group",
    "ADB": "Asian Development Bank",
    "AIIB": "Asian Infrastructure Investment Bank",
    "EBRD": "European Bank for Reconstruction and Development",
    "EIB": "European Investment Bank",
    "EDB": "Eurasian Development Bank",
    "ISDB": "Islamic Development Bank",
    "OPECF": "OPEC Fund for International Development",
    "IMF": "International Monetary Fund",
}

# Published datasets (atlas.sources.datasets.DATASETS) by key: their short titles, for trust labels.
DATASET_TITLES = {"aiddata": "AidData GCDF 3.0", "worldbank": "World Bank Projects & Operations",
                  "ofac": "OFAC SDN List"}

DATE_PRECISIONS = ("day", "month", "year")
GEO_PRECISIONS = ("site", "city", "country", "approximate-route", "approximate-area",
                  # published datasets: a marker near, not at, the site; a place named in the title
                  "approximate-site", "place-in-title")
STATUSES = ("proposed", "construction", "operating", "suspended", "cancelled", "completed",
            "committed")  # committed: financing agreed, implementation not started (AidData's "Pipeline: Commitment")
ORIGINS = ("curated", "extracted", "dataset")
REVIEWS = ("pending", "accepted", "rejected")
REVIEW_CHOICES = ("accepted", "pending")  # what a filter may show: rejected facts are never shown
LANGUAGES = ("de", "en", "ru")
# MultiPoint: the sites of one project (World Bank GEOLocations), each drawn where the source puts it.
GEOMETRY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")


def article_id(text: str) -> str:
    """Stable id of an article: the first 16 hex digits of SHA-256 of its UTF-8 text.

    >>> article_id("abc")
    'ba7816bf8f01cfea'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def extracted_fact_id(article: str, start: int, end: int) -> str:
    """Id of an extracted fact: derived from its article and evidence span.

    >>> extracted_fact_id("ba7816bf8f01cfea", 10, 42)
    'x-ba7816bf8f01cfea-10-42'
    """
    return f"x-{article}-{start}-{end}"


@dataclass(frozen=True)
class Evidence:
    """A quote from an article; ``quote == article.text[start:end]`` always."""

    article: str  # article id
    start: int
    end: int
    quote: str

    def to_dict(self) -> dict[str, Any]:
        return {"article": self.article, "start": self.start, "end": self.end, "quote": self.quote}


@dataclass(frozen=True)
class Source:
    """A named public source for a curated fact. ``url`` stays empty unless certain."""

    publisher: str
    title: str
    date: str  # ISO date, or YYYY-MM / YYYY when only that is known
    url: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"publisher": self.publisher, "title": self.title, "date": self.date, "url": self.url}


@dataclass(frozen=True)
class Article:
    id: str
    text: str
    title: str = ""
    language: str | None = None
    published: date | None = None
    url: str = ""
    publisher: str = ""
    path: str = ""  # where it was read from, for messages; not part of identity

    @classmethod
    def from_text(cls, text: str, **kw: Any) -> "Article":
        if "title" in kw:  # every ingest path makes articles here: no spoofing characters in titles
            kw["title"] = clean_title(kw["title"])
        return cls(id=article_id(text), text=text, **kw)



@dataclass(frozen=True)
class Fact:
    id: str
    type: str
    title: str
    date_start: date | None  # None: an extracted fact whose sentence states no date
    date_precision: str | None
    origin: str
    summary: str = ""
    date_end: date | None = None
    countries: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    geometry: dict | None = None  # GeoJSON geometry, WGS84 lon/lat
    geo_precision: str | None = None
    status: str | None = None
    status_as_of: date | None = None
    review: str | None = None  # extracted facts only
    confidence: float | None = None  # extracted facts only
    rule: str = ""  # extracted facts: which rule or cue made it
    evidence: tuple[Evidence, ...] = ()
    sources: tuple[Source, ...] = ()
    places: tuple[dict, ...] = ()  # extracted: place mentions behind the geometry
    amounts: tuple[dict, ...] = ()  # extracted: money mentions
    edited: bool = False  # a human changed it: re-extraction must not touch it
    # origin "dataset": which published dataset and record, under which licence (see atlas.sources.datasets)
    dataset: str = ""  # key of atlas.sources.datasets.DATASETS, e.g. "aiddata"
    dataset_record: str = ""  # the record's id in that dataset, e.g. "96272"
    amount: float | None = None
    currency: str = ""  # e.g. "USD (constant 2021)"
    license: str = ""
    sector: str = ""  # the dataset's own sector name, filterable beside the fact type
    finance_group: str = ""  # linked records and tranches share it: totals count a group once
    withdrawn: bool = False  # the record is gone from a newer release: kept, hidden from the map
    record: dict = field(default_factory=dict)  # the record's raw fields, OSM links, location method

    @property
    def article_id(self) -> str | None:
        return self.evidence[0].article if self.evidence else None

    def with_(self, **changes: Any) -> "Fact":
        return replace(self, **changes)

    @property
    def trust_label(self) -> str:
        if self.origin == "dataset":
            return dataset_trust_label(self.dataset, self.dataset_record)
        return trust_label(self.origin, self.review, self.confidence)


def trust_label(origin: str, review: str | None, confidence: float | None) -> str:
    """What a reader should make of a fact, in words.

    >>> trust_label("curated", None, None)
    'Curated (hand-checked, sourced)'
    >>> trust_label("extracted", "pending", 0.62)
    'Extracted, unreviewed (confidence 0.62)'
    """
    if origin == "curated":
        return "Curated (hand-checked, sourced)"
    if origin == "dataset":
        return "published dataset"
    conf = "" if confidence is None else f" (confidence {confidence:.2f})"
    if review == "accepted":
        return "Extracted, accepted by a reviewer" + conf
    if review == "rejected":
        return "Extracted, rejected by a reviewer" + conf
    return "Extracted, unreviewed" + conf


def dataset_trust_label(dataset: str, record: str) -> str:
    """The trust label of a published dataset's record.

    >>> dataset_trust_label("aiddata", "96272")
    'published dataset: AidData GCDF 3.0, record 96272'
    """
    return f"published dataset: {DATASET_TITLES.get(dataset, dataset)}, record {record}"

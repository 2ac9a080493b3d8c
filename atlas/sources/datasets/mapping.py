"""The declarative shape of a published dataset: columns → fact fields, vocabularies, licence.

A new dataset is a new :class:`DatasetMapping` (see :mod:`atlas.sources.datasets.aiddata`),
not new plumbing: :mod:`atlas.sources.datasets.importer` reads any table through one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping


@dataclass(frozen=True)
class Licence:
    name: str  # "ODC-By 1.0"
    url: str
    covers: str  # what it applies to, in words
    attribution: str = ""  # the line the licence asks for, shown wherever the data is


@dataclass(frozen=True)
class DatasetMapping:
    """How one published dataset becomes facts.

    ``columns`` maps a fact field name to the table's column; ``required`` lists the
    fields a table must have a column for. Vocabulary tables map the dataset's own
    values (compared case-insensitively, spaces trimmed) to the atlas's.
    """

    key: str  # "aiddata": the CLI name and the fact id prefix
    title: str  # "AidData GCDF 3.0"
    folder: str  # under data/datasets/
    table: str  # the table's file name in that folder
    columns: Mapping[str, str]
    required: tuple[str, ...]
    actor: str  # ISO3 of the outside power behind every record
    currency: str
    status_map: Mapping[str, str]
    sector_types: Mapping[str, str]
    default_type: str
    licences: tuple[Licence, ...]
    citations: tuple[str, ...]
    short_attribution: str
    geometry_folder: str = ""  # per-record GeoJSON files named <record>.geojson
    points_file: str = ""  # a CSV of one approximate point per record
    precision_map: Mapping[str, str] = field(default_factory=dict)  # dataset precision word → GEO_PRECISIONS
    infrastructure_type: str = ""  # type for an unmapped sector when the record is flagged infrastructure
    # curated fact id → record ids describing the same project: drawn once, as the curated fact
    curated_links: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # atlas statuses kept in the store but hidden until a status filter asks for them
    hidden_statuses: tuple[str, ...] = ()
    sheet: str = ""  # the workbook sheet the table is on, when the release names it

    @property
    def licence_names(self) -> str:
        return "; ".join(f"{lic.name} ({lic.covers})" for lic in self.licences)

    def fact_id(self, record: str) -> str:
        """
        >>> AIDDATA_LIKE.fact_id("96272")
        'aiddata-96272'
        """
        return f"{self.key}-{record}"

    def status(self, raw: str) -> str | None:
        return self.status_map.get(norm(raw))

    def fact_type(self, sector: str, infrastructure: bool = False) -> str:
        """The fact type of a sector by the mapping's table; unmapped sectors get the default.

        >>> AIDDATA_LIKE.fact_type("ENERGY")
        'energy'
        >>> AIDDATA_LIKE.fact_type("HEALTH"), AIDDATA_LIKE.fact_type("HEALTH", infrastructure=True)
        ('finance', 'infrastructure')
        """
        got = self.sector_types.get(norm(sector))
        if got:
            return got
        if infrastructure and self.infrastructure_type:
            return self.infrastructure_type
        return self.default_type


def norm(value: str) -> str:
    """A vocabulary key: lower case, inner spaces collapsed, ends trimmed.

    >>> norm("  Pipeline:  Commitment ")
    'pipeline: commitment'
    """
    return re.sub(r"\s+", " ", str(value)).strip().lower()


# A tiny mapping for the doctests above only.
AIDDATA_LIKE = DatasetMapping(
    key="aiddata", title="t", folder="f", table="t.csv", columns={}, required=(), actor="CHN", currency="USD",
    status_map={}, sector_types={"energy": "energy"}, default_type="finance", licences=(), citations=(),
    short_attribution="", infrastructure_type="infrastructure")

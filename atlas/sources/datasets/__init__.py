"""Published datasets as facts of origin "dataset": one importer, one mapping per dataset.

- :mod:`.mapping`: the declarative shape (columns, vocabularies, licences, citations);
- :mod:`.aiddata`: AidData's GCDF 3.0, the first dataset;
- :mod:`.worldbank` (+ :mod:`.wbimport`): the World Bank's projects export;
- :mod:`.ofac`: OFAC's SDN list (entries with an address in the five states);
- :mod:`.tables`: CSV/XLSX tables read and checked row by row;
- :mod:`.geometry`: locations through geopandas, with the fallback chain;
- :mod:`.importer`: records → facts; :mod:`.sync`: facts → store (idempotent, withdrawals).
"""
from __future__ import annotations

from ...core.errors import ValidationError
from .aiddata import AIDDATA
from .mapping import DatasetMapping
from .ofac import OFAC
from .worldbank import WORLDBANK
from ..files import DATASETS_DIR  # noqa: F401 - the shipped datasets' folder, defined with the project's others

# Only AidData ships (data/datasets/); World Bank and OFAC are imported from the publisher's files.
DATASETS: dict[str, DatasetMapping] = {AIDDATA.key: AIDDATA, WORLDBANK.key: WORLDBANK,
                                       OFAC.key: OFAC}


def dataset_title(key: str) -> str:
    """
    >>> dataset_title("aiddata"), dataset_title("other")
    ('AidData GCDF 3.0', 'other')
    """
    m = DATASETS.get(key)
    return m.title if m else key


def mapping(key: str) -> DatasetMapping:
    if key not in DATASETS:
        raise ValidationError([f"unknown dataset {key!r}: known are {', '.join(DATASETS)}"])
    return DATASETS[key]


def about_datasets() -> list[dict]:
    """Every dataset with its licences and citations, for "About the data", the README and exports."""
    return [{
        "dataset": m.key, "title": m.title, "attribution": m.short_attribution,
        "licences": [{"name": lic.name, "url": lic.url, "covers": lic.covers, "attribution": lic.attribution}
                     for lic in m.licences],
        "citations": list(m.citations),
    } for m in DATASETS.values()]

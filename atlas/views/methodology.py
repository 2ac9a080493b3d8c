"""What the Methodology page says: where each layer comes from, how facts are made and
checked, what each measure counts. Our own words; dataset licences and citations are
read from :data:`atlas.sources.datasets.DATASETS` (never copied here). Pure; no Streamlit.
"""
from __future__ import annotations

import pandas as pd

from .compare import METHOD as COMPARE_METHOD
from ..sources.datasets import DATASETS
from .measures import CURRENCY_BASIS

SECTIONS = (
    ("Where the layers come from", (
        "- **Curated facts**: written by hand in `data/curated/*.yaml`, each with at least one named public "
        "source (publisher, title, date; a URL only when it is certain) or a quote from a stored article.\n"
        "- **Extracted facts**: found by rules in news articles (German, English, Russian) that the atlas "
        "stores or fetches from followed feeds; each keeps the exact sentence it came from.\n"
        "- **Published datasets**: records of the datasets listed below, imported unchanged as facts of "
        "origin *dataset*, one per record, with the record's id.\n"
        "- **Boundaries**: Natural Earth 1:110m country polygons (public domain), served by the app itself.")),
    ("How facts are curated, extracted and reviewed", (
        "- `python -m atlas validate` checks every curated record: fact type, country and actor codes, dates, "
        "geometry inside the stated country, and that every quote equals the article text at its span.\n"
        "- The extractor finds places, dates, countries, powers and money in each sentence and proposes "
        "facts with a confidence. They arrive *pending*; a reviewer accepts, rejects or edits each one, and "
        "every decision is audited. By default only curated, dataset and accepted facts show.\n"
        "- Facts that report the same event (same type, overlapping dates, nearby place, same powers and "
        "countries) are drawn once; the detail panel lists every source.\n"
        "- Every fact carries a trust label: curated, published dataset (with record), extracted and "
        "accepted, or extracted and unreviewed with its confidence.")),
    ("What each measure counts", (
        "**Facts** counts facts that name a power and a state. **Projects** counts finance, energy, "
        "infrastructure and trade facts, with linked dataset records (one `finance_group`) once. "
        "**Money committed** adds USD amounts: a dataset record's amount, or the largest USD amount an "
        "article states for a project fact; linked records count once at their largest amount; a "
        "co-financed project gives each financier its share, so the total counts the project once. "
        + CURRENCY_BASIS + " Every figure shows its parts (curated / datasets / extracted), and a switch "
        "leaves datasets out.")),
    ("Comparing powers", COMPARE_METHOD),
)


def layer_table(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per layer: what it is, where it comes from, how many facts of it are stored."""
    origin = frame["origin"].astype(str) if len(frame) else pd.Series(dtype=str)
    rows = [
        {"layer": "Curated facts", "source": "data/curated/*.yaml, each with named sources",
         "facts": int((origin == "curated").sum()), "licence": "the atlas's own text; sources cited per fact"},
        {"layer": "Extracted facts", "source": "news articles (stored, ingested or fetched from feeds)",
         "facts": int((origin == "extracted").sum()), "licence": "short evidence quotes with the article's link"},
    ]
    dataset = frame["dataset"].astype(str) if len(frame) else pd.Series(dtype=str)
    for key, m in DATASETS.items():
        rows.append({"layer": m.title, "source": f"data/datasets/{m.folder}/",
                     "facts": int(((origin == "dataset") & (dataset == key)).sum()), "licence": m.licence_names})
    return pd.DataFrame(rows)

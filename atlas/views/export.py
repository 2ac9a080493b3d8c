"""Facts as GeoJSON, CSV and XLSX: exactly the facts given, nothing dropped or added.

Each fact carries where it comes from: its sources' titles and URLs, and for a fact
with evidence the article's id, title and URL beside the quote. Keys the YAML loader
adds for error messages (``__line__``) never leave the atlas. Every text cell of a
spreadsheet export passes :func:`spreadsheet_cell`, so a title like ``=HYPERLINK(…)``
from an article or dataset is shown as text, never run as a formula.
"""
from __future__ import annotations

import csv
import io
import json
import re
from typing import Any, Iterable, Mapping, Sequence

from ..core.geometry import representative_point
from ..core.labels import usd
from ..core.models import Fact

CSV_COLUMNS = [
    "id", "type", "title", "summary", "origin", "review", "confidence", "trust", "countries", "actors",
    "date_start", "date_end", "date_precision", "geo_precision", "status", "status_as_of", "lon", "lat",
    "evidence_article", "evidence_quote", "article_title", "article_url", "sources", "source_titles",
    "source_urls",
    "dataset", "dataset_record", "amount", "currency", "license", "sector", "finance_group", "withdrawn",
]
XLSX_COLUMNS = CSV_COLUMNS + ["amount_display"]  # the amount as a reader writes it, e.g. "$457.7 m"
ArticleIndex = Mapping[str, Mapping[str, Any]]  # article id -> {"title", "url", "publisher", ...}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP: what a spreadsheet may read as a formula
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not text; XLSX cannot even hold them


def spreadsheet_cell(value: Any) -> Any:
    """A cell value a spreadsheet shows as written: text that could start a formula gets a
    leading apostrophe (OWASP's advice), control characters go; numbers stay numbers.

    >>> spreadsheet_cell("=1+2"), spreadsheet_cell("-5 %"), spreadsheet_cell(-5.0)
    ("'=1+2", "'-5 %", -5.0)
    >>> spreadsheet_cell("Line D\x07"), spreadsheet_cell("")
    ('Line D', '')
    """
    if not isinstance(value, str):
        return value
    value = _CONTROL.sub("", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def article_index(store) -> dict[str, dict[str, Any]]:
    """Title, URL and publisher of every stored article (no text), for exports."""
    return {a["id"]: a for a in store.articles()}


def public(value: Any) -> Any:
    """``value`` without the loader's internal ``__…`` keys, at any depth.

    >>> public({"type": "Point", "coordinates": [1, 2], "__line__": 5, "__lines__": {"type": 5}})
    {'type': 'Point', 'coordinates': [1, 2]}
    """
    if isinstance(value, Mapping):
        return {k: public(v) for k, v in value.items() if not str(k).startswith("__")}
    if isinstance(value, list):
        return [public(v) for v in value]
    return value


def _articles_of(f: Fact, articles: ArticleIndex | None) -> list[Mapping[str, Any]]:
    ids = list(dict.fromkeys(e.article for e in f.evidence))
    return [(articles or {}).get(i) or {"id": i} for i in ids]


def fact_properties(f: Fact, articles: ArticleIndex | None = None) -> dict:
    arts = _articles_of(f, articles)
    return {
        "id": f.id, "type": f.type, "title": f.title, "summary": f.summary, "origin": f.origin,
        "review": f.review, "confidence": f.confidence, "trust": f.trust_label,
        "countries": list(f.countries), "actors": list(f.actors),
        "date_start": f.date_start.isoformat() if f.date_start else None,
        "date_end": f.date_end.isoformat() if f.date_end else None,
        "date_precision": f.date_precision, "geo_precision": f.geo_precision, "status": f.status,
        "status_as_of": f.status_as_of.isoformat() if f.status_as_of else None,
        "rule": f.rule or None,
        "evidence": [e.to_dict() for e in f.evidence],
        "articles": [{"id": a.get("id", ""), "title": a.get("title") or "", "url": a.get("url") or "",
                      "publisher": a.get("publisher") or ""} for a in arts],
        "sources": [s.to_dict() for s in f.sources],
        "dataset": f.dataset or None, "dataset_record": f.dataset_record or None, "amount": f.amount,
        "currency": f.currency or None, "license": f.license or None, "sector": f.sector or None,
        "finance_group": f.finance_group or None, "withdrawn": f.withdrawn,
        **({"osm_links": f.record.get("osm_links", []), "location": f.record.get("location")} if f.record else {}),
    }


def to_geojson(facts: Iterable[Fact], articles: ArticleIndex | None = None) -> dict:
    from ..sources.datasets import about_datasets  # atlas.sources.datasets pulls geopandas; CSV exports need none of it

    facts = list(facts)
    out: dict = {"type": "FeatureCollection"}
    used = {f.dataset for f in facts if f.dataset}
    if used:  # the licences ask for attribution wherever their records go
        out["metadata"] = {"datasets": [d for d in about_datasets() if d["dataset"] in used]}
    out["features"] = [
        {"type": "Feature", "id": f.id, "geometry": public(f.geometry),
         "properties": public(fact_properties(f, articles))}
        for f in facts
    ]
    return out


def geojson_text(facts: Iterable[Fact], articles: ArticleIndex | None = None) -> str:
    return json.dumps(to_geojson(facts, articles), ensure_ascii=False, indent=1)


def table_rows(facts: Sequence[Fact], articles: ArticleIndex | None = None) -> list[dict[str, Any]]:
    """One row per fact with the :data:`CSV_COLUMNS`, values as they are (not yet made safe)."""
    rows = []
    for f in facts:
        p = fact_properties(f, articles)
        lon, lat = representative_point(f.geometry)
        rows.append({
            **{k: p.get(k) for k in CSV_COLUMNS if k in p},
            "countries": "|".join(f.countries), "actors": "|".join(f.actors), "lon": lon, "lat": lat,
            "evidence_article": "|".join(e.article for e in f.evidence),
            "evidence_quote": " | ".join(e.quote for e in f.evidence),
            "article_title": " | ".join(a["title"] for a in p["articles"]),
            "article_url": " | ".join(a["url"] for a in p["articles"]),
            "sources": " | ".join(f"{s.publisher}: {s.title} ({s.date})" for s in f.sources),
            "source_titles": " | ".join(s.title for s in f.sources),
            "source_urls": " | ".join(s.url for s in f.sources),
        })
    return rows


def csv_text(facts: Sequence[Fact], articles: ArticleIndex | None = None) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    for row in table_rows(facts, articles):
        w.writerow({k: spreadsheet_cell(v) for k, v in row.items()})
    return buf.getvalue()


def amount_display(amount: float | None, currency: str | None) -> str | None:
    """
    >>> amount_display(457.7e6, "USD"), amount_display(1.2e9, None), amount_display(5e6, "CNY"), amount_display(None, "USD")
    ('$457.7 m', '$1.20 bn', '5,000,000 CNY', None)
    """
    if amount is None:
        return None
    if not currency or currency.startswith("USD"):  # "USD", "USD (constant 2021)"
        return usd(amount)
    return f"{amount:,.0f} {currency}"


def xlsx_bytes(facts: Sequence[Fact], articles: ArticleIndex | None = None) -> bytes:
    """The CSV's table as an Excel workbook: the same cells (amounts, coordinates and
    confidence as numbers), plus ``amount_display``; one sheet, header row frozen."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("facts")
    ws.freeze_panes = "A2"
    ws.append(XLSX_COLUMNS)
    for row in table_rows(facts, articles):
        cells = [spreadsheet_cell(row.get(k)) for k in CSV_COLUMNS]
        ws.append(cells + [amount_display(row.get("amount"), row.get("currency"))])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

"""Facts as GeoJSON and CSV: exactly the facts given, nothing dropped or added."""
from __future__ import annotations

import csv
import io
import json
from typing import Iterable, Sequence

from .models import Fact

CSV_COLUMNS = [
    "id", "type", "title", "summary", "origin", "review", "confidence", "trust", "countries", "actors",
    "date_start", "date_end", "date_precision", "geo_precision", "status", "status_as_of", "lon", "lat",
    "evidence_article", "evidence_quote", "sources",
]


def fact_properties(f: Fact) -> dict:
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
        "sources": [s.to_dict() for s in f.sources],
    }


def to_geojson(facts: Iterable[Fact]) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": f.id, "geometry": f.geometry, "properties": fact_properties(f)}
            for f in facts
        ],
    }


def geojson_text(facts: Iterable[Fact]) -> str:
    return json.dumps(to_geojson(facts), ensure_ascii=False, indent=1)


def csv_text(facts: Sequence[Fact]) -> str:
    from .store import representative_point

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    for f in facts:
        p = fact_properties(f)
        lon, lat = representative_point(f.geometry)
        w.writerow({
            **{k: p.get(k) for k in CSV_COLUMNS if k in p},
            "countries": "|".join(f.countries), "actors": "|".join(f.actors), "lon": lon, "lat": lat,
            "evidence_article": "|".join(e.article for e in f.evidence),
            "evidence_quote": " | ".join(e.quote for e in f.evidence),
            "sources": " | ".join(f"{s.publisher}: {s.title} ({s.date})" for s in f.sources),
        })
    return buf.getvalue()

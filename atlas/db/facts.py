"""Row conversions: a :class:`Fact` or :class:`Article` to a table row and back, and audit snapshots."""
from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime, timezone
from typing import Any

from ..core.geometry import representative_point
from ..core.models import Article, Evidence, Fact, Source


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def parse_date(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


def fact_to_row(fact: Fact, updated_at: str | None = None) -> dict[str, Any]:
    lon, lat = representative_point(fact.geometry)
    return {
        "id": fact.id, "type": fact.type, "title": fact.title, "summary": fact.summary,
        "date_start": iso(fact.date_start), "date_end": iso(fact.date_end),
        "date_precision": fact.date_precision,
        "countries": json.dumps(list(fact.countries)), "actors": json.dumps(list(fact.actors)),
        "geometry": json.dumps(fact.geometry, separators=(",", ":")) if fact.geometry else None,
        "geom_type": fact.geometry["type"] if fact.geometry else None, "lon": lon, "lat": lat,
        "geo_precision": fact.geo_precision, "status": fact.status, "status_as_of": iso(fact.status_as_of),
        "origin": fact.origin, "review": fact.review, "confidence": fact.confidence, "rule": fact.rule,
        "article_id": fact.article_id,
        "evidence": json.dumps([e.to_dict() for e in fact.evidence], ensure_ascii=False),
        "sources": json.dumps([s.to_dict() for s in fact.sources], ensure_ascii=False),
        "places": json.dumps(list(fact.places), ensure_ascii=False),
        "amounts": json.dumps(list(fact.amounts), ensure_ascii=False),
        "edited": bool(fact.edited), "updated_at": updated_at or now(),
        "dataset": fact.dataset or None, "dataset_record": fact.dataset_record or None, "amount": fact.amount,
        "currency": fact.currency or None, "license": fact.license or None, "sector": fact.sector or None,
        "finance_group": fact.finance_group or None, "withdrawn": bool(fact.withdrawn),
        "record": json.dumps(fact.record, ensure_ascii=False, sort_keys=True) if fact.record else None,
    }


def row_to_fact(row: Any) -> Fact:
    m = row._mapping if hasattr(row, "_mapping") else row
    return Fact(
        id=m["id"], type=m["type"], title=m["title"], summary=m["summary"] or "",
        date_start=parse_date(m["date_start"]), date_end=parse_date(m["date_end"]), date_precision=m["date_precision"],
        countries=tuple(json.loads(m["countries"])), actors=tuple(json.loads(m["actors"])),
        geometry=json.loads(m["geometry"]) if m["geometry"] else None, geo_precision=m["geo_precision"],
        status=m["status"], status_as_of=parse_date(m["status_as_of"]), origin=m["origin"], review=m["review"],
        confidence=m["confidence"], rule=m["rule"] or "",
        evidence=tuple(Evidence(**e) for e in json.loads(m["evidence"])),
        sources=tuple(Source(**s) for s in json.loads(m["sources"])),
        places=tuple(json.loads(m["places"])), amounts=tuple(json.loads(m["amounts"])),
        edited=bool(m["edited"]),
        dataset=m.get("dataset") or "", dataset_record=m.get("dataset_record") or "", amount=m.get("amount"),
        currency=m.get("currency") or "", license=m.get("license") or "", sector=m.get("sector") or "",
        finance_group=m.get("finance_group") or "", withdrawn=bool(m.get("withdrawn")),
        record=json.loads(m["record"]) if m.get("record") else {},
    )


def row_to_article(row: Any) -> Article:
    m = row._mapping
    return Article(
        id=m["id"], text=m["text"], title=m["title"], language=m["language"],
        published=parse_date(m["published"]), url=m["url"], publisher=m["publisher"], path=m["path"],
    )


def snapshot(fact: Fact) -> dict[str, Any]:
    d = asdict(fact)
    for k in ("date_start", "date_end", "status_as_of"):
        d[k] = iso(d[k])
    return d

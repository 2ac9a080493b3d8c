"""Synthetic facts for benchmarks and scale tests. Never written to data/ or seeds/.

Deterministic for a given seed: spread over the region, 2000–2026, every type,
curated and extracted (accepted, pending, rejected), a few routes.
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Iterator

from .models import CENTRAL_ASIA, FACT_TYPES, Fact, Source

ACTORS = ["CHN", "RUS", "USA", "EU", "TUR", "JPN", "KOR", "IND", "IRN", "GBR", "CSTO", "EAEU", "SCO"]
STATUSES = ["operating", "construction", "proposed", "suspended"]
# Rough lon/lat boxes per state so synthetic points land near the right country.
BOXES = {
    "KAZ": (51.0, 41.0, 85.0, 54.0), "KGZ": (70.0, 39.5, 79.5, 42.8), "TJK": (68.0, 37.0, 74.5, 40.8),
    "TKM": (53.0, 36.0, 65.5, 42.5), "UZB": (56.5, 37.5, 72.5, 45.0),
}
_SRC = (Source("Synthetic benchmark data", "generated at run time", "2026"),)


def synthetic_facts(n: int, seed: int = 7) -> Iterator[Fact]:
    rng = random.Random(seed)
    codes = list(CENTRAL_ASIA)
    start = date(2000, 1, 1)
    for i in range(n):
        country = rng.choice(codes)
        countries = (country,) if rng.random() < 0.8 else tuple(sorted({country, rng.choice(codes)}))
        x0, y0, x1, y1 = BOXES[country]
        lon, lat = round(rng.uniform(x0, x1), 4), round(rng.uniform(y0, y1), 4)
        day = start + timedelta(days=rng.randrange(0, 26 * 365))
        extracted = rng.random() < 0.7
        route = rng.random() < 0.02
        geometry = (
            {"type": "LineString", "coordinates": [[lon, lat], [round(lon + rng.uniform(1, 6), 4),
                                                              round(lat + rng.uniform(-2, 2), 4)]]}
            if route else {"type": "Point", "coordinates": [lon, lat]}
        )
        ftype = "energy" if route else rng.choice(FACT_TYPES)
        yield Fact(
            id=f"syn-{i:06d}", type=ftype, title=f"Synthetic {ftype} fact {i}", date_start=day,
            date_precision="day", origin="extracted" if extracted else "curated",
            review=rng.choice(["accepted", "accepted", "pending", "rejected"]) if extracted else None,
            confidence=round(rng.uniform(0.3, 1.0), 2) if extracted else None,
            countries=countries, actors=tuple(sorted({rng.choice(ACTORS) for _ in range(rng.randint(1, 2))})),
            geometry=geometry, geo_precision="approximate-route" if route else "city",
            status=rng.choice(STATUSES) if route else None, status_as_of=day if route else None,
            sources=() if extracted else _SRC,
        )

"""Value objects of one extraction. Each mention keeps the raw ``text`` beside the
parsed value and its span, so ``article[start:end] == text`` can be checked."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


MAP_KINDS = frozenset({"city", "site"})


@dataclass(frozen=True)
class CountryMention:
    text: str
    start: int
    end: int
    code: str  # ISO3, or a bloc key of atlas.core.models.BLOCS, or "C5" (collective CA)
    kind: str  # "country" | "bloc" | "collective"
    form: str = "name"  # "name" (Kazakhstan, Казахстана, USA) or "demonym" (Kazakh, kasachische, казахстанский)

    def to_dict(self) -> dict[str, Any]:
        d = {"kind": "country", "text": self.text, "start": self.start, "end": self.end, "value": self.code}
        if self.form == "demonym":
            d["form"] = "demonym"
        return d


@dataclass(frozen=True)
class PlaceMention:
    text: str
    start: int
    end: int
    name: str
    lat: float
    lon: float
    country: str  # ISO3; empty for continents and oceans
    kind: str = "city"  # city | admin1 | region | continent | water | site
    rule: str = ""  # how the namesake was chosen: only, state-after, country-named, region, most-populous...
    admin1: str = ""  # US state code of a US place (context for "Georgia"; not in the JSON)

    @property
    def on_map(self) -> bool:
        """A point precise enough to draw a fact at: a city or a site, never a state, region,
        continent or sea ("Europe" is a mention, not a marker)."""
        return self.kind in MAP_KINDS

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "text": self.text, "start": self.start, "end": self.end,
                "lat": self.lat, "lon": self.lon, "country": self.country, "kind": self.kind, "rule": self.rule}


@dataclass(frozen=True)
class DateMention:
    text: str
    start: int
    end: int
    date: date
    precision: str = "day"  # "day" | "month" | "year"
    end_date: date | None = None  # ranges: "18.–19. Mai"
    rule: str = ""  # which parser made it: explicit, numeric, relative, weekday-year...

    def to_dict(self) -> dict[str, Any]:
        d = {"text": self.text, "start": self.start, "end": self.end, "date": self.date.isoformat()}
        if self.end_date:
            d["end_date"] = self.end_date.isoformat()
        return d


@dataclass(frozen=True)
class AmountMention:
    text: str
    start: int
    end: int
    value: float
    currency: str  # ISO 4217
    equivalent_of: int | None = None  # index (in Extraction.amounts) of the amount this converts

    def to_dict(self) -> dict[str, Any]:
        d = {"text": self.text, "start": self.start, "end": self.end, "value": self.value, "currency": self.currency}
        if self.equivalent_of is not None:
            d["equivalent_of"] = self.equivalent_of
        return d


@dataclass(frozen=True)
class FactCandidate:
    type: str
    start: int  # sentence span; text[start:end] is the evidence quote
    end: int
    date: date | None
    date_precision: str | None
    countries: tuple[str, ...]
    actors: tuple[str, ...]
    places: tuple[PlaceMention, ...]
    amounts: tuple[AmountMention, ...]
    confidence: float
    rule: str
    label: str
    date_end: date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "start": self.start, "end": self.end,
                "date": self.date.isoformat() if self.date else None,
                "date_precision": self.date_precision,
                "countries": list(self.countries), "actors": list(self.actors),
                "places": [p.to_dict() for p in self.places],
                "amounts": [a.to_dict() for a in self.amounts],
                "confidence": self.confidence, "rule": self.rule, "label": self.label}


@dataclass(frozen=True)
class Extraction:
    language: str
    countries: tuple[str, ...]
    country_mentions: tuple[CountryMention, ...]
    places: tuple[PlaceMention, ...]
    dates: tuple[DateMention, ...]  # day-precise only
    amounts: tuple[AmountMention, ...]
    facts: tuple[FactCandidate, ...]
    periods: tuple[DateMention, ...] = ()  # month/year-only mentions (facts use them)

    def mentions(self) -> list[dict[str, Any]]:
        """Every highlightable mention, sorted by start: kind, text, start, end, value."""
        out = [m.to_dict() for m in self.country_mentions]
        out += [{"kind": "place", "text": p.text, "start": p.start, "end": p.end, "value": p.name} for p in self.places]
        out += [{"kind": "date", "text": d.text, "start": d.start, "end": d.end, "value": d.date.isoformat()} for d in self.dates]
        out += [{"kind": "amount", "text": a.text, "start": a.start, "end": a.end,
                 "value": {"value": a.value, "currency": a.currency}} for a in self.amounts]
        return sorted(out, key=lambda m: (m["start"], m["end"]))

    def to_dict(self) -> dict[str, Any]:
        return {"language": self.language, "countries": list(self.countries),
                "places": [p.to_dict() for p in self.places],
                "dates": [d.to_dict() for d in self.dates],
                "amounts": [a.to_dict() for a in self.amounts],
                "facts": [f.to_dict() for f in self.facts],
                "mentions": self.mentions()}

"""Country profiles: what outside powers have done in one Central Asian state.

Answers "what has China done in Tajikistan since 2020?" from the filtered frame plus
the store (money amounts are not in the frame). Pure data: the page draws it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from .models import CENTRAL_ASIA
from .query import _any_of, sort_for_display
from .store import Store, facts_t
from .trends import actor_counts, type_counts

KEY_FACTS = 12
ROUTE_TYPES = ("LineString", "MultiLineString")


@dataclass(frozen=True)
class Amount:
    """A money amount of a finance fact, with its text exactly as the source gave it."""

    fact_id: str
    title: str
    value: float
    currency: str
    text: str


@dataclass(frozen=True)
class CountryProfile:
    iso3: str
    name: str
    facts: int
    leading: list[tuple[str, int]]  # (actor code, facts), most first
    by_actor: pd.DataFrame  # trends.actor_counts
    by_type: pd.DataFrame  # trends.type_counts
    routes: pd.DataFrame  # id, title, status, status_as_of, geo_precision
    amounts: list[Amount]  # largest first within each currency
    key_facts: pd.DataFrame  # id, title, type, date_start, origin


class UnknownCountry(ValueError):
    """Not one of the five Central Asian states."""


def country_frame(frame: pd.DataFrame, iso3: str) -> pd.DataFrame:
    return frame[_any_of(frame["countries"], (iso3,))] if len(frame) else frame


def leading_actors(frame: pd.DataFrame, n: int = 5) -> list[tuple[str, int]]:
    """Outside powers in most facts of ``frame``, ties by code.

    >>> leading_actors(pd.DataFrame({"actors": ["CHN|RUS", "CHN", "", None]}))
    [('CHN', 2), ('RUS', 1)]
    """
    s = frame["actors"].dropna().astype(str).str.split("|").explode()
    s = s[s.astype(bool)]
    counts = s.value_counts()
    return sorted(((str(k), int(v)) for k, v in counts.items()), key=lambda kv: (-kv[1], kv[0]))[:n]


def largest_amounts(store: Store, fact_ids: list[str], n: int = 5) -> list[Amount]:
    """The ``n`` largest money amounts per currency among finance facts ``fact_ids``."""
    found: list[Amount] = []
    with store.engine.connect() as c:
        for i in range(0, len(fact_ids), 500):
            q = sa.select(facts_t.c.id, facts_t.c.title, facts_t.c.amounts).where(
                facts_t.c.id.in_(fact_ids[i:i + 500]), facts_t.c.type == "finance")
            for fid, title, raw in c.execute(q):
                for a in json.loads(raw or "[]"):
                    try:
                        value = float(a.get("value"))
                    except (TypeError, ValueError):
                        continue
                    found.append(Amount(fid, title, value, str(a.get("currency") or "?"), str(a.get("text") or "")))
    best: dict[tuple[str, str], Amount] = {}
    for a in found:  # one amount per fact and currency: its largest
        k = (a.fact_id, a.currency)
        if k not in best or a.value > best[k].value:
            best[k] = a
    by_currency: dict[str, list[Amount]] = {}
    for a in sorted(best.values(), key=lambda a: (-a.value, a.fact_id)):
        by_currency.setdefault(a.currency, []).append(a)
    order = sorted(by_currency, key=lambda cur: -len(by_currency[cur]))
    return [a for cur in order for a in by_currency[cur][:n]]


def country_profile(store: Store, frame: pd.DataFrame, iso3: str) -> CountryProfile:
    """The profile of ``iso3`` from ``frame`` (already filtered by the user's other filters)."""
    if iso3 not in CENTRAL_ASIA:
        raise UnknownCountry(f"country: {iso3!r} is not one of {', '.join(CENTRAL_ASIA)}")
    df = country_frame(frame, iso3)
    routes = df[df["geom_type"].astype(str).isin(ROUTE_TYPES)]
    key = sort_for_display(df)
    # Curated and dataset facts first, then the most recent.
    key = key.assign(_c=(key["origin"].astype(str) == "extracted").astype(int))
    key = key.sort_values(["_c", "date_start"], ascending=[True, False], na_position="last", kind="stable")
    finance_ids = df.loc[df["type"].astype(str) == "finance", "id"].tolist()
    return CountryProfile(
        iso3=iso3, name=CENTRAL_ASIA[iso3], facts=len(df), leading=leading_actors(df),
        by_actor=actor_counts(df), by_type=type_counts(df),
        routes=routes[["id", "title", "status", "status_as_of", "geo_precision"]].reset_index(drop=True),
        amounts=largest_amounts(store, finance_ids),
        key_facts=key[["id", "title", "type", "date_start", "origin"]].head(KEY_FACTS).reset_index(drop=True),
    )

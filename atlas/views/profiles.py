"""Country profiles: what outside powers have done in one Central Asian state.

Answers "what has China done in Tajikistan since 2020?" from the filtered frame plus
the store (money amounts are not in the frame). Pure data: the page draws it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd

from ..core.labels import usd
from ..sources.datasets.panel import amount_text
from .measures import is_usd
from ..core.models import CENTRAL_ASIA
from .query import _any_of, sort_for_display
from ..db.store import Store
from .trends import actor_counts, type_counts

KEY_FACTS = 12
ROUTE_TYPES = ("LineString", "MultiLineString")


@dataclass(frozen=True)
class Amount:
    """A money amount of a fact, with its text as the source gave it and its currency basis
    (``currency``: ``USD``, ``USD (constant 2021)``, ``CNY``...)."""

    fact_id: str
    title: str
    value: float
    currency: str
    text: str
    origin: str = ""

    @property
    def formatted(self) -> str:
        """
        >>> Amount("a", "t", 457.7e6, "USD (constant 2021)", "").formatted, Amount("b", "t", 2e9, "CNY", "").formatted
        ('$457.7 m', 'CNY 2,000,000,000')
        """
        return usd(self.value) if is_usd(self.currency) else f"{self.currency} {self.value:,.0f}"


@dataclass(frozen=True)
class CountryProfile:
    iso3: str
    name: str
    facts: int
    leading: list[tuple[str, int]]  # (actor code, facts), most first
    by_actor: pd.DataFrame  # trends.actor_counts
    by_type: pd.DataFrame  # trends.type_counts
    routes: pd.DataFrame  # id, title, status, status_as_of, geo_precision
    amounts: list[Amount]  # largest first within each currency basis, USD first
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
    """The ``n`` largest money amounts per currency basis among facts ``fact_ids``.

    A published dataset's record gives its ``amount`` (whatever its fact type: AidData's
    loans for a road are "infrastructure"); other facts give the amounts their evidence
    states when they are finance facts. Linked records (one ``finance_group``) appear
    once, at their largest amount, as the measures count them.
    """
    found: list[tuple[str, Amount]] = []  # (group, amount)
    for fid, title, typ, origin, amount, currency, raw, group, _record in store.money_rows(fact_ids):
        if amount is not None:
            found.append((group or fid, Amount(fid, title, float(amount), currency or "?",
                                               amount_text(float(amount), currency or ""), origin)))
        if typ != "finance":
            continue
        for a in json.loads(raw or "[]"):
            try:
                value = float(a.get("value"))
            except (TypeError, ValueError):
                continue
            found.append((fid, Amount(fid, title, value, str(a.get("currency") or "?"),
                                      str(a.get("text") or ""), origin)))
    best: dict[tuple[str, str], Amount] = {}
    for group, a in found:  # one amount per project and currency: its largest
        k = (group, _basis(a.currency))
        if k not in best or (a.value, best[k].fact_id) > (best[k].value, a.fact_id):
            best[k] = a
    by_currency: dict[str, list[Amount]] = {}
    for a in sorted(best.values(), key=lambda a: (-a.value, a.fact_id)):
        by_currency.setdefault(_basis(a.currency), []).append(a)
    order = sorted(by_currency, key=lambda cur: (cur != "USD", -len(by_currency[cur]), cur))
    return [a for cur in order for a in by_currency[cur][:n]]


def _basis(currency: str) -> str:
    return "USD" if is_usd(currency) else currency


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
    money_ids = df.loc[(df["type"].astype(str) == "finance").to_numpy() | df["amount"].notna().to_numpy(), "id"].tolist()
    return CountryProfile(
        iso3=iso3, name=CENTRAL_ASIA[iso3], facts=len(df), leading=leading_actors(df),
        by_actor=actor_counts(df), by_type=type_counts(df),
        routes=routes[["id", "title", "status", "status_as_of", "geo_precision"]].reset_index(drop=True),
        amounts=largest_amounts(store, money_ids),
        key_facts=key[["id", "title", "type", "date_start", "origin"]].head(KEY_FACTS).reset_index(drop=True),
    )

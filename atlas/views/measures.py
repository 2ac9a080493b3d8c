"""Measures that weigh, not just count: facts, projects and money committed in USD, by part.

One long table of *contributions* (:func:`contributions`: one row per fact, country and
outside power) feeds every figure, so the Countries page, the Compare page, the trends
and the map's shading sum the same rows the same way (:func:`tally`). Every figure keeps
its parts, by the origin of the facts summed: curated, datasets, extracted.

Money (the "Money by power" contract in CONTRACTS.md), never double-counted:

- a fact's money is a USD amount: a dataset record's ``amount`` when its currency is USD
  (AidData: constant 2021 USD; World Bank: nominal USD), otherwise the largest USD amount
  its evidence states (``amounts``) when it is a finance, energy, infrastructure or trade
  fact. Other currencies are not converted and not counted;
- facts that share a ``finance_group`` (AidData's linked records, a project's tranches)
  are one project: only the one with the largest amount carries money (per recipient
  state, as the map's "finance committed" shading counts; overall, the largest once);
- a fact with ``record["shares"]`` (World Bank co-financing) gives each share's amount to
  that share's power; a fact without shares gives its amount to each of its powers. So a
  total over powers counts a project once, while each power sees its own share.

Pure pandas plus one store read (:func:`money_index`); no Streamlit.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass

import pandas as pd

from ..core.labels import usd
from ..core.models import CENTRAL_ASIA
from ..db.store import Store

MEASURES = {"facts": "Facts", "projects": "Projects", "money": "Money committed (USD)"}
PARTS = ("curated", "dataset", "extracted")
PART_LABELS = {"curated": "curated", "dataset": "datasets", "extracted": "extracted"}
PROJECT_TYPES = ("finance", "energy", "infrastructure", "trade")  # facts that can be a project or money
MONEY_TEXT_TYPES = PROJECT_TYPES  # evidence amounts count only in these fact types
CURRENCY_BASIS = ("USD as each source gives it: AidData in constant 2021 USD, World Bank and news articles "
                  "in nominal USD; amounts in other currencies are not converted and not counted.")
CONTRIB_COLUMNS = ["fact_id", "project", "origin", "type", "year", "country", "actor", "money", "project_money"]


class UnknownMeasure(ValueError):
    """Not one of :data:`MEASURES`."""


def check_measure(measure: str) -> str:
    """
    >>> check_measure("money")
    'money'
    >>> check_measure("weight")
    Traceback (most recent call last):
    ...
    atlas.views.measures.UnknownMeasure: measure: 'weight' is not one of facts, projects, money
    """
    if measure not in MEASURES:
        raise UnknownMeasure(f"measure: {measure!r} is not one of {', '.join(MEASURES)}")
    return measure


def is_usd(currency: str | None) -> bool:
    """
    >>> is_usd("USD (constant 2021)"), is_usd("USD"), is_usd("CNY"), is_usd(None)
    (True, True, False, False)
    """
    return (currency or "").split(" ")[0].upper() == "USD"


def _number(v) -> float | None:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) and x >= 0 else None


def fact_money(fact_type: str, amount, currency: str | None, amounts: list, record: dict) -> tuple[float | None, list]:
    """A fact's USD amount and its shares ``[(actor, amount|None), ...]`` (empty: no shares).

    >>> fact_money("energy", 5e6, "USD", [], {})
    (5000000.0, [])
    >>> fact_money("finance", None, "", [{"value": 2e6, "currency": "USD"}, {"value": 9e9, "currency": "CNY"}], {})
    (2000000.0, [])
    >>> fact_money("security", None, "", [{"value": 2e6, "currency": "USD"}], {})
    (None, [])
    >>> fact_money("finance", 10.0, "USD", [], {"shares": [{"actor": "WB", "amount": 6}, {"actor": "ADB", "amount": None}]})
    (10.0, [('WB', 6.0), ('ADB', None)])
    """
    value = _number(amount) if is_usd(currency) else None
    if value is None and fact_type in MONEY_TEXT_TYPES:
        usd_values = [_number(a.get("value")) for a in amounts or () if isinstance(a, dict) and is_usd(a.get("currency"))]
        usd_values = [v for v in usd_values if v is not None]
        value = max(usd_values) if usd_values else None
    shares = []
    for s in (record or {}).get("shares") or ():
        if isinstance(s, dict) and isinstance(s.get("actor"), str) and s["actor"]:
            shares.append((s["actor"], _number(s.get("amount"))))
    return value, shares


def _json(raw, default):
    if not raw:
        return default
    try:
        return json.loads(raw)
    except (TypeError, ValueError):
        return default


def money_index(store: Store) -> pd.DataFrame:
    """Every fact with a USD amount: index ``fact_id``, columns ``usd``, ``shares``.

    Reads only facts that state an amount (dataset ``amount`` or evidence ``amounts``),
    so its size is that of the money facts, not of the store. Cache it by store version.
    """
    rows = []
    for fid, _title, typ, _origin, amount, currency, amounts, _group, record in store.money_rows():
        value, shares = fact_money(typ, amount, currency, _json(amounts, []), _json(record, {}))
        known = [a for _, a in shares if a is not None]
        if value is None and known:
            value = sum(known)  # no total stated: the known shares are the floor
        if value is not None:
            rows.append((fid, value, shares))
    return pd.DataFrame(rows, columns=["fact_id", "usd", "shares"]).set_index("fact_id")


def _share_map(shares) -> dict[str, float] | None:
    """Known share amounts per power (a power's several lines summed); None without shares."""
    if not isinstance(shares, list) or not shares:
        return None
    out: dict[str, float] = {}
    for actor, amount in shares:
        out.setdefault(actor, float("nan"))
        if amount is not None:
            out[actor] = (0.0 if out[actor] != out[actor] else out[actor]) + amount
    return out


def _codes(value) -> list[str]:
    return [c for c in str(value or "").split("|") if c]


def contributions(frame: pd.DataFrame, money: pd.DataFrame | None = None, *, datasets: bool = True) -> pd.DataFrame:
    """One row per fact, Central Asian country and outside power (``actor`` "" for facts without one),
    with the fact's ``year`` and start ``date``.

    ``money`` is the fact's USD attributed to that power (share or whole, NaN when none),
    ``project_money`` the project's whole amount (for totals, once per project); both
    only on the one fact that carries its ``finance_group``'s money. ``datasets=False``
    leaves published datasets' records out.
    """
    df = frame if datasets else frame[(frame["origin"] != "dataset").to_numpy()]
    if not len(df):
        return pd.DataFrame(columns=CONTRIB_COLUMNS + ["date"])
    money = money if money is not None else pd.DataFrame(columns=["usd", "shares"])
    base = pd.DataFrame({
        "fact_id": df["id"].astype(str).to_numpy(), "origin": df["origin"].astype(str).to_numpy(),
        "type": df["type"].astype(str).to_numpy(), "year": df["date_start"].dt.year.to_numpy(),
        "date": df["date_start"].to_numpy(),
        "countries": df["countries"].to_numpy(), "actors": df["actors"].to_numpy(),
        "group": (df["finance_group"].fillna("").astype(str).to_numpy() if "finance_group" in df else ""),
    })
    base["project"] = base["group"].where(base["group"].astype(bool), base["fact_id"])
    base["usd"] = base["fact_id"].map(money["usd"]) if len(money) else float("nan")
    base["shares"] = base["fact_id"].map(money["shares"]) if len(money) else None
    # A project spanning several states (AidData links records across borders) counts in
    # each state at its largest amount there, and once overall (tally takes the largest).
    base["country"] = [[c for c in _codes(cs) if c in CENTRAL_ASIA] or [""] for cs in base["countries"]]
    base = base.explode("country").reset_index(drop=True)
    # One carrier of money per project and state: the largest amount, ties by fact id.
    ranked = base.sort_values(["project", "country", "usd", "fact_id"], ascending=[True, True, False, True],
                              na_position="last")
    carries = pd.Series(False, index=base.index)
    carries[ranked.drop_duplicates(["project", "country"]).index] = True
    base["whole"] = base["usd"].where(carries)
    base["share_of"] = [_share_map(s) if c else None for s, c in zip(base["shares"], carries)]
    base["actor"] = [list(dict.fromkeys(_codes(a) + list(sh or ()))) or [""]
                     for a, sh in zip(base["actors"], base["share_of"])]
    out = base.explode("actor")
    attributed = out["whole"].where(out["actor"].astype(bool))
    shared = out["share_of"].notna()
    if shared.any():
        attributed[shared] = [sh.get(a, float("nan")) for sh, a in zip(out.loc[shared, "share_of"], out.loc[shared, "actor"])]
    out["money"] = attributed.astype(float)
    out["project_money"] = out["whole"].astype(float)
    out = out[CONTRIB_COLUMNS + ["date"]].reset_index(drop=True)
    out["year"] = pd.to_numeric(out["year"], errors="coerce").astype("Int64")
    return out


def tally(contrib: pd.DataFrame, measure: str, by: list[str]) -> pd.DataFrame:
    """``measure`` summed by the columns ``by`` with its parts: columns ``by + PARTS + ["total"]``.

    With ``actor`` in ``by``, money is each power's attribution; without it, each project's
    whole amount once. Facts without a power count in totals, not in any power's row.

    >>> c = pd.DataFrame([("a", "g", "dataset", "finance", 2020, "KAZ", "WB", 6.0, 10.0),
    ...                   ("a", "g", "dataset", "finance", 2020, "KAZ", "ADB", 4.0, 10.0)], columns=CONTRIB_COLUMNS)
    >>> tally(c, "money", ["actor"])[["actor", "total"]].values.tolist()
    [['ADB', 4.0], ['WB', 6.0]]
    >>> float(tally(c, "money", ["country"])["total"].iloc[0])
    10.0
    """
    check_measure(measure)
    df = contrib
    if "actor" in by:
        df = df[df["actor"].astype(bool)]
    if "country" in by:
        df = df[df["country"].astype(bool)]
    keys = by + ["origin"]
    if measure == "facts":
        got = df.drop_duplicates(keys + ["fact_id"]).groupby(keys, observed=True).size()
    elif measure == "projects":
        sub = df[df["type"].isin(PROJECT_TYPES)]
        got = sub.drop_duplicates(keys + ["project"]).groupby(keys, observed=True).size()
    else:
        col = "money" if "actor" in by else "project_money"
        sub = (df[df[col].notna()].sort_values(col, ascending=False, kind="stable")
               .drop_duplicates(by + ["project"]))
        got = sub.groupby(keys, observed=True)[col].sum()
    if not len(got):
        return pd.DataFrame(columns=by + list(PARTS) + ["total"])
    wide = got.unstack("origin", fill_value=0).reindex(columns=list(PARTS), fill_value=0)
    wide.columns.name = None
    wide["total"] = wide[list(PARTS)].sum(axis=1)
    out = wide.reset_index()
    return out.sort_values(by).reset_index(drop=True)


@dataclass(frozen=True)
class Figure:
    """A measure's value with its parts, and how to say it."""

    measure: str
    curated: float = 0.0
    dataset: float = 0.0
    extracted: float = 0.0

    @property
    def total(self) -> float:
        return self.curated + self.dataset + self.extracted

    def value_text(self, value: float | None = None) -> str:
        v = self.total if value is None else value
        if self.measure == "money":
            return usd(v) if v else "$0"
        return f"{int(v):,}"

    def parts_text(self) -> str:
        """
        >>> Figure("money", dataset=457.7e6, extracted=2e6).parts_text()
        'curated $0 · datasets $457.7 m · extracted $2.0 m'
        """
        return " · ".join(f"{PART_LABELS[p]} {self.value_text(getattr(self, p))}" for p in PARTS)

    def text(self) -> str:
        """
        >>> Figure("facts", curated=3, dataset=8, extracted=1).text()
        '12 (curated 3 · datasets 8 · extracted 1)'
        """
        return f"{self.value_text()} ({self.parts_text()})"


def figure(table: pd.DataFrame, measure: str, **where: str) -> Figure:
    """The :class:`Figure` of one row of a :func:`tally` table (zero when absent)."""
    sub = table
    for k, v in where.items():
        sub = sub[sub[k] == v]
    if not len(sub):
        return Figure(measure)
    return Figure(measure, **{p: float(sub[p].sum()) for p in PARTS})


def total(contrib: pd.DataFrame, measure: str) -> Figure:
    """``measure`` over all of ``contrib``: each fact and project once.

    >>> c = pd.DataFrame([("a", "g", "dataset", "finance", 2020, "KAZ", "CHN", 9.0, 9.0),
    ...                   ("a", "g", "dataset", "finance", 2020, "UZB", "CHN", 9.0, 9.0)], columns=CONTRIB_COLUMNS)
    >>> total(c, "money").total, total(c, "facts").total
    (9.0, 1.0)
    """
    t = tally(contrib.assign(scope="all"), measure, ["scope"])
    return figure(t, measure)


def by_power(contrib: pd.DataFrame, measure: str, n: int | None = None) -> list[tuple[str, Figure]]:
    """Outside powers by ``measure``, largest first (ties by code): the "leading powers"."""
    t = tally(contrib, measure, ["actor"])
    ranked = sorted(((str(r.actor), figure(t, measure, actor=r.actor)) for r in t.itertuples()),
                    key=lambda kv: (-kv[1].total, kv[0]))
    ranked = [kv for kv in ranked if kv[1].total > 0]
    return ranked[:n] if n else ranked


def money_by_country(contrib: pd.DataFrame) -> dict[str, float]:
    """USD committed per Central Asian state, each project once (for the map's shading)."""
    t = tally(contrib, "money", ["country"])
    out = {c: 0.0 for c in CENTRAL_ASIA}
    for r in t.itertuples():
        if r.country in out:
            out[r.country] = float(r.total)
    return out


def per_year(contrib: pd.DataFrame, measure: str, powers: list[str] | None = None) -> pd.DataFrame:
    """``measure`` per year and power: columns ``year, actor, curated, dataset, extracted, total``."""
    df = contrib[contrib["year"].notna()]
    if powers:
        df = df[df["actor"].isin(powers)]
    return tally(df, measure, ["year", "actor"])

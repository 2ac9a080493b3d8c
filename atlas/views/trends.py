"""Counts over time: facts per period by outside power (or by fact type), and their charts.

"Is Russia's weight falling?" is answered by :func:`actor_counts` on the filtered
frame: a fact about China *and* Russia counts once for each. Pure pandas + Altair.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from ..core.labels import NO_POWER_COLOR, TYPE_COLORS, actor_label, power_color
from .measures import tally
from ..core.models import FACT_TYPES

OTHER = "Other"
PERIODS = {"year": "Y", "quarter": "Q", "month": "M"}
COUNT_COLUMNS = ["period", "key", "label", "facts"]


def _dated(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.loc[frame["date_start"].notna()]


def _period(s: pd.Series, period: str) -> pd.Series:
    return s.dt.to_period(PERIODS[period]).dt.to_timestamp()


def actor_counts(frame: pd.DataFrame, period: str = "year", top: int = 6) -> pd.DataFrame:
    """Facts per period and outside power: columns ``period, key, label, facts``.

    The ``top`` powers by total count keep their own rows; the rest are summed as
    :data:`OTHER`. Facts without a date or without an actor are not counted.
    """
    df = _dated(frame)
    if df.empty:
        return pd.DataFrame(columns=COUNT_COLUMNS)
    rows = pd.DataFrame({"period": _period(df["date_start"], period),
                         "key": df["actors"].fillna("").astype(str).str.split("|")}).explode("key")
    rows = rows[rows["key"].astype(bool)]
    if rows.empty:
        return pd.DataFrame(columns=COUNT_COLUMNS)
    totals = rows["key"].value_counts()
    keep = set(sorted(totals.index, key=lambda k: (-totals[k], k))[:top])
    rows["key"] = rows["key"].where(rows["key"].isin(keep), OTHER)
    out = rows.groupby(["period", "key"]).size().reset_index(name="facts")
    out["label"] = out["key"].map(lambda k: OTHER if k == OTHER else actor_label(k))
    order = {k: i for i, k in enumerate(sorted(keep, key=lambda k: (-totals[k], k)) + [OTHER])}
    out["_order"] = out["key"].map(order)
    return out.sort_values(["period", "_order"])[COUNT_COLUMNS].reset_index(drop=True)


def measure_counts(contrib: pd.DataFrame, measure: str, period: str = "year", top: int = 6) -> pd.DataFrame:
    """A :mod:`atlas.views.measures` measure per period and power, shaped like :func:`actor_counts`
    (the value in ``facts``), so :func:`counts_chart` draws it. Projects and money count
    each project once per power; the powers beyond ``top`` are summed as :data:`OTHER`."""
    df = contrib[contrib["date"].notna() & contrib["actor"].astype(bool)] if len(contrib) else contrib
    if not len(df):
        return pd.DataFrame(columns=COUNT_COLUMNS)
    df = df.assign(period=_period(pd.to_datetime(df["date"]), period))
    t = tally(df, measure, ["period", "actor"])
    t = t[t["total"] > 0]
    if t.empty:
        return pd.DataFrame(columns=COUNT_COLUMNS)
    totals = t.groupby("actor")["total"].sum()
    keep = sorted(totals.index, key=lambda k: (-totals[k], k))[:top]
    t = t.assign(key=t["actor"].where(t["actor"].isin(keep), OTHER))
    out = t.groupby(["period", "key"], as_index=False)["total"].sum().rename(columns={"total": "facts"})
    out["label"] = out["key"].map(lambda k: OTHER if k == OTHER else actor_label(k))
    order = {k: i for i, k in enumerate(keep + [OTHER])}
    out["_order"] = out["key"].map(order)
    return out.sort_values(["period", "_order"])[COUNT_COLUMNS].reset_index(drop=True)


def type_counts(frame: pd.DataFrame, period: str = "year") -> pd.DataFrame:
    """Facts per period and fact type: columns ``period, key, label, facts``."""
    df = _dated(frame)
    if df.empty:
        return pd.DataFrame(columns=COUNT_COLUMNS)
    out = (pd.DataFrame({"period": _period(df["date_start"], period), "key": df["type"].astype(str)})
           .groupby(["period", "key"]).size().reset_index(name="facts"))
    out["label"] = out["key"]
    return out[COUNT_COLUMNS]


def counts_chart(counts: pd.DataFrame, *, legend_title: str, period: str = "year",
                 colors: dict[str, str] | None = None, height: int = 260, y_title: str = "Facts",
                 y_format: str = ",d") -> alt.Chart:
    """Stacked bars of ``counts`` (from :func:`actor_counts` or :func:`type_counts`)."""
    domain = list(dict.fromkeys(counts["label"])) if len(counts) else []
    if colors:
        domain = [k for k in colors if k in set(domain)] + [k for k in domain if k not in colors]
        scale = alt.Scale(domain=domain, range=[colors.get(k, "#999999") for k in domain])
    else:
        scale = alt.Scale(domain=domain, scheme="tableau10")
    unit = {"year": "year", "quarter": "yearquarter", "month": "yearmonth"}[period]
    return alt.Chart(counts).mark_bar().encode(
        x=alt.X(f"{unit}(period):T", title=period.capitalize()),
        y=alt.Y("sum(facts):Q", title=y_title, stack="zero"),
        color=alt.Color("label:N", title=legend_title, scale=scale,
                        legend=alt.Legend(orient="bottom", columns=4, labelLimit=220)),
        order=alt.Order("facts:Q", sort="descending"),
        tooltip=[alt.Tooltip(f"{unit}(period):T", title=period.capitalize()),
                 alt.Tooltip("label:N", title=legend_title), alt.Tooltip("sum(facts):Q", title=y_title, format=y_format)],
    ).properties(height=height, width="container")


def type_colors() -> dict[str, str]:
    return {t: TYPE_COLORS[t] for t in FACT_TYPES}


def actor_colors(counts: pd.DataFrame) -> dict[str, str]:
    """Label → colour for the powers in ``counts``: the map's colours (:func:`power_color`), grey for Other."""
    keys = [k for k in dict.fromkeys(counts["key"]) if k != OTHER] if len(counts) else []
    out = {actor_label(k): power_color(k) for k in keys}
    out[OTHER] = NO_POWER_COLOR
    return out

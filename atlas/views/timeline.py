"""Timeline charts (Altair, rendered offline by Streamlit's bundled Vega): pure builders.

Lanes are countries (or outside powers); x is time; colour is the fact's first outside
power (:func:`atlas.core.labels.power_color`, as on the map), shape its fact type. Facts with a
``date_end`` are bars from start to end, the others are points: curated filled,
extracted and dataset hollow. A bar shorter than :data:`MIN_BAR_SHARE` of the chart's time span
(a two-day summit across 33 years) would be invisible, so it is drawn as a point.
The legends list only the powers and types shown, and the chart's height leaves room for
all their rows (:func:`legend_height`), so none is cut off. Above :data:`DETAIL_LIMIT` rows the chart shows counts per lane,
time bin and type instead of single facts, so the spec stays small at 100,000 facts.
An x-interval selection named ``window`` lets the page narrow the time filter.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, Mapping

import altair as alt
import pandas as pd

from ..core.labels import NO_POWER_COLOR, actor_label, first_power, power_color
from ..core.models import CENTRAL_ASIA, FACT_TYPES

LANES = {"country": "Country", "actor": "Outside power"}
DETAIL_LIMIT = 3000
SELECTION = "window"
NO_LANE = "(none)"
SHAPE_NOTE = ("Colour: outside power (a fact naming several: the first one). Shape: ● diplomacy, ▲ security, "
              "■ finance, ◆ energy, ⬢ infrastructure, ▼ trade, ✚ sanctions; filled: curated, hollow: extracted "
              "or dataset; bars: facts with an end date.")
POWER_COLUMNS = 2  # outside powers: long names ("Collective Security Treaty Organization") shown whole
POWER_LABEL_PX = 400  # "European Bank for Reconstruction and Development" whole
NO_POWER = "no outside power"
MIN_BAR_SHARE = 0.01  # bars shorter than this share of the whole span are drawn as points


def lane_rows(frame: pd.DataFrame, lanes: str = "country") -> pd.DataFrame:
    """One row per fact and lane (a fact about KAZ and UZB is in both lanes); dated facts only."""
    col = "countries" if lanes == "country" else "actors"
    cols = list(dict.fromkeys(["id", "title", "type", "origin", "date_start", "date_end", "actors", col]))
    df = frame.loc[frame["date_start"].notna(), cols].copy()
    if df.empty:
        return pd.DataFrame(columns=["id", "title", "type", "origin", "start", "end", "power", "lane"])
    df["power"] = [actor_label(p) if p else NO_POWER for p in map(first_power, df["actors"])]
    df["lane"] = df[col].fillna("").astype(str).str.split("|")
    df = df.explode("lane")
    df["lane"] = df["lane"].replace("", NO_LANE).fillna(NO_LANE)
    names = CENTRAL_ASIA if lanes == "country" else {c: actor_label(c) for c in df["lane"].unique() if c != NO_LANE}
    df["lane"] = df["lane"].map(lambda c: names.get(c, c))
    df = df.rename(columns={"date_start": "start", "date_end": "end"})
    df["type"] = df["type"].astype(str)
    df["origin"] = df["origin"].astype(str)
    return df.drop(columns=list(dict.fromkeys(["actors", col]))).reset_index(drop=True)


def _power_colors(frame: pd.DataFrame) -> dict[str, str]:
    """Power label → colour for the powers in ``frame`` (by their code, so the map's colour)."""
    codes = {first_power(a) for a in frame["actors"]} if len(frame) else set()
    out = {actor_label(c): power_color(c) for c in sorted(codes) if c}
    if "" in codes:
        out[NO_POWER] = NO_POWER_COLOR
    return out


def _color(frame: pd.DataFrame, shown: Any) -> alt.Color:
    colors = _power_colors(frame)
    domain = [k for k in colors if k in set(shown)] or list(colors) or [NO_POWER]
    return alt.Color("power:N", title="Outside power (first named)",
                     scale=alt.Scale(domain=domain, range=[colors.get(k, NO_POWER_COLOR) for k in domain]),
                     legend=alt.Legend(orient="bottom", columns=POWER_COLUMNS, labelLimit=POWER_LABEL_PX))


def _shape(shown: Any) -> alt.Shape:
    types = [t for t in FACT_TYPES if t in set(shown)] or list(FACT_TYPES)
    return alt.Shape("type:N", title="Fact type", scale=alt.Scale(domain=types, range=[TYPE_SHAPES[t] for t in types]),
                     # No second legend: beside the powers' it ran out of the chart's width; the
                     # page shows SHAPE_NOTE under the chart instead.
                     legend=None)


# Vega's point shapes closest to the map's (atlas.views.mappoints.SHAPES).
TYPE_SHAPES = {"diplomacy": "circle", "security": "triangle-up", "finance": "square", "energy": "diamond",
               "infrastructure": "M-0.5,-0.87L0.5,-0.87L1,0L0.5,0.87L-0.5,0.87L-1,0Z", "trade": "triangle-down",
               "sanctions": "cross"}


def legend_height(n_powers: int) -> int:
    """Pixels below the lanes for the date axis and the powers' legend, every row of it (Streamlit
    fits the whole chart, legend included, into the height; measured: ~30 px a legend row).

    >>> legend_height(3), legend_height(12)
    (156, 284)
    """
    return 64 + 28 + 32 * -(-max(n_powers, 1) // POWER_COLUMNS)


def short_as_points(rows: pd.DataFrame, share: float = MIN_BAR_SHARE) -> pd.DataFrame:
    """``rows`` with ``bar_end``: the end for bars long enough to see, empty for the rest.

    >>> r = pd.DataFrame({"start": pd.to_datetime(["1992-01-01", "2023-05-18", "2014-09-13"]),
    ...                   "end": pd.to_datetime([None, "2023-05-19", "2025-01-01"])})
    >>> short_as_points(r)["bar_end"].notna().tolist()
    [False, False, True]
    """
    out = rows.copy()
    if out.empty:
        out["bar_end"] = pd.Series(dtype="datetime64[ns]")
        return out
    lo, hi = out["start"].min(), out["end"].fillna(out["start"]).max()
    min_len = max(pd.Timedelta(days=1), (hi - lo) * share)
    out["bar_end"] = out["end"].where((out["end"] - out["start"]) >= min_len)
    return out


def timeline_chart(frame: pd.DataFrame, lanes: str = "country", *, select: bool = True,
                   detail_limit: int = DETAIL_LIMIT, height: int | None = None) -> alt.TopLevelMixin:
    """Facts over time in lanes; with ``select`` an x-interval selection named ``window``."""
    rows = lane_rows(frame, lanes)
    lane_title = LANES.get(lanes, "Lane")
    order = sorted(rows["lane"].unique(), key=lambda s: (s == NO_LANE, s)) if len(rows) else []
    y = alt.Y("lane:N", title=lane_title, sort=order)
    # Streamlit fits the whole chart, legend included, into the height: room for the lanes,
    # the date axis and the legend rows under them.
    h = height or max(120, 38 * max(1, len(order))) + legend_height(rows["power"].nunique() if len(rows) else 1)
    brush = alt.selection_interval(encodings=["x"], name=SELECTION)
    if len(rows) > detail_limit:
        span_days = (rows["start"].max() - rows["start"].min()).days
        unit = "yearmonth" if span_days <= 5 * 366 else "year"
        agg = rows.assign(bin=rows["start"].dt.to_period("M" if unit == "yearmonth" else "Y").dt.to_timestamp())
        agg = agg.groupby(["lane", "bin", "power"], observed=True).size().reset_index(name="facts")
        agg = agg.rename(columns={"bin": "start"})
        base = alt.Chart(agg).mark_circle(opacity=0.7).encode(
            x=alt.X("start:T", title="Date"), y=y, color=_color(frame, agg["power"].unique()),
            size=alt.Size("facts:Q", title="Facts", scale=alt.Scale(range=[15, 400])),
            tooltip=[alt.Tooltip("lane:N", title=lane_title), alt.Tooltip("start:T", title="From"),
                     alt.Tooltip("power:N", title="Outside power"), "facts:Q"],
        )
        chart = base.add_params(brush) if select else base
        return chart.properties(height=h, width="container")
    rows = short_as_points(rows)
    points = rows[rows["bar_end"].isna()]
    bars = rows[rows["bar_end"].notna()]
    tooltip = [alt.Tooltip("title:N", title="Fact"), alt.Tooltip("start:T", title="Start"),
               alt.Tooltip("end:T", title="End"), alt.Tooltip("power:N", title="Outside power"), "type:N", "origin:N"]
    x = alt.X("start:T", title="Date")
    # One data source; the two marks filter it, so the selection sees every fact.
    color = _color(frame, rows["power"].unique())
    base = alt.Chart(rows).encode(x=x, y=y, color=color, tooltip=tooltip)
    point_layer = base.transform_filter("!isValid(datum.bar_end)").mark_point(size=70, filled=False, strokeWidth=2)
    point_layer = point_layer.encode(
        fill=alt.condition("datum.origin == 'curated'", color, alt.value("transparent")),
        shape=_shape(rows["type"].unique()),
    )
    bar_layer = base.transform_filter("isValid(datum.bar_end)").mark_bar(height=8, opacity=0.6, cornerRadius=3).encode(
        x2="bar_end:T")
    if select:
        point_layer = point_layer.add_params(brush)
    layers = [bar_layer, point_layer] if len(bars) else [point_layer]
    if not len(points) and len(bars):
        layers = [bar_layer.add_params(brush) if select else bar_layer]
    return alt.layer(*layers).properties(height=h, width="container")


def _to_date(v: Any) -> date | None:
    if v is None:
        return None
    if isinstance(v, (int, float)):
        return datetime.fromtimestamp(v / 1000, tz=timezone.utc).date()
    if isinstance(v, str):
        try:
            return pd.Timestamp(v).date()
        except ValueError:
            return None
    return None


def window_from_selection(event: Any) -> tuple[date, date] | None:
    """The (since, until) picked by the ``window`` selection of an ``st.altair_chart`` event.

    >>> window_from_selection({"selection": {"window": {"start": [1577836800000, 1609372800000]}}})
    (datetime.date(2020, 1, 1), datetime.date(2020, 12, 31))
    >>> window_from_selection({"selection": {"window": {}}}) is None
    True
    """
    if event is None:
        return None
    sel = event.get("selection") if isinstance(event, Mapping) else getattr(event, "selection", None)
    if not sel:
        return None
    win = sel.get(SELECTION) if isinstance(sel, Mapping) else getattr(sel, SELECTION, None)
    if not win:
        return None
    values = win.get("start") if isinstance(win, Mapping) else None
    if not values or len(values) != 2:
        return None
    a, b = _to_date(values[0]), _to_date(values[1])
    if a is None or b is None:
        return None
    return (a, b) if a <= b else (b, a)

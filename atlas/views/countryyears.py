"""The five states' shading at each year of the map's year slider. Pure.

The slider ("Facts dated up to") and Play run in the browser; for the states to follow them
the map carries, per state and year, the facts it counts (measure "Number of facts") or the
facts of each outside power (measure "Leading outside power"), and ``map_countries.js`` adds
them up to the chosen year, with the same rules as :func:`atlas.views.query.facts_per_country`
and :func:`atlas.views.query.leading_actor` (most facts; a tie goes to the first code in
alphabetical order). Facts without a date leave the count once a year is chosen, as they
leave the map. The finance measure keeps its all-years shading (the key says so).
"""
from __future__ import annotations

import pandas as pd

from ..core.labels import actor_label, power_color
from ..core.markup import esc
from ..core.models import CENTRAL_ASIA

YEAR_MEASURES = ("facts", "leading")


def country_years(frame: pd.DataFrame, measure: str, bins: list[int], palette: tuple[str, ...],
                  no_data: str) -> dict | None:
    """What the browser needs to shade the states for any year (None for other measures).

    >>> df = pd.DataFrame({"countries": ["KAZ", "KAZ|UZB", "UZB"], "actors": ["CHN", "RUS|CHN", "RUS"],
    ...                    "date_start": pd.to_datetime(["2001-05-01", "2003-01-01", None])})
    >>> country_years(df, "facts", [1, 2], ("#a", "#b"), "#n")["counts"]
    {'KAZ': [[2001, 1], [2003, 1]], 'UZB': [[2003, 1]]}
    >>> country_years(df, "leading", [], (), "#n")["counts"]["KAZ"]
    {'CHN': [[2001, 1], [2003, 1]], 'RUS': [[2003, 1]]}
    """
    if measure not in YEAR_MEASURES:
        return None
    years = frame["date_start"].dt.year if len(frame) else pd.Series([], dtype=float)
    sub = pd.DataFrame({"countries": frame["countries"].str.split("|"), "actors": frame["actors"].str.split("|"),
                        "year": years})
    sub = sub[sub["year"].notna()].explode("countries")
    sub = sub[sub["countries"].isin(list(CENTRAL_ASIA))]
    out: dict = {"measure": measure, "no_data": no_data}
    if measure == "facts":
        counts = sub.groupby(["countries", "year"]).size()
        out.update(bins=bins, palette=list(palette), counts=_nest(counts, 1))
        return out
    sub = sub.explode("actors")
    sub = sub[sub["actors"].notna() & sub["actors"].astype(bool)]
    counts = sub.groupby(["countries", "actors", "year"]).size()
    powers = sorted(set(sub["actors"]))
    out.update(counts=_nest(counts, 2), colors={p: power_color(p) for p in powers},
               names={p: esc(actor_label(p)) for p in powers})
    return out


def _nest(counts: pd.Series, depth: int) -> dict:
    """{state: [[year, n], ...]} (depth 1) or {state: {power: [[year, n], ...]}} (depth 2), years ascending."""
    out: dict = {}
    for key, n in sorted(counts.items()):
        *path, year = key
        node = out
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node.setdefault(path[-1], []).append([int(year), int(n)])
    return out

"""Outside powers side by side in Central Asian states: the Compare page's logic (no Streamlit).

Every number is a plain sum over cited facts (:mod:`atlas.views.measures`): no weights, no
index. The influence balance table has one row per state and power; each cell counts or
adds up the facts :func:`facts_behind` lists for it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import altair as alt
import pandas as pd

from ..core.labels import actor_label, power_color
from .measures import CURRENCY_BASIS, PARTS, PART_LABELS, by_power, contributions, figure, tally
from ..core.models import CENTRAL_ASIA

DEFAULT_POWERS = 3
# The balance table's columns: (key, heading). "facts", "projects", "money" are measures;
# the others count facts of one kind.
COLUMNS = {"facts": "Facts", "projects": "Projects", "money": "Money committed (USD)",
           "security": "Security ties", "summits": "Summits", "sanctions": "Sanctions"}
SUMMIT_WORDS = re.compile(r"summit|gipfel|саммит", re.IGNORECASE)
METHOD = (
    "Every cell is a sum over the facts it cites; click it to list them. **Facts**: facts that name the "
    "power and the state. **Projects**: finance, energy, infrastructure and trade facts, linked dataset "
    "records (one `finance_group`) counted once. **Money committed**: USD of those projects, each project "
    "once at its largest amount; a co-financed project gives each financier its own share. "
    "**Security ties**: security facts. **Summits**: diplomacy facts whose title names a summit. "
    "**Sanctions**: sanctions facts that name the power (imposing or targeted). Parts: curated, datasets, "
    "extracted. " + CURRENCY_BASIS + " No weights, no index: compare like with like.")
NO_FACTS = "No facts about {power} in {country} match the filters."
NONE_CHOSEN = "No powers chosen: showing the {n} leading powers by facts here. Choose powers under Actors."
NOTHING = "No facts match the filters in {countries}: nothing to compare. Widen the filters or choose other powers."


def facts_text(n: int) -> str:
    """
    >>> facts_text(1), facts_text(3)
    ('1 fact', '3 facts')
    """
    return f"{n} fact" + ("" if n == 1 else "s")


@dataclass
class Comparison:
    countries: tuple[str, ...]
    powers: tuple[str, ...]
    contrib: pd.DataFrame  # measures.contributions, kinds added
    balance: pd.DataFrame  # country, actor, power, COLUMNS..., facts_parts, projects_parts, money_parts
    notices: list[str] = field(default_factory=list)


def _kinds(frame: pd.DataFrame) -> dict[str, set[str]]:
    typ = frame["type"].astype(str)
    summit = (typ == "diplomacy") & frame["title"].fillna("").astype(str).str.contains(SUMMIT_WORDS)
    return {"security": set(frame.loc[(typ == "security").to_numpy(), "id"]),
            "summits": set(frame.loc[summit.to_numpy(), "id"]),
            "sanctions": set(frame.loc[(typ == "sanctions").to_numpy(), "id"])}


def kind_rows(contrib: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The contribution rows behind one balance column (all rows for the measures)."""
    if kind in ("facts", "projects", "money"):
        return contrib
    return contrib[contrib[f"is_{kind}"].to_numpy(dtype=bool)]


def compare(frame: pd.DataFrame, money: pd.DataFrame | None, countries: tuple[str, ...] = (),
            powers: tuple[str, ...] = (), *, datasets: bool = True, contrib: pd.DataFrame | None = None) -> Comparison:
    """The chosen ``powers`` in the chosen ``countries`` (all five when none) from the filtered ``frame``;
    ``contrib``: its :func:`atlas.views.measures.contributions` when already made (never changed here)."""
    countries = tuple(c for c in countries if c in CENTRAL_ASIA) or tuple(CENTRAL_ASIA)
    contrib = contributions(frame, money, datasets=datasets) if contrib is None else contrib.copy()
    if len(contrib):
        ids = _kinds(frame)
        for k, s in ids.items():
            contrib[f"is_{k}"] = contrib["fact_id"].isin(s)
        contrib = contrib[contrib["country"].isin(countries)]
    notices: list[str] = []
    names = ", ".join(CENTRAL_ASIA[c] for c in countries)
    if not len(contrib) or not contrib["actor"].astype(bool).any():
        notice = (NO_FACTS.format(power=", ".join(actor_label(p) for p in powers), country=names) if powers
                  else NOTHING.format(countries=names))
        return Comparison(countries, tuple(powers), contrib, pd.DataFrame(), [notice])
    if not powers:
        powers = tuple(a for a, _ in by_power(contrib, "facts", DEFAULT_POWERS))
        notices.append(NONE_CHOSEN.format(n=len(powers)))
    contrib = contrib[contrib["actor"].isin(powers)]
    rows = []
    for country in countries:
        here = contrib[contrib["country"] == country]
        for power in powers:
            mine = here[here["actor"] == power]
            if not len(mine):
                notices.append(NO_FACTS.format(power=actor_label(power), country=CENTRAL_ASIA[country]))
            row = {"country": country, "actor": power, "power": actor_label(power)}
            for key in COLUMNS:
                measure = key if key in ("facts", "projects", "money") else "facts"
                f = figure(tally(kind_rows(mine, key), measure, ["actor"]), measure)
                row[key] = f.total
                if key in ("facts", "projects", "money"):
                    row[f"{key}_parts"] = f.parts_text()
            rows.append(row)
    return Comparison(countries, tuple(powers), contrib, pd.DataFrame(rows), notices)


def facts_behind(comp: Comparison, frame: pd.DataFrame, country: str, power: str, kind: str = "facts",
                 year: int | None = None) -> pd.DataFrame:
    """The facts one balance cell (or one bar) sums: ``id, title, date_start, type, origin, usd``.

    ``usd`` is the money the fact gives this power (its share, or the whole; empty when it
    carries none, e.g. a linked record whose group's money another record carries).
    """
    c = comp.contrib
    rows = kind_rows(c[(c["country"] == country) & (c["actor"] == power)], kind)
    if kind == "projects":
        rows = rows[rows["type"].isin(("finance", "energy", "infrastructure", "trade"))]
    if kind == "money":
        rows = rows[rows["money"].notna()]
    if year is not None:
        rows = rows[rows["year"] == year]
    usd = rows.groupby("fact_id")["money"].max()
    out = frame[frame["id"].isin(set(rows["fact_id"]))][["id", "title", "date_start", "type", "origin"]]
    out = out.assign(usd=out["id"].map(usd))
    return out.sort_values(["usd", "date_start", "id"], ascending=[False, False, True],
                           na_position="last").reset_index(drop=True)


def money_by_year(comp: Comparison, country: str) -> pd.DataFrame:
    """USD each chosen power committed per year in ``country``: ``year, actor, power, usd, usd_m`` (millions)."""
    c = comp.contrib
    t = tally(c[(c["country"] == country) & c["year"].notna()], "money", ["year", "actor"])
    if not len(t):
        return pd.DataFrame(columns=["year", "actor", "power", "usd", "usd_m"])
    return pd.DataFrame({"year": t["year"].astype(int), "actor": t["actor"], "power": t["actor"].map(actor_label),
                         "usd": t["total"].astype(float), "usd_m": t["total"].astype(float) / 1e6})


def facts_by_type(comp: Comparison, country: str) -> pd.DataFrame:
    """Facts per fact type and chosen power in ``country``: ``type, actor, power, facts``."""
    c = comp.contrib
    t = tally(c[c["country"] == country], "facts", ["type", "actor"])
    if not len(t):
        return pd.DataFrame(columns=["type", "actor", "power", "facts"])
    return pd.DataFrame({"type": t["type"], "actor": t["actor"], "power": t["actor"].map(actor_label),
                         "facts": t["total"].astype(int)})


def _scale(powers: tuple[str, ...]) -> alt.Scale:
    order = list(powers)
    return alt.Scale(domain=[actor_label(p) for p in order], range=[power_color(p) for p in order])


def side_by_side_chart(data: pd.DataFrame, *, x: str, y: str, y_title: str, powers: tuple[str, ...],
                       x_type: str = "O", fmt: str = ",.0f") -> alt.Chart:
    """Bars of the powers side by side per ``x``; a click selects ``x`` and the power."""
    pick = alt.selection_point(name="pick", fields=[x, "actor"])
    return alt.Chart(data).mark_bar().encode(
        x=alt.X(f"{x}:{x_type}", title=None, axis=alt.Axis(labelAngle=-40)),
        xOffset=alt.XOffset("power:N"),
        y=alt.Y(f"{y}:Q", title=y_title),
        color=alt.Color("power:N", title="Outside power", scale=_scale(powers), legend=alt.Legend(orient="top")),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)),
        tooltip=[alt.Tooltip(f"{x}:{x_type}", title=x.capitalize()), alt.Tooltip("power:N", title="Power"),
                 alt.Tooltip(f"{y}:Q", title=y_title, format=fmt)],
    ).add_params(pick).properties(height=320, width="container")


def part_names() -> str:
    return " / ".join(PART_LABELS[p] for p in PARTS)

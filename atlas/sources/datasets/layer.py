"""The map layer of dataset records and the "finance committed (USD)" country measure.

Pure functions of the (filtered) fact frame. Markers are sized by amount on a log
scale and coloured by sector or by status; a record without an amount gets the
smallest, hollow marker. Country totals count each group of linked records
(tranches, co-financing, reschedulings: ``finance_group``) once, at its largest
amount, so they never double count; that makes them a floor, not a sum.
"""
from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd

from ...core.labels import first_power, power_color, short_date, usd
from ...core.markup import esc
from ...core.models import CENTRAL_ASIA
from . import DATASETS

LAYER_NAME = "Published datasets (AidData, World Bank, OFAC)"
COLOR_BY = {"power": "Outside power", "sector": "Sector", "status": "Status"}
MEASURE_FINANCE = "finance"
MEASURE_FINANCE_LABEL = "Finance committed (USD)"

SECTOR_COLORS = {
    "ENERGY": "#ff7f0e", "TRANSPORT AND STORAGE": "#2ca02c", "INDUSTRY, MINING, CONSTRUCTION": "#8c564b",
    "COMMUNICATIONS": "#17becf", "WATER SUPPLY AND SANITATION": "#1f77b4", "EDUCATION": "#9467bd",
    "HEALTH": "#e377c2", "GOVERNMENT AND CIVIL SOCIETY": "#7f7f7f", "EMERGENCY RESPONSE": "#d62728",
}
OTHER_SECTOR_COLOR = "#bcbd22"
STATUS_COLORS = {"completed": "#2e7d32", "operating": "#2e7d32", "construction": "#f9a825", "committed": "#1565c0",
                 "proposed": "#90caf9", "suspended": "#9e9e9e", "cancelled": "#616161"}
# Capped so that a big loan's marker never buries a curated or extracted fact beside it.
MIN_RADIUS, MAX_RADIUS = 4.0, 11.0


def radius(amount: float | None, lo: float = 1e5, hi: float = 1e10) -> float:
    """Marker radius in pixels, log scale of the amount between ``lo`` and ``hi`` USD.

    >>> radius(None), radius(1e5), radius(1e10), round(radius(1e7 + 0.0), 1), radius(1e13)
    (4.0, 4.0, 11.0, 6.8, 11.0)
    """
    if amount is None or not amount > 0 or math.isnan(amount):
        return MIN_RADIUS
    t = (math.log10(amount) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
    return round(MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * min(1.0, max(0.0, t)), 2)


def color(value: str, by: str) -> str:
    if by == "power":
        return power_color(value)
    if by == "status":
        return STATUS_COLORS.get(value, "#444444")
    return SECTOR_COLORS.get(value, OTHER_SECTOR_COLOR)


def features(frame: pd.DataFrame, by: str = "power") -> list[dict]:
    """One point feature per located, not withdrawn dataset record in ``frame``.

    ``power`` is the record's first financier (its colour with ``by="power"``), ``shape`` its
    fact type (the marker's shape), ``year`` the commitment year (the map's year slider)."""
    if by not in COLOR_BY:
        raise ValueError(f"colour by one of {', '.join(COLOR_BY)}, not {by!r}")
    df = records(frame)
    if not len(df):
        return []
    df = df[df["lon"].notna() & df["lat"].notna() & ~df["id"].isin(drawn_as_curated(frame)).to_numpy()]
    out = []
    for fid, title, sector, status, amount, ds, prec, lon, lat, gp, gt, geom, actors, ftype in zip(
            df["id"], df["title"], df["sector"], df["status"], df["amount"], df["date_start"],
            df["date_precision"], df["lon"], df["lat"], df["geo_precision"], df["geom_type"], df["geometry"],
            df["actors"], df["type"]):
        sector = sector if isinstance(sector, str) else ""
        status = status if isinstance(status, str) else ""
        amount = None if pd.isna(amount) else float(amount)
        power = first_power(actors)
        key = power if by == "power" else sector if by == "sector" else status
        out.append({"type": "Feature", "geometry": _geometry(gt, geom, lon, lat),
                    "properties": {"id": fid, "title": esc(title), "type": esc(sector.lower()), "origin": "dataset",
                                   "date": short_date(ds, prec), "status": esc(status), "amount": esc(usd(amount)),
                                   "precision": esc(gp if isinstance(gp, str) else ""),
                                   "r": radius(amount), "c": color(key, by), "power": esc(power),
                                   "shape": esc(ftype if isinstance(ftype, str) else ""),
                                   "year": None if pd.isna(ds) else int(ds.year), "hollow": amount is None,
                                   **({"more": 1} if isinstance(actors, str) and "|" in actors else {})}})
    return out


def _geometry(kind, raw, lon, lat) -> dict:
    """A point, or every site of a MultiPoint record (Leaflet draws each with the layer's marker)."""
    if kind == "MultiPoint" and isinstance(raw, str):
        pts = json.loads(raw)["coordinates"]
        return {"type": "MultiPoint", "coordinates": [[round(float(x), 4), round(float(y), 4)] for x, y in pts]}
    return {"type": "Point", "coordinates": [round(float(lon), 4), round(float(lat), 4)]}


def drawn_as_curated(frame: pd.DataFrame) -> set[str]:
    """Record fact ids a curated fact in ``frame`` already draws (the mapping's ``curated_links``):
    the curated fact stands for the project, and its panel names the records, so none is drawn twice."""
    shown = set(frame.loc[(frame["origin"] == "curated").to_numpy(), "id"]) if len(frame) else set()
    return {m.fact_id(r) for m in DATASETS.values() for cid, recs in getattr(m, "curated_links", {}).items()
            if cid in shown for r in recs}


def records(frame: pd.DataFrame) -> pd.DataFrame:
    if not len(frame) or "dataset" not in frame.columns:
        return frame.iloc[0:0]
    keep = (frame["origin"] == "dataset").to_numpy() & ~frame["withdrawn"].to_numpy(dtype=bool)
    return frame[keep]


def finance_by_country(frame: pd.DataFrame) -> dict[str, float]:
    """USD committed per recipient, each linked group counted once at its largest amount.

    >>> df = pd.DataFrame({"origin": ["dataset"] * 3, "withdrawn": [False] * 3, "countries": ["KAZ", "KAZ", "UZB"],
    ...                    "amount": [10.0, 30.0, 5.0], "finance_group": ["g1", "g1", "g2"], "dataset": ["aiddata"] * 3})
    >>> finance_by_country(df)
    {'KAZ': 30.0, 'KGZ': 0.0, 'TJK': 0.0, 'TKM': 0.0, 'UZB': 5.0}
    """
    df = records(frame)
    out = {c: 0.0 for c in CENTRAL_ASIA}
    if not len(df):
        return out
    sub = pd.DataFrame({"country": df["countries"].astype(str), "group": df["finance_group"].astype(str),
                        "amount": df["amount"].astype(float)}).dropna(subset=["amount"])
    top = sub.groupby(["country", "group"], observed=True)["amount"].max().groupby(level=0).sum()
    for c, v in top.items():
        if c in out:
            out[c] = float(v)
    return out


def finance_bins(values: dict[str, float]) -> list[float]:
    """Lower edges of up to five log-spaced classes for the country shading.

    >>> finance_bins({"KAZ": 1e10, "UZB": 1e8})
    [100000000.0, 316227766.0, 1000000000.0, 3162277660.0, 10000000000.0]
    """
    pos = [v for v in values.values() if v > 0]
    if not pos:
        return []
    lo, hi = math.log10(min(pos)), math.log10(max(pos))
    if hi - lo < 1e-9:
        return [min(pos)]
    return [float(round(10 ** x)) for x in np.linspace(lo, hi, 5)]


def legend_html(by: str = "power", frame: pd.DataFrame | None = None) -> str:
    """The layer's legend, folded (``<details>``) so it never covers the map's markers.
    By power, the map's power key already names the colours: only size and hollow here."""
    if by == "power":
        return ("<details style='margin-top:4px'><summary style='cursor:pointer;font-weight:600'>AidData: colour = "
                "outside power, size = amount</summary><div style='font-size:0.85em'>size: amount (log scale, "
                f"capped at {int(MAX_RADIUS * 2)} px); hollow: no amount; drawn under curated and extracted facts"
                "</div></details>")
    items = (sorted(set(records(frame)["sector"].dropna().astype(str))) if frame is not None and by == "sector"
             else list(SECTOR_COLORS) if by == "sector" else list(STATUS_COLORS))
    rows = "".join(f'<div><span style="display:inline-block;width:10px;height:10px;border-radius:5px;'
                   f'background:{color(v, by)};margin-right:4px"></span>{esc(v.lower() if by == "sector" else v)}</div>'
                   for v in items)
    return (f'<details style="margin-top:4px"><summary style="cursor:pointer;font-weight:600">Datasets: colour = '
            f'{esc(COLOR_BY[by].lower())}, size = amount</summary>{rows}'
            f"<div style='font-size:0.85em'>size: amount (log scale); hollow: no amount</div></details>")


FINANCE_COLORS = ("#fee8c8", "#fdbb84", "#fc8d59", "#e34a33", "#b30000")


def finance_shading(frame: pd.DataFrame, no_data: str = "#e8e8e8") -> tuple[dict[str, tuple[str, str]], list[tuple[str, str]]]:
    """Country fill colour and tooltip for "finance committed (USD)", and the legend's items.

    >>> df = pd.DataFrame({"origin": ["dataset"] * 2, "withdrawn": [False] * 2, "countries": ["KAZ", "UZB"],
    ...                    "amount": [1e10, 1e8], "finance_group": ["a", "b"], "dataset": ["aiddata"] * 2})
    >>> shade, legend = finance_shading(df)
    >>> shade["KAZ"], shade["TKM"][1]
    (('#b30000', '$10.00 bn committed (linked records counted once) — click to filter'), 'no finance records in the filtered facts')
    """
    totals = finance_by_country(frame)
    bins = finance_bins(totals)
    colors = FINANCE_COLORS[len(FINANCE_COLORS) - len(bins):]
    shade = {}
    for iso, v in totals.items():
        if v <= 0:
            shade[iso] = (no_data, "no finance records in the filtered facts")
            continue
        idx = max(i for i, b in enumerate(bins) if v >= b * (1 - 1e-9))
        shade[iso] = (colors[idx], f"{usd(v)} committed (linked records counted once) — click to filter")
    legend = [(c, f"from {usd(b)}") for c, b in zip(colors, bins)]
    return shade, legend

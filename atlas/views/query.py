"""Filters and the fact frame: what every view (map, timeline, table, export) shows.

The frame is one row per fact with flat columns, so filtering 100,000 facts is a
few vectorised comparisons. Filters round-trip through URL query parameters.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..core.fields import is_actor, is_country, parse_date
from ..core.models import BLOCS, CENTRAL_ASIA, FACT_TYPES, ORIGINS, REVIEW_CHOICES, STATUSES
from ..db.store import Store

FRAME_COLUMNS = [
    "id", "type", "title", "date_start", "date_end", "date_precision", "countries", "actors",
    "lon", "lat", "geom_type", "geometry", "geo_precision", "status", "status_as_of", "origin", "review",
    "confidence", "article_id",
    "dataset", "dataset_record", "amount", "sector", "finance_group", "withdrawn",  # origin "dataset"
]
# The one choice a user makes about automatically extracted facts. Curated and dataset
# facts always show; each level adds extracted facts of more review states.
TRUST_LEVELS = {
    "curated": ("Curated and datasets only", ()),
    "accepted": ("+ extracted facts a reviewer accepted", ("accepted",)),
    "all": ("+ all extracted facts, unreviewed too", ("accepted", "pending")),
}
DEFAULT_TRUST = "accepted"


def trust_level(reviews: tuple[str, ...]) -> str:
    """The trust level whose review states are ``reviews`` (order ignored).

    >>> trust_level(()), trust_level(("pending", "accepted")), trust_level(("accepted",))
    ('curated', 'all', 'accepted')
    >>> trust_level(("pending",))
    'all'
    """
    for level, (_, states) in TRUST_LEVELS.items():
        if set(states) == set(reviews):
            return level
    return "all"  # pending without accepted: the nearest level that shows all of them


class QueryWarning(str):
    """A warning about one query-parameter value: the text, plus the value apart (``before``
    + repr(value) + ``after``), so a page can show the value as code, never as markup.

    >>> w = QueryWarning("minconf: ", "high", " is not a number"); w, w.value
    ("minconf: 'high' is not a number", 'high')
    """

    value: str
    before: str
    after: str

    def __new__(cls, before: str, value: str, after: str) -> "QueryWarning":
        self = super().__new__(cls, f"{before}{value!r}{after}")
        self.before, self.value, self.after = before, value, after
        return self


@dataclass(frozen=True)
class Filters:
    """The shared view filters. Empty tuples mean "all"."""

    countries: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    origins: tuple[str, ...] = ()
    reviews: tuple[str, ...] = ("accepted",)  # which extracted facts; curated always pass
    min_confidence: float = 0.0
    # published-dataset records (origin "dataset"); other facts pass these untouched
    sectors: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    min_amount: float | None = None
    max_amount: float | None = None
    withdrawn: bool = False  # show records withdrawn from a newer release (exports do)

    # URL names: ?country=KAZ&country=UZB&type=energy&since=2020-01-01 ...
    _PARAMS = {"countries": "country", "actors": "actor", "types": "type", "origins": "origin",
               "reviews": "review", "since": "since", "until": "until", "min_confidence": "minconf",
               "sectors": "sector", "statuses": "status", "min_amount": "minamount", "max_amount": "maxamount",
               "withdrawn": "withdrawn"}

    def to_query(self) -> dict[str, list[str]]:
        """Only what differs from the defaults, so plain links stay short.

        >>> Filters(countries=("KAZ",), types=("sanctions",)).to_query()
        {'country': ['KAZ'], 'type': ['sanctions']}
        """
        out: dict[str, list[str]] = {}
        default = Filters()
        for f in fields(self):
            if f.name.startswith("_"):
                continue
            value = getattr(self, f.name)
            if value == getattr(default, f.name):
                continue
            key = self._PARAMS[f.name]
            if f.name == "reviews":
                out[key] = list(value) if value else ["none"]  # "none": curated and datasets only
            elif isinstance(value, tuple):
                out[key] = list(value) if value else ["all"]
            elif isinstance(value, date):
                out[key] = [value.isoformat()]
            elif isinstance(value, bool):
                out[key] = ["1" if value else "0"]
            else:
                out[key] = [f"{value:g}"]
        return out

    @classmethod
    def from_query(cls, params: Mapping[str, Any]) -> tuple["Filters", list[str]]:
        """Filters from query parameters, plus a warning for each value ignored.

        >>> Filters.from_query({"country": ["KAZ", "XXX"], "type": "energy"})
        (Filters(countries=('KAZ',), actors=(), types=('energy',), since=None, until=None, origins=(), reviews=('accepted',), min_confidence=0.0, sectors=(), statuses=(), min_amount=None, max_amount=None, withdrawn=False), ["country: 'XXX' is not one of KAZ, KGZ, TJK, TKM, UZB"])
        """
        warnings: list[QueryWarning] = []

        def many(key: str, allowed: Any) -> tuple[str, ...] | None:
            raw = params.get(key)
            if raw is None:
                return None
            values = [raw] if isinstance(raw, str) else list(raw)
            if key == "review" and values in (["none"], ["all"]):
                return () if values == ["none"] else REVIEW_CHOICES
            if values == ["all"]:
                return ()
            ok = []
            for v in values:
                v = v.strip()
                vv = v.upper() if key in ("country", "actor") and v.upper() != "EU" else v
                if key == "actor" and v.upper() in BLOCS:
                    vv = v.upper()
                if allowed(vv):
                    ok.append(vv) if vv not in ok else None
                else:
                    warnings.append(QueryWarning(f"{key}: ", v, f" is not one of {', '.join(_allowed_names(key))}"))
            return tuple(ok)

        def one_date(key: str) -> date | None:
            raw = params.get(key)
            if raw is None:
                return None
            raw = raw if isinstance(raw, str) else (list(raw) or [""])[0]
            try:
                return parse_date(raw)
            except ValueError:
                warnings.append(QueryWarning(f"{key}: ", raw, " is not a date (YYYY-MM-DD)"))
                return None

        kw: dict[str, Any] = {}
        for name, key, allowed in (
            ("countries", "country", is_country),
            ("actors", "actor", is_actor),
            ("types", "type", lambda v: v in FACT_TYPES),
            ("origins", "origin", lambda v: v in ORIGINS),
            ("reviews", "review", lambda v: v in REVIEW_CHOICES),
            ("statuses", "status", lambda v: v in STATUSES),
            ("sectors", "sector", lambda v: 0 < len(v) <= 80),
        ):
            got = many(key, allowed)
            if got is not None:
                kw[name] = got
        for name in ("since", "until"):
            d = one_date(name)
            if d:
                kw[name] = d
        raw = params.get("minconf")
        if raw is not None:
            raw = raw if isinstance(raw, str) else list(raw)[0]
            try:
                kw["min_confidence"] = min(1.0, max(0.0, float(raw)))
            except ValueError:
                warnings.append(QueryWarning("minconf: ", raw, " is not a number between 0 and 1"))
        for name, key in (("min_amount", "minamount"), ("max_amount", "maxamount")):
            raw = params.get(key)
            if raw is not None:
                raw = raw if isinstance(raw, str) else list(raw)[0]
                try:
                    kw[name] = float(raw)
                    if not 0 <= kw[name] < float("inf"):
                        raise ValueError
                except ValueError:
                    kw.pop(name, None)
                    warnings.append(QueryWarning(f"{key}: ", raw, " is not an amount in USD (a number, 0 or more)"))
        raw = params.get("withdrawn")
        if raw is not None:
            kw["withdrawn"] = (raw if isinstance(raw, str) else list(raw)[0]) in ("1", "true", "yes")
        return cls(**kw), warnings

    def with_(self, **changes: Any) -> "Filters":
        return replace(self, **changes)


def _allowed_names(key: str) -> list[str]:
    return {
        "country": list(CENTRAL_ASIA), "type": list(FACT_TYPES), "origin": list(ORIGINS),
        "review": list(REVIEW_CHOICES), "actor": ["ISO3 codes"] + list(BLOCS),
        "status": list(STATUSES), "sector": ["a dataset's sector name"],
    }[key]


def load_frame(store: Store) -> pd.DataFrame:
    """All facts as a flat frame (no evidence bodies; fetch those per fact)."""
    cols, rows = store.fact_rows(FRAME_COLUMNS)
    return frame_from_rows(cols, rows)


def load_frame_snapshotted(store: Store) -> pd.DataFrame:
    """:func:`load_frame`, kept as an Arrow file beside a SQLite store between processes.

    A cold server's first visitor then reads 100,000 facts in a few hundredths of a
    second instead of most of one. The file is named by the store's version, which
    every write bumps, so a stale frame is never read; the version is read *before*
    the rows, so a file can only ever be older than its name says, never newer.
    """
    path = store.snapshot_base()
    if path is None:
        return load_frame(store)
    version = store.version()
    snap = path.with_name(f"{path.name}.frame-v{version}.arrow")
    if snap.exists():
        try:
            return pd.read_feather(snap)
        except (OSError, ValueError):
            pass  # unreadable (cut short by a crash?): rebuild below
    df = load_frame(store)
    tmp = snap.with_name(snap.name + f".tmp{os.getpid()}")
    try:
        df.reset_index(drop=True).to_feather(tmp)
        os.replace(tmp, snap)  # atomic: readers see the whole file or none
        for old in path.parent.glob(f"{path.name}.frame-v*.arrow"):
            if old != snap:
                old.unlink(missing_ok=True)
    except OSError:  # a read-only folder or volume: serve the frame from memory, no snapshot
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass  # on a read-only volume even removing a file that is not there fails (EROFS)
    return df


def frame_from_rows(cols: list[str], rows: list[tuple]) -> pd.DataFrame:
    df = pd.DataFrame.from_records(rows, columns=cols)
    for c in ("date_start", "date_end"):
        df[c] = pd.to_datetime(df[c], format="%Y-%m-%d", errors="coerce")
    # "KAZ|UZB" strings: membership tests stay vectorised (str.contains on a regex).
    for c in ("countries", "actors"):
        df[c] = df[c].str.replace(r'[\[\]" ]', "", regex=True).str.replace(",", "|", regex=False)
    df["confidence"] = df["confidence"].astype(float)
    for c in ("type", "origin", "review", "geom_type", "status", "geo_precision", "date_precision"):
        df[c] = df[c].astype("category")
    df["amount"] = df["amount"].astype(float)
    df["withdrawn"] = df["withdrawn"].fillna(False).astype(bool)
    for c in ("dataset", "sector"):
        df[c] = df[c].astype("category")
    return df


def _any_of(col: pd.Series, codes: tuple[str, ...]) -> np.ndarray:
    pattern = "|".join(f"(?:^|\\|){c}(?:\\||$)" for c in codes)
    return col.str.contains(pattern, regex=True).to_numpy()


def filter_mask(df: pd.DataFrame, f: Filters) -> np.ndarray:
    mask = np.ones(len(df), dtype=bool)
    if len(df) == 0:
        return mask
    extracted = (df["origin"] == "extracted").to_numpy()
    review_ok = df["review"].isin(f.reviews).to_numpy() if f.reviews else np.zeros(len(df), dtype=bool)
    review_ok = review_ok & (df["review"] != "rejected").to_numpy()
    mask &= ~extracted | review_ok
    if f.min_confidence > 0:
        mask &= ~extracted | (df["confidence"].fillna(0).to_numpy() >= f.min_confidence)
    if f.countries:
        mask &= _any_of(df["countries"], f.countries)
    if f.actors:
        mask &= _any_of(df["actors"], f.actors)
    if f.types:
        mask &= df["type"].isin(f.types).to_numpy()
    if f.origins:
        mask &= df["origin"].isin(f.origins).to_numpy()
    mask &= dataset_mask(df, f)
    if f.since or f.until:
        start = df["date_start"]
        end = df["date_end"].fillna(start)
        dated = start.notna().to_numpy()
        mask &= dated
        if f.since:
            mask &= (end >= pd.Timestamp(f.since)).to_numpy()
        if f.until:
            mask &= (start <= pd.Timestamp(f.until)).to_numpy()
    return mask


def _hidden_statuses() -> dict[str, tuple[str, ...]]:
    from ..sources.datasets import DATASETS  # atlas.sources.datasets pulls geopandas; every CLI command imports query

    return {k: m.hidden_statuses for k, m in DATASETS.items() if m.hidden_statuses}


def dataset_mask(df: pd.DataFrame, f: Filters) -> np.ndarray:
    """Sector, status, amount range and withdrawal: they narrow dataset records only."""
    dataset = (df["origin"] == "dataset").to_numpy()
    ok = np.ones(len(df), dtype=bool)
    if not f.withdrawn:
        ok &= ~df["withdrawn"].to_numpy(dtype=bool)
    if f.sectors:
        ok &= df["sector"].isin(f.sectors).to_numpy()
    if f.statuses:
        ok &= df["status"].isin(f.statuses).to_numpy()
    else:  # statuses a dataset keeps but hides until asked for (World Bank: Dropped, Pipeline)
        for key, hidden in _hidden_statuses().items():
            ok &= ~((df["dataset"] == key).to_numpy() & df["status"].isin(hidden).to_numpy())
    amount = df["amount"].to_numpy(dtype=float)
    if f.min_amount is not None:
        ok &= amount >= f.min_amount  # a record without an amount fails any amount bound
    if f.max_amount is not None:
        ok &= amount <= f.max_amount
    return ~dataset | ok


def apply_filters(df: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """Facts that pass ``f``: curated ones plus extracted ones of the chosen review states."""
    return df[filter_mask(df, f)]


def actor_options(df: pd.DataFrame) -> list[str]:
    """Actors present in the data, most frequent first."""
    if df.empty:
        return []
    s = df["actors"].str.split("|").explode()
    s = s[s.astype(bool) & s.notna()]
    return s.value_counts().index.tolist()


def date_bounds(df: pd.DataFrame) -> tuple[date, date] | None:
    s = df["date_start"].dropna()
    if s.empty:
        return None
    end = df["date_end"].fillna(df["date_start"]).dropna()
    return s.min().date(), max(s.max(), end.max()).date()


def leading_actor(df: pd.DataFrame) -> dict[str, tuple[str, int]]:
    """For each Central Asian state, the outside power in most filtered facts."""
    if df.empty:
        return {}
    sub = df[["countries", "actors"]].copy()
    sub["countries"] = sub["countries"].str.split("|")
    sub["actors"] = sub["actors"].str.split("|")
    sub = sub.explode("countries").explode("actors")
    sub = sub[sub["actors"].astype(bool) & sub["actors"].notna() & sub["countries"].isin(list(CENTRAL_ASIA))]
    if sub.empty:
        return {}
    counts = sub.groupby(["countries", "actors"]).size().reset_index(name="n")
    counts = counts.sort_values(["countries", "n", "actors"], ascending=[True, False, True])
    top = counts.drop_duplicates("countries")
    return {r.countries: (r.actors, int(r.n)) for r in top.itertuples()}


def facts_per_country(df: pd.DataFrame) -> dict[str, int]:
    return {c: int(_any_of(df["countries"], (c,)).sum()) if len(df) else 0 for c in CENTRAL_ASIA}


def sort_for_display(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(["date_start", "id"], na_position="last", kind="stable")


def select_facts(store: Store, f: Filters, frame: pd.DataFrame | None = None) -> list:
    """The full :class:`Fact` objects that pass ``f``, in display order."""
    df = load_frame(store) if frame is None else frame
    return store.facts_by_ids(sort_for_display(apply_filters(df, f))["id"].tolist())

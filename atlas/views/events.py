"""Events: facts from several sources that describe one happening, drawn once.

Two facts are the same event when **all** of these hold (:func:`same_event` says which
failed, :func:`explain` says why they matched):

- the same fact type;
- both dated, and their date ranges overlap (a day-precise date counts ±1 day, for time
  zones and "yesterday"; a month-precise date covers its month; year-precise facts are too
  vague to merge);
- the same outside actors (as sets), and one fact's Central Asian countries contain the other's;
- the same place: two precise locations (site, city, route) within :data:`NEAR_KM`; a
  country-level or area-level location fits any place in those countries;
- neither is rejected, neither was split off by a reviewer, and no event holds two curated
  facts (curated records are distinct by hand); published-dataset records (tranches,
  linked loans) never merge: the dataset keeps them apart by its own ids.

Matching facts are joined transitively (union-find), visiting facts in (date, id) order,
so the result is deterministic. Each event's *lead* — the fact the map draws — is its
curated fact if it has one (a curated fact absorbs its extracted twins), else an accepted
one, else the most confident, ties by id.

Merges are computed, not stored: facts keep changing (new articles, re-extraction, review,
curated reloads) and a stored event id would go stale with each change, while a rule
recomputed from the facts stays right and can always say why. What a rule cannot know is a
reviewer's "these are different": only those splits are stored (table ``event_splits``),
each with an audit entry, and a split fact stands alone from then on. It stays cheap at
100k facts because only facts sharing a type, an actor set and a week are compared.
"""
from __future__ import annotations

import getpass
import json
import math
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from ..core.geometry import representative_point
from ..core.markup import esc
from ..core.models import Fact
from .query import load_frame
from ..db.store import Store

NEAR_KM = 50.0
PRECISE = ("site", "city", "approximate-route")
MSG_SPLIT = "Split off: {fact_id} now stands alone on the map."


@dataclass(frozen=True)
class Item:
    """What merging needs of one fact (from a fact or a frame row)."""

    id: str
    type: str
    lo: int  # date range as ordinals, widened by precision
    hi: int
    actors: frozenset[str]
    countries: frozenset[str]
    lon: float | None
    lat: float | None
    precise: bool
    origin: str
    review: str | None
    confidence: float


def date_range(start: date | None, end: date | None, precision: str | None) -> tuple[int, int] | None:
    """The days a date could mean, as ordinals; None when too vague to merge.

    >>> r = date_range(date(2023, 5, 19), None, "day"); (date.fromordinal(r[0]), date.fromordinal(r[1]))
    (datetime.date(2023, 5, 18), datetime.date(2023, 5, 20))
    >>> r = date_range(date(2023, 5, 1), None, "month"); date.fromordinal(r[1])
    datetime.date(2023, 5, 31)
    >>> date_range(date(2023, 1, 1), None, "year") is None
    True
    """
    if start is None or precision == "year":
        return None
    if precision == "month":
        last = (end or start).replace(day=28) + timedelta(days=4)  # always in the next month
        return start.replace(day=1).toordinal(), (last - timedelta(days=last.day)).toordinal()
    return start.toordinal() - 1, (end or start).toordinal() + 1


def km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in km.

    >>> round(km(71.45, 51.18, 76.95, 43.24))  # Astana – Almaty
    975
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def same_event(a: Item, b: Item) -> str | None:
    """None when ``a`` and ``b`` describe one event, else the first reason they do not."""
    if a.type != b.type:
        return "different types"
    if a.lo > b.hi or b.lo > a.hi:
        return "dates do not overlap"
    if a.actors != b.actors:
        return "different actors"
    if not (a.countries <= b.countries or b.countries <= a.countries):
        return "different countries"
    if a.precise and b.precise:
        if None in (a.lon, a.lat, b.lon, b.lat) or km(a.lon, a.lat, b.lon, b.lat) > NEAR_KM:
            return f"places more than {NEAR_KM:g} km apart"
    return None


def explain(a: Item, b: Item) -> str:
    """Why ``b`` joined ``a``'s event, in words a reviewer can check."""
    where = (f"places {km(a.lon, a.lat, b.lon, b.lat):.0f} km apart" if a.precise and b.precise
             else "one place is only known at country level")
    return (f"same type ({a.type}), overlapping dates, same actors ({', '.join(sorted(a.actors)) or 'none'}), "
            f"countries {', '.join(sorted(a.countries | b.countries))}, {where}")


def item_from_fact(f: Fact) -> Item | None:
    rng = date_range(f.date_start, f.date_end, f.date_precision)
    if rng is None or f.review == "rejected" or f.origin == "dataset":
        return None
    lon = lat = None
    if f.geometry:
        lon, lat = representative_point(f.geometry)
    return Item(f.id, f.type, rng[0], rng[1], frozenset(f.actors), frozenset(f.countries), lon, lat,
                f.geo_precision in PRECISE, f.origin, f.review, float(f.confidence or 0.0))


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _ordinals(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype(np.int64) + _EPOCH_ORDINAL


def _may_share_a_bucket(frame: pd.DataFrame, lo: np.ndarray, hi: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """Rows that share a (week, type, actors) bucket with another row: only they can merge.

    A vectorised pre-pass, so that at 100k facts Python only looks at the few that might.
    """
    rows = np.flatnonzero(ok)
    if len(rows) == 0:
        return ok
    w_lo, w_hi = lo[rows] // 7, hi[rows] // 7
    kinds = frame["type"].astype(str).to_numpy()[rows] + "/" + frame["actors"].astype(str).to_numpy()[rows]
    kind = pd.factorize(kinds)[0]
    parts = [(rows[m], kind[m], w_lo[m] + k) for k in range(int((w_hi - w_lo).max()) + 1)
             for m in [(w_lo + k) <= w_hi]]
    r = np.concatenate([p[0] for p in parts])
    key = pd.Series(np.concatenate([p[1] for p in parts]).astype(np.int64) * 10_000_000
                    + np.concatenate([p[2] for p in parts]).astype(np.int64))
    shared = key.duplicated(keep=False).to_numpy()
    out = np.zeros(len(ok), dtype=bool)
    out[r[shared]] = True
    return out


def items_from_frame(frame: pd.DataFrame) -> list[Item]:
    """Items of the query frame's rows (see :func:`atlas.views.query.load_frame`), date ranges vectorised."""
    if len(frame) == 0:
        return []
    start = frame["date_start"].to_numpy(dtype="datetime64[ns]")
    end = frame["date_end"].to_numpy(dtype="datetime64[ns]")
    end = np.where(np.isnat(end), start, end)
    prec = frame["date_precision"].astype(str).to_numpy()
    monthly = prec == "month"
    lo = np.where(monthly, _ordinals(start.astype("datetime64[M]")), _ordinals(start) - 1)
    month_end = _ordinals((end.astype("datetime64[M]") + 1).astype("datetime64[D]")) - 1
    hi = np.where(monthly, month_end, _ordinals(end) + 1)
    ok = ~np.isnat(start) & (prec != "year") & (frame["review"].astype(str).to_numpy() != "rejected")
    ok &= _may_share_a_bucket(frame, lo, hi, ok)
    lon = frame["lon"].to_numpy(dtype=float)
    lat = frame["lat"].to_numpy(dtype=float)
    precise = frame["geo_precision"].astype(str).isin(PRECISE).to_numpy()
    conf = np.nan_to_num(frame["confidence"].to_numpy(dtype=float))
    memo: dict[Any, frozenset[str]] = {}

    def codes(v: Any) -> frozenset[str]:
        got = memo.get(v)
        if got is None:
            got = memo[v] = _codes(v)
        return got

    cols = zip(frame["id"].to_numpy(), frame["type"].astype(str).to_numpy(), frame["actors"].to_numpy(),
               frame["countries"].to_numpy(), frame["origin"].astype(str).to_numpy(),
               frame["review"].astype(str).to_numpy())
    out = []
    for i, (fid, ftype, actors, countries, origin, review) in enumerate(cols):
        if not ok[i] or origin == "dataset":  # a dataset's records are distinct by its own ids
            continue
        out.append(Item(fid, ftype, int(lo[i]), int(hi[i]), codes(actors), codes(countries),
                        None if np.isnan(lon[i]) else float(lon[i]), None if np.isnan(lat[i]) else float(lat[i]),
                        bool(precise[i]), origin, None if review == "nan" else review, float(conf[i])))
    return out


def _codes(value: Any) -> frozenset[str]:
    if not isinstance(value, str) or not value:
        return frozenset()
    return frozenset(value.split("|"))


@dataclass
class Events:
    """Facts grouped into events: ``lead_of`` maps every merged fact to its event's lead."""

    members: dict[str, list[str]] = field(default_factory=dict)  # lead → members (lead first)
    lead_of: dict[str, str] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)  # member → why it joined

    def event_of(self, fact_id: str) -> list[str]:
        lead = self.lead_of.get(fact_id)
        return self.members[lead] if lead else [fact_id]


def _rank(it: Item) -> tuple:
    return (it.origin != "curated", it.review != "accepted", -it.confidence, it.id)


def group(items: Iterable[Item], split: Iterable[str] = ()) -> Events:
    """Merge items into events (see the module doc for the rule)."""
    split = set(split)
    items = sorted((it for it in items if it.id not in split), key=lambda it: (it.lo, it.id))
    by_id = {it.id: it for it in items}
    parent = {it.id: it.id for it in items}
    curated = {it.id: int(it.origin == "curated") for it in items}
    why: dict[str, str] = {}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    names: dict[frozenset[str], str] = {}
    buckets: dict[tuple[int, str, str], list[Item]] = {}
    for it in items:  # a fact sits in every week its date range touches
        actors = names.get(it.actors)
        if actors is None:
            actors = names[it.actors] = "|".join(sorted(it.actors))
        for week in range(it.lo // 7, it.hi // 7 + 1):
            buckets.setdefault((week, it.type, actors), []).append(it)
    seen: set[tuple[str, str]] = set()
    for key in sorted(k for k, b in buckets.items() if len(b) > 1):
        bucket = buckets[key]
        for i, a in enumerate(bucket):
            for b in bucket[i + 1:]:
                pair = (a.id, b.id) if a.id < b.id else (b.id, a.id)
                if pair in seen:
                    continue
                seen.add(pair)
                ra, rb = find(a.id), find(b.id)
                if ra == rb or curated[ra] + curated[rb] > 1 or same_event(a, b) is not None:
                    continue
                parent[rb] = ra
                curated[ra] += curated[rb]
                why.setdefault(b.id, explain(a, b))
    groups: dict[str, list[str]] = {}
    for it in items:
        groups.setdefault(find(it.id), []).append(it.id)
    ev = Events()
    for ids in groups.values():
        if len(ids) < 2:
            continue
        ranked = sorted(ids, key=lambda i: _rank(by_id[i]))
        lead = ranked[0]
        ev.members[lead] = ranked
        for fid in ranked:
            ev.lead_of[fid] = lead
            if fid != lead:
                ev.reasons[fid] = why.get(fid) or explain(by_id[lead], by_id[fid])
    return ev


def events_of_frame(frame: pd.DataFrame, split: Iterable[str] = ()) -> Events:
    return group(items_from_frame(frame), split)


def collapse(frame: pd.DataFrame, events: Events) -> pd.DataFrame:
    """The frame with one row per event (its lead) and an ``event_size`` column."""
    if len(frame) == 0 or not events.lead_of:
        return frame.assign(event_size=1)
    ids = frame["id"]
    keep = ~ids.isin([f for f, lead in events.lead_of.items() if f != lead])
    out = frame[keep.to_numpy()].copy()
    out["event_size"] = out["id"].map(lambda i: len(events.members.get(i, ())) or 1)
    return out


# -- store: the splits reviewers made, audited
def split_ids(store: Store) -> set[str]:
    return store.event_splits()


def split(store: Store, fact_id: str, who: str, reason: str = "") -> str:
    """Take ``fact_id`` out of its event for good (a wrong merge); audited. Returns the message."""
    store.split_event(fact_id, who, reason or "a wrong merge")  # UnknownFact when there is no such fact
    return MSG_SPLIT.format(fact_id=fact_id)


@dataclass(frozen=True)
class Support:
    fact: Fact
    reason: str  # why it joined the event ('' for the lead)


@dataclass(frozen=True)
class EventView:
    lead: Fact
    supports: tuple[Support, ...]  # every member, lead first
    n_articles: int
    n_curated: int

    @property
    def headline(self) -> str:
        """``reported by 4 articles, 1 curated record``."""
        parts = []
        if self.n_articles:
            parts.append(f"{self.n_articles} article{'s' if self.n_articles != 1 else ''}")
        if self.n_curated:
            parts.append(f"{self.n_curated} curated record{'s' if self.n_curated != 1 else ''}")
        return "reported by " + ", ".join(parts) if parts else ""


def event_view(store: Store, fact_id: str, events: Events) -> EventView | None:
    """Every supporting fact of ``fact_id``'s event; None when the fact stands alone."""
    ids = events.event_of(fact_id)
    if len(ids) < 2:
        return None
    facts = store.facts_by_ids(ids)
    if not facts:
        return None
    articles = {f.article_id for f in facts if f.origin != "curated" and f.article_id}
    n_curated = sum(1 for f in facts if f.origin == "curated")
    supports = tuple(Support(f, events.reasons.get(f.id, "")) for f in facts)
    return EventView(facts[0], supports, len(articles), n_curated)


def event_html(view: EventView, titles: dict[str, str]) -> str:
    """Escaped HTML: the headline, then each supporting fact with its quote and why it joined.

    ``titles`` maps article ids to a label (title and publisher) for the source lines.
    """
    parts = [f"<div class='atlas-event'><p><b>{esc(view.headline[:1].upper() + view.headline[1:])}</b></p><ol>"]
    for s in view.supports:
        f = s.fact
        src = "curated record" if f.origin == "curated" else titles.get(f.article_id or "", f.article_id or "")
        quote = f.evidence[0].quote if f.evidence else ""
        parts.append(f"<li>{esc(f.title)} <span style='color:#666'>({esc(f.trust_label)}; {esc(src)})</span>")
        if quote:
            parts.append(f"<blockquote style='margin:2px 0;padding:2px 6px;border-left:3px solid #ccc'>{esc(quote)}"
                         f"</blockquote>")
        if s.reason:
            parts.append(f"<div style='font-size:0.8em;color:#666'>merged: {esc(s.reason)}</div>")
        parts.append("</li>")
    parts.append("</ol></div>")
    return "".join(parts)


def fact_events(facts: Sequence[Fact], split_facts: Iterable[str] = ()) -> Events:
    """Events among facts (tests, CLI): the same rule as for a frame."""
    return group([it for it in map(item_from_fact, facts) if it is not None], split_facts)


def cli_events(args: Any, store: Store) -> int:
    """``python -m atlas events [--json] [--split FACT_ID]`` (parsing in :mod:`atlas.cli`)."""
    if args.split:
        print(split(store, args.split, who=f"{args.who or getpass.getuser() or 'cli'} (cli)"))
        return 0

    ev = events_of_frame(load_frame(store), split_ids(store))
    rows = [{"lead": lead, "facts": members, "reasons": {m: ev.reasons[m] for m in members[1:]}}
            for lead, members in sorted(ev.members.items())]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    for r in rows:
        print(f"{r['lead']}\t{len(r['facts'])} facts\t{', '.join(r['facts'][1:])}")
    print(f"{len(rows)} event(s) merging more than one fact", file=sys.stderr)
    return 0

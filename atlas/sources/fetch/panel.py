"""The Ingest page's "Sources" section as plain functions: the table, add, pause, resume.

A source added here is fetched by the next `'python -m atlas fetch'` (with no arguments it
fetches every stored source that is due, which is what cron or ``--every`` runs).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Sequence

from .feeds import parse_feed
from ...db.feeds import set_paused, sources, upsert_source

MSG_NO_SOURCES = "No sources yet. Add one below, or run 'python -m atlas fetch --feeds feeds.yaml'."
MSG_ADDED = "Added {name}; the next 'python -m atlas fetch' run fetches it."
MSG_PAUSED = "Paused {name}: it is not fetched until resumed."
MSG_RESUMED = "Resumed {name}."
MSG_UNKNOWN = "No source named {name!r}."
FETCH_HINT = ("Sources are fetched by 'python -m atlas fetch' (from cron) or 'python -m atlas fetch --every 30m'; "
              "new articles arrive here as pending facts for review.")


def _ago(stamp: str | None, at: datetime) -> str:
    if not stamp:
        return "never"
    secs = int((at - datetime.fromisoformat(stamp)).total_seconds())
    if secs < 0:
        return "in " + _span(-secs)
    return _span(secs) + " ago"


def _span(secs: int) -> str:
    """``45 s``, ``12 min``, ``3 h``, ``2 d``.

    >>> _span(45), _span(720), _span(3 * 3600), _span(2 * 86400)
    ('45 s', '12 min', '3 h', '2 d')
    """
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if secs >= size:
            return f"{secs // size} {unit}"
    return f"{secs} s"


def source_table(store, at: datetime | None = None) -> list[dict[str, Any]]:
    """One row per source for the Sources table (plain text values)."""
    at = at or datetime.now(timezone.utc)
    out = []
    for r in sources(store):
        state = "paused" if r.paused else (f"failing ({r.failures}×), backing off" if r.failures else "active")
        out.append({"name": r.name, "url": r.url, "state": state, "every": _span(r.interval_s),
                    "last fetch": _ago(r.last_fetch_at, at),
                    "next fetch": "—" if r.paused else _ago(r.next_fetch_at, at),
                    "new": r.n_new, "unchanged": r.n_unchanged, "failed": r.n_failed,
                    "last error": r.last_error or "", "subscribed": r.subscribed,
                    # an address copied from a list (feeds.example.yaml) counts as checked once a fetch succeeds
                    "verified": "yes" if r.last_ok_at else "not yet"})
    return out


@dataclass(frozen=True)
class Outcome:
    ok: bool
    message: str


def add_source(store, *, name: str, url: str, language: str | None = None, every: str = "",
               countries: Sequence[str] = (), who: str = "") -> Outcome:
    """Validate like ``feeds.yaml`` and store; the problems, one per line, when invalid."""
    rec = {"name": name, "url": url, "language": language or None, "countries": list(countries),
           "every": every or None}
    feed, probs = parse_feed(rec, "new source", 0)
    if feed is None:
        return Outcome(False, "\n".join(str(p) for p in probs))
    upsert_source(store, feed, subscribed=True, who=who)
    return Outcome(True, MSG_ADDED.format(name=feed.name))


def pause(store, name: str, paused: bool = True) -> Outcome:
    if not set_paused(store, name, paused):
        return Outcome(False, MSG_UNKNOWN.format(name=name))
    return Outcome(True, (MSG_PAUSED if paused else MSG_RESUMED).format(name=name))

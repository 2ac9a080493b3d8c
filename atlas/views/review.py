"""Review logic behind pages/5_Review.py: the queue, decisions, edits and the audit log.

Pure functions plus thin calls on a :class:`~atlas.db.store.Store` that is passed in:
the review queue with each fact's evidence in its paragraph, accepting or rejecting
a pending fact, validating an edit into a new :class:`Fact`, and the audit log as
rows of changed fields. The Ingest page's logic is :mod:`atlas.sources.intake`; HTML comes
from :mod:`atlas.core.markup`, escaped there. No Streamlit here.

Every message a user sees is a constant of this module, so tests can pin them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Mapping, Sequence

from ..core.errors import AlreadyDecided, ValidationError
from ..core.fields import (actor_problem, codes, country_problem, date_order_problem, date_precision_problem,
                     geo_precision_problem, parse_date, type_problem)
from ..core.geometry import location_problems, representative_point
from ..core.markup import escape_text, evidence_html
from ..core.models import Article, Fact
from ..sources.reextract import reextract
from ..db.store import Store

# -- pinned user-facing messages ------------------------------------------------
MSG_QUEUE_EMPTY = "No facts are waiting for review."
MSG_ACCEPTED = "Accepted {fact_id}."
MSG_REJECTED = "Rejected {fact_id}."
MSG_EDITED_ACCEPTED = "Saved your edit and accepted {fact_id}."
MSG_ALREADY_DECIDED = "{fact_id} was already {review}; nothing changed."
MSG_OVERRIDE_HINT = MSG_ALREADY_DECIDED + " Add --override to change a decision."
MSG_EDIT_INVALID = "Not saved: {problems}"
MSG_LOCATION = "Check the location: {problem}."
MSG_REEXTRACTED = ("Re-extracted {articles} article(s): {updated} pending fact(s) updated, {added} added, "
                   "{removed} removed; {kept} reviewed or edited fact(s) kept as they were.")

EDIT_ACTION = "edited+accepted"
DECISIONS = ("accepted", "rejected")


# -- review queue -----------------------------------------------------------------
@dataclass(frozen=True)
class QueueItem:
    fact: Fact
    article_title: str
    context_html: str  # the evidence sentence highlighted in its paragraph, escaped
    location_warning: str = ""  # the location lies in a country the fact does not name


def review_queue(store: Store, article_id: str | None = None, limit: int = 20) -> tuple[list[QueueItem], int]:
    """Pending extracted facts (oldest article first, then by position), and how many in all."""
    facts = store.facts(origin="extracted", review="pending", article_id=article_id)
    facts.sort(key=lambda f: (f.article_id or "", f.evidence[0].start if f.evidence else 0, f.id))
    total = len(facts)
    articles: dict[str, Article | None] = {}
    shown = facts[:limit]
    misplaced = {p.fact_id: MSG_LOCATION.format(problem=p.message) for p in location_problems(shown)}
    out = []
    for f in shown:
        aid = f.article_id
        if aid and aid not in articles:
            articles[aid] = store.article(aid)
        art = articles.get(aid) if aid else None
        if art is not None and f.evidence:
            ev = f.evidence[0]
            ctx = evidence_html(art.text, ev.start, ev.end)
        else:
            ctx = '<div class="atlas-evidence">' + "".join(escape_text(e.quote) for e in f.evidence) + "</div>"
        out.append(QueueItem(f, art.title if art else "", ctx, misplaced.get(f.id, "")))
    return out, total


def pending_articles(store: Store) -> list[tuple[str, str]]:
    """``(article id, title)`` of articles with pending facts, for a queue filter."""
    ids = {f.article_id for f in store.facts(origin="extracted", review="pending") if f.article_id}
    return [(a["id"], a["title"]) for a in store.articles() if a["id"] in ids]


def decide_facts(store: Store, fact_ids: Sequence[str], decision: str, who: str, *,
                 override: bool = False) -> list[Fact]:
    """The one decision path (Review page and CLI): accept or reject facts in one audited write.

    Only pending facts are decided unless ``override``: otherwise :class:`AlreadyDecided`
    is raised for the first fact someone already decided, and nothing is written.
    """
    if decision not in DECISIONS:
        raise ValueError(f"unknown decision {decision!r}")
    return store.decide(list(fact_ids), decision, who, only_pending=not override)


def decide(store: Store, fact_id: str, decision: str, who: str) -> str:
    """Accept or reject one pending fact; the message to show."""
    try:
        decide_facts(store, [fact_id], decision, who)
    except AlreadyDecided as exc:
        return MSG_ALREADY_DECIDED.format(fact_id=fact_id, review=exc.review)
    return (MSG_ACCEPTED if decision == "accepted" else MSG_REJECTED).format(fact_id=fact_id)


# -- edits ------------------------------------------------------------------------
EDIT_FIELDS = ("type", "title", "date_start", "date_end", "date_precision", "countries", "actors",
               "lat", "lon", "geo_precision")


def edit_defaults(fact: Fact) -> dict[str, Any]:
    """The edit form's starting values for a fact."""
    lon = lat = None
    if fact.geometry:
        lon, lat = representative_point(fact.geometry)
    return {"type": fact.type, "title": fact.title, "date_start": fact.date_start, "date_end": fact.date_end,
            "date_precision": fact.date_precision or "day", "countries": list(fact.countries),
            "actors": ", ".join(fact.actors), "lat": lat, "lon": lon,
            "geo_precision": fact.geo_precision or "city"}


def _note(problems: list[str], field: str, message: str | None) -> None:
    if message:
        problems.append(f"{field}: {message}")


def _as_date(raw: Any, name: str, problems: list[str]) -> date | None:
    if raw in (None, ""):
        return None
    try:
        return parse_date(raw)
    except ValueError as exc:
        problems.append(f"{name}: {exc}")
        return None


def _as_float(raw: Any, name: str, lo: float, hi: float, problems: list[str]) -> float | None:
    if raw in (None, ""):
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        problems.append(f"{name}: {raw!r} is not a number")
        return None
    if not lo <= value <= hi:
        problems.append(f"{name}: {value:g} is outside {lo:g}…{hi:g}")
        return None
    return value


def apply_edit(fact: Fact, values: Mapping[str, Any]) -> Fact:
    """A new Fact with the edited fields, or :class:`ValidationError` listing every problem.

    Keys of ``values`` are :data:`EDIT_FIELDS`; missing keys keep the fact's value.
    The geometry changes only when lat/lon differ from the fact's marker.
    """
    cur = edit_defaults(fact)
    v = {k: values.get(k, cur[k]) for k in EDIT_FIELDS}
    problems: list[str] = []
    ftype = str(v["type"] or "").strip()
    _note(problems, "type", type_problem(ftype))
    title = " ".join(str(v["title"] or "").split())
    if not title:
        problems.append("title: must not be empty")
    elif len(title) > 300:
        problems.append("title: longer than 300 characters")
    start = _as_date(v["date_start"], "date_start", problems)
    end = _as_date(v["date_end"], "date_end", problems)
    if end and not start:
        problems.append("date_end: set date_start too")
    _note(problems, "date_end", date_order_problem(start, end))
    precision = v["date_precision"] if start else None
    if start:
        _note(problems, "date_precision", date_precision_problem(precision))
    countries = codes(v["countries"])
    for code in countries:
        _note(problems, "countries", country_problem(code))
    actors = codes(v["actors"])
    for code in actors:
        _note(problems, "actors", actor_problem(code))
    lat = _as_float(v["lat"], "lat", -90, 90, problems)
    lon = _as_float(v["lon"], "lon", -180, 180, problems)
    if (lat is None) != (lon is None) and not any(p.startswith(("lat", "lon")) for p in problems):
        problems.append("location: give both lat and lon, or neither")
    geo_precision = v["geo_precision"]
    if lat is not None:
        _note(problems, "geo_precision", geo_precision_problem(geo_precision))
    if problems:
        raise ValidationError(problems)
    geometry, geo = fact.geometry, fact.geo_precision
    if lat is None:
        geometry, geo = None, None
    elif (cur["lat"], cur["lon"]) != (lat, lon) or geo_precision != fact.geo_precision:
        moved = (cur["lat"], cur["lon"]) != (lat, lon)
        geometry = {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]} if moved else fact.geometry
        geo = geo_precision
    return fact.with_(type=ftype, title=title, date_start=start, date_end=end, date_precision=precision,
                      countries=tuple(countries), actors=tuple(actors), geometry=geometry, geo_precision=geo)


def save_edit(store: Store, fact_id: str, values: Mapping[str, Any], who: str) -> tuple[bool, str]:
    """Validate an edit, store it and accept the fact (one audited write)."""
    current = store.fact(fact_id)
    if current.review in ("accepted", "rejected"):
        return False, MSG_ALREADY_DECIDED.format(fact_id=fact_id, review=current.review)
    try:
        edited = apply_edit(current, values)
    except ValidationError as exc:
        return False, MSG_EDIT_INVALID.format(problems="; ".join(exc.problems))
    try:
        store.update_fact(edited.with_(review="accepted"), who, action=EDIT_ACTION, only_pending=True)
    except AlreadyDecided as exc:
        return False, MSG_ALREADY_DECIDED.format(fact_id=fact_id, review=exc.review)
    return True, MSG_EDITED_ACCEPTED.format(fact_id=fact_id)


# -- audit log --------------------------------------------------------------------
def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(x, str) for x in value):
            return ", ".join(value)
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))[:300]
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))[:300]
    return str(value)


def diff_fields(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> list[tuple[str, str, str]]:
    """``(field, before, after)`` for each field that differs.

    >>> diff_fields({"review": "pending", "title": "A"}, {"review": "accepted", "title": "A"})
    [('review', 'pending', 'accepted')]
    """
    before, after = before or {}, after or {}
    out = []
    for key in list(before) + [k for k in after if k not in before]:
        b, a = before.get(key), after.get(key)
        if b != a:
            out.append((key, _show(b), _show(a)))
    return out


def audit_rows(store: Store, limit: int = 500) -> list[dict[str, str]]:
    """The audit log, newest first, one row per changed field."""
    rows = []
    for entry in store.audit_log(limit=limit):
        changes = diff_fields(entry["before"], entry["after"]) or [("", "", "")]
        for fld, b, a in changes:
            rows.append({"when": entry["at"], "who": entry["who"], "action": entry["action"],
                         "fact": entry["fact_id"], "field": fld, "before": b, "after": a})
    return rows


def reextract_all(store: Store, extractor: Callable[[Article], dict] | None = None) -> str:
    """Re-run the extractor on every stored article; the message to show."""
    report = reextract(store, extractor=extractor)
    msg = MSG_REEXTRACTED.format(articles=report.articles, **report.counts)
    if report.problems:
        msg += " Problems: " + "; ".join(report.problems)
    return msg

"""Ingest and review logic behind pages/4_Ingest.py and pages/5_Review.py.

Pure functions plus thin calls on a :class:`~atlas.store.Store` that is passed in:
building an :class:`Article` from form input, previewing and saving it, the review
queue with each fact's evidence in context, validating an edit into a new
:class:`Fact`, and the audit log as rows of changed fields. No Streamlit here.

Every message a user sees is a constant of this module, so tests can pin them.
Text from articles is HTML-escaped by every function that returns HTML.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Callable, Mapping, Sequence

from .errors import AlreadyDecided, ArticleError, AtlasError, UnknownFact, ValidationError
from .files import MAX_ARTICLE_BYTES, decode_article, html_to_text
from .models import (BLOCS, CENTRAL_ASIA, DATE_PRECISIONS, FACT_TYPES, GEO_PRECISIONS, LANGUAGES,
                     Article, Fact)
from .store import Store

# -- pinned user-facing messages ------------------------------------------------
MSG_NO_TEXT = "Nothing to ingest: paste the article text or upload a .txt, .md or .html file."
MSG_BOTH = "Paste text or upload a file, not both: clear one of them."
MSG_BAD_SUFFIX = "{name}: only .txt, .md or .html files can be ingested"
MSG_HTML_EMPTY = "{name}: no article text found in the HTML"
MSG_BAD_URL = "URL: {url!r} must start with http:// or https://"
MSG_BAD_LANGUAGE = "Language: {language!r} is not supported; choose one of de, en, ru"
MSG_REFUSED = "Refused, nothing was stored. {reason}"
MSG_DUPLICATE = "Duplicate: this exact text is already stored (article {article_id}); nothing was stored again."
MSG_SAVED = "Saved article {article_id} with {n} fact(s) pending review."
MSG_PREVIEW_NO_FACTS = "No candidate facts found in this article (it can still be saved)."
MSG_QUEUE_EMPTY = "No facts are waiting for review."
MSG_ACCEPTED = "Accepted {fact_id}."
MSG_REJECTED = "Rejected {fact_id}."
MSG_EDITED_ACCEPTED = "Saved your edit and accepted {fact_id}."
MSG_ALREADY_DECIDED = "{fact_id} was already {review}; nothing changed."
MSG_EDIT_INVALID = "Not saved: {problems}"
MSG_REEXTRACTED = ("Re-extracted {articles} article(s): {updated} pending fact(s) updated, {added} added, "
                   "{removed} removed; {kept} reviewed or edited fact(s) kept as they were.")

PASTED_NAME = "pasted text"
UPLOAD_SUFFIXES = (".txt", ".md", ".html", ".htm")
AUTO_LANGUAGE = "auto"
LANGUAGE_CHOICES = (AUTO_LANGUAGE,) + LANGUAGES
EDIT_ACTION = "edited+accepted"


# -- escaping ---------------------------------------------------------------------
# Beyond html.escape: characters Streamlit's markdown would read as formatting,
# math or emoji shortcodes, as numeric entities (they render the same).
_MD_ENTITIES = str.maketrans({c: f"&#{ord(c)};" for c in "\\`*_[]{}()#+-!|~$:"})


def escape_text(s: str) -> str:
    """Article text made safe for ``st.markdown(..., unsafe_allow_html=True)``.

    >>> escape_text('<b>5 $ [x](y)</b>')
    '&lt;b&gt;5 &#36; &#91;x&#93;&#40;y&#41;&lt;/b&gt;'
    """
    return html.escape(s, quote=True).translate(_MD_ENTITIES).replace("\n", "<br>")


def md_escape(s: str) -> str:
    """Backslash-escape markdown in short user strings shown in st.success/st.error.

    >>> md_escape("a*b_c.txt")
    'a\\\\*b\\\\_c.txt'
    """
    out = []
    for ch in s:
        if ch in "\\`*_[]<>$~|":
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


# -- ingest -------------------------------------------------------------------------
@dataclass(frozen=True)
class IngestForm:
    """What the Ingest page's widgets hold."""

    text: str = ""
    file_name: str | None = None
    file_bytes: bytes | None = None
    title: str = ""
    url: str = ""
    publisher: str = ""
    published: date | None = None
    language: str | None = None  # None or "auto": detect


@lru_cache(maxsize=4)
def _source_text(text: str, file_name: str | None, file_bytes: bytes | None) -> str:
    has_text = bool(text and text.strip())
    if file_bytes is not None and file_name is not None:
        if has_text:
            raise ArticleError(MSG_BOTH)
        suffix = "." + file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
        if suffix not in UPLOAD_SUFFIXES:
            raise ArticleError(MSG_BAD_SUFFIX.format(name=file_name))
        decoded = decode_article(file_bytes, file_name)
        if suffix in (".html", ".htm"):
            decoded = html_to_text(decoded)
            if not decoded.strip():
                raise ArticleError(MSG_HTML_EMPTY.format(name=file_name))
        return decoded
    if not has_text:
        if text:  # whitespace only: say it is empty, like a file would
            decode_article(text.encode("utf-8"), PASTED_NAME)
        raise ArticleError(MSG_NO_TEXT)
    if len(text) * 4 > MAX_ARTICLE_BYTES or len(text.encode("utf-8")) > MAX_ARTICLE_BYTES:
        decode_article(text.encode("utf-8"), PASTED_NAME)  # raises the size message
    return decode_article(text.encode("utf-8"), PASTED_NAME)


def source_text(form: IngestForm) -> str:
    """The article text of the form: the upload (HTML converted offline) or the pasted text.

    Raises :class:`ArticleError` saying why the input is refused (empty, too large,
    binary, not UTF-8, wrong file type, both given).
    """
    return _source_text(form.text or "", form.file_name, form.file_bytes)


def detect_language(text: str) -> str | None:
    """The extractor's guess of the language, or None when it cannot tell."""
    try:
        from .extract import detect_language as detect
    except ImportError:
        return None
    try:
        lang = detect(text)
    except AtlasError:
        return None
    return lang if lang in LANGUAGES else None


def detected_language(form: IngestForm) -> str | None:
    """The detected language of the form's text; None if there is no usable text."""
    try:
        return detect_language(source_text(form))
    except ArticleError:
        return None


def article_from_form(form: IngestForm) -> Article:
    """An :class:`Article` from the form, or :class:`ArticleError` saying why not."""
    text = source_text(form)
    url = (form.url or "").strip()
    if url and not url.lower().startswith(("http://", "https://")):
        raise ArticleError(MSG_BAD_URL.format(url=url))
    language = form.language if form.language not in (None, "", AUTO_LANGUAGE) else None
    if language is not None and language not in LANGUAGES:
        raise ArticleError(MSG_BAD_LANGUAGE.format(language=language))
    title = " ".join((form.title or "").split())[:300] or _first_line(text)
    return Article.from_text(
        text, title=title, language=language, published=form.published, url=url,
        publisher=" ".join((form.publisher or "").split())[:200],
        path=form.file_name or "",
    )


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return " ".join(line.split())[:200]
    return ""


def _extractor():
    from .ingest import run_extractor

    return run_extractor


def prepare_form(form: IngestForm, extractor: Callable[[Article], dict] | None = None):
    """Article, candidate facts and extraction of the form (nothing stored)."""
    from .ingest import prepare

    return prepare(article_from_form(form), extractor=extractor or _extractor())


@dataclass(frozen=True)
class Outcome:
    """What happened to a save: ``saved``, ``duplicate`` or ``refused``, and the message."""

    status: str
    message: str
    article_id: str | None = None
    facts: int = 0

    @property
    def ok(self) -> bool:
        return self.status == "saved"


def save_form(store: Store, form: IngestForm, extractor: Callable[[Article], dict] | None = None) -> Outcome:
    """Store the form's article and its facts as pending, in one transaction."""
    from .ingest import store_prepared

    try:
        article = article_from_form(form)
        if store.has_article(article.id):
            return Outcome("duplicate", MSG_DUPLICATE.format(article_id=article.id), article.id)
        prepared = prepare_form(form, extractor)
    except ArticleError as exc:
        return Outcome("refused", MSG_REFUSED.format(reason=str(exc)))
    if not store_prepared(store, prepared):  # stored by someone else meanwhile
        return Outcome("duplicate", MSG_DUPLICATE.format(article_id=article.id), article.id)
    return Outcome("saved", MSG_SAVED.format(article_id=article.id, n=len(prepared.facts)),
                   article.id, len(prepared.facts))


@dataclass(frozen=True)
class Preview:
    """What the Ingest page shows before saving."""

    article: Article | None
    facts: tuple[Fact, ...] = ()
    html: str = ""  # the article, escaped, with mentions highlighted
    rows: tuple[dict, ...] = ()  # candidate facts as table rows
    error: str = ""  # set when the input is refused
    duplicate: bool = False


def preview_form(form: IngestForm, store: Store | None = None,
                 extractor: Callable[[Article], dict] | None = None) -> Preview:
    try:
        prepared = prepare_form(form, extractor)
    except ArticleError as exc:
        return Preview(None, error=MSG_REFUSED.format(reason=str(exc)))
    art = prepared.article
    return Preview(art, tuple(prepared.facts), highlight_html(art.text, mention_spans(prepared.extraction)),
                   tuple(candidate_rows(prepared.facts)),
                   duplicate=bool(store is not None and store.has_article(art.id)))


MENTION_KINDS = ("places", "dates", "amounts", "countries", "mentions", "actors")


def mention_spans(extraction: Mapping[str, Any] | None) -> list[tuple[int, int, str]]:
    """``(start, end, kind)`` of every mention with a span in the extraction JSON."""
    out = []
    for kind in MENTION_KINDS:
        for m in (extraction or {}).get(kind, []) or []:
            if isinstance(m, Mapping) and isinstance(m.get("start"), int) and isinstance(m.get("end"), int):
                out.append((m["start"], m["end"], str(m.get("kind") or kind).rstrip("s")))
    return out


_MARK_STYLE = {
    "place": "background:#cfe8ff", "date": "background:#ffe8b3", "amount": "background:#d4f5d4",
    "country": "background:#eadcff", "fact": "background:#fff3a0",
}


def highlight_html(text: str, spans: Sequence[tuple[int, int, str]], max_chars: int = 200_000) -> str:
    """The text, escaped, with non-overlapping spans wrapped in ``<mark>``.

    >>> highlight_html("Xi in <Astana>", [(7, 13, "place")])
    '<div class="atlas-article">Xi in &lt;<mark class="place" style="background:#cfe8ff" title="place">Astana</mark>&gt;</div>'
    """
    shown = text[:max_chars]
    parts: list[str] = []
    pos = 0
    for start, end, kind in sorted(set(spans), key=lambda s: (s[0], -s[1])):
        if start < pos or end <= start or end > len(shown):
            continue  # overlapping or beyond what is shown
        kind = kind if kind in _MARK_STYLE else "fact"
        parts.append(escape_text(shown[pos:start]))
        parts.append(f'<mark class="{kind}" style="{_MARK_STYLE[kind]}" title="{kind}">'
                     f"{escape_text(shown[start:end])}</mark>")
        pos = end
    parts.append(escape_text(shown[pos:]))
    if len(text) > max_chars:
        parts.append(f"<br>… ({len(text) - max_chars:,} more characters not shown)")
    return '<div class="atlas-article">' + "".join(parts) + "</div>"


def _place_names(f: Fact) -> str:
    return ", ".join(str(p.get("name") or p.get("text") or "") for p in f.places)


def _amounts(f: Fact) -> str:
    out = []
    for a in f.amounts:
        if a.get("value") is not None and a.get("currency"):
            out.append(f"{a['value']:,.0f} {a['currency']}" if isinstance(a["value"], (int, float)) else
                       f"{a['value']} {a['currency']}")
        else:
            out.append(str(a.get("text", "")))
    return "; ".join(out)


def candidate_rows(facts: Sequence[Fact]) -> list[dict]:
    """Candidate facts as rows: type, date, places, amounts, confidence, evidence."""
    return [{
        "type": f.type, "date": f.date_start.isoformat() if f.date_start else "",
        "title": f.title, "countries": ", ".join(f.countries), "actors": ", ".join(f.actors),
        "places": _place_names(f), "amounts": _amounts(f),
        "confidence": round(f.confidence, 2) if f.confidence is not None else None,
        "evidence": f.evidence[0].quote if f.evidence else "",
    } for f in facts]


# -- review queue -----------------------------------------------------------------
@dataclass(frozen=True)
class QueueItem:
    fact: Fact
    article_title: str
    context_html: str  # the evidence sentence highlighted in its paragraph, escaped


def evidence_html(text: str, start: int, end: int, max_context: int = 700) -> str:
    """The paragraph around ``text[start:end]``, escaped, with that span marked.

    >>> evidence_html("One.\\nTwo <b>x</b> three.\\nFour.", 5, 24)
    '<div class="atlas-evidence">… <mark class="fact" style="background:#fff3a0">Two &lt;b&gt;x&lt;/b&gt; three.</mark> …</div>'
    """
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    right = len(text) if right < 0 else right
    left = max(left, start - max_context)
    right = min(right, end + max_context)
    before = ("… " if left > 0 else "") + escape_text(text[left:start])
    after = escape_text(text[end:right]) + (" …" if right < len(text) else "")
    return (f'<div class="atlas-evidence">{before}<mark class="fact" style="{_MARK_STYLE["fact"]}">'
            f"{escape_text(text[start:end])}</mark>{after}</div>")


def review_queue(store: Store, article_id: str | None = None, limit: int = 20) -> tuple[list[QueueItem], int]:
    """Pending extracted facts (oldest article first, then by position), and how many in all."""
    facts = store.facts(origin="extracted", review="pending", article_id=article_id)
    facts.sort(key=lambda f: (f.article_id or "", f.evidence[0].start if f.evidence else 0, f.id))
    total = len(facts)
    articles: dict[str, Article | None] = {}
    out = []
    for f in facts[:limit]:
        aid = f.article_id
        if aid and aid not in articles:
            articles[aid] = store.article(aid)
        art = articles.get(aid) if aid else None
        if art is not None and f.evidence:
            ev = f.evidence[0]
            ctx = evidence_html(art.text, ev.start, ev.end)
        else:
            ctx = '<div class="atlas-evidence">' + "".join(escape_text(e.quote) for e in f.evidence) + "</div>"
        out.append(QueueItem(f, art.title if art else "", ctx))
    return out, total


def pending_articles(store: Store) -> list[tuple[str, str]]:
    """``(article id, title)`` of articles with pending facts, for a queue filter."""
    ids = {f.article_id for f in store.facts(origin="extracted", review="pending") if f.article_id}
    return [(a["id"], a["title"]) for a in store.articles() if a["id"] in ids]


def decide(store: Store, fact_id: str, decision: str, who: str) -> str:
    """Accept or reject one pending fact; the message to show."""
    if decision not in ("accepted", "rejected"):
        raise ValueError(f"unknown decision {decision!r}")
    current = store.fact(fact_id)
    if current.review in ("accepted", "rejected"):
        return MSG_ALREADY_DECIDED.format(fact_id=fact_id, review=current.review)
    try:
        store.decide([fact_id], decision, who, only_pending=True)
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
        from .store import representative_point

        lon, lat = representative_point(fact.geometry)
    return {"type": fact.type, "title": fact.title, "date_start": fact.date_start, "date_end": fact.date_end,
            "date_precision": fact.date_precision or "day", "countries": list(fact.countries),
            "actors": ", ".join(fact.actors), "lat": lat, "lon": lon,
            "geo_precision": fact.geo_precision or "city"}


def _codes(raw: Any) -> list[str]:
    if raw is None:
        return []
    items = raw.replace(";", ",").split(",") if isinstance(raw, str) else list(raw)
    out: list[str] = []
    for item in items:
        code = str(item).strip().upper()
        if code and code not in out:
            out.append(code)
    return out


def _as_date(raw: Any, name: str, problems: list[str]) -> date | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        problems.append(f"{name}: {raw!r} is not a date (YYYY-MM-DD)")
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
    from .records import is_actor

    cur = edit_defaults(fact)
    v = {k: values.get(k, cur[k]) for k in EDIT_FIELDS}
    problems: list[str] = []
    ftype = str(v["type"] or "").strip()
    if ftype not in FACT_TYPES:
        problems.append(f"type: {ftype!r} is not one of {', '.join(FACT_TYPES)}")
    title = " ".join(str(v["title"] or "").split())
    if not title:
        problems.append("title: must not be empty")
    elif len(title) > 300:
        problems.append("title: longer than 300 characters")
    start = _as_date(v["date_start"], "date_start", problems)
    end = _as_date(v["date_end"], "date_end", problems)
    if end and not start:
        problems.append("date_end: set date_start too")
    if start and end and end < start:
        problems.append(f"date_end: {end} is before date_start {start}")
    precision = v["date_precision"] if start else None
    if start and precision not in DATE_PRECISIONS:
        problems.append(f"date_precision: {precision!r} is not one of {', '.join(DATE_PRECISIONS)}")
    countries = _codes(v["countries"])
    for c in countries:
        if c not in CENTRAL_ASIA:
            problems.append(f"countries: {c!r} is not one of {', '.join(CENTRAL_ASIA)}")
    actors = [a if a not in ("EU",) else a for a in _codes(v["actors"])]
    for a in actors:
        if not is_actor(a):
            problems.append(f"actors: {a!r} is not an outside state's ISO3 code or one of {', '.join(BLOCS)}")
    lat = _as_float(v["lat"], "lat", -90, 90, problems)
    lon = _as_float(v["lon"], "lon", -180, 180, problems)
    if (lat is None) != (lon is None) and not any(p.startswith(("lat", "lon")) for p in problems):
        problems.append("location: give both lat and lon, or neither")
    geo_precision = v["geo_precision"]
    if lat is not None and geo_precision not in GEO_PRECISIONS:
        problems.append(f"geo_precision: {geo_precision!r} is not one of {', '.join(GEO_PRECISIONS)}")
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
DIFF_IGNORE = ("extra",)


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(x, str) for x in value):
            return ", ".join(value)
        import json

        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))[:300]
    if isinstance(value, dict):
        import json

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
        if key in DIFF_IGNORE:
            continue
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
    from .reextract import reextract

    report = reextract(store, extractor=extractor)
    msg = MSG_REEXTRACTED.format(articles=report.articles, **report.counts)
    if report.problems:
        msg += " Problems: " + "; ".join(report.problems)
    return msg

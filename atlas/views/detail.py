"""The map's detail panel and click handling, as pure functions (no streamlit).

:func:`detail_html` shapes one fact (+ its evidence article) into escaped HTML;
:func:`read_click` turns streamlit-folium's ``last_active_drawing`` into what was
clicked (a fact, a Central Asian country, or an aggregated cell).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping
from urllib.parse import urlencode

from ..sources.datasets.panel import curated_links_html, record_html
from ..sources.datasets import dataset_title
from ..core.labels import actor_label
from ..core.markup import esc, evidence_html, link_or_text
from ..core.models import Article, CENTRAL_ASIA, Fact

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
NO_EVIDENCE = "No article evidence stored for this fact."
CELL_HINT = "{n} facts in this cell — zoom in or narrow the filters to pick one."


@dataclass(frozen=True)
class Click:
    kind: str  # "fact" | "country" | "cell" | "none"
    value: str = ""
    count: int = 0


def read_click(drawing: Mapping[str, Any] | None) -> Click:
    """What a ``last_active_drawing`` feature from the map stands for.

    >>> read_click({"type": "Feature", "properties": {"id": "gas-line-d", "title": "x"}})
    Click(kind='fact', value='gas-line-d', count=0)
    >>> read_click({"properties": {"iso_a3": "KAZ", "name": "Kazakhstan"}})
    Click(kind='country', value='KAZ', count=0)
    >>> read_click({"properties": {"iso_a3": "CHN"}}).kind
    'none'
    >>> read_click({"properties": {"n": 12}})
    Click(kind='cell', value='', count=12)
    """
    props = (drawing or {}).get("properties") or {}
    if not isinstance(props, Mapping):
        return Click("none")
    if isinstance(props.get("id"), str) and props["id"]:
        return Click("fact", props["id"])
    if props.get("iso_a3") in CENTRAL_ASIA:
        return Click("country", props["iso_a3"])
    if isinstance(props.get("n"), (int, float)) and props["n"] > 0:
        return Click("cell", count=int(props["n"]))
    return Click("none")


def format_date(d: date | None, precision: str | None) -> str:
    """A date as precise as it is known.

    >>> format_date(date(2023, 5, 19), "day"), format_date(date(2023, 5, 1), "month"), format_date(date(2023, 1, 1), "year")
    ('19 May 2023', 'May 2023', '2023')
    """
    if d is None:
        return "date unknown"
    if precision == "year":
        return f"{d.year}"
    if precision == "month":
        return f"{MONTHS[d.month - 1]} {d.year}"
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def date_text(fact: Fact) -> str:
    """``19 May 2023`` or ``September 2014 – January 2026`` (+ precision when not a day)."""
    start = format_date(fact.date_start, fact.date_precision)
    text = start if fact.date_end is None else f"{start} – {format_date(fact.date_end, fact.date_precision)}"
    if fact.date_start and fact.date_precision in ("month", "year"):
        text += f" (precision: {fact.date_precision})"
    return text


def reader_link(article_id: str, fact_id: str, query: Mapping[str, list[str]] | None = None) -> str:
    """Relative link to the reader page with the fact's evidence scrolled to; ``query`` (the
    filters' URL parameters) rides along, so the reader and the way back keep the filters.

    >>> reader_link("a1", "f1", {"country": ["KAZ"]})
    'Articles?article=a1&fact=f1&country=KAZ'
    """
    return "Articles?" + urlencode({"article": article_id, "fact": fact_id, **(query or {})}, doseq=True)


def _names(codes: tuple[str, ...], central: bool) -> str:
    if not codes:
        return "—"
    return ", ".join(CENTRAL_ASIA.get(c, c) if central else f"{actor_label(c)} ({c})" for c in codes)


def detail_html(fact: Fact, article: Article | None = None, query: Mapping[str, list[str]] | None = None) -> str:
    """Escaped HTML of the detail panel for ``fact``; ``article`` holds its first evidence;
    ``query`` is the filters' URL parameters for the reader link."""
    rows = [
        ("Type", esc(fact.type)),
        ("Date", esc(date_text(fact))),
        ("Countries", esc(_names(fact.countries, True))),
        ("Outside powers", esc(_names(fact.actors, False))),
    ]
    if fact.status:
        as_of = f" (as of {format_date(fact.status_as_of, 'day')})" if fact.status_as_of else ""
        rows.append(("Status", esc(fact.status + as_of)))
    rows.append(("Origin", esc(f"{fact.origin} — {fact.trust_label}")))
    if fact.geo_precision:
        rows.append(("Location", esc(fact.geo_precision)))
    parts = [f'<div class="atlas-detail"><h4 style="margin:0 0 6px 0">{esc(fact.title)}</h4>']
    if fact.summary:
        parts.append(f"<p>{esc(fact.summary)}</p>")
    parts.append('<table style="font-size:0.9em;border-collapse:collapse">')
    parts += [f'<tr><th style="text-align:left;padding-right:8px;vertical-align:top">{k}</th><td>{v}</td></tr>'
              for k, v in rows]
    parts.append("</table>")
    ev = fact.evidence[0] if fact.evidence else None
    if ev and article is not None and article.id == ev.article:
        parts.append("<h5 style='margin:8px 0 4px 0'>Evidence</h5>")
        parts.append(f'<blockquote style="margin:0;padding:4px 8px;border-left:3px solid #ccc">'
                     f"{evidence_html(article.text, ev.start, ev.end)}</blockquote>")
        src = article.title or article.path or article.id
        who = f"{article.publisher}: " if article.publisher else ""
        parts.append(f"<p style='font-size:0.85em'>Article: {esc(who)}{link_or_text(article.url, src)}"
                     f"{' (' + esc(article.published.isoformat()) + ')' if article.published else ''}<br>"
                     f'<a href="{esc(reader_link(article.id, fact.id, query))}" target="_self">'
                     f"Read the article with the evidence highlighted</a></p>")
    elif fact.origin == "dataset":
        parts.append(record_html(fact))
    elif ev:
        parts.append(f"<h5>Evidence</h5><blockquote>{esc(ev.quote)}</blockquote>")
    else:
        parts.append(f"<p style='color:#666;font-size:0.85em'>{esc(NO_EVIDENCE)}</p>")
    if fact.origin == "curated":
        parts.append(curated_links_html(fact))
    if fact.sources:
        parts.append("<h5 style='margin:8px 0 4px 0'>Sources</h5><ul style='margin:0;padding-left:18px'>")
        for s in fact.sources:
            parts.append(f"<li>{esc(s.publisher)}: {link_or_text(s.url, s.title)} ({esc(s.date)})</li>")
        parts.append("</ul>")
    parts.append("</div>")
    return "".join(parts)


ATLAS_NAME = "Central Asia Influence Atlas"


def fact_url(base: str, fact_id: str) -> str:
    """The atlas's address of a fact: the Map page (the app's root) with the fact open.

    >>> fact_url("https://atlas.example/", "gas-line-d"), fact_url("", "a b")
    ('https://atlas.example/?fact=gas-line-d', './?fact=a+b')
    """
    return (base.rstrip("/") if base else ".") + "/?" + urlencode({"fact": fact_id})


def _source_text(fact: Fact, article: Article | None) -> str:
    if fact.origin == "dataset":
        return f"{dataset_title(fact.dataset)}, record {fact.dataset_record}"
    if fact.sources:
        return "; ".join(", ".join(p for p in (s.publisher, f'"{s.title}"' if s.title else "", s.date, s.url) if p)
                         for s in fact.sources)
    if article is not None:
        published = article.published.isoformat() if article.published else ""
        return ", ".join(p for p in (article.publisher, f'"{article.title}"' if article.title else "", published,
                                     article.url) if p) or f"article {article.id}"
    return "no source stored"


def citation(fact: Fact, url: str, accessed: date, article: Article | None = None) -> str:
    """A ready citation of ``fact``: its source, its date, the atlas's ``url`` of it, the access date.

    Plain text for a copy button (``st.code``), never rendered as markup.

    >>> from ..core.models import Source
    >>> f = Fact(id="gas-line-d", type="energy", title="Line D", date_start=date(2014, 9, 13),
    ...          date_precision="month", origin="curated", sources=(Source("CNPC", "Line D", "2014", "https://example.org/d"),))
    >>> citation(f, "https://atlas.example/?fact=gas-line-d", date(2026, 12, 5))
    'CNPC, "Line D", 2014, https://example.org/d. In: Central Asia Influence Atlas, "Line D" (September 2014), https://atlas.example/?fact=gas-line-d, accessed 5 December 2026.'
    """
    when = format_date(fact.date_start, fact.date_precision)
    return (f"{_source_text(fact, article)}. In: {ATLAS_NAME}, \"{fact.title}\" ({when}), {url}, "
            f"accessed {format_date(accessed, 'day')}.")

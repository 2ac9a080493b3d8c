"""The article reader: text → escaped HTML with mentions and evidence highlighted.

The text is cut at every span boundary into non-overlapping segments; each segment is
escaped and wrapped in one ``<span>`` carrying the classes of every span covering it,
so highlights stay exact (``text[start:end]``) even when spans nest or overlap, and
the concatenated segment texts are the article text, unchanged. Pure; no streamlit.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from .models import Article, Fact

MENTION_KINDS = ("country", "place", "date", "amount")
KIND_STYLES = {
    "country": "background:#d6eaff;border-bottom:2px solid #2e86c1",
    "place": "background:#d9f5dd;border-bottom:2px solid #27ae60",
    "date": "background:#fde2cf;border-bottom:2px solid #e67e22",
    "amount": "background:#eadcf8;border-bottom:2px solid #8e44ad",
}
EVIDENCE_STYLE = "background-color:rgba(255,229,138,0.45)"
FOCUS_STYLE = "background-color:#ffcf40;box-shadow:0 2px 0 #b7950b"
NO_MENTIONS = "No stored extraction for this article: mentions are not highlighted."


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str  # a mention kind, "evidence" or "focus"
    label: str = ""  # fact id for evidence spans


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    kinds: tuple[str, ...]


def mention_spans(extraction: Mapping | None, text: str) -> list[Span]:
    """Mention spans from the stored extraction; spans not matching the text are dropped.

    Reads ``mentions`` ([{kind, text, start, end, value}]) and, for older outputs,
    the ``places`` / ``dates`` / ``amounts`` lists of the extraction contract.
    """
    if not extraction:
        return []
    raw: list[tuple[str, Mapping]] = []
    for m in extraction.get("mentions") or []:
        raw.append((m.get("kind", ""), m))
    if not raw:
        for key, kind in (("places", "place"), ("dates", "date"), ("amounts", "amount"), ("country_mentions", "country")):
            raw += [(kind, m) for m in extraction.get(key) or [] if isinstance(m, Mapping)]
    out = []
    for kind, m in raw:
        try:
            s, e = int(m["start"]), int(m["end"])
        except (KeyError, TypeError, ValueError):
            continue
        if kind in MENTION_KINDS and 0 <= s < e <= len(text) and (m.get("text") in (None, text[s:e])):
            out.append(Span(s, e, kind))
    return out


def evidence_spans(facts: Iterable[Fact], article: Article, focus: str | None = None) -> list[Span]:
    """Evidence spans of ``facts`` inside ``article`` (the focused fact's as ``focus``)."""
    out = []
    for f in facts:
        for ev in f.evidence:
            if ev.article != article.id or not (0 <= ev.start < ev.end <= len(article.text)):
                continue
            if article.text[ev.start:ev.end] != ev.quote:
                continue  # stale evidence: never highlight the wrong words
            out.append(Span(ev.start, ev.end, "focus" if f.id == focus else "evidence", f.id))
    return out


def segments(length: int, spans: Sequence[Span]) -> list[Segment]:
    """Cut ``[0, length)`` at every span boundary; each piece lists the kinds covering it.

    >>> segments(10, [Span(2, 6, "evidence"), Span(4, 8, "date")])
    [Segment(start=0, end=2, kinds=()), Segment(start=2, end=4, kinds=('evidence',)), Segment(start=4, end=6, kinds=('date', 'evidence')), Segment(start=6, end=8, kinds=('date',)), Segment(start=8, end=10, kinds=())]
    """
    cuts = sorted({0, length, *(s.start for s in spans), *(s.end for s in spans)})
    cuts = [c for c in cuts if 0 <= c <= length]
    out = []
    for a, b in zip(cuts, cuts[1:]):
        kinds = tuple(sorted({s.kind for s in spans if s.start <= a and b <= s.end}))
        out.append(Segment(a, b, kinds))
    return out


def _style(kinds: tuple[str, ...]) -> str:
    styles = [KIND_STYLES[k] for k in kinds if k in KIND_STYLES]
    if "focus" in kinds:
        styles.append(FOCUS_STYLE)
    elif "evidence" in kinds:
        styles.append(EVIDENCE_STYLE)
    return ";".join(styles)


def article_html(article: Article, extraction: Mapping | None = None, facts: Iterable[Fact] = (),
                 focus: str | None = None) -> str:
    """The article body as escaped HTML; the focused fact's evidence starts at ``id="ev"``."""
    text = article.text
    spans = mention_spans(extraction, text) + evidence_spans(facts, article, focus)
    focus_start = min((s.start for s in spans if s.kind == "focus"), default=None)
    parts = []
    for seg in segments(len(text), spans):
        piece = html.escape(text[seg.start:seg.end], quote=True).replace("\n", "<br>\n")
        if seg.start == focus_start:
            parts.append('<span id="ev"></span>')
        if seg.kinds:
            parts.append(f'<span class="{" ".join("k-" + k for k in seg.kinds)}" style="{_style(seg.kinds)}">'
                         f"{piece}</span>")
        else:
            parts.append(piece)
    return "".join(parts)


def legend_html() -> str:
    items = [f'<span style="{KIND_STYLES[k]};padding:0 4px;margin-right:6px">{k}</span>' for k in MENTION_KINDS]
    items.append(f'<span style="{EVIDENCE_STYLE};padding:0 4px;margin-right:6px">evidence of a fact</span>')
    items.append(f'<span style="{FOCUS_STYLE};padding:0 4px">selected fact</span>')
    return '<div style="font:13px sans-serif;margin-bottom:6px">' + "".join(items) + "</div>"


def reader_document(article: Article, extraction: Mapping | None = None, facts: Iterable[Fact] = (),
                    focus: str | None = None) -> str:
    """A full HTML document for ``components.html``: legend, body, scroll to the evidence."""
    body = article_html(article, extraction, facts, focus)
    scroll = ("<script>var e=document.getElementById('ev');if(e){e.scrollIntoView({block:'center'});}</script>"
              if focus else "")
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'></head>"
            "<body style='font:15px/1.6 Georgia,serif;margin:8px 12px;color:#222'>"
            + legend_html() + f"<div class='article'>{body}</div>{scroll}</body></html>")


def facts_citing(store, article_id: str) -> dict[str, Fact]:
    """Facts whose evidence is in this article: its extracted facts (not rejected) and
    curated facts quoting it, in reading order of their first quote."""
    facts = {f.id: f for f in store.facts(article_id=article_id) if f.review != "rejected"}
    for f in store.facts(origin="curated"):
        if any(e.article == article_id for e in f.evidence):
            facts.setdefault(f.id, f)
    order = sorted(facts, key=lambda i: (facts[i].evidence[0].start if facts[i].evidence else 0, i))
    return {i: facts[i] for i in order}

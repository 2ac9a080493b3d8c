"""The article reader: an article as an HTML document with mentions and evidence highlighted.

Escaping and highlighting are :mod:`atlas.core.markup`'s; this module picks the spans
(stored mentions, the evidence of facts citing the article) and wraps the document
with the scroll-to-evidence script. Pure; no streamlit.
"""
from __future__ import annotations

from typing import Iterable, Mapping

from ..core.markup import Span, highlight_html, legend_html, mention_spans
from ..core.models import Article, Fact

NO_MENTIONS = "No stored extraction for this article: mentions are not highlighted."
FOCUS_ANCHOR = "ev"


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


def article_html(article: Article, extraction: Mapping | None = None, facts: Iterable[Fact] = (),
                 focus: str | None = None) -> str:
    """The article body as escaped HTML; the focused fact's evidence starts at ``id="ev"``."""
    spans = mention_spans(extraction, article.text) + evidence_spans(facts, article, focus)
    return highlight_html(article.text, spans, anchor=FOCUS_ANCHOR)


def reader_document(article: Article, extraction: Mapping | None = None, facts: Iterable[Fact] = (),
                    focus: str | None = None) -> str:
    """A full HTML document for ``components.html``: legend, body, scroll to the evidence."""
    body = article_html(article, extraction, facts, focus)
    scroll = (f"<script>var e=document.getElementById('{FOCUS_ANCHOR}');"
              "if(e){e.scrollIntoView({block:'center'});}</script>" if focus else "")
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'>" + READER_THEME + "</head>"
            # Its own paper colours: the iframe is transparent, and a dark app theme must not
            # leave dark text on a dark page; dark paper when the app is dark (READER_THEME).
            "<body style='font:15px/1.6 Georgia,serif;margin:0;padding:8px 12px;color:#222;background:#fff;"
            "color-scheme:light;border-radius:6px'>" + READER_DARK_JS
            + legend_html() + f"<div class='article'>{body}</div>{scroll}</body></html>")


# The app's dark theme, read from the page around the frame (same origin; else the OS setting):
# dark paper, light text, highlights keep their light colours with dark text on them.
READER_THEME = ("<style>body.atlas-dark{background:#1e2128 !important;color:#e6e6e6 !important;"
                "color-scheme:dark !important}body.atlas-dark mark{color:#111}"
                "body.atlas-dark a{color:#8ab4f8}</style>")
READER_DARK_JS = """<script>(function() { var dark = false;
  try { var app = window.parent.document.querySelector('.stApp') || window.parent.document.body;
        var m = getComputedStyle(app).backgroundColor.match(/[\d.]+/g);
        dark = !!m && m.length >= 3 && 0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2] < 100; }
  catch (e) { dark = !!(window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches); }
  if (dark) { document.body.classList.add('atlas-dark'); } })();</script>"""


def facts_citing(store, article_id: str) -> dict[str, Fact]:
    """Facts whose evidence is in this article: its extracted facts (not rejected) and
    curated facts quoting it, in reading order of their first quote."""
    facts = {f.id: f for f in store.facts(article_id=article_id) if f.review != "rejected"}
    for f in store.facts(origin="curated"):
        if any(e.article == article_id for e in f.evidence):
            facts.setdefault(f.id, f)
    order = sorted(facts, key=lambda i: (facts[i].evidence[0].start if facts[i].evidence else 0, i))
    return {i: facts[i] for i in order}

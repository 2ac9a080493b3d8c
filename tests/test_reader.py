"""The reader's HTML: exact highlight spans, everything escaped."""
from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from atlas.core.models import Article, Evidence, Fact
from atlas.core.markup import Span, mention_spans, segments
from atlas.views.reader import article_html, reader_document
from tests.dash_data import ARTICLE, ARTICLE_TEXT, EVIL, SCRIPT, extraction, sample_facts


def _strip(h: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", h.replace("<br>", "\n")))


def test_text_survives_exactly():
    h = article_html(ARTICLE, extraction(), sample_facts(), focus="summit-xian-2023")
    assert _strip(h) == ARTICLE_TEXT


def test_mention_spans_exact():
    h = article_html(ARTICLE, extraction())
    for m in extraction()["mentions"]:
        found = "".join(html.unescape(t) for t in re.findall(rf'class="[^"]*k-{m["kind"]}[^"]*"[^>]*>([^<]*)<', h))
        assert m["text"] in found


def test_segments_cover_and_split_at_boundaries():
    spans = [Span(2, 6, "evidence"), Span(4, 8, "date"), Span(0, 3, "country")]
    segs = segments(10, spans)
    assert [s.start for s in segs] == [0, 2, 3, 4, 6, 8] and segs[-1].end == 10
    for sp in spans:
        covered = [s for s in segs if sp.kind in s.kinds]
        assert covered[0].start == sp.start and covered[-1].end == sp.end


def test_focus_anchor_and_escaping():
    fid = next(f.id for f in sample_facts() if f.origin == "extracted" and f.evidence)
    doc = reader_document(ARTICLE, extraction(), sample_facts(), focus=fid)
    assert EVIL not in doc and SCRIPT not in doc
    assert "&lt;img src=x onerror=alert&#40;1&#41;&gt;" in doc and "&lt;script&gt;" in doc
    start = ARTICLE_TEXT.index("China verspricht")
    anchor = doc.index('<span id="ev"></span>')
    assert _strip(doc[anchor:]).startswith(ARTICLE_TEXT[start:start + 20])
    assert "scrollIntoView" in doc
    assert "k-focus" in doc


def test_bad_spans_are_dropped():
    text = "Kasachstan und China"
    art = Article.from_text(text)
    ex = {"mentions": [{"kind": "country", "text": "Kasachstan", "start": 0, "end": 10, "value": "KAZ"},
                       {"kind": "country", "text": "wrong", "start": 0, "end": 5},
                       {"kind": "place", "text": "x", "start": 50, "end": 51}]}
    assert [(s.start, s.end) for s in mention_spans(ex, text)] == [(0, 10)]
    stale = Fact(id="f", type="trade", title="t", date_start=None, date_precision=None, origin="extracted",
                 evidence=(Evidence(art.id, 0, 5, "other"),))
    assert "k-evidence" not in article_html(art, ex, [stale])


def test_contract_lists_without_mentions():
    text = "Am 19. Mai in Xi'an"
    ex = {"dates": [{"text": "19. Mai", "start": 3, "end": 10, "date": "2023-05-19"}],
          "places": [{"name": "Xi'an", "text": "Xi'an", "start": 14, "end": 19, "lat": 34.3, "lon": 108.9}]}
    kinds = {s.kind for s in mention_spans(ex, text)}
    assert kinds == {"date", "place"}


def test_no_extraction_no_marks():
    h = article_html(ARTICLE, None)
    assert "<span" not in h and _strip(h) == ARTICLE_TEXT


def test_facts_citing_an_article_in_reading_order_without_rejected():
    from datetime import date

    from atlas.core.models import Article, Evidence, Fact
    from atlas.views.reader import facts_citing
    from atlas.db.store import Store

    text = "Erster Satz über Kasachstan. Zweiter Satz über China."
    art = Article.from_text(text)
    store = Store("sqlite://")

    def fact(fid, start, end, **kw):
        return Fact(id=fid, type="diplomacy", title=fid, date_start=date(2023, 1, 1), date_precision="day",
                    countries=("KAZ",), evidence=(Evidence(art.id, start, end, text[start:end]),), **kw)

    store.add_article(art, [fact("x-late", 29, 53, origin="extracted", review="pending"),
                            fact("x-gone", 0, 28, origin="extracted", review="rejected")])
    store.replace_curated([fact("cur-early", 0, 28, origin="curated")])
    assert list(facts_citing(store, art.id)) == ["cur-early", "x-late"]


def test_stray_tag_in_the_seed_article_is_not_shown_and_evidence_still_exact():
    """The seed article has a mangled "< p>" (a tag with a space, kept as text by HTML parsers);
    the reader showed it literally. It is blanked for display; the quote highlighted is unchanged."""
    from pathlib import Path

    from atlas.core.markup import blank_stray_markup

    seed = Path(__file__).resolve().parents[1] / "seeds" / "000_c091979762de952d.txt"
    text = seed.read_text(encoding="utf-8")
    assert "< p>" in text
    art = Article.from_text(text, title="seed")
    start = text.index("Dies berichtet")
    quote = text[start:text.index("\n", start)]
    fact = Fact(id="xinhua", type="diplomacy", title="t", origin="curated", date_start=None, date_precision="day",
                evidence=(Evidence(article=art.id, start=start, end=start + len(quote), quote=quote),))
    doc = reader_document(art, None, [fact], focus="xinhua")
    assert "&lt; p&gt;" not in doc and "< p>" not in doc
    marked = re.search(r'<span id="ev"></span><mark[^>]*>([^<]*)</mark>', doc)
    assert marked and html.unescape(marked.group(1)) == quote
    assert len(blank_stray_markup(text)) == len(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/ pbrx\n&é")), max_size=60))
def test_blank_stray_markup_keeps_length_and_plain_text(text):
    from atlas.core.markup import blank_stray_markup

    out = blank_stray_markup(text)
    assert len(out) == len(text)
    assert all(a == b or b == " " for a, b in zip(text, out))  # only blanks, never new characters

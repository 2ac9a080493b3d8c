"""Escaping and highlighting: the one home of the XSS-sensitive HTML the app builds.

Every string from an article, a dataset or a user that becomes HTML passes through
:func:`esc` or :func:`escape_text` here, and every one shown in a markdown body
(``st.error``, ``st.warning``…) through :func:`md_plain`; every highlighted span (mentions, evidence,
the focused fact) is drawn by :func:`highlight_html` in one colour set
(:data:`MARK_STYLES`). Callers: the ingest preview and review queue
(:mod:`atlas.sources.intake`, :mod:`atlas.views.review`), the map's detail panel
(:mod:`atlas.views.detail`), the reader (:mod:`atlas.views.reader`) and map tooltips.

Highlighting cuts the text at every span boundary into non-overlapping segments; each
segment is escaped and wrapped in one ``<mark>`` carrying the classes ``k-<kind>`` of
every span covering it, so highlights stay exact (``text[start:end]``) even when spans
nest or overlap, and the concatenated segment texts are the text, unchanged.
Pure; no Streamlit.
"""
from __future__ import annotations

import html
import re
import string
from dataclasses import dataclass
from typing import Any, Mapping, Sequence
from urllib.parse import urlparse

# -- escaping -----------------------------------------------------------------------

# html.escape's five characters, and the characters Streamlit's markdown would read as
# formatting, math or emoji shortcodes as numeric entities (they render the same). One
# table in one pass: escaping in two passes would re-escape the first pass's "&#".
_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;",
                           **{c: f"&#{ord(c)};" for c in "\\`*_[]{}()#+-!|~$:"}})


_MD_PUNCT = frozenset(string.punctuation)


def esc(value: Any) -> str:
    """HTML-escape any value for insertion as HTML (None → '').

    >>> esc('<a href="x">'), esc(None)
    ('&lt;a href=&quot;x&quot;&gt;', '')
    """
    return "" if value is None else html.escape(str(value), quote=True)


def escape_text(s: str) -> str:
    """Article text made safe for ``st.markdown(..., unsafe_allow_html=True)`` and any HTML.

    >>> escape_text("<b>5 $ [x](y)</b> Xi'an")
    '&lt;b&gt;5 &#36; &#91;x&#93;&#40;y&#41;&lt;/b&gt; Xi&#x27;an'
    """
    return s.translate(_ENTITIES).replace("\n", "<br>")


def md_plain(text: str) -> str:
    """``text`` for a markdown body so that it renders as exactly these characters.

    CommonMark lets every ASCII punctuation character be backslash-escaped; escaping
    all of them leaves no link, image, emphasis, HTML, math or shortcode. It does *not*
    stop Streamlit auto-linking a bare address (``http://…``, ``www.…``): show a value a
    visitor typed with :func:`md_code`. Line breaks become spaces (one-line messages).

    >>> md_plain("[Log in](http://evil.example)")
    '\\\\[Log in\\\\]\\\\(http\\\\:\\\\/\\\\/evil\\\\.example\\\\)'
    >>> md_plain("a\\nb")
    'a b'
    """
    out = []
    for ch in text:
        if ch in _MD_PUNCT:
            out.append("\\" + ch)
        elif ch in "\r\n":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def md_code(text: str) -> str:
    """``text`` as an inline code span: shown verbatim, never a link, emphasis or HTML.

    For values a visitor typed (a URL's query parameters): escaping alone leaves the
    renderer free to auto-link what looks like an address; inside a code span nothing is
    parsed. The fence is longer than any run of backticks in the text.

    >>> md_code("![x](http://evil.example)"), md_code("a`b")
    ('` ![x](http://evil.example) `', '`` a`b ``')
    """
    text = text.replace("\r", " ").replace("\n", " ")
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}"


def md_warning(message: str) -> str:
    """A warning about a visitor's value for a markdown body: the message as plain text and
    the value (``message.value`` when it carries one, as :class:`atlas.views.query.QueryWarning`
    does) as code.

    >>> md_warning("plain [x]")
    'plain \\\\[x\\\\]'
    """
    value = getattr(message, "value", None)
    if value is None:
        return md_plain(message)
    return md_plain(message.before) + md_code(value) + md_plain(message.after)


def safe_url(url: str | None) -> str | None:
    """The URL if it is plain http(s), else None (so ``javascript:`` never becomes a link).

    >>> safe_url("https://example.org/a"), safe_url("javascript:alert(1)"), safe_url(" JAVASCRIPT:x")
    ('https://example.org/a', None, None)
    """
    if not url:
        return None
    url = url.strip()
    try:
        parsed = urlparse(url)
    except ValueError:
        return None
    return url if parsed.scheme.lower() in ("http", "https") and parsed.netloc else None


def link_or_text(url: str | None, label: str) -> str:
    """A link opening in a new tab when ``url`` is http(s); else the label with the raw URL beside it."""
    ok = safe_url(url)
    if ok:
        return f'<a href="{esc(ok)}" target="_blank" rel="noopener noreferrer">{esc(label)}</a>'
    return esc(label) + (f" <span style='color:#888'>({esc(url)})</span>" if url else "")


# -- highlighting -------------------------------------------------------------------

MENTION_KINDS = ("country", "place", "date", "amount")
MARK_STYLES = {
    "country": "background:#d6eaff;border-bottom:2px solid #2e86c1",
    "place": "background:#d9f5dd;border-bottom:2px solid #27ae60",
    "date": "background:#fde2cf;border-bottom:2px solid #e67e22",
    "amount": "background:#eadcf8;border-bottom:2px solid #8e44ad",
    "evidence": "background-color:rgba(255,229,138,0.45)",
    "focus": "background-color:#ffcf40;box-shadow:0 2px 0 #b7950b",
}
LEGEND_LABELS = {"evidence": "evidence of a fact", "focus": "selected fact"}


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
    """Mention spans from an extraction; spans not matching the text are dropped.

    Reads ``mentions`` ([{kind, text, start, end, value}]) and, for older outputs,
    the ``places`` / ``dates`` / ``amounts`` lists of the extraction contract.

    >>> mention_spans({"mentions": [{"kind": "place", "text": "Xi", "start": 0, "end": 2}]}, "Xi an")
    [Span(start=0, end=2, kind='place', label='')]
    """
    if not extraction:
        return []
    raw: list[tuple[str, Mapping]] = []
    for m in extraction.get("mentions") or []:
        if isinstance(m, Mapping):
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


def mark_style(kinds: Sequence[str]) -> str:
    """Inline style of a segment covered by ``kinds`` (focus outshines plain evidence)."""
    styles = [MARK_STYLES[k] for k in kinds if k in MENTION_KINDS]
    if "focus" in kinds:
        styles.append(MARK_STYLES["focus"])
    elif "evidence" in kinds:
        styles.append(MARK_STYLES["evidence"])
    return ";".join(styles)


# A tag mangled by machine translation or a careless copy: a space inside it ("< p>", "</ p>",
# "<br />" is kept as it is valid), no attributes. HTML parsers read it as text, so it reached
# the stored article (the seed article has one) and the reader showed it. Bounded repeats.
_STRAY_TAG = re.compile(r"<\s{1,8}/?\s{0,8}[A-Za-z][A-Za-z0-9]{0,10}\s{0,8}/?\s{0,8}>"
                        r"|</\s{1,8}[A-Za-z][A-Za-z0-9]{0,10}\s{0,8}>|</?[A-Za-z][A-Za-z0-9]{0,10}\s{1,8}>")


def blank_stray_markup(text: str) -> str:
    """``text`` with mangled leftover tags replaced by spaces: same length, every offset kept.
    Well-formed markup in an article (``<b>``, ``<script>``) stays, shown escaped as text.

    >>> blank_stray_markup("< p>Dies berichtet Xinhua.</p >")
    '    Dies berichtet Xinhua.     '
    >>> blank_stray_markup("5 < 6 and x<y, <b>bold</b>")
    '5 < 6 and x<y, <b>bold</b>'
    """
    return _STRAY_TAG.sub(lambda m: " " * len(m.group(0)), text) if "<" in text else text


def highlight_html(text: str, spans: Sequence[Span], *, start: int = 0, end: int | None = None,
                   anchor: str = "") -> str:
    """``text[start:end]``, escaped, stray markup blanked (:func:`blank_stray_markup`), with every
    span's segments wrapped in ``<mark>``.

    Spans are positions in ``text``; the parts outside ``[start, end)`` are cut off.
    ``anchor`` puts ``<span id=ANCHOR></span>`` before the first focus segment.

    >>> highlight_html("Xi in <Astana>", [Span(7, 13, "place")])
    'Xi in &lt;<mark class="k-place" style="background:#d9f5dd;border-bottom:2px solid #27ae60">Astana</mark>&gt;'
    """
    text = blank_stray_markup(text)
    end = len(text) if end is None else min(end, len(text))
    local = [Span(max(s.start, start) - start, min(s.end, end) - start, s.kind, s.label)
             for s in spans if s.start < end and s.end > start and s.start < s.end]
    focus_start = min((s.start for s in local if s.kind == "focus"), default=None)
    parts = []
    for seg in segments(end - start, local):
        piece = escape_text(text[start + seg.start:start + seg.end])
        if anchor and seg.start == focus_start:
            parts.append(f'<span id="{esc(anchor)}"></span>')
        if seg.kinds:
            parts.append(f'<mark class="{" ".join("k-" + k for k in seg.kinds)}" style="{mark_style(seg.kinds)}">'
                         f"{piece}</mark>")
        else:
            parts.append(piece)
    return "".join(parts)


def paragraph_bounds(text: str, start: int, end: int, max_context: int = 700) -> tuple[int, int]:
    """The line block holding ``[start, end)``, at most ``max_context`` characters either side.

    >>> paragraph_bounds("One.\\nTwo three.\\nFour.", 5, 8)
    (5, 15)
    """
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    right = len(text) if right < 0 else right
    return max(left, start - max_context), min(right, end + max_context)


def evidence_html(text: str, start: int, end: int, max_context: int = 700) -> str:
    """The paragraph around ``text[start:end]``, escaped, with that span marked as the focused evidence.

    >>> evidence_html("One.\\nTwo <b>x</b> three.\\nFour.", 5, 24)
    '<div class="atlas-evidence">… <mark class="k-focus" style="background-color:#ffcf40;box-shadow:0 2px 0 #b7950b">Two &lt;b&gt;x&lt;/b&gt; three.</mark> …</div>'
    """
    left, right = paragraph_bounds(text, start, end, max_context)
    body = highlight_html(text, [Span(start, end, "focus")], start=left, end=right)
    return (f'<div class="atlas-evidence">{"… " if left > 0 else ""}{body}'
            f'{" …" if right < len(text) else ""}</div>')


def legend_html(kinds: Sequence[str] = MENTION_KINDS + ("evidence", "focus")) -> str:
    """A one-line legend of the highlight colours."""
    items = [f'<span style="{MARK_STYLES[k]};padding:0 4px;margin-right:6px">{esc(LEGEND_LABELS.get(k, k))}</span>'
             for k in kinds]
    return '<div style="font:13px sans-serif;margin-bottom:6px">' + "".join(items) + "</div>"

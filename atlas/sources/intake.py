"""The Ingest page's logic: form input → :class:`Article` → preview → stored pending facts.

Pure functions plus thin calls on a :class:`~atlas.db.store.Store` that is passed in.
Uploads go through :func:`atlas.sources.files.article_text`, the same path as CLI files, so
both follow one set of decoding and HTML rules. No Streamlit here.

Every message a user sees is a constant of this module (or of :mod:`atlas.sources.files`),
so tests can pin them. HTML comes from :mod:`atlas.core.markup`, escaped there.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable, Sequence

from ..core.errors import ArticleError, AtlasError
from .extract import detect_language as _detect
from .files import ARTICLE_SUFFIXES, MAX_ARTICLE_BYTES, article_text, decode_article, first_line
from .ingest import Prepared, prepare, run_extractor, store_prepared
from ..core.markup import highlight_html, mention_spans
from ..core.models import LANGUAGES, Article, Fact
from ..db.store import Store

# -- pinned user-facing messages ------------------------------------------------
MSG_NO_TEXT = "Nothing to ingest: paste the article text or upload a .txt, .md or .html file."
MSG_BOTH = "Paste text or upload a file, not both: clear one of them."
MSG_BAD_URL = "URL: {url!r} must start with http:// or https://"
MSG_BAD_LANGUAGE = "Language: {language!r} is not supported; choose one of de, en, ru"
MSG_REFUSED = "Refused, nothing was stored. {reason}"
MSG_DUPLICATE = "Duplicate: this exact text is already stored (article {article_id}); nothing was stored again."
MSG_SAVED = "Saved article {article_id} with {n} fact(s) pending review."
MSG_PREVIEW_NO_FACTS = "No candidate facts found in this article (it can still be saved)."
MSG_PREVIEW_CUT = "<br>… ({n:,} more characters not shown)"

PASTED_NAME = "pasted text"
AUTO_LANGUAGE = "auto"
LANGUAGE_CHOICES = (AUTO_LANGUAGE,) + LANGUAGES
PREVIEW_CHARS = 200_000


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


def _source_text(text: str, file_name: str | None, file_bytes: bytes | None) -> str:
    has_text = bool(text and text.strip())
    if file_bytes is not None and file_name is not None:
        if has_text:
            raise ArticleError(MSG_BOTH)
        return article_text(file_bytes, file_name, suffixes=ARTICLE_SUFFIXES)
    if not has_text:
        if text:  # whitespace only: say it is empty, like a file would
            decode_article(text.encode("utf-8"), PASTED_NAME)
        raise ArticleError(MSG_NO_TEXT)
    # len*4 bounds the UTF-8 size without encoding a huge paste first
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
        lang = _detect(text)
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
    title = " ".join((form.title or "").split())[:300] or first_line(text)
    return Article.from_text(
        text, title=title, language=language, published=form.published, url=url,
        publisher=" ".join((form.publisher or "").split())[:200],
        path=form.file_name or "",
    )


def prepare_form(form: IngestForm, extractor: Callable[[Article], dict] | None = None) -> Prepared:
    """Article, candidate facts and extraction of the form (nothing stored)."""
    return prepare(article_from_form(form), extractor=extractor or run_extractor)


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
    article_id: str = ""


def preview_html(text: str, extraction: dict | None, max_chars: int = PREVIEW_CHARS) -> str:
    """The article (at most ``max_chars``), escaped, with its mentions highlighted."""
    body = highlight_html(text, mention_spans(extraction, text), end=max_chars)
    if len(text) > max_chars:
        body += MSG_PREVIEW_CUT.format(n=len(text) - max_chars)
    return f'<div class="atlas-article">{body}</div>'


def preview_form(form: IngestForm, store: Store | None = None,
                 extractor: Callable[[Article], dict] | None = None) -> Preview:
    try:
        prepared = prepare_form(form, extractor)
    except ArticleError as exc:
        return Preview(None, error=MSG_REFUSED.format(reason=str(exc)))
    art = prepared.article
    return Preview(art, tuple(prepared.facts), preview_html(art.text, prepared.extraction),
                   tuple(candidate_rows(prepared.facts)),
                   duplicate=bool(store is not None and store.has_article(art.id)), article_id=art.id)


def preview_light(form: IngestForm) -> Preview:
    """:func:`preview_form` without the article and facts: what the page shows, nothing more
    (made in the extraction worker and sent back; the duplicate check is the caller's)."""
    pv = preview_form(form)
    return Preview(None, (), pv.html, pv.rows, pv.error, article_id=pv.article_id)


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

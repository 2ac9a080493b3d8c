"""What a fetched URL holds: a feed (RSS/Atom), a sitemap, or an article page.

Feeds are read by feedparser, sitemaps by the standard library's expat (which refuses
entity-expansion bombs), article pages by trafilatura (text and metadata). Nothing
here does I/O: bytes in, links or an :class:`~atlas.models.Article` out.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import trafilatura

from ..files import decode_article, first_line, html_to_text
from ..models import Article, LANGUAGES
from .http import FetchFailure, Response, decode_html

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
XML_TYPES = ("application/xml", "text/xml") + FEED_TYPES
HTML_TYPES = ("text/html", "application/xhtml+xml")
_ROOT = re.compile(rb"^(?:\s|<\?xml[^>]{0,200}\?>|<!--.{0,500}?-->|<!DOCTYPE[^>]{0,500}>)*"
                   rb"<([A-Za-z_][\w:.-]{0,60})", re.S)


@dataclass(frozen=True)
class Link:
    url: str
    published: date | None = None
    title: str = ""


def root_tag(body: bytes) -> str:
    """Local name of the first XML/HTML element, lower case ('' if none).

    >>> root_tag(b'<?xml version="1.0"?>\\n<rss version="2.0">'), root_tag(b"<sm:urlset>"), root_tag(b"hi")
    ('rss', 'urlset', '')
    """
    m = _ROOT.match(body.lstrip(b"\xef\xbb\xbf")[:4096])
    return m.group(1).decode("ascii").split(":")[-1].lower() if m else ""


def kind_of(resp: Response) -> str:
    """``feed``, ``sitemap`` or ``page``; a ``not-html`` failure for anything else."""
    tag = root_tag(resp.body)
    if tag in ("rss", "feed", "rdf"):
        return "feed"
    if tag in ("urlset", "sitemapindex"):
        return "sitemap"
    if resp.content_type in HTML_TYPES or tag == "html" or (not resp.content_type and tag):
        return "page"
    if resp.content_type in XML_TYPES:
        raise FetchFailure("malformed", resp.url, "XML that is neither an RSS/Atom feed nor a sitemap")
    raise FetchFailure("not-html", resp.url, f"not an HTML page, feed or sitemap ({resp.content_type or 'no type'})")


def _entry_date(entry: Any) -> date | None:
    for key in ("published_parsed", "updated_parsed"):
        t = entry.get(key)
        if t:
            try:
                return date(t.tm_year, t.tm_mon, t.tm_mday)
            except ValueError:
                return None
    return None


def feed_links(resp: Response) -> list[Link]:
    """Entry links of an RSS/Atom feed; malformed XML is a ``malformed`` failure."""
    import feedparser

    parsed = feedparser.parse(resp.body, response_headers={"content-location": resp.url})
    out = []
    for e in parsed.entries:
        link = e.get("link") or ""
        if link.startswith(("http://", "https://")):
            out.append(Link(link, _entry_date(e), str(e.get("title", ""))[:300]))
    if parsed.bozo and not out:  # feedparser reads broken XML leniently; with no usable link it is broken
        raise FetchFailure("malformed", resp.url, f"malformed feed XML: {parsed.get('bozo_exception', '')}")
    return out


def sitemap_links(resp: Response) -> tuple[list[Link], list[str]]:
    """Page links and child sitemaps of a sitemap (``<urlset>`` or ``<sitemapindex>``)."""
    try:
        root = ET.fromstring(resp.body)
    except ET.ParseError as exc:
        raise FetchFailure("malformed", resp.url, f"malformed sitemap XML: {exc}") from None
    pages, children = [], []
    for node in root:
        tag = node.tag.rsplit("}", 1)[-1]
        loc = lastmod = ""
        for child in node:
            ctag = child.tag.rsplit("}", 1)[-1]
            if ctag == "loc":
                loc = (child.text or "").strip()
            elif ctag == "lastmod":
                lastmod = (child.text or "").strip()
        if not loc.startswith(("http://", "https://")):
            continue
        if tag == "sitemap":
            children.append(loc)
        elif tag == "url":
            pages.append(Link(loc, _iso_date(lastmod)))
    return pages, children


def _iso_date(text: str) -> date | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date() if text else None
    except ValueError:
        return None


_HTML_LANG = re.compile(r"<html[^>]{0,300}?\blang\s*=\s*[\"']?([A-Za-z]{2})", re.I)


def page_article(resp: Response, source: str = "", language: str | None = None,
                 published: date | None = None) -> Article:
    """An article page as an :class:`Article`.

    The text comes from the same path as uploads and CLI files (:func:`atlas.files.decode_article`
    and :func:`atlas.files.html_to_text`), so a page fetched and the same page uploaded are one
    article; trafilatura reads the metadata. The canonical URL (``<link rel=canonical>``) is
    the article's ``url``; the page's ``<html lang>`` wins over the feed's language, the
    page's date over the feed entry's.
    """
    html = decode_html(resp.body, resp.charset, resp.url)
    text = html_to_text(decode_article(html.encode("utf-8"), resp.url))
    if not text:
        raise FetchFailure("not-html", resp.url, "no article text found in the page")
    meta = trafilatura.extract_metadata(html, default_url=resp.url)
    m = _HTML_LANG.search(html[:4096])
    lang = m.group(1).lower() if m and m.group(1).lower() in LANGUAGES else language
    day = _iso_date(getattr(meta, "date", None) or "") or published
    canonical = getattr(meta, "url", None) or resp.url
    if not str(canonical).startswith(("http://", "https://")):
        canonical = resp.url
    title = (getattr(meta, "title", None) or first_line(text))[:300]
    return Article.from_text(text, title=title, language=lang, published=day, url=canonical,
                             publisher=(getattr(meta, "sitename", None) or source or "")[:200], path=resp.url)

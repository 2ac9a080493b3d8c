"""What a fetched URL holds: a feed (RSS/Atom), a sitemap, or an article page.

Feeds are read by feedparser, sitemaps by the standard library's expat (which refuses
entity-expansion bombs), article pages by trafilatura (text and metadata). Nothing
here does I/O: bytes in, links or an :class:`~atlas.core.models.Article` out.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser
import trafilatura
from feedparser.exceptions import CharacterEncodingOverride, NonXMLContentType
from tld import get_fld

from ..files import decode_article, first_line, html_to_text
from ...core.models import LANGUAGES, Article
from .http import FetchFailure, Response, check_deadline, decode_html, text_codec

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


_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{1,40})["']""")


def xml_encoding(body: bytes) -> str | None:
    """The encoding an XML declaration names, if any.

    >>> xml_encoding(b'<?xml version="1.0" encoding="KOI8-R"?><rss/>'), xml_encoding(b"<rss/>")
    ('KOI8-R', None)
    """
    m = _XML_ENCODING.match(body.lstrip(b"\xef\xbb\xbf")[:300])
    return m.group(1).decode("ascii") if m else None


def feed_links(resp: Response) -> list[Link]:
    """Entry links of an RSS/Atom feed; malformed XML is a ``malformed`` failure.

    A well-formed feed without entries is simply empty. feedparser also flags a media
    type it does not expect or a charset override; those are not malformed XML.
    """
    for declared in (resp.charset, xml_encoding(resp.body)):
        if declared:
            text_codec(declared, resp.url)  # feedparser would decode with any codec (punycode: slow, or a crash)
    headers = {"content-location": resp.url, "content-type": resp.content_type or "application/xml"}
    try:
        parsed = feedparser.parse(resp.body, response_headers=headers)
    except (UnicodeError, LookupError) as exc:
        raise FetchFailure("charset", resp.url, f"the feed cannot be decoded: {exc}") from None
    check_deadline(resp, "parsing the feed")
    harmless = isinstance(parsed.get("bozo_exception"), (CharacterEncodingOverride, NonXMLContentType))
    out = []
    for e in parsed.entries:
        link = e.get("link") or ""
        if link.startswith(("http://", "https://")):
            out.append(Link(link, _entry_date(e), str(e.get("title", ""))[:300]))
    if parsed.bozo and not harmless and not out:  # feedparser reads broken XML leniently; with no usable link it is broken
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


def site_of(url: str) -> str:
    """The registrable domain of a URL (public suffix list), else its host (an IP address, localhost).

    >>> site_of("https://news.bbc.co.uk/a"), site_of("http://127.0.0.1:8000/x"), site_of("https://a.github.io/")
    ('bbc.co.uk', '127.0.0.1', 'a.github.io')
    """
    try:
        return get_fld(url, fail_silently=True) or (urlsplit(url).hostname or "").lower()
    except ValueError:  # a malformed port or host
        return ""


def same_site(a: str, b: str) -> bool:
    """Whether two URLs are on one registrable domain (a page may name its own canonical URL only).

    >>> same_site("https://www.example.com/a", "https://amp.example.com/a"), same_site("http://x.example.org/", "https://example.com/")
    (True, False)
    """
    site = site_of(a)
    return bool(site) and site == site_of(b)


_HTML_LANG = re.compile(r"<html[^>]{0,300}?\blang\s*=\s*[\"']?([A-Za-z]{2})", re.I)


def page_article(resp: Response, source: str = "", language: str | None = None,
                 published: date | None = None) -> Article:
    """An article page as an :class:`Article`.

    The text comes from the same path as uploads and CLI files (:func:`atlas.sources.files.decode_article`
    and :func:`atlas.sources.files.html_to_text`), so a page fetched and the same page uploaded are one
    article; trafilatura reads the metadata. The canonical URL (``<link rel=canonical>``) is
    the article's ``url``; the page's ``<html lang>`` wins over the feed's language, the
    page's date over the feed entry's. A page speaks only for its own site: a canonical URL
    on another registrable domain is ignored (the fetched URL stays the address), and so is
    the site name of such a page (the source's name is the publisher), so a copy cannot pose
    as the original and keep the original from being fetched. Without a canonical URL the site
    name is not believed either: the publisher is the source's name, else the page's site.
    """
    html = decode_html(resp.body, resp.charset, resp.url)
    check_deadline(resp, "decoding the page")
    text = html_to_text(decode_article(html.encode("utf-8"), resp.url))
    check_deadline(resp, "reading the page's text")
    if not text:
        raise FetchFailure("not-html", resp.url, "no article text found in the page")
    meta = trafilatura.extract_metadata(html)  # no default URL: a page that names no canonical one stays silent
    m = _HTML_LANG.search(html[:4096])
    lang = m.group(1).lower() if m and m.group(1).lower() in LANGUAGES else language
    day = _iso_date(getattr(meta, "date", None) or "") or published
    claimed = str(getattr(meta, "url", None) or "")
    own = claimed.startswith(("http://", "https://")) and same_site(claimed, resp.url)
    canonical = claimed if own else resp.url
    # The page's own site name is believed only beside a canonical URL on its own site: any page
    # can write og:site_name, and one without a canonical URL could be a copy anywhere.
    site_name = getattr(meta, "sitename", None) if own else None
    title = (getattr(meta, "title", None) or first_line(text))[:300]
    return Article.from_text(text, title=title, language=lang, published=day, url=canonical,
                             publisher=(site_name or source or site_of(resp.url))[:200], path=resp.url)

"""``feeds.yaml``: the news sources the atlas follows, validated like curated data.

Format (see ``feeds.example.yaml``)::

    feeds:
      - name: Example wire, Central Asia   # unique, shown on the Ingest page
        url: https://example.org/rss        # RSS/Atom feed, sitemap, or one article page
        language: en                        # optional: de, en or ru (else detected per article)
        countries: [KAZ, UZB]               # optional country focus (ISO3 of the five states)
        every: 30m                          # optional polling interval: s, m, h or d (default 1h)
        verified: false                     # optional: true once a fetch of the address has succeeded
        outlet_language: ky                 # optional: what the outlet writes in (ISO 639-1), for readers

Problems are reported as ``file:line: field: message`` and nothing is loaded.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ...core import safeyaml
from ...core.errors import Problem, ValidationError
from ..files import _LineLoader
from ...core.models import CENTRAL_ASIA, LANGUAGES

FIELDS = ("name", "url", "language", "countries", "every", "verified", "outlet_language")
DEFAULT_INTERVAL_S = 3600
MIN_INTERVAL_S = 60
MAX_FEEDS_FILE_BYTES = 1024 * 1024
_INTERVAL = re.compile(r"\s*(\d{1,6})\s*([smhd])\s*", re.I)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(text: str) -> int:
    """Seconds in ``30m``, ``2h``, ``1d`` or ``45s``; ValueError saying why not.

    >>> parse_interval("30m"), parse_interval("2h"), parse_interval(" 1D ")
    (1800, 7200, 86400)
    >>> parse_interval("soon")
    Traceback (most recent call last):
    ValueError: 'soon' is not an interval; write a number and a unit, e.g. 30m, 2h or 1d
    """
    m = _INTERVAL.fullmatch(str(text))
    if not m:
        raise ValueError(f"{str(text)[:40]!r} is not an interval; write a number and a unit, e.g. 30m, 2h or 1d")
    return int(m.group(1)) * _UNITS[m.group(2).lower()]


@dataclass(frozen=True)
class Feed:
    name: str
    url: str
    language: str | None = None
    countries: tuple[str, ...] = ()
    interval_s: int = DEFAULT_INTERVAL_S
    every_raw: str = ""  # as written in the file
    verified: bool = False  # a fetch of the address has succeeded (addresses copied from lists start unverified)
    outlet_language: str | None = None  # the outlet's own language, also when the extractor cannot read it


def _check_url(url: object) -> str | None:
    if not isinstance(url, str) or not re.fullmatch(r"https?://[^\s/?#]+[^\s]*", url.strip()):
        return "must be an http:// or https:// address"
    return None


def parse_feed(rec: object, name: str, index: int) -> tuple[Feed | None, list[Problem]]:
    """One entry of the ``feeds:`` list, or the problems with it."""
    if not isinstance(rec, dict):
        return None, [Problem(name, f"feed #{index + 1}: must be a mapping of {', '.join(FIELDS)}")]
    lines = rec.get("__lines__", {})
    line = rec.get("__line__")
    probs: list[Problem] = []

    def bad(fieldname: str, msg: str) -> None:
        probs.append(Problem(name, msg, line=lines.get(fieldname, line), field=fieldname))

    for key in rec:
        if key not in FIELDS and not str(key).startswith("__"):
            bad(str(key), f"unknown field; expected one of {', '.join(FIELDS)}")
    title = rec.get("name")
    if not isinstance(title, str) or not title.strip():
        bad("name", "required: a short name for the source")
    elif len(title) > 200:
        bad("name", "longer than 200 characters")
    url = rec.get("url")
    if (msg := _check_url(url)) is not None:
        bad("url", msg)
    language = rec.get("language")
    if language not in (None, "") and language not in LANGUAGES:
        bad("language", f"{language!r} is not supported; use one of {', '.join(LANGUAGES)}")
    countries = rec.get("countries") or []
    if isinstance(countries, str):
        countries = [countries]
    if not isinstance(countries, list) or any(c not in CENTRAL_ASIA for c in countries):
        bad("countries", f"must be a list of {', '.join(CENTRAL_ASIA)}")
        countries = []
    every = rec.get("every")
    interval = DEFAULT_INTERVAL_S
    if every not in (None, ""):
        try:
            interval = parse_interval(str(every))
        except ValueError as exc:
            bad("every", str(exc))
        else:
            if interval < MIN_INTERVAL_S:
                bad("every", f"{every!r} is too often; poll at most once a minute")
    verified = rec.get("verified", False)
    if not isinstance(verified, bool):
        bad("verified", "must be true or false")
    outlet_language = rec.get("outlet_language")
    if outlet_language not in (None, "") and not (isinstance(outlet_language, str)
                                                  and re.fullmatch(r"[a-z]{2,3}", outlet_language)):
        bad("outlet_language", "must be a two- or three-letter language code such as ky, kk, uz, tg")
    if probs:
        return None, probs
    return Feed(title.strip(), url.strip(), language or None, tuple(countries), interval,
                "" if every is None else str(every), verified, outlet_language or None), []


def load_feeds(path: Path) -> list[Feed]:
    """The feeds of a ``feeds.yaml``; :class:`ValidationError` lists every problem."""
    path = Path(path)
    name = str(path)
    try:
        doc = safeyaml.load(safeyaml.read_bounded(path, MAX_FEEDS_FILE_BYTES), _LineLoader)
    except safeyaml.YamlTooLarge as exc:
        raise ValidationError([Problem(name, str(exc))]) from None
    except yaml.YAMLError as exc:
        raise ValidationError([Problem(name, f"malformed YAML: {safeyaml.problem_text(exc)}",
                                       line=safeyaml.problem_line(exc))]) from None
    except UnicodeDecodeError:
        raise ValidationError([Problem(name, "not UTF-8 text")]) from None
    except OSError as exc:
        raise ValidationError([Problem(name, f"cannot read: {exc.strerror}")]) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("feeds"), list):
        raise ValidationError([Problem(name, "a feeds file must be a mapping with a 'feeds:' list", line=1)])
    feeds: list[Feed] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for i, rec in enumerate(doc["feeds"]):
        feed, probs = parse_feed(rec, name, i)
        problems += probs
        if feed is None:
            continue
        if feed.name in seen:
            problems.append(Problem(name, f"duplicate name {feed.name!r}", line=rec.get("__line__"), field="name"))
            continue
        seen[feed.name] = i
        feeds.append(feed)
    if problems:
        raise ValidationError(problems)
    return feeds

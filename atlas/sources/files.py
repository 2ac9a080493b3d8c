"""Reading the project's files: articles (+ sidecar meta), curated YAML, boundaries.

All I/O for inputs lives here; parsing of records is in :mod:`atlas.sources.records`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any, Iterable

import trafilatura
import yaml

from ..core import safeyaml
from ..core.errors import ArticleError, Problem, ValidationError
from ..core.models import CENTRAL_ASIA, LANGUAGES, Article, Fact
from ..core.fields import parse_date
from .records import parse_curated

ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = ROOT / "seeds"
CURATED_DIR = ROOT / "data" / "curated"
DATASETS_DIR = ROOT / "data" / "datasets"  # the shipped published datasets (atlas.sources.datasets)
BOUNDARIES = ROOT / "data" / "boundaries" / "countries.geojson"
MAX_ARTICLE_BYTES = 5 * 1024 * 1024
ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
META_FIELDS = ("title", "url", "publisher", "published", "language")
MSG_BAD_SUFFIX = "{name}: only .txt, .md or .html files can be ingested"
MSG_HTML_EMPTY = "{name}: no article text found in the HTML"


def decode_article(data: bytes, name: str) -> str:
    """Bytes of an article as text, or :class:`ArticleError` saying why not.

    >>> decode_article(b"", "a.txt")
    Traceback (most recent call last):
    atlas.core.errors.ArticleError: a.txt: the article is empty
    >>> decode_article(b"\\xff\\xfeK", "b.txt")
    Traceback (most recent call last):
    atlas.core.errors.ArticleError: b.txt: not UTF-8 text (invalid byte at position 0); save it as UTF-8
    """
    if len(data) > MAX_ARTICLE_BYTES:
        raise ArticleError(f"{name}: {len(data):,} bytes is over the limit of {MAX_ARTICLE_BYTES:,} bytes (5 MB)")
    nul = data.find(b"\x00")
    if 0 <= nul < 8192:
        raise ArticleError(f"{name}: a binary file, not text")
    if nul >= 0:  # text with a NUL further in: never stored (it truncates text in C libraries and databases)
        raise ArticleError(f"{name}: a NUL character at byte {nul:,}; not plain text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ArticleError(f"{name}: not UTF-8 text (invalid byte at position {exc.start}); save it as UTF-8") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise ArticleError(f"{name}: the article is empty")
    return text


def meta_path(path: Path) -> Path:
    return path.with_name(path.stem + ".meta.yaml")


def read_meta(path: Path) -> dict[str, Any]:
    """The optional sidecar ``NAME.meta.yaml`` of an article, checked (bounded: size, depth, aliases)."""
    mp = meta_path(path)
    if not mp.exists():
        return {}
    try:
        raw = safeyaml.load(safeyaml.read_bounded(mp, safeyaml.MAX_SIDECAR_BYTES), _LineLoader) or {}
    except yaml.YAMLError as exc:
        line = safeyaml.problem_line(exc)
        where = f"{mp}:{line}" if line else str(mp)
        what = "too large" if isinstance(exc, safeyaml.YamlTooLarge) else "malformed YAML"
        raise ArticleError(f"{where}: {what}: {safeyaml.problem_text(exc)}") from None
    except UnicodeDecodeError:
        raise ArticleError(f"{mp}: not UTF-8 text") from None
    except OSError as exc:
        raise ArticleError(f"{mp}: cannot read: {exc.strerror}") from None
    if not isinstance(raw, dict):
        raise ArticleError(f"{mp}: must be a mapping of {', '.join(META_FIELDS)}")
    lines = raw.pop("__lines__", {})
    raw.pop("__line__", None)
    meta: dict[str, Any] = {}
    for key, value in raw.items():
        where = f"{mp}:{lines[key]}" if key in lines else str(mp)
        if key not in META_FIELDS:
            raise ArticleError(f"{where}: {key}: unknown field; expected one of {', '.join(META_FIELDS)}")
        if value in (None, ""):
            continue
        if key == "published":
            try:
                value = parse_date(value)
            except ValueError as exc:
                raise ArticleError(f"{where}: published: {exc}") from None
        elif key == "language" and value not in LANGUAGES:
            raise ArticleError(f"{where}: language: {value!r} is not supported; use one of {', '.join(LANGUAGES)}")
        elif not isinstance(value, (str, int, float)):
            raise ArticleError(f"{where}: {key}: must be text, got a {type(value).__name__}")
        else:
            value = str(value)
        meta[key] = value
    return meta


def html_to_text(html: str) -> str:
    """Main text of an HTML page, offline (trafilatura, falling back to stripping tags)."""
    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_recall=True)
    if not text:
        text = unescape(re.sub(r"<[^>]+>", " ", re.sub(r"(?is)<(script|style).*?</\1>", " ", html)))
        text = re.sub(r"[ \t]+", " ", text)
    return text.strip()


def article_text(data: bytes, name: str, *, suffixes: tuple[str, ...] | None = None) -> str:
    """The article text of a file's bytes: decoded, and HTML pages reduced to their main text.

    The one path for uploads, CLI files and fetched pages. ``suffixes`` (when given)
    are the only file types accepted. Raises :class:`ArticleError` naming ``name``.

    >>> article_text(b"<html><body><p>Astana hosts the summit.</p></body></html>", "a.html")
    'Astana hosts the summit.'
    >>> article_text(b"x", "a.pdf", suffixes=ARTICLE_SUFFIXES)
    Traceback (most recent call last):
    atlas.core.errors.ArticleError: a.pdf: only .txt, .md or .html files can be ingested
    """
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffixes is not None and suffix not in suffixes:
        raise ArticleError(MSG_BAD_SUFFIX.format(name=name))
    text = decode_article(data, name)
    if suffix in (".html", ".htm"):
        text = html_to_text(text)
        if not text.strip():
            raise ArticleError(MSG_HTML_EMPTY.format(name=name))
    return text


def first_line(text: str) -> str:
    """The first non-blank line, whitespace collapsed, at most 200 characters (a default title).

    >>> first_line("\\n  Xi   in Astana \\nmore")
    'Xi in Astana'
    """
    for line in text.splitlines():
        if line.strip():
            return " ".join(line.split())[:200]
    return ""


def article_from_bytes(data: bytes, name: str, *, suffixes: tuple[str, ...] | None = None,
                       **meta: Any) -> Article:
    """An :class:`Article` from a file's bytes (title defaults to the first line)."""
    text = article_text(data, name, suffixes=suffixes)
    title = meta.pop("title", "") or first_line(text)
    meta.setdefault("path", name)
    return Article.from_text(text, title=title, **meta)


def read_article(path: Path) -> Article:
    """Read one article file (+ meta). Raises :class:`ArticleError` naming the file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read: {exc.strerror}") from None
    return article_from_bytes(data, str(path), **read_meta(path))


def article_files(paths: Iterable[Path]) -> list[Path]:
    """Article files named by ``paths`` (folders are searched, meta sidecars skipped)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in ARTICLE_SUFFIXES))
        elif p.exists():
            out.append(p)
        else:
            raise ArticleError(f"{p}: no such file or folder")
    return out


def read_seed_articles(seeds_dir: Path = SEEDS_DIR) -> dict[str, Article]:
    """Seed articles keyed by file name *and* by id, as curated evidence may cite either."""
    out: dict[str, Article] = {}
    for f in article_files([seeds_dir]) if seeds_dir.exists() else []:
        art = read_article(f)
        out[f.name] = art
        out[art.id] = art
    return out


class _LineLoader(safeyaml.BoundedLoader):
    """Bounded SafeLoader that records each mapping's line and each key's line (1-based)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = safeyaml.BoundedLoader.construct_mapping(loader, node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    mapping["__lines__"] = {k.value: k.start_mark.line + 1 for k, _ in node.value if hasattr(k, "value")}
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml_records(path: Path) -> tuple[list[dict], list[Problem]]:
    """Records of a curated YAML file (``facts:`` list), each with line numbers."""
    name = _display(path)
    try:
        doc = safeyaml.load(safeyaml.read_bounded(path, safeyaml.MAX_CURATED_BYTES), _LineLoader)
    except safeyaml.YamlTooLarge as exc:
        return [], [Problem(name, str(exc))]
    except yaml.YAMLError as exc:
        return [], [Problem(name, f"malformed YAML: {safeyaml.problem_text(exc)}", line=safeyaml.problem_line(exc))]
    except UnicodeDecodeError:
        return [], [Problem(name, "not UTF-8 text")]
    except OSError as exc:
        return [], [Problem(name, f"cannot read: {exc.strerror}")]
    if not isinstance(doc, dict) or not isinstance(doc.get("facts"), list):
        return [], [Problem(name, "a curated file must be a mapping with a 'facts:' list", line=1)]
    return doc["facts"], []


def _display(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class CuratedSet:
    facts: tuple[Fact, ...]
    problems: tuple[Problem, ...]
    files: tuple[str, ...]


def load_curated(curated_dir: Path = CURATED_DIR, articles: dict[str, Article] | None = None) -> CuratedSet:
    """All curated facts, or the problems that stop them loading (ids unique across files)."""
    if articles is None:
        articles = read_seed_articles()
    facts: list[Fact] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    files = sorted(Path(curated_dir).glob("*.yaml")) + sorted(Path(curated_dir).glob("*.yml"))
    for path in files:
        records, probs = load_yaml_records(path)
        problems.extend(probs)
        name = _display(path)
        for rec in records:
            fact, probs = parse_curated(rec, name, articles)
            problems.extend(probs)
            if fact is None:
                continue
            if fact.id in seen:
                line = rec.get("__lines__", {}).get("id")
                problems.append(Problem(name, f"duplicate id {fact.id!r} (also in {seen[fact.id]})", line=line, field="id"))
                continue
            seen[fact.id] = name
            facts.append(fact)
    return CuratedSet(tuple(facts), tuple(problems), tuple(_display(p) for p in files))


def load_curated_or_raise(curated_dir: Path = CURATED_DIR, articles: dict[str, Article] | None = None) -> list[Fact]:
    cs = load_curated(curated_dir, articles)
    if cs.problems:
        raise ValidationError(list(cs.problems))
    return list(cs.facts)


def load_boundaries(path: Path = BOUNDARIES) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def boundary_problems(path: Path = BOUNDARIES) -> list[Problem]:
    name = _display(path)
    try:
        gj = load_boundaries(path)
    except FileNotFoundError:
        return [Problem(name, "missing; run python scripts/make_boundaries.py")]
    except json.JSONDecodeError as exc:
        return [Problem(name, f"not valid JSON: {exc.msg}", line=exc.lineno)]
    have = {f.get("properties", {}).get("iso_a3") for f in gj.get("features", [])}
    missing = [c for c in list(CENTRAL_ASIA) + ["CHN", "RUS", "AFG", "IRN", "MNG", "PAK"] if c not in have]
    return [Problem(name, f"no polygon for {', '.join(missing)}")] if missing else []

"""From articles to stored facts: run the extractor, shape its output as facts, store.

Shaping (:func:`facts_from_extraction`) is pure; :func:`ingest_paths` and
:func:`ensure_seeded` do the I/O against a store that is passed in.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

from ..core.errors import ArticleError, AtlasError, ValidationError
from .extract import extract
from .files import (CURATED_DIR, DATASETS_DIR, SEEDS_DIR, CuratedSet, article_files, load_curated, read_article,
                    read_seed_articles)
from ..core.geometry import country_points
from ..core.models import Article, CENTRAL_ASIA, Evidence, Fact, extracted_fact_id
from ..db.store import Store


def _names(codes: Sequence[str]) -> str:
    from ..core.labels import actor_label  # labels pulls pandas, which the extraction worker needs nowhere else
    if set(CENTRAL_ASIA) <= set(codes) and len(codes) == len(CENTRAL_ASIA):
        return "Central Asia"
    return ", ".join(CENTRAL_ASIA.get(c) or actor_label(c) for c in codes)


def fact_title(label: str, ftype: str, actors: Sequence[str], countries: Sequence[str]) -> str:
    """A short English title for an extracted fact.

    >>> fact_title("summit", "diplomacy", ["CHN"], ["KAZ", "KGZ", "TJK", "TKM", "UZB"])
    'Summit: China – Central Asia'
    >>> fact_title("", "sanctions", [], ["KAZ"])
    'Sanctions: Kazakhstan'
    """
    head = (label or ftype).strip()
    head = head[:1].upper() + head[1:]
    parts = [p for p in (_names(actors), _names(countries)) if p]
    return f"{head}: {' – '.join(parts)}" if parts else head


def fact_geometry(places: Sequence[Mapping], countries: Sequence[str],
                  points: Mapping[str, tuple[float, float]]) -> tuple[dict | None, str | None]:
    """Where to draw an extracted fact: a named place, else the country, else the region.

    Places in Central Asia win over places elsewhere (the atlas is about the region).
    """
    if places:
        ranked = sorted(places, key=lambda p: p.get("country") not in CENTRAL_ASIA)
        p = ranked[0]
        return {"type": "Point", "coordinates": [round(p["lon"], 4), round(p["lat"], 4)]}, "city"
    pts = [points[c] for c in countries if c in points]
    if len(pts) == 1:
        return {"type": "Point", "coordinates": list(pts[0])}, "country"
    if pts:
        lon = sum(p[0] for p in pts) / len(pts)
        lat = sum(p[1] for p in pts) / len(pts)
        return {"type": "Point", "coordinates": [round(lon, 3), round(lat, 3)]}, "approximate-area"
    return None, None


def facts_from_extraction(article: Article, extraction: Mapping,
                          points: Mapping[str, tuple[float, float]]) -> list[Fact]:
    """Facts (origin extracted, review pending) from the extractor's JSON for ``article``."""
    out: list[Fact] = []
    seen: set[str] = set()
    for f in extraction.get("facts", []):
        start, end = int(f["start"]), int(f["end"])
        fid = extracted_fact_id(article.id, start, end)
        if fid in seen:
            fid = f"{fid}-{f['type']}"
        if fid in seen:
            continue
        seen.add(fid)
        countries = tuple(c for c in f.get("countries", []) if c in CENTRAL_ASIA)
        actors = tuple(f.get("actors", []))
        places = tuple(f.get("places", []))
        geometry, geo_precision = fact_geometry(places, countries, points)
        day = date.fromisoformat(f["date"]) if f.get("date") else None
        out.append(Fact(
            id=fid, type=f["type"], title=fact_title(f.get("label", ""), f["type"], actors, countries),
            summary="", date_start=day, date_precision=(f.get("date_precision") or "day") if day else None,
            origin="extracted", review="pending", confidence=float(f.get("confidence", 0.5)),
            rule=str(f.get("rule", "")), countries=countries, actors=actors,
            geometry=geometry, geo_precision=geo_precision,
            evidence=(Evidence(article.id, start, end, article.text[start:end]),),
            places=places, amounts=tuple(f.get("amounts", [])),
        ))
    return out


_runner: Callable[[Article], dict] | None = None


def use_runner(runner: Callable[[Article], dict] | None) -> None:
    """Make :func:`run_extractor` hand articles to ``runner`` (the app: a worker process)."""
    global _runner
    _runner = runner


def extract_here(article: Article) -> dict:
    """The extractor's JSON for ``article``, made in this process whatever runner is set."""
    return extract(article.text, published=article.published, language=article.language).to_dict()


def run_extractor(article: Article) -> dict:
    """The extractor's JSON for ``article``: in this process, or through the runner set by :func:`use_runner`."""
    if _runner is not None:
        return _runner(article)
    return extract_here(article)


@dataclass
class Prepared:
    article: Article
    facts: list[Fact]
    extraction: dict


def prepare(article: Article, points: Mapping[str, tuple[float, float]] | None = None,
            extractor: Callable[[Article], dict] = run_extractor) -> Prepared:
    """Extract and shape one article; raises :class:`ArticleError` naming the article."""
    name = article.path or article.title or article.id
    try:
        extraction = extractor(article)
    except AtlasError as exc:
        msg = str(exc)
        raise ArticleError(msg if msg.startswith(name) else f"{name}: {msg}") from None
    if not article.language and extraction.get("language"):
        article = replace(article, language=extraction["language"])
    return Prepared(article, facts_from_extraction(article, extraction, points or country_points()), extraction)


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)  # article ids
    duplicates: list[str] = field(default_factory=list)  # paths/titles already stored
    facts: int = 0
    curated: int = 0
    problems: list[str] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)  # one summary line per published dataset

    def summary(self) -> str:
        return (f"{len(self.added)} article(s) added, {len(self.duplicates)} already stored, "
                f"{self.facts} extracted fact(s) stored, {self.curated} curated fact(s) loaded"
                + "".join(f"; {d}" for d in self.datasets))


def store_prepared(store: Store, prepared: Prepared) -> bool:
    return store.add_article(prepared.article, prepared.facts, prepared.extraction)


def load_curated_into(store: Store, curated_dir: Path = CURATED_DIR, seeds_dir: Path = SEEDS_DIR, *,
                      curated: CuratedSet | None = None, seeds: dict[str, Article] | None = None,
                      extractor: Callable[[Article], dict] = run_extractor) -> int:
    """(Re)load curated facts; on any problem raise and leave the store as it was.

    ``curated`` and ``seeds`` are the files as already read (by :func:`ingest_paths`, which
    checked them before writing anything): then they are stored as read, not read again.
    """
    if seeds is None:
        seeds = read_seed_articles(seeds_dir)
    cs = curated if curated is not None else load_curated(curated_dir, seeds)
    if cs.problems:
        raise ValidationError(list(cs.problems))
    # Curated evidence cites seed articles: make sure those are stored too.
    cited = {e.article for f in cs.facts for e in f.evidence}
    for art in {a.id: a for a in seeds.values()}.values():
        if art.id in cited and not store.has_article(art.id):
            store_prepared(store, prepare(art, extractor=extractor))
    return store.replace_curated(cs.facts)


def ingest_paths(store: Store, paths: Iterable[Path], *, curated_dir: Path | None = CURATED_DIR,
                 seeds_dir: Path = SEEDS_DIR, progress: Callable[[Iterable], Iterable] | None = None,
                 datasets_dir: Path | None = DATASETS_DIR,
                 extractor: Callable[[Article], dict] = run_extractor) -> IngestReport:
    """Ingest article files and reload curated facts and the shipped published datasets.

    Everything is read and extracted (by ``extractor``) first; if any input has a problem
    nothing at all is written and :class:`ValidationError` lists the problems.
    """
    report = IngestReport()
    problems: list[str] = []
    prepared: list[Prepared] = []
    paths = list(paths)
    # Taken before reading, so a file edited during this ingest makes the app reload it later.
    stamp = (sources_fingerprint(seeds_dir, curated_dir, datasets_dir or DATASETS_DIR)
             if curated_dir is not None else None)
    try:
        files = article_files(paths)
    except ArticleError as exc:
        raise ValidationError([str(exc)]) from None
    curated = seeds = None
    if curated_dir is not None:
        seeds = read_seed_articles(seeds_dir)
        curated = load_curated(curated_dir, seeds)
        problems.extend(str(p) for p in curated.problems)
    datasets = []
    if curated_dir is not None and datasets_dir is not None:
        # The dataset importers pull geopandas and pandas: only seeding needs them, not the
        # extraction worker (which imports this module for prepare()).
        from .datasets.load import read_shipped

        datasets, dataset_problems = read_shipped(datasets_dir)
        problems.extend(dataset_problems)
    seen: set[str] = set()
    for f in (progress(files) if progress else files):
        try:
            art = read_article(f)
            if art.id in seen or store.has_article(art.id):
                report.duplicates.append(str(f))
                continue
            seen.add(art.id)
            prepared.append(prepare(art, extractor=extractor))
        except ArticleError as exc:
            problems.append(str(exc))
    if problems:
        raise ValidationError(problems)
    for p in prepared:
        if store_prepared(store, p):
            report.added.append(p.article.id)
            report.facts += len(p.facts)
        else:
            report.duplicates.append(p.article.path)
    if curated is not None:
        report.curated = load_curated_into(store, curated_dir, seeds_dir, curated=curated, seeds=seeds,
                                           extractor=extractor)
    if datasets:
        from .datasets.sync import sync_dataset  # with the importers above: only seeding needs it
    for key, result in datasets:
        report.datasets.append(sync_dataset(store, key, result.facts, who="ingest").summary())
    if curated is not None and Path(seeds_dir).resolve() in {Path(p).resolve() for p in paths}:
        # Seeds and curated files are both loaded: record which versions, so the app's
        # start-up (ensure_seeded) reloads them when they change instead of adopting them.
        store.set_meta("sources_fingerprint", stamp)
    return report


def sources_fingerprint(seeds_dir: Path = SEEDS_DIR, curated_dir: Path = CURATED_DIR,
                        datasets_dir: Path = DATASETS_DIR) -> str:
    """A hash of every seed, curated and dataset file (names and bytes): changes when any changes."""
    h = hashlib.sha256()
    for folder in (seeds_dir, curated_dir, datasets_dir):
        for f in sorted(Path(folder).rglob("*")) if Path(folder).exists() else []:
            if f.is_file():
                h.update(f.relative_to(folder).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def ensure_seeded(store: Store, seeds_dir: Path = SEEDS_DIR, curated_dir: Path = CURATED_DIR,
                  datasets_dir: Path = DATASETS_DIR, before_loading: Callable[[], None] | None = None,
                  extractor: Callable[[Article], dict] = run_extractor) -> bool:
    """Load seeds, curated facts and datasets when the store is new or those files changed since.

    True if it loaded; ``before_loading`` is called first then (the app may start its
    extraction worker with it), and ``extractor`` extracts the seed articles. Raises
    :class:`ValidationError` (nothing written) when the files have problems; the store
    keeps what it had.
    """
    stamp = sources_fingerprint(seeds_dir, curated_dir, datasets_dir)
    known = store.get_meta("sources_fingerprint")
    if store.count(origin="curated") > 0:
        if known == stamp:
            return False
        if known is None:
            # Filled by other means (the CLI's ingest, a test, a benchmark): take it as it is
            # and watch the files from now on.
            store.set_meta("sources_fingerprint", stamp)
            return False
    if before_loading is not None:
        before_loading()
    ingest_paths(store, [seeds_dir], curated_dir=curated_dir, seeds_dir=seeds_dir, datasets_dir=datasets_dir,
                 extractor=extractor)
    store.set_meta("sources_fingerprint", stamp)
    return True

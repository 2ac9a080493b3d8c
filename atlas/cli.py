"""`python -m atlas`: a thin command line over the library.

Exit status 0 on success, 1 on bad input (one line per problem on stderr), 2 on usage.
Each command imports what it needs when it runs, so ``extract`` or ``validate`` do not
pay for SQLAlchemy, pandas or geopandas (together seconds) that other commands use.
"""
from __future__ import annotations

import argparse
import getpass
import json
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Sequence

from .db.backup import backup_url
from .core.errors import AlreadyDecided, ArticleError, AtlasError, ValidationError
from .core.fields import parse_date
from .core.models import LANGUAGES, ORIGINS, REVIEW_CHOICES, STATUSES
from .views.search_syntax import notice
from .db.storeguard import db_error, is_db_error

# Each command imports the modules it needs inside its function (the one stated reason for the
# imports below): `python -m atlas backup` must not pay ~2 s for geopandas, the extractor and
# the dataset importers, and the tests start the CLI as a subprocess hundreds of times.

PROGRESS_THRESHOLD = 5  # show a progress bar above this many files


def _date_arg(s: str) -> date:
    try:
        return parse_date(s)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m atlas", description="Central Asia Influence Atlas")
    p.add_argument("--db", help="database: a SQLite path or an SQLAlchemy URL (default: $ATLAS_DB or data/atlas.sqlite)")
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser("validate", help="check curated data, boundaries and seeds")
    v.add_argument("--curated", type=Path, help="curated folder (default data/curated)")
    v.add_argument("--seeds", type=Path, help="seeds folder (default seeds)")

    i = sub.add_parser("ingest", help="store articles (files or folders) and their extracted facts; reload curated facts")
    i.add_argument("paths", nargs="+", type=Path)
    i.add_argument("--no-curated", action="store_true", help="do not reload data/curated")

    e = sub.add_parser("extract", help="print the extraction JSON of one article")
    e.add_argument("file", type=Path)
    e.add_argument("--published", type=_date_arg)
    e.add_argument("--language", choices=LANGUAGES)

    x = sub.add_parser("export", help="filtered facts as GeoJSON, CSV or XLSX",
                       description="example: python -m atlas export --format xlsx --country KAZ -o kaz.xlsx")
    x.add_argument("--format", choices=["geojson", "csv", "xlsx"], default="geojson")
    x.add_argument("--country", action="append", default=[], help="ISO3 of a Central Asian state (repeatable)")
    x.add_argument("--actor", action="append", default=[])
    x.add_argument("--type", action="append", default=[])
    x.add_argument("--since", type=_date_arg)
    x.add_argument("--until", type=_date_arg)
    x.add_argument("--origin", action="append", default=[], choices=ORIGINS)
    x.add_argument("--review", action="append", default=[], choices=REVIEW_CHOICES,
                   help="which extracted facts (default: accepted)")
    x.add_argument("--min-confidence", type=float, default=0.0)
    x.add_argument("--status", action="append", default=[], choices=STATUSES,
                   help="dataset records of these statuses only; also shows statuses hidden by default "
                        "(World Bank Dropped = cancelled, Pipeline = proposed)")
    x.add_argument("-o", "--output", type=Path, help="write to this file instead of standard output")

    r = sub.add_parser("review", help="list and decide pending extracted facts",
                       description="example: python -m atlas review list --json")
    rsub = r.add_subparsers(dest="action", required=True)
    rl = rsub.add_parser("list", description="example: python -m atlas review list --json")
    rl.add_argument("--json", action="store_true")
    for name in ("accept", "reject"):
        ra = rsub.add_parser(name, description=f"example: python -m atlas review {name} FACT_ID --who Ada; "
                                               f"add --override to change a fact already accepted or rejected")
        ra.add_argument("ids", nargs="+")
        ra.add_argument("--who", default=None, help="reviewer name for the audit log (default: $USER)")
        ra.add_argument("--override", action="store_true",
                        help="also change facts already accepted or rejected (default: pending facts only)")

    b = sub.add_parser("backup", help="copy the SQLite store consistently while the app runs",
                       description="example: python -m atlas backup backups/atlas-2026-11-29.sqlite")
    b.add_argument("path", type=Path, help="the new backup file (must not exist)")

    fe = sub.add_parser("fetch", help="fetch feeds, sitemaps or article pages; new articles are extracted as pending",
                        description="example: python -m atlas fetch --feeds feeds.yaml --every 30m",
                        epilog="examples:\n  python -m atlas fetch https://example.org/rss\n"
                               "  python -m atlas fetch --feeds feeds.yaml --since 2024-01-01\n"
                               "  python -m atlas fetch            # every stored source that is due (for cron)",
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    fe.add_argument("urls", nargs="*", metavar="URL", help="an RSS/Atom feed, a sitemap or an article page")
    fe.add_argument("--feeds", type=Path, help="feeds.yaml (see feeds.example.yaml)")
    fe.add_argument("--since", type=_date_arg, help="skip feed entries published before this date")
    fe.add_argument("--every", help="keep running: fetch what is due every INTERVAL (e.g. 30m) until stopped")
    fe.add_argument("--force", action="store_true", help="fetch sources even when not due or paused")
    fe.add_argument("--workers", type=int, default=4, help="concurrent page downloads (default 4)")
    fe.add_argument("--host-interval", type=float, default=1.0, help="seconds between requests to one host (default 1)")
    fe.add_argument("--timeout", type=float, default=10.0,
                    help="seconds to wait for each answer from a server (default 10)")
    fe.add_argument("--page-deadline", type=float, default=30.0,
                    help="seconds for a whole request: headers, body and decoding (default 30)")
    fe.add_argument("--allow-private", action="store_true",
                    help="also fetch from private and local addresses (an intranet feed; off by default)")

    ar = sub.add_parser("articles", help="list stored articles", description="example: python -m atlas articles --json")
    ar.add_argument("--json", action="store_true",
                    help="a JSON list of {id, title, url, publisher, published, language, fetched_at, facts}")

    ev = sub.add_parser("events", help="facts merged into events (why each joined); split a wrong merge",
                        description="examples: python -m atlas events --json | python -m atlas events --split FACT_ID")
    ev.add_argument("--json", action="store_true")
    ev.add_argument("--split", metavar="FACT_ID", help="take this fact out of its event (audited)")
    ev.add_argument("--who", default=None, help="reviewer name for the audit log (default: $USER)")

    im = sub.add_parser(
        "import", help="import a published dataset (table + geometries) as facts of origin 'dataset'",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="example:\n  python -m atlas import aiddata data/datasets/aiddata-gcdf3/projects_central_asia.csv\n"
               "  python -m atlas import aiddata GCDF_3.0.xlsx all_combined_global.gpkg --skip-bad\n"
               "  python -m atlas import worldbank projects.xlsx            # or its three sheets as CSVs\n"
               "  python -m atlas import ofac sdn.csv add.csv alt.csv\n"
               "  python -m atlas import worldbank --download               # the publisher's current release\n"
               "Given only a table, the geometry sources beside it (geojsons/, points CSV) are used.")
    im.add_argument("dataset", help="dataset key: aiddata, worldbank or ofac")
    im.add_argument("paths", nargs="*", type=Path,
                    help="the release files: AidData's table (.csv/.xlsx) and geometry sources (GeoJSON folder, "
                         ".gpkg, points .csv); the World Bank export (.xlsx, or 3 CSVs); OFAC's sdn/add/alt.csv")
    im.add_argument("--download", action="store_true",
                    help="fetch the publisher's current release (README: Published datasets), check it, import it")
    im.add_argument("--skip-bad", action="store_true", help="import the good rows and list the bad ones")
    im.add_argument("--allow-withdraw", action="store_true",
                    help="accept a release that withdraws more than 10%% of the stored records")

    rx = sub.add_parser("reextract", help="re-run the extractor on stored articles; human decisions are kept")
    rx.add_argument("article_ids", nargs="*", metavar="ARTICLE_ID", help="articles to re-extract (default: all)")

    s = sub.add_parser("search", help="full-text search over facts and articles, best first",
                       description='example: python -m atlas search "Line D" --limit 5; '
                                   'syntax: Rogun OR Kambarata, "quoted phrase", pipe* (prefix); '
                                   "spellings such as Xian / Xi'an / Сиань are one name")
    s.add_argument("text")
    s.add_argument("--limit", type=int, default=20)
    s.add_argument("--json", action="store_true")

    m = sub.add_parser("migrate", help="upgrade the database schema to the newest revision (the app does this on start)",
                       epilog="example: python -m atlas --db postgresql+psycopg://atlas@127.0.0.1/atlas migrate")
    m.add_argument("--new", metavar="MESSAGE", help="developers: write the next revision from atlas/db/schema.py's tables")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except ValidationError as exc:
        for line in exc.problems:
            print(line, file=sys.stderr)
        return 1
    except AtlasError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # database driver errors: one line (no SQL, no traceback), exit 1
        if not is_db_error(exc):
            raise
        print(f"error: {db_error(exc)}", file=sys.stderr)
        return 1


def _store(args):
    from .db.store import Store  # per command: see the note at the top

    return Store(args.db)


def cmd_validate(args) -> int:
    from .sources.files import CURATED_DIR, SEEDS_DIR, boundary_problems, load_curated, read_seed_articles  # per command: see the note at the top

    problems: list[str] = []
    try:
        seeds = read_seed_articles(args.seeds or SEEDS_DIR)
    except ArticleError as exc:
        problems.append(str(exc))
        seeds = {}
    if not seeds:
        problems.append(f"{args.seeds or SEEDS_DIR}: no seed articles")
    cs = load_curated(args.curated or CURATED_DIR, seeds)
    problems += [str(p) for p in cs.problems]
    if not cs.files:
        problems.append(f"{args.curated or CURATED_DIR}: no curated YAML files")
    boundary = [str(p) for p in boundary_problems()]
    problems += boundary
    if not boundary:
        from .core.geometry import location_problems  # geopandas: only this command pays its import

        problems += [f"curated fact {p.fact_id}: geometry: {p.message}" for p in location_problems(cs.facts)]
    from .sources.datasets.load import dataset_problems  # per command: see the note at the top

    ds_problems, ds_notes, n_records = dataset_problems()
    problems += ds_problems
    if problems:
        raise ValidationError(problems)
    n_articles = len({a.id for a in seeds.values()})
    print(f"ok: {len(cs.facts)} curated facts in {len(cs.files)} files, {n_articles} seed article(s), boundaries present"
          f", {n_records} dataset record(s)")
    for note in ds_notes:  # located by a fallback: worth a look, not an error
        print(f"note: {note}")
    from .sources.datasets.load import imported_notes  # per command: see the note at the top

    for note in imported_notes(args.db):
        print(f"note: {note}")
    return 0


def cmd_ingest(args) -> int:
    from .sources.ingest import ingest_paths  # per command: see the note at the top

    store = _store(args)

    def bar(files):
        if len(files) <= PROGRESS_THRESHOLD:
            return files
        from tqdm import tqdm  # per command: see the note at the top

        return tqdm(files, desc="extracting", unit="article", file=sys.stderr)

    report = ingest_paths(store, args.paths, curated_dir=None if args.no_curated else _curated_dir(),
                          progress=bar)
    for d in report.duplicates:
        print(f"already stored: {d}")
    print(report.summary())
    return 0


def _curated_dir() -> Path:
    from .sources.files import CURATED_DIR  # per command: see the note at the top

    return CURATED_DIR


def cmd_extract(args) -> int:
    from .sources.extract import extract  # per command: see the note at the top
    from .sources.files import read_article  # per command: see the note at the top

    art = read_article(args.file)
    ex = extract(art.text, published=args.published or art.published, language=args.language or art.language)
    print(json.dumps(ex.to_dict(), ensure_ascii=False, indent=1))
    return 0


def cmd_export(args) -> int:
    from .views.export import article_index, csv_text, geojson_text, xlsx_bytes  # per command: see the note at the top
    from .views.query import Filters, select_facts  # per command: see the note at the top

    kw = {}
    if args.review:
        kw["reviews"] = tuple(args.review)
    params = {"country": args.country, "actor": args.actor, "type": args.type, "origin": args.origin,
              "status": args.status}
    filters, warnings = Filters.from_query({k: v for k, v in params.items() if v})
    if warnings:
        raise ValidationError(warnings)
    # Exports carry records withdrawn from a newer release too (flagged "withdrawn").
    filters = filters.with_(since=args.since, until=args.until, min_confidence=args.min_confidence,
                            withdrawn=True, **kw)
    store = _store(args)
    facts = select_facts(store, filters)
    articles = article_index(store)
    if args.format == "xlsx":
        data = xlsx_bytes(facts, articles)
    else:
        text = geojson_text(facts, articles) if args.format == "geojson" else csv_text(facts, articles)
        data = (text if text.endswith("\n") or args.output else text + "\n").encode("utf-8")
    if args.output:
        args.output.write_bytes(data)
        print(f"wrote {len(facts)} fact(s) to {args.output}", file=sys.stderr)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    return 0


def cmd_review(args) -> int:
    from .views import review# per command: see the note at the top

    store = _store(args)
    if args.action == "list":
        facts = store.facts(origin="extracted", review="pending")
        rows = [{"id": f.id, "type": f.type, "title": f.title, "article": f.article_id,
                 "confidence": f.confidence} for f in facts]
        if args.json:
            print(json.dumps(rows, ensure_ascii=False, indent=1))
        else:
            for r in rows:
                print(f"{r['id']}\t{r['type']}\t{r['confidence']:.2f}\t{r['title']}")
            print(f"{len(rows)} pending fact(s)", file=sys.stderr)
        return 0
    who = args.who or getpass.getuser() or "cli"
    decision = {"accept": "accepted", "reject": "rejected"}[args.action]
    try:
        done = review.decide_facts(store, args.ids, decision, f"{who} (cli)", override=args.override)
    except AlreadyDecided as exc:
        raise AtlasError(review.MSG_OVERRIDE_HINT.format(fact_id=exc.fact_id, review=exc.review)) from None
    print(f"{decision} {len(done)} fact(s)")
    return 0


def cmd_reextract(args) -> int:
    from .sources.reextract import reextract  # per command: see the note at the top

    report = reextract(_store(args), args.article_ids or None)
    for aid, c in report.per_article.items():
        print(f"{aid}\tupdated {c['updated']}\tadded {c['added']}\tremoved {c['removed']}\tkept {c['kept']}")
    for line in report.problems:
        print(line, file=sys.stderr)
    print(report.summary())
    return 1 if report.problems else 0


def cmd_backup(args) -> int:
    from .db.store import resolve_url  # per command: see the note at the top

    size = backup_url(resolve_url(args.db), args.path)
    print(f"backed up to {args.path} ({size:,} bytes)")
    return 0


def cmd_search(args) -> int:
    from .views.search import search  # per command: see the note at the top
    problem = notice(args.text)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    hits = search(_store(args), args.text, max(1, args.limit))
    if args.json:
        print(json.dumps([asdict(h) for h in hits], ensure_ascii=False, indent=1))
    else:
        for h in hits:
            print("\t".join([h.fact_id, h.date or "-", ",".join(h.countries) or "-", h.origin,
                             ",".join(h.actors) or "-", h.type, h.via, h.title]))
        print(f"{len(hits)} fact(s)", file=sys.stderr)
    return 0


def cmd_migrate(args) -> int:
    from .db import migrate# per command: see the note at the top

    if args.new:
        print(f"wrote {migrate.new_revision(args.new)}; set HEAD in atlas/db/migrate.py to its revision id")
        return 0
    store = _store(args)  # opening a store upgrades it
    done = f"applied {', '.join(store.migrated)}; now at" if store.migrated else "already at"
    print(f"{store.safe_url}: {done} {migrate.HEAD}")
    return 0


COMMANDS = {"backup": cmd_backup, "validate": cmd_validate, "ingest": cmd_ingest, "extract": cmd_extract,
            "export": cmd_export, "review": cmd_review, "reextract": cmd_reextract, "search": cmd_search}


def cmd_fetch(args) -> int:
    from .sources.fetch.cli import cmd_fetch as run  # per command: see the note at the top

    return run(args, _store(args))


def cmd_articles(args) -> int:
    from .sources.fetch.cli import cmd_articles as run  # per command: see the note at the top

    return run(args, _store(args))


def cmd_events(args) -> int:
    from .views.events import cli_events  # per command: see the note at the top

    return cli_events(args, _store(args))


COMMANDS.update(fetch=cmd_fetch, articles=cmd_articles, events=cmd_events)
COMMANDS["migrate"] = cmd_migrate


def cmd_import(args) -> int:
    from .sources.datasets.load import import_dataset  # per command: see the note at the top

    if args.download == bool(args.paths):
        raise ValidationError(["import: give the release files or --download, not both or neither"])
    if args.download:
        from .sources.datasets.download import download_and_import  # per command: see the note at the top

        done = download_and_import(lambda: _store(args), args.dataset, skip_bad=args.skip_bad,
                                   allow_withdraw=args.allow_withdraw)
    else:
        done = import_dataset(_store(args), args.dataset, args.paths, skip_bad=args.skip_bad, who="import (cli)",
                              allow_withdraw=args.allow_withdraw)
    for line in done.lines():
        print(line)
    return 0


COMMANDS["import"] = cmd_import

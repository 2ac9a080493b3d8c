"""Ingest integrity with real processes (no mocks): a killed ingest leaves nothing,
concurrent ingests both land, bad uploads are refused and store nothing.

Children are real ``sys.executable`` processes running the real code path
(atlas.sources.ingest.prepare → Store.add_article). They stop at deterministic points by
blocking on stdin inside a SQLAlchemy ``after_cursor_execute`` hook, and say so on
stdout; the parent synchronises on those pipes only (no sleeps).
"""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from atlas.sources import intake
from atlas.views import review
from atlas.core.errors import ValidationError
from atlas.sources.files import MAX_ARTICLE_BYTES
from atlas.sources.ingest import ingest_paths, prepare
from atlas.core.models import Article
from atlas.db.store import Store

ROOT = Path(__file__).resolve().parents[1]
CURATED = ROOT / "data" / "curated"

# A deterministic stand-in for the extractor (one fact per sentence naming a
# Central Asian capital): these tests are about the store, not extraction quality.
STUB = textwrap.dedent('''
    import re

    CAPITALS = {"Astana": ("KAZ", 51.17, 71.43), "Bishkek": ("KGZ", 42.87, 74.59),
                "Dushanbe": ("TJK", 38.56, 68.77), "Tashkent": ("UZB", 41.31, 69.28)}

    def stub_extract(article):
        text = article.text
        facts, places = [], []
        for m in re.finditer(r"[^.\\n]+\\.", text):
            for name, (iso, lat, lon) in CAPITALS.items():
                i = text.find(name, m.start(), m.end())
                if i >= 0:
                    p = {"name": name, "text": name, "start": i, "end": i + len(name),
                         "lat": lat, "lon": lon, "country": iso}
                    places.append(p)
                    facts.append({"type": "diplomacy", "start": m.start(), "end": m.end(),
                                  "date": "2023-05-19", "countries": [iso], "actors": ["CHN"],
                                  "places": [p], "amounts": [], "confidence": 0.6})
                    break
        return {"language": "en", "countries": sorted({p["country"] for p in places}),
                "places": places, "dates": [], "amounts": [], "facts": facts}
''')
_ns: dict = {}
exec(STUB, _ns)
stub_extract = _ns["stub_extract"]

CHILD = STUB + textwrap.dedent('''
    import sys
    import sqlalchemy as sa
    from pathlib import Path
    from atlas.sources.ingest import prepare, store_prepared
    from atlas.core.models import Article
    from atlas.db.store import Store

    db, text_file, pause_at, wait_go = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "go"
    store = Store(db)
    text = Path(text_file).read_text(encoding="utf-8")
    prepared = prepare(Article.from_text(text, title=Path(text_file).stem, language="en"), extractor=stub_extract)

    if pause_at != "-":
        @sa.event.listens_for(store.engine, "after_cursor_execute")
        def _pause(conn, cursor, statement, params, context, executemany):
            if " ".join(statement.split()).upper().startswith(pause_at.upper()):
                print("PAUSED " + pause_at, flush=True)
                sys.stdin.readline()  # the parent kills us here, or lets us go on

    print(f"READY {prepared.article.id} {len(prepared.facts)}", flush=True)
    if wait_go:
        assert sys.stdin.readline().strip() == "GO"
    print("WRITING", flush=True)
    stored = store_prepared(store, prepared)
    print("STORED" if stored else "DUPLICATE", flush=True)
''')


def article_text(tag: str, n: int = 120) -> str:
    caps = ["Astana", "Bishkek", "Dushanbe", "Tashkent"]
    lines = [f"Report {tag}"]
    for i in range(n):
        lines.append(f"In {caps[i % 4]} delegation {tag}-{i} met Chinese officials on trade number {i}.")
    return "\n".join(lines) + "\n"


@pytest.fixture
def child_script(tmp_path) -> Path:
    p = tmp_path / "child_ingest.py"
    p.write_text(CHILD, encoding="utf-8")
    return p


def spawn(child_script: Path, db: str, text_file: Path, pause_at: str = "-", wait_go: bool = False):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen(
        [sys.executable, str(child_script), str(db), str(text_file), pause_at, "go" if wait_go else "-"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)


def expect(proc, prefix: str) -> str:
    line = proc.stdout.readline()
    if not line.startswith(prefix):
        proc.kill()
        _, err = proc.communicate()
        pytest.fail(f"child said {line!r}, expected {prefix!r}; stderr:\n{err}")
    return line.strip()


# (The version bump is no statement of ours any more: triggers do it inside these inserts.)
@pytest.mark.parametrize("pause_at", ["INSERT INTO articles", "INSERT INTO facts"])
def test_killed_ingest_leaves_no_partial_article(tmp_path, db_url, child_script, pause_at):
    db = db_url
    Store(db).dispose()
    text_file = tmp_path / "a.txt"
    text_file.write_text(article_text("killed"), encoding="utf-8")
    proc = spawn(child_script, db, text_file, pause_at=pause_at)
    ready = expect(proc, "READY").split()
    aid, n_facts = ready[1], int(ready[2])
    assert n_facts > 100
    expect(proc, "WRITING")
    expect(proc, "PAUSED")  # mid-transaction: some rows written, nothing committed

    # While the child holds the transaction, another connection sees none of it.
    watcher = Store(db)
    assert watcher.count_articles() == 0 and watcher.count() == 0
    watcher.dispose()

    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL

    after = Store(db)
    assert after.count_articles() == 0
    assert after.count() == 0
    assert not after.has_article(aid)
    # Nothing half-written blocks a clean retry: the same article now stores fully.
    prepared = prepare(Article.from_text(text_file.read_text(encoding="utf-8"), title="a", language="en"),
                       extractor=stub_extract)
    assert after.add_article(prepared.article, prepared.facts, prepared.extraction) is True
    assert after.count_articles() == 1 and len(after.facts(article_id=aid)) == n_facts


def test_two_concurrent_ingests_both_land(tmp_path, db_url, child_script):
    db = db_url
    Store(db).dispose()
    files = []
    for tag in ("one", "two"):
        f = tmp_path / f"{tag}.txt"
        f.write_text(article_text(tag, n=400), encoding="utf-8")
        files.append(f)
    procs = [spawn(child_script, db, f, wait_go=True) for f in files]
    expected = {}
    for p in procs:  # barrier: both have prepared their article and wait
        _, aid, n = expect(p, "READY").split()
        expected[aid] = int(n)
    for p in procs:
        p.stdin.write("GO\n")
        p.stdin.flush()
    for p in procs:
        out, err = p.communicate()
        assert p.returncode == 0, err
        assert out.split()[-1] == "STORED", (out, err)
    store = Store(db)
    assert store.count_articles() == 2
    for aid, n in expected.items():
        assert n > 300
        assert len(store.facts(article_id=aid)) == n
    assert store.count() == sum(expected.values())


def test_concurrent_writer_waits_for_a_held_transaction(tmp_path, db_url, child_script):
    """One ingest holds the write lock mid-transaction while the other starts writing: both land."""
    db = db_url
    Store(db).dispose()
    fa, fb = tmp_path / "a.txt", tmp_path / "b.txt"
    fa.write_text(article_text("held"), encoding="utf-8")
    fb.write_text(article_text("waiting"), encoding="utf-8")
    a = spawn(child_script, db, fa, pause_at="INSERT INTO facts")
    _, aid, na = expect(a, "READY").split()
    expect(a, "WRITING")
    expect(a, "PAUSED")  # a holds the write lock
    b = spawn(child_script, db, fb)
    _, bid, nb = expect(b, "READY").split()
    expect(b, "WRITING")  # b is about to write (it will wait on the busy timeout)
    a.stdin.write("\n")
    a.stdin.flush()
    for p in (a, b):
        out, err = p.communicate()
        assert p.returncode == 0, err
        assert out.split()[-1] == "STORED", (out, err)
    store = Store(db)
    assert {r["id"] for r in store.articles()} == {aid, bid}
    assert len(store.facts(article_id=aid)) == int(na)
    assert len(store.facts(article_id=bid)) == int(nb)


def test_same_article_twice_at_once_is_one_article_and_a_duplicate(tmp_path, db_url, child_script):
    """The second of two simultaneous ingests of one text reports a duplicate instead of failing."""
    db = db_url
    Store(db).dispose()
    f = tmp_path / "same.txt"
    f.write_text(article_text("same"), encoding="utf-8")
    a = spawn(child_script, db, f, pause_at="INSERT INTO facts")
    _, aid, n = expect(a, "READY").split()
    expect(a, "WRITING")
    expect(a, "PAUSED")
    b = spawn(child_script, db, f)
    expect(b, "READY")
    expect(b, "WRITING")  # b has checked (article not yet committed) and goes on to insert
    a.stdin.write("\n")
    a.stdin.flush()
    out_a, err_a = a.communicate()
    out_b, err_b = b.communicate()
    assert a.returncode == 0 and out_a.split()[-1] == "STORED", err_a
    assert b.returncode == 0, err_b
    assert out_b.split()[-1] == "DUPLICATE"
    store = Store(db)
    assert store.count_articles() == 1 and len(store.facts(article_id=aid)) == int(n)


# -- refused inputs store nothing ------------------------------------------------------
def _counts(store: Store) -> tuple[int, int, str]:
    return store.count_articles(), store.count(), store.version()


BAD_UPLOADS = {
    "big.txt": (b"Astana. " * (MAX_ARTICLE_BYTES // 8 + 1), "over the limit of 5,242,880 bytes (5 MB)"),
    "image.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "a binary file, not text"),
    "latin1.txt": ("Gespräche in Astana über Gas.".encode("latin-1"), "not UTF-8 text"),
    "empty.txt": (b"", "the article is empty"),
    "blank.md": (b"  \n\t\n", "the article is empty"),
    "blank.html": (b"<html><body>   </body></html>", "no article text found in the HTML"),
    "photo.png": (b"Astana.", "only .txt, .md or .html files can be ingested"),
}


@pytest.mark.parametrize("name", list(BAD_UPLOADS))
def test_bad_upload_is_refused_with_reason_and_stores_nothing(tmp_path, name):
    data, reason = BAD_UPLOADS[name]
    store = Store(tmp_path / "atlas.sqlite")
    before = _counts(store)
    out = intake.save_form(store, intake.IngestForm(file_name=name, file_bytes=data), extractor=stub_extract)
    assert out.status == "refused"
    assert out.message.startswith(intake.MSG_REFUSED.format(reason=name + ":"))
    assert reason in out.message
    assert _counts(store) == before and before[:2] == (0, 0)


@pytest.mark.parametrize("text,reason", [
    ("", intake.MSG_NO_TEXT),
    ("   \n  ", "pasted text: the article is empty"),
    ("Astana. " * (MAX_ARTICLE_BYTES // 8 + 1), "pasted text: 5,242,888 bytes is over the limit"),
    ("nul\x00byte in Astana.", "pasted text: a binary file, not text"),
])
def test_bad_pasted_text_is_refused(tmp_path, text, reason):
    store = Store(tmp_path / "atlas.sqlite")
    out = intake.save_form(store, intake.IngestForm(text=text), extractor=stub_extract)
    assert out.status == "refused" and reason in out.message
    assert _counts(store)[:2] == (0, 0) and store.version().startswith("0.")


def test_cli_ingest_refuses_bad_files_and_stores_nothing(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(article_text("good", 3), encoding="utf-8")
    for name in ("big.txt", "image.txt", "latin1.txt", "empty.txt"):
        (folder / name).write_bytes(BAD_UPLOADS[name][0])
    store = Store(tmp_path / "atlas.sqlite")
    with pytest.raises(ValidationError) as exc:
        ingest_paths(store, [folder], curated_dir=None)
    text = "\n".join(exc.value.problems)
    for name in ("big.txt", "image.txt", "latin1.txt", "empty.txt"):
        assert name in text and BAD_UPLOADS[name][1] in text
    assert _counts(store)[:2] == (0, 0) and store.version().startswith("0.")  # not even the good file: all or nothing


def _tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        h.update(str(p.relative_to(folder)).encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


def test_ingest_and_review_never_write_curated_files(tmp_path):
    before = _tree_digest(CURATED)
    store = Store(tmp_path / "atlas.sqlite")
    out = intake.save_form(store, intake.IngestForm(text=article_text("cur", 4)), extractor=stub_extract)
    assert out.ok
    items, _ = review.review_queue(store)
    review.decide(store, items[0].fact.id, "accepted", "t")
    review.decide(store, items[1].fact.id, "rejected", "t")
    review.save_edit(store, items[2].fact.id, {"title": "Edited"}, "t")
    review.reextract_all(store, extractor=stub_extract)
    assert _tree_digest(CURATED) == before

"""Review logic (atlas.views.review), re-extraction (atlas.sources.reextract) and the CLI's review commands."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from atlas.sources import intake
from atlas.core import markup
from atlas.views import review
from atlas.cli import main
from atlas.core.errors import ValidationError
from atlas.sources.ingest import prepare
from atlas.core.models import Article, Fact
from atlas.views.query import Filters, select_facts
from atlas.sources.reextract import reextract
from atlas.db.store import Store
from tests.helpers import REVIEW_TEXT

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_c091979762de952d.txt"

TEXT = REVIEW_TEXT


def only_first_fact(extractor):
    """An 'older extractor': the real one, but it found only the first fact."""
    def run(article):
        d = extractor(article)
        return dict(d, facts=d["facts"][:1])
    return run


@pytest.fixture
def store(db_url) -> Store:
    return Store(db_url)


@pytest.fixture
def saved(store) -> list[Fact]:
    out = intake.save_form(store, intake.IngestForm(text=TEXT, title="Pipeline", url="https://example.org/a",
                                                     publisher="Example", published=date(2023, 5, 20)))
    assert out.status == "saved" and out.facts >= 3
    return store.facts(origin="extracted")


# -- pinned messages ----------------------------------------------------------------
def test_pinned_messages_as_a_user_reads_them(store):
    """The exact sentences a user sees for a save, a duplicate and an empty form (literal text,
    not the constants compared with themselves)."""
    aid = Article.from_text(TEXT).id
    out = intake.save_form(store, intake.IngestForm(text=TEXT))
    assert out.message == f"Saved article {aid} with {out.facts} fact(s) pending review."
    again = intake.save_form(store, intake.IngestForm(text=TEXT))
    assert again.message == (f"Duplicate: this exact text is already stored (article {aid}); "
                             "nothing was stored again.")
    empty = intake.save_form(store, intake.IngestForm(text=""))
    assert empty.message == ("Refused, nothing was stored. Nothing to ingest: paste the article text or "
                             "upload a .txt, .md or .html file.")
    assert review.decide(store, store.facts(article_id=aid)[0].id, "rejected", "Ada").startswith("Rejected x-")


# -- ingest -------------------------------------------------------------------------
def test_save_stores_pending_facts_then_reports_duplicate(store):
    form = intake.IngestForm(text=TEXT, title="Pipeline")
    out = intake.save_form(store, form)
    aid = Article.from_text(TEXT).id
    assert out.message == intake.MSG_SAVED.format(article_id=aid, n=out.facts)
    facts = store.facts(article_id=aid)
    assert len(facts) == out.facts >= 3
    assert {f.review for f in facts} == {"pending"} and {f.origin for f in facts} == {"extracted"}
    for f in facts:
        ev = f.evidence[0]
        assert TEXT[ev.start:ev.end] == ev.quote
    version = store.version()
    again = intake.save_form(store, intake.IngestForm(text=TEXT, title="Other title"))
    assert (again.status, again.message) == ("duplicate", intake.MSG_DUPLICATE.format(article_id=aid))
    assert store.count_articles() == 1 and store.count() == out.facts and store.version() == version


def test_article_from_form_fields_and_language():
    art = intake.article_from_form(intake.IngestForm(
        text=TEXT, title="  A  title ", url=" https://x.org/1 ", publisher="Pub",
        published=date(2023, 5, 20), language="en"))
    assert (art.title, art.url, art.publisher, art.published, art.language) == (
        "A title", "https://x.org/1", "Pub", date(2023, 5, 20), "en")
    assert art.text == TEXT and art.id == Article.from_text(TEXT).id
    auto = intake.article_from_form(intake.IngestForm(text=TEXT, language=intake.AUTO_LANGUAGE))
    assert auto.language is None and auto.title == "China and Kazakhstan sign pipeline deal"
    with pytest.raises(Exception, match="must start with http"):
        intake.article_from_form(intake.IngestForm(text=TEXT, url="javascript:alert(1)"))
    with pytest.raises(Exception, match="not supported"):
        intake.article_from_form(intake.IngestForm(text=TEXT, language="fr"))
    with pytest.raises(Exception, match="not both"):
        intake.article_from_form(intake.IngestForm(text=TEXT, file_name="a.txt", file_bytes=b"x"))


def test_detected_language():
    assert intake.detected_language(intake.IngestForm(text=TEXT)) == "en"
    assert intake.detected_language(intake.IngestForm(file_name="s.txt", file_bytes=SEED.read_bytes())) == "de"
    assert intake.detected_language(intake.IngestForm(text="")) is None


def test_html_upload_is_converted_offline(store):
    page = ("<html><head><title>t</title><script>var x=1;</script></head><body><nav>Menu</nav><article>"
            + "".join(f"<p>{line}</p>" for line in TEXT.splitlines()) + "</article></body></html>")
    out = intake.save_form(store, intake.IngestForm(file_name="page.html", file_bytes=page.encode()))
    assert out.ok, out.message
    art = store.article(out.article_id)
    assert "<p>" not in art.text and "var x" not in art.text
    assert "Xi Jinping met Kazakh President Tokayev in Astana" in art.text
    assert art.path == "page.html"


def test_preview_escapes_and_highlights(store):
    pv = intake.preview_form(intake.IngestForm(text=TEXT), store)
    assert not pv.error and not pv.duplicate and len(pv.rows) >= 3
    assert "<script>" not in pv.html and "&lt;script&gt;" in pv.html
    assert '<mark class="k-place"' in pv.html and '<mark class="k-date"' in pv.html
    row = next(r for r in pv.rows if r["places"] == "Astana")
    assert row["date"] == "2023-05-19" and row["type"] and 0 < row["confidence"] <= 1
    assert store.count_articles() == 0  # preview stores nothing
    intake.save_form(store, intake.IngestForm(text=TEXT))
    assert intake.preview_form(intake.IngestForm(text=TEXT), store).duplicate


def test_preview_refusal_message():
    pv = intake.preview_form(intake.IngestForm(file_name="x.txt", file_bytes=b"\xff\xfe\x00A"))
    assert pv.article is None and pv.error == intake.MSG_REFUSED.format(reason="x.txt: a binary file, not text")


def test_escape_text_defuses_html_and_markdown():
    out = markup.escape_text('<img src=x onerror=alert(1)> **bold** [l](javascript:x) $x$ :smile:')
    assert "<" not in out.replace("<br>", "") and "*" not in out and "[" not in out and "$" not in out
    assert ":" not in out


# -- review queue and decisions ------------------------------------------------------
def test_queue_shows_evidence_in_context_escaped(store, saved):
    items, total = review.review_queue(store)
    assert total == len(saved) and len(items) == total
    by_start = sorted(items, key=lambda i: i.fact.evidence[0].start)
    assert [i.fact.id for i in items] == [i.fact.id for i in by_start]
    first = items[0]
    assert first.article_title == "Pipeline"
    quote = first.fact.evidence[0].quote
    assert f'<mark class="k-focus"' in first.context_html and markup.escape_text(quote) in first.context_html
    evil = markup.evidence_html(TEXT, TEXT.index("The weather"), len(TEXT) - 1)
    assert "<script>" not in evil and "&lt;script&gt;" in evil
    assert review.review_queue(store, limit=1)[0][0].fact.id == items[0].fact.id
    assert review.pending_articles(store) == [(saved[0].article_id, "Pipeline")]


def test_accept_reject_audit_and_map(store, saved):
    a, r = saved[0].id, saved[1].id
    assert review.decide(store, a, "accepted", "Ada") == review.MSG_ACCEPTED.format(fact_id=a)
    assert review.decide(store, r, "rejected", "Bo") == review.MSG_REJECTED.format(fact_id=r)
    assert review.decide(store, r, "accepted", "Cy") == review.MSG_ALREADY_DECIDED.format(fact_id=r, review="rejected")
    assert store.fact(r).review == "rejected"
    on_map = {f.id: f for f in select_facts(store, Filters())}
    assert a in on_map and r not in on_map
    assert on_map[a].trust_label.startswith("Extracted, accepted by a reviewer")
    assert r not in {f.id for f in select_facts(store, Filters(reviews=("accepted", "pending")))}
    rows = review.audit_rows(store)
    assert [(x["who"], x["action"], x["fact"], x["field"], x["before"], x["after"]) for x in rows] == [
        ("Bo", "rejected", r, "review", "pending", "rejected"),
        ("Ada", "accepted", a, "review", "pending", "accepted"),
    ]
    assert all(x["when"] for x in rows)


def test_edit_then_accept(store, saved):
    f = saved[0]
    ok, msg = review.save_edit(store, f.id, {
        "type": "finance", "title": " Pipeline  loan ", "date_start": date(2023, 5, 18), "date_end": "2023-05-19",
        "countries": ["KAZ", "UZB"], "actors": "chn, eu", "lat": 43.25, "lon": 76.95, "geo_precision": "site"}, "Ada")
    assert ok and msg == review.MSG_EDITED_ACCEPTED.format(fact_id=f.id)
    g = store.fact(f.id)
    assert (g.type, g.title, g.date_start, g.date_end, g.countries, g.actors) == (
        "finance", "Pipeline loan", date(2023, 5, 18), date(2023, 5, 19), ("KAZ", "UZB"), ("CHN", "EU"))
    assert g.geometry == {"type": "Point", "coordinates": [76.95, 43.25]} and g.geo_precision == "site"
    assert g.review == "accepted" and g.edited and g.evidence == f.evidence
    fields = {x["field"]: (x["before"], x["after"]) for x in review.audit_rows(store) if x["fact"] == f.id}
    assert fields["type"] == (f.type, "finance") and fields["review"] == ("pending", "accepted")
    assert fields["actors"][1] == "CHN, EU" and "edited" in fields
    assert {x["action"] for x in review.audit_rows(store)} == {review.EDIT_ACTION}
    assert f.id in {x.id for x in select_facts(store, Filters())}


@pytest.mark.parametrize("values,problem", [
    ({"type": "gossip"}, "type: unknown fact type 'gossip'; expected one of diplomacy"),
    ({"title": "  "}, "title: must not be empty"),
    ({"date_start": "19.05.2023"}, "date_start: not an ISO date (YYYY-MM-DD): '19.05.2023'"),
    ({"date_start": "2024-02-30"}, "date_start: '2024-02-30' is not a real date"),
    ({"date_start": date(2023, 5, 2), "date_end": date(2023, 5, 1)}, "date_end: date_end is before date_start"),
    ({"countries": ["CHN"]}, "countries: 'CHN' is not a Central Asian state (KAZ, KGZ, TJK, TKM, UZB)"),
    ({"actors": "KAZ, XXX"}, "actors: 'KAZ' is not a known outside power"),
    ({"actors": "XXX"}, "actors: 'XXX' is not a known outside power"),
    ({"lat": 91.0, "lon": 10.0}, "lat: 91 is outside -90…90"),
    ({"lat": 40.0, "lon": None}, "location: give both lat and lon"),
])
def test_invalid_edit_is_refused_and_changes_nothing(store, saved, values, problem):
    f = saved[0]
    version = store.version()
    ok, msg = review.save_edit(store, f.id, values, "Ada")
    assert not ok and msg.startswith("Not saved: ") and problem in msg
    assert store.fact(f.id) == f and store.version() == version and store.audit_log() == []


def test_apply_edit_keeps_unchanged_geometry_and_clears_location():
    line = Fact(id="x-a-1-2", type="infrastructure", title="Rail", date_start=None, date_precision=None,
                origin="extracted", review="pending", geometry={"type": "LineString",
                                                                "coordinates": [[60, 40], [70, 41], [80, 42]]},
                geo_precision="approximate-route")
    assert review.apply_edit(line, {"title": "Railway"}).geometry == line.geometry
    cleared = review.apply_edit(line, {"lat": None, "lon": None})
    assert cleared.geometry is None and cleared.geo_precision is None
    with pytest.raises(ValidationError):
        review.apply_edit(line, {"date_end": date(2020, 1, 1)})


# -- re-extraction --------------------------------------------------------------------
def test_reextract_refreshes_pending_and_keeps_human_decisions(store):
    from atlas.sources.ingest import run_extractor, store_prepared

    art = Article.from_text(TEXT, title="Pipeline", language="en")
    store_prepared(store, prepare(art, extractor=only_first_fact(run_extractor)))
    (old,) = store.facts(article_id=art.id)
    review.decide(store, old.id, "rejected", "Ada")
    report = reextract(store)
    assert report.articles == 1 and not report.problems
    facts = {f.id: f for f in store.facts(article_id=art.id)}
    assert facts[old.id].review == "rejected" and facts[old.id] == store.fact(old.id)
    assert report.counts["kept"] == 1 and report.counts["added"] == len(facts) - 1 >= 2
    # an edit and an accept survive a second run; the rest stays pending and identical
    pending = [f for f in facts.values() if f.review == "pending"]
    review.save_edit(store, pending[0].id, {"title": "Kept title"}, "Bo")
    before = {f.id: f for f in store.facts(article_id=art.id)}
    again = reextract(store, [art.id])
    after = {f.id: f for f in store.facts(article_id=art.id)}
    assert after == before and again.counts["kept"] == 2 and again.counts["added"] == 0
    assert after[pending[0].id].title == "Kept title"


def test_reextract_unknown_article_changes_nothing(store, saved):
    version = store.version()
    with pytest.raises(ValidationError, match="no article with id 'nope'"):
        reextract(store, ["nope"])
    assert store.version() == version


def test_reextract_all_message(store, saved):
    msg = review.reextract_all(store)
    assert msg == review.MSG_REEXTRACTED.format(articles=1, updated=len(saved), added=0, removed=0, kept=0)


# -- CLI parity ------------------------------------------------------------------------
def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "atlas", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def db(db_url) -> str:
    path = db_url
    s = Store(path)
    out = intake.save_form(s, intake.IngestForm(text=TEXT, title="Pipeline"))
    assert out.ok
    s.dispose()
    return path


def test_cli_review_list_subprocess(db):
    res = cli("--db", str(db), "review", "list", "--json")
    assert res.returncode == 0, res.stderr
    rows = json.loads(res.stdout)
    assert len(rows) >= 3 and {r["article"] for r in rows} == {Article.from_text(TEXT).id}
    plain = cli("--db", str(db), "review", "list")
    assert plain.returncode == 0 and f"{len(rows)} pending fact(s)" in plain.stderr
    assert plain.stdout.splitlines()[0].split("\t")[0] == rows[0]["id"]


def test_cli_accept_reject_subprocess_and_export(db, capsys):
    ids = [f.id for f in Store(db).facts(origin="extracted")]
    res = cli("--db", str(db), "review", "accept", ids[0], "--who", "Ada")
    assert res.returncode == 0 and res.stdout.strip() == "accepted 1 fact(s)", res.stderr
    res = cli("--db", str(db), "review", "reject", ids[1], ids[2], "--who", "Bo")
    assert res.returncode == 0 and res.stdout.strip() == "rejected 2 fact(s)"
    bad = cli("--db", str(db), "review", "accept", "no-such-fact")
    assert bad.returncode == 1 and "no fact with id 'no-such-fact'" in bad.stderr
    s = Store(db)
    assert [e["who"] for e in s.audit_log()] == ["Bo (cli)", "Bo (cli)", "Ada (cli)"]

    assert main(["--db", str(db), "export", "--origin", "extracted"]) == 0
    accepted = json.loads(capsys.readouterr().out)
    assert [f["properties"]["id"] for f in accepted["features"]] == [ids[0]]
    assert main(["--db", str(db), "export", "--origin", "extracted", "--review", "pending"]) == 0
    pending = {f["properties"]["id"] for f in json.loads(capsys.readouterr().out)["features"]}
    assert pending == set(ids[3:])
    assert ids[1] not in pending and ids[2] not in pending


def test_cli_inprocess_list_accept_reject(db, capsys):
    assert main(["--db", str(db), "review", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert main(["--db", str(db), "review", "reject", rows[0]["id"], "--who", "Cy"]) == 0
    assert capsys.readouterr().out.strip() == "rejected 1 fact(s)"
    assert main(["--db", str(db), "review", "list", "--json"]) == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == [r["id"] for r in rows[1:]]
    with pytest.raises(SystemExit) as exc:
        main(["--db", str(db), "review", "accept"])
    assert exc.value.code == 2


def test_cli_decisions_are_pending_only_unless_override(db, capsys):
    s = Store(db)
    a, b = [f.id for f in s.facts(origin="extracted")][:2]
    assert main(["--db", str(db), "review", "accept", a, "--who", "Ada"]) == 0
    capsys.readouterr()
    version = s.version()
    # b is pending, a is not: the whole batch is refused, nothing is written
    assert main(["--db", str(db), "review", "reject", b, a, "--who", "Bo"]) == 1
    assert capsys.readouterr().err.strip() == (
        f"error: {a} was already accepted; nothing changed. Add --override to change a decision.")
    assert (s.fact(a).review, s.fact(b).review, s.version()) == ("accepted", "pending", version)
    assert main(["--db", str(db), "review", "reject", b, a, "--who", "Bo", "--override"]) == 0
    assert capsys.readouterr().out.strip() == "rejected 2 fact(s)"
    assert (s.fact(a).review, s.fact(b).review) == ("rejected", "rejected")
    assert [(e["fact_id"], e["who"]) for e in s.audit_log()][:2] == [(a, "Bo (cli)"), (b, "Bo (cli)")]


def test_cli_reextract(db, capsys):
    s = Store(db)
    aid = Article.from_text(TEXT).id
    ids = [f.id for f in s.facts(article_id=aid)]
    assert main(["--db", str(db), "review", "accept", ids[0], "--who", "Ada"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "reextract"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"{aid}\tupdated {len(ids) - 1}\tadded 0\tremoved 0\tkept 1"
    assert out.splitlines()[-1].startswith("1 article(s) re-extracted")
    assert s.fact(ids[0]).review == "accepted"
    assert main(["--db", str(db), "reextract", "nope"]) == 1
    assert "no article with id 'nope'" in capsys.readouterr().err


def test_cli_reextract_subprocess(db):
    aid = Article.from_text(TEXT).id
    res = cli("--db", str(db), "reextract", aid)
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines()[0].startswith(f"{aid}\tupdated ")

"""Store round trip, idempotence, review and re-extraction rules, URL handling."""
from __future__ import annotations

from datetime import date

import pytest

from atlas.core.errors import StoreError, UnknownFact
from atlas.core.models import Article, Evidence, Fact, Source
from atlas.db.store import Store, resolve_url

ART = Article.from_text("Kasachstan schließt Grenzen. China baut Pipeline.\n", title="T", language="de")


def extracted(start: int, end: int, **kw) -> Fact:
    base = dict(
        id=f"x-{ART.id}-{start}-{end}", type="sanctions", title="Border closure: Kazakhstan",
        date_start=date(2023, 5, 19), date_precision="day", origin="extracted", review="pending",
        confidence=0.7, countries=("KAZ",), actors=("RUS",),
        geometry={"type": "Point", "coordinates": [71.43, 51.17]}, geo_precision="city",
        evidence=(Evidence(ART.id, start, end, ART.text[start:end]),), rule="sanctions/cue:Grenzen",
    )
    base.update(kw)
    return Fact(**base)


CURATED = Fact(
    id="line-d", type="energy", title="Line D", date_start=date(2014, 9, 13), date_precision="day",
    origin="curated", countries=("TKM", "UZB", "TJK", "KGZ"), actors=("CHN",),
    geometry={"type": "LineString", "coordinates": [[60.0, 37.5], [66.0, 39.0], [75.2, 39.7]]},
    geo_precision="approximate-route", status="construction", status_as_of=date(2023, 5, 19),
    sources=(Source("CNPC", "Line D", "2014-09-13"),),
)


def test_round_trip_in_memory(any_store):
    f = extracted(0, 28)
    assert any_store.add_article(ART, [f], {"language": "de"})
    any_store.replace_curated([CURATED])
    assert any_store.fact(f.id) == f
    assert any_store.fact("line-d") == CURATED
    assert any_store.article(ART.id) == ART
    assert any_store.article_extraction(ART.id) == {"language": "de"}


def test_same_article_twice_is_stored_once(any_store):
    assert any_store.add_article(ART, [extracted(0, 28)])
    assert not any_store.add_article(ART, [extracted(0, 28)])
    assert any_store.count_articles() == 1 and any_store.count() == 1


def test_replace_curated_has_no_duplicates(any_store):
    any_store.replace_curated([CURATED])
    any_store.replace_curated([CURATED])
    assert [f.id for f in any_store.facts(origin="curated")] == ["line-d"]


def test_version_changes_on_every_write(any_store):
    v0 = any_store.version()
    any_store.replace_curated([CURATED])
    v1 = any_store.version()
    any_store.add_article(ART, [extracted(0, 28)])
    assert len({v0, v1, any_store.version()}) == 3


def test_failed_write_leaves_nothing(any_store):
    bad = extracted(0, 28)
    with pytest.raises(Exception):
        any_store.add_article(ART, [bad, bad])  # same id twice: the insert fails mid-transaction
    assert any_store.count_articles() == 0 and any_store.count() == 0


def test_decide_is_audited(any_store):
    f = extracted(0, 28)
    any_store.add_article(ART, [f])
    any_store.decide([f.id], "accepted", who="ana")
    assert any_store.fact(f.id).review == "accepted"
    (entry,) = any_store.audit_log(f.id)
    assert entry["who"] == "ana" and entry["action"] == "accepted"
    assert entry["before"]["review"] == "pending" and entry["after"]["review"] == "accepted"


def test_decide_unknown_or_curated(any_store):
    any_store.replace_curated([CURATED])
    with pytest.raises(UnknownFact, match="no fact with id 'nope'"):
        any_store.decide(["nope"], "accepted", who="ana")
    with pytest.raises(UnknownFact, match="is curated"):
        any_store.decide(["line-d"], "rejected", who="ana")


def test_reextraction_keeps_human_decisions(any_store):
    a, b, c = extracted(0, 28), extracted(29, 50), extracted(0, 10)
    any_store.add_article(ART, [a, b, c])
    any_store.decide([a.id], "accepted", who="ana")
    any_store.update_fact(c.with_(title="Edited by hand"), who="ben")
    new_a = a.with_(type="trade", confidence=0.9)
    new_b = b.with_(confidence=0.95)
    counts = any_store.replace_pending(ART.id, [new_a, new_b], {"language": "de", "v": 2})
    assert counts == {"updated": 1, "added": 0, "removed": 0, "kept": 2}
    assert any_store.fact(a.id).type == "sanctions" and any_store.fact(a.id).review == "accepted"
    assert any_store.fact(b.id).confidence == 0.95
    assert any_store.fact(c.id).title == "Edited by hand" and any_store.fact(c.id).edited


def test_file_store_persists(db_path):
    s = Store(str(db_path))
    s.add_article(ART, [extracted(0, 28)])
    s.dispose()
    again = Store(f"sqlite:///{db_path}")
    assert again.count() == 1 and again.article(ART.id).text == ART.text


def test_env_var_chooses_store(monkeypatch, tmp_path):
    monkeypatch.setenv("ATLAS_DB", str(tmp_path / "env.sqlite"))
    assert resolve_url() == f"sqlite:///{tmp_path / 'env.sqlite'}"


def test_bad_store_url_is_named():
    with pytest.raises(StoreError, match="cannot use database 'nosuchdb://x'"):
        Store("nosuchdb://x")


def test_store_in_missing_folder_is_named(tmp_path):
    with pytest.raises(StoreError, match="folder .*nope does not exist"):
        Store(str(tmp_path / "nope" / "x.sqlite"))


def test_facts_by_ids_keeps_order(any_store):
    a, b = extracted(0, 28), extracted(29, 50)
    any_store.add_article(ART, [a, b])
    assert [f.id for f in any_store.facts_by_ids([b.id, "missing", a.id])] == [b.id, a.id]


def test_only_pending_refuses_a_second_decision_and_writes_nothing(any_store):
    from atlas.core.errors import AlreadyDecided

    a, b = extracted(0, 28), extracted(29, 50)
    any_store.add_article(ART, [a, b])
    any_store.decide([a.id], "rejected", who="ana", only_pending=True)
    with pytest.raises(AlreadyDecided, match=f"{a.id} was already rejected; nothing changed."):
        any_store.decide([b.id, a.id], "accepted", who="ben", only_pending=True)
    assert any_store.fact(b.id).review == "pending"  # the whole call rolled back
    assert [e["who"] for e in any_store.audit_log()] == ["ana"]


def test_two_processes_deciding_at_once_only_one_wins(db_url):
    """Both reviewers (two replicas' processes) read 'pending'; the conditional UPDATE lets exactly
    one through, on SQLite and on PostgreSQL."""
    import subprocess
    import sys

    s = Store(db_url)
    f = extracted(0, 28)
    s.add_article(ART, [f])
    s.dispose()
    child = (
        "import sys\n"
        "from atlas.db.store import Store\n"
        "from atlas.core.errors import AlreadyDecided\n"
        "s = Store(sys.argv[1])\n"
        "assert s.fact(sys.argv[2]).review == 'pending'\n"
        "print('ready', flush=True)\n"
        "sys.stdin.readline()\n"
        "try:\n"
        "    s.decide([sys.argv[2]], sys.argv[3], who=sys.argv[3], only_pending=True)\n"
        "    print('won', flush=True)\n"
        "except AlreadyDecided:\n"
        "    print('lost', flush=True)\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", child, db_url, f.id, d], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, cwd=str(__import__("pathlib").Path(__file__).parents[1]))
             for d in ("accepted", "rejected")]
    for p in procs:
        assert p.stdout.readline().strip() == "ready"
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    results = sorted(p.communicate(timeout=60)[0].strip() for p in procs)
    assert results == ["lost", "won"]
    s = Store(db_url)
    assert len(s.audit_log(f.id)) == 1
    assert s.fact(f.id).review == s.audit_log(f.id)[0]["after"]["review"]
    s.dispose()


def test_same_text_with_a_url_fills_the_unknown_url_but_never_replaces_one(any_store):
    """A seed stored without a URL keeps the URL that becomes known later (a meta sidecar added,
    the page fetched from its address); a URL already stored is never overwritten."""
    import dataclasses

    assert any_store.add_article(ART)
    assert any_store.article(ART.id).url == ""
    known = dataclasses.replace(ART, url="http://127.0.0.1:9/seed", publisher="Local test", published=date(2023, 5, 20))
    assert not any_store.add_article(known)  # still one article
    got = any_store.article(ART.id)
    assert (got.url, got.publisher, got.published) == ("http://127.0.0.1:9/seed", "Local test", date(2023, 5, 20))
    assert not any_store.add_article(dataclasses.replace(ART, url="http://127.0.0.1:9/other"))
    assert any_store.article(ART.id).url == "http://127.0.0.1:9/seed"
    assert any_store.count_articles() == 1

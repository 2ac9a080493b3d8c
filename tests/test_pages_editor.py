"""AppTest behaviour of the Ingest and Review pages: the editor gate, ingest, review,
audit log, re-extraction. Widgets are found by key. Each test has its own SQLite
file (ATLAS_DB), prefilled so the app does not seed itself from seeds/.
"""
from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from atlas.sources import intake
from atlas.views import review
from atlas.core.auth import MSG_EDITING_OFF, MSG_LOGIN, MSG_NEED_NAME, MSG_WRONG_PASSWORD
from atlas.sources.files import MAX_ARTICLE_BYTES
from atlas.sources.ingest import prepare, run_extractor, store_prepared
from atlas.core.models import Article, Fact
from atlas.views.query import Filters, select_facts
from atlas.db.store import Store
from tests.helpers import REVIEW_TEXT as TEXT  # one article text serves the logic and the page tests
from tests.helpers import CURATED_FACT, EDITOR_TIMEOUT, INGEST, PASSWORD, STORED, keys, login, messages, shown  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
REVIEW = str(ROOT / "pages" / "5_Review.py")
CURATED = ROOT / "data" / "curated"
TIMEOUT = EDITOR_TIMEOUT



def curated_digest() -> str:
    h = hashlib.sha256()
    for p in sorted(CURATED.rglob("*")):
        h.update(str(p.relative_to(CURATED)).encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


@pytest.fixture(autouse=True)
def fresh_throttle(monkeypatch):
    """Every AppTest session has the same id: one test's wrong passwords must not throttle the next."""
    from atlas.core import auth

    monkeypatch.setattr(auth, "THROTTLE", auth.Throttle())


def page(path: str) -> AppTest:
    return AppTest.from_file(path, default_timeout=TIMEOUT).run()


def no_exceptions(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


# -- the gate ------------------------------------------------------------------------
@pytest.mark.parametrize("path", [INGEST, REVIEW])
def test_read_only_when_no_password_is_configured(db, path):
    at = page(path)
    no_exceptions(at)
    assert MSG_EDITING_OFF in messages(at, "info")
    assert "editor_password" not in keys(at, "text_input")
    assert "ingest_text" not in keys(at, "text_area")
    assert not any(k.startswith(("accept_", "reject_", "save_accept_", "reextract")) for k in keys(at, "button"))


def test_review_read_only_still_shows_queue_and_audit(db):
    at = page(REVIEW)
    html = "".join(m.value for m in at.markdown)
    assert "atlas-evidence" in html and "&lt;b&gt;to discuss&lt;/b&gt;" in html and "<b>to discuss" not in html
    assert not any(k.startswith("accept_") for k in keys(at, "button"))


@pytest.mark.parametrize("path", [INGEST, REVIEW])
def test_wrong_password_stays_read_only(editor_env, path):
    at = page(path)
    assert MSG_LOGIN in messages(at, "info")
    at = login(at, password="wrong")
    no_exceptions(at)
    assert MSG_WRONG_PASSWORD in messages(at, "warning")
    assert "ingest_text" not in keys(at, "text_area")
    assert not any(k.startswith(("accept_", "reextract")) for k in keys(at, "button"))


def test_name_is_required(editor_env):
    at = page(INGEST)
    at.text_input(key="editor_password").input(PASSWORD)
    at.run()
    assert MSG_NEED_NAME in messages(at, "warning")
    assert "ingest_text" not in keys(at, "text_area")


def test_password_from_streamlit_secrets(db):
    at = AppTest.from_file(INGEST, default_timeout=TIMEOUT)
    at.secrets["editor_password"] = "from-secrets-12"
    at.run()
    assert MSG_EDITING_OFF not in messages(at, "info")
    login(at, password="from-secrets-12")
    no_exceptions(at)
    assert "ingest_text" in keys(at, "text_area")


# -- ingest --------------------------------------------------------------------------
def test_ingest_paste_preview_save_and_duplicate(editor_env):
    before = curated_digest()
    at = login(page(INGEST))
    assert {"ingest_title", "ingest_url", "ingest_publisher"} <= keys(at, "text_input")
    at.text_area(key="ingest_text").input(TEXT)
    at.text_input(key="ingest_title").input("Pipeline deal")
    at.text_input(key="ingest_url").input("https://example.org/pipeline")
    at.text_input(key="ingest_publisher").input("Example News")
    at.date_input(key="ingest_published").set_value(date(2023, 5, 20))
    at.run()
    assert at.selectbox(key="ingest_language").value == "en"  # detected

    at.button(key="ingest_preview").click().run()
    no_exceptions(at)
    html = "".join(m.value for m in at.markdown)
    assert '<mark class="k-place"' in html and "&lt;script&gt;" in html and "<script>" not in html
    frame = at.dataframe[0].value
    assert {"type", "date", "places", "amounts", "confidence"} <= set(frame.columns)
    assert "Astana" in set(frame["places"]) and "2023-05-19" in set(frame["date"])
    s = Store(editor_env)
    assert s.count_articles() == 1  # preview stored nothing

    at.button(key="ingest_save").click().run()
    no_exceptions(at)
    aid = Article.from_text(TEXT).id
    n = len(s.facts(article_id=aid))
    assert n >= 3
    assert messages(at, "success") == [intake.MSG_SAVED.format(article_id=aid, n=n)]
    art = s.article(aid)
    assert (art.title, art.url, art.publisher, art.published, art.language) == (
        "Pipeline deal", "https://example.org/pipeline", "Example News", date(2023, 5, 20), "en")
    assert {f.review for f in s.facts(article_id=aid)} == {"pending"}

    at.button(key="ingest_save").click().run()
    assert intake.MSG_DUPLICATE.format(article_id=aid) in messages(at, "info")
    assert s.count_articles() == 2 and len(s.facts(article_id=aid)) == n
    assert curated_digest() == before


def test_ingest_language_override(editor_env):
    at = login(page(INGEST))
    at.text_area(key="ingest_text").input(TEXT).run()
    at.selectbox(key="ingest_language").set_value("de").run()
    assert at.selectbox(key="ingest_language").value == "de"  # the user's choice sticks
    at.button(key="ingest_save").click().run()
    assert Store(editor_env).article(Article.from_text(TEXT).id).language == "de"


def test_ingest_html_upload(editor_env):
    at = login(page(INGEST))
    page_html = ("<html><body><nav>Home | About</nav><article>"
                 + "".join(f"<p>{line}</p>" for line in TEXT.splitlines()) + "</article></body></html>")
    at.file_uploader(key="ingest_file").upload("pipeline.html", page_html.encode(), "text/html")
    at.run()
    at.button(key="ingest_save").click().run()
    no_exceptions(at)
    assert len(messages(at, "success")) == 1 and messages(at, "success")[0].startswith("Saved article ")
    s = Store(editor_env)
    (art,) = [s.article(a["id"]) for a in s.articles() if a["path"] == "pipeline.html"]
    assert "<p>" not in art.text and "Tokayev in Astana" in art.text


@pytest.mark.parametrize("name,data,reason", [
    ("big.txt", b"Astana. " * (MAX_ARTICLE_BYTES // 8 + 1), "big.txt: 5,242,888 bytes is over the limit"),
    ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.txt: a binary file, not text"),
    ("latin1.txt", "Gespräche über Gas".encode("latin-1"), "latin1.txt: not UTF-8 text"),
    ("empty.md", b"", "empty.md: the article is empty"),
])
def test_ingest_refuses_bad_uploads(editor_env, name, data, reason):
    s = Store(editor_env)
    counts = (s.count_articles(), s.count(), s.version())
    at = login(page(INGEST))
    at.file_uploader(key="ingest_file").upload(name, data, "text/plain")
    at.run()
    at.button(key="ingest_save").click().run()
    no_exceptions(at)
    errors = messages(at, "error")
    assert len(errors) == 1 and errors[0].startswith("Refused, nothing was stored. ")
    assert reason in errors[0]
    assert (s.count_articles(), s.count(), s.version()) == counts


def test_ingest_empty_text_message(editor_env):
    at = login(page(INGEST))
    at.button(key="ingest_save").click().run()
    assert messages(at, "error") == [intake.MSG_REFUSED.format(reason=intake.MSG_NO_TEXT)]


# -- review --------------------------------------------------------------------------
def test_review_accept_reject_edit_audit(editor_env):
    before = curated_digest()
    s = Store(editor_env)
    ids = [f.id for f in sorted(s.facts(origin="extracted"), key=lambda f: f.evidence[0].start)]
    at = login(page(REVIEW), name="Ada Editor")
    no_exceptions(at)
    bkeys = keys(at, "button")
    assert {f"accept_{i}" for i in ids} <= bkeys and {f"save_accept_{i}" for i in ids} <= bkeys
    assert "reextract_all" in bkeys

    at.button(key=f"accept_{ids[0]}").click().run()
    no_exceptions(at)
    assert messages(at, "success") == [review.MSG_ACCEPTED.format(fact_id=ids[0])]
    assert s.fact(ids[0]).review == "accepted"
    assert f"accept_{ids[0]}" not in keys(at, "button")  # left the queue

    edit = ids[1]
    at.selectbox(key=f"edit_type_{edit}").set_value("security")
    at.text_input(key=f"edit_title_{edit}").input("Russian base in Kyrgyzstan")
    at.number_input(key=f"edit_lat_{edit}").set_value(42.65)
    at.number_input(key=f"edit_lon_{edit}").set_value(74.7)
    at.multiselect(key=f"edit_countries_{edit}").set_value(["KGZ"])
    at.text_input(key=f"edit_actors_{edit}").input("RUS, CSTO")
    at.button(key=f"save_accept_{edit}").click().run()
    no_exceptions(at)
    assert messages(at, "success") == [review.MSG_EDITED_ACCEPTED.format(fact_id=edit)]
    g = s.fact(edit)
    assert (g.type, g.title, g.review, g.edited, g.actors, g.countries) == (
        "security", "Russian base in Kyrgyzstan", "accepted", True, ("RUS", "CSTO"), ("KGZ",))
    assert g.geometry == {"type": "Point", "coordinates": [74.7, 42.65]}

    rest = [i for i in ids[2:]]
    if rest:
        at.button(key=f"reject_{rest[0]}").click().run()
        assert s.fact(rest[0]).review == "rejected"

    audit = s.audit_log()
    # the typed name plus this session's tag (two people typing the same name stay apart)
    assert len({e["who"] for e in audit}) == 1 and audit[0]["who"].startswith("Ada Editor (session ")
    frame = next(d.value for d in at.dataframe if "who" in d.value.columns)
    assert set(frame["fact"]) >= {ids[0], edit} and "Russian base in Kyrgyzstan" in set(frame["after"])
    assert ("title", "Russian base in Kyrgyzstan") in set(zip(frame["field"], frame["after"]))

    on_map = {f.id: f.trust_label for f in select_facts(s, Filters(reviews=("accepted",)))}
    assert ids[0] in on_map and edit in on_map and CURATED_FACT.id in on_map
    assert on_map[edit].startswith("Extracted, accepted by a reviewer")
    if rest:
        assert rest[0] not in on_map
    assert curated_digest() == before


def test_review_invalid_edit_shows_reason(editor_env):
    s = Store(editor_env)
    fid = s.facts(origin="extracted")[0].id
    at = login(page(REVIEW))
    at.text_input(key=f"edit_title_{fid}").input("   ")
    at.button(key=f"save_accept_{fid}").click().run()
    no_exceptions(at)
    assert messages(at, "error") == ["Not saved: title: must not be empty"]
    assert s.fact(fid).review == "pending" and s.audit_log() == []


def test_review_reextract_button_keeps_decisions(editor_env):
    s = Store(editor_env)
    facts = s.facts(origin="extracted")
    s.decide([facts[0].id], "rejected", "Bo")
    at = login(page(REVIEW))
    at.button(key="reextract_all").click().run()
    no_exceptions(at)
    assert messages(at, "success") == [review.MSG_REEXTRACTED.format(
        articles=1, updated=len(facts) - 1, added=0, removed=0, kept=1)]
    assert s.fact(facts[0].id).review == "rejected"


def test_decision_refused_after_logout(editor_env):
    """A click that arrives with a changed (wrong) password does nothing."""
    s = Store(editor_env)
    fid = s.facts(origin="extracted")[0].id
    at = login(page(REVIEW))
    at.text_input(key="editor_password").input("wrong")
    at.button(key=f"accept_{fid}").click().run()
    assert s.fact(fid).review == "pending"
    assert MSG_WRONG_PASSWORD in messages(at, "error")


def test_login_is_kept_across_pages_until_log_out(editor_env):
    from ui.page import PAGES_DIR

    at = AppTest.from_file(str(PAGES_DIR.parent / "dashboard.py"), default_timeout=TIMEOUT).run()
    at.switch_page("pages/5_Review.py").run()
    login(at)
    assert any(t.value.startswith("Editing as Ada Editor") for t in at.sidebar.text)
    at.switch_page("pages/0_Map.py").run()  # a page without the login inputs drops their values
    at.switch_page("pages/4_Ingest.py").run()
    no_exceptions(at)
    assert any(t.value.startswith("Editing as Ada Editor") for t in at.sidebar.text)
    assert "ingest_save" in keys(at, "button")
    at.button(key="editor_logout").click().run()
    assert "ingest_save" not in keys(at, "button") and at.text_input(key="editor_password").value == ""
    at.switch_page("pages/5_Review.py").run()
    assert not any(t.value.startswith("Editing as") for t in at.sidebar.text)

"""Previews stay out of the server: made in the extraction worker, nothing of them kept afterwards."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from atlas.sources import intake
from tests.helpers import EDITOR_TIMEOUT as TIMEOUT, INGEST, PASSWORD, login

from .conftest import SEED


def test_the_preview_is_made_in_the_worker_not_in_the_server(atlas_db, monkeypatch):
    def not_here(*args, **kwargs):
        raise AssertionError("the preview's article and facts were built in the app's own process")

    monkeypatch.setenv("ATLAS_EDITOR_PASSWORD", PASSWORD)
    # Only this (the app's) process: the worker is another process and builds the preview there.
    monkeypatch.setattr(intake, "prepare_form", not_here)
    monkeypatch.setattr(intake, "preview_form", not_here)
    at = login(AppTest.from_file(INGEST, default_timeout=TIMEOUT).run())
    at.text_area(key="ingest_text").input(SEED.read_text(encoding="utf-8")).run()
    at.button(key="ingest_preview").click().run(timeout=120)
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) > 0  # the candidate facts
    assert any('class="atlas-article"' in m.value for m in at.markdown)  # the highlighted article
    # Nothing process-wide keeps whole articles between runs (there was a 4-entry cache of them).
    assert not hasattr(intake._source_text, "cache_info")


def test_a_duplicate_is_still_said_when_the_preview_comes_from_the_worker(atlas_db, monkeypatch):
    from atlas.db.store import Store
    from tests.dash_data import ARTICLE

    monkeypatch.setenv("ATLAS_EDITOR_PASSWORD", PASSWORD)
    at = login(AppTest.from_file(INGEST, default_timeout=TIMEOUT).run())
    at.text_area(key="ingest_text").input(ARTICLE.text).run()
    at.button(key="ingest_preview").click().run(timeout=120)
    assert not at.exception
    assert any(intake.MSG_DUPLICATE.format(article_id=ARTICLE.id) in i.value for i in at.info)
    assert Store(atlas_db).has_article(ARTICLE.id)


@pytest.fixture(autouse=True)
def _only_sqlite(request):
    if "postgresql" in request.node.name:
        pytest.skip("the preview path does not depend on the database backend; SQLite is enough here")

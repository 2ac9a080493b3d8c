"""Issue 13 item 1 (the part that is not the regexes): heavy extraction never blocks other
sessions. The app extracts in a worker process with a time limit and progress; another
session's filter change answers while a 5 MB preview is still running."""
from __future__ import annotations

import threading
import time

import pytest
from streamlit.testing.v1 import AppTest

from atlas.sources import ingest, intake
from atlas.core.errors import ArticleError, UnsupportedLanguage
from atlas.core.models import Article
from atlas.sources.worker import MSG_TIMEOUT, ExtractionTimeout, ExtractorProcess
from tests.helpers import EDITOR_TIMEOUT as TIMEOUT, INGEST, PASSWORD, login, messages  # atlas_db: tests/conftest.py

from .conftest import ROOT, SEED

FIVE_MB_TEXT = (SEED.read_text(encoding="utf-8") + "\n") * (5 * 1024 * 1024 // (len(SEED.read_bytes()) + 1) - 10)


@pytest.fixture(scope="module")
def proc():
    p = ExtractorProcess(timeout_s=120)
    yield p
    p.close()


def test_pinned_message():
    assert MSG_TIMEOUT.format(seconds=0.5) == (
        "extraction took longer than 0.5 s and was stopped; nothing was stored. "
        "Split the article or try again when the server is less busy.")


def test_worker_gives_what_the_extractor_gives(proc):
    art = Article.from_text(SEED.read_text(encoding="utf-8"))
    assert proc(art) == ingest.run_extractor(art)
    with pytest.raises(UnsupportedLanguage, match="only de, en, ru are supported|not supported"):
        proc(Article.from_text("Ceci est un texte en français sur le Kazakhstan et la Chine, signé à Paris."))


def test_time_limit_kills_the_worker_and_the_next_job_gets_a_fresh_one():
    p = ExtractorProcess(timeout_s=60)
    try:
        p(Article.from_text("Kasachstan und China unterzeichnen ein Abkommen."))  # warm: imports done
        first = p.pid
        p.timeout_s = 0.5
        with pytest.raises(ExtractionTimeout) as err:
            p(Article.from_text(FIVE_MB_TEXT))
        assert str(err.value) == MSG_TIMEOUT.format(seconds=0.5)
        assert p.pid is None
        p.timeout_s = 60
        assert p(Article.from_text("Kasachstan und China unterzeichnen ein Abkommen."))["language"] == "de"
        assert p.pid != first
    finally:
        p.close()


def test_preview_page_stops_at_the_time_limit(atlas_db, monkeypatch):
    from ui import extraction

    monkeypatch.setenv("ATLAS_EDITOR_PASSWORD", PASSWORD)
    at = login(AppTest.from_file(INGEST, default_timeout=TIMEOUT).run())
    monkeypatch.setattr(extraction.worker(), "timeout_s", 0.3)
    at.text_area(key="ingest_text").input(FIVE_MB_TEXT)
    at.button(key="ingest_preview").click().run(timeout=120)
    assert not at.exception
    [error] = messages(at, "error")
    assert "extraction took longer than 0.3 s and was stopped; nothing was stored" in error


def test_another_sessions_filter_change_answers_during_a_5_mb_preview(atlas_db, proc, monkeypatch):
    """Ordering, not timing: the other session's rerun finishes while the preview still runs,
    and the extraction's CPU time is spent in the worker, not in the app's process."""
    monkeypatch.setattr(ingest, "_runner", proc)
    done: dict[str, float] = {}
    started = threading.Event()

    def preview() -> None:
        started.set()
        pv = intake.preview_form(intake.IngestForm(text=FIVE_MB_TEXT))
        done["preview"] = time.monotonic()
        done["facts"] = len(pv.facts)

    at = AppTest.from_file(str(ROOT / "pages" / "3_Data.py"), default_timeout=60).run()  # warm caches
    cpu_before = time.process_time()
    t = threading.Thread(target=preview)
    t.start()
    started.wait()
    at.multiselect(key="f_countries").set_value(["KAZ"]).run()
    done["filter"] = time.monotonic()
    own_cpu = time.process_time() - cpu_before
    t.join(300)
    assert not at.exception and done["facts"] > 100
    assert done["filter"] < done["preview"]
    with open(f"/proc/{proc.pid}/stat") as fh:
        worker_cpu_s = sum(int(v) for v in fh.read().rsplit(")", 1)[1].split()[11:13]) / 100
    assert worker_cpu_s > own_cpu  # the 5 MB extraction ran in the worker process

"""PostgreSQL down at start and lost mid-session: one clear message (URL without the
password), the page retrying, and the page back by itself once the server is back.
A cluster of this test's own, so stopping it disturbs no other test."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from atlas.db.store import Store
from ui.failsafe import MSG_RETRYING, RETRY_EVERY_S, RETRY_KEY

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "s3cret-not-for-display"  # the cluster trusts loopback; the password only has to stay hidden


@pytest.fixture
def own_cluster(pg_cluster):  # pg_cluster: same skip/require rules, then a cluster we may stop
    from atlas.db.devdb import Cluster

    cluster = Cluster.start()
    yield cluster
    cluster.stop()


def test_database_down_at_start_then_back(own_cluster, monkeypatch):
    from tests.dash_data import fill_store

    url = own_cluster.create_database("atlas").replace("atlas@", f"atlas:{PASSWORD}@")
    store = Store(url)
    fill_store(store)
    store.dispose()
    monkeypatch.setenv("ATLAS_DB", url)
    own_cluster.pause()

    at = AppTest.from_file(str(ROOT / "pages" / "0_Map.py"), default_timeout=60).run()
    shown = " ".join(e.value for e in at.error)
    assert f"cannot open database 'postgresql+psycopg://atlas:***@127.0.0.1:{own_cluster.port}/atlas'" in shown
    assert "the database server cannot be reached" in shown
    assert PASSWORD not in shown and PASSWORD not in " ".join(c.value for c in at.caption)
    assert MSG_RETRYING.format(s=RETRY_EVERY_S) in [c.value for c in at.caption]

    own_cluster.resume()
    at.button(key=RETRY_KEY).click().run()
    assert not at.error and not at.exception
    assert int(next(m.value for m in at.metric if m.label == "Facts shown").replace(",", "")) > 0

    own_cluster.pause()  # lost mid-session: the page says so …
    at.run()
    assert "the database server cannot be reached" in " ".join(e.value for e in at.error)
    own_cluster.resume()  # … and is back on the next run
    at.run()
    assert not at.error and not at.exception

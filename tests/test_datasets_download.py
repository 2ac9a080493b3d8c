"""``import NAME --download`` against a real HTTP server on 127.0.0.1 serving releases written for the tests."""
from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import zipfile

import pytest

from atlas.sources.datasets import DATASETS_DIR
from atlas.sources.datasets.download import DownloadFailed, download_and_import, release_urls
from atlas.sources.fetch.http import HttpClient
from atlas.views.query import load_frame

from .conftest import ROOT
from .fetch_server import FixtureServer, Route
from .test_datasets_ofac import ADD, ALT, SDN
from .test_datasets_worldbank import F_HEAD, FINANCIERS, L_HEAD, LOCATIONS, P_HEAD, PROJECTS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def quick() -> HttpClient:
    return HttpClient(timeout=5, deadline=30, per_host_interval=0, max_bytes=64 * 1024 * 1024, allow_private=True)


def workbook(sheets: list[tuple[str, list, list]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, head, rows in sheets:
        ws = wb.create_sheet(name)
        ws.append(head)
        for r in rows:
            ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


WB_XLSX = workbook([("Projects", P_HEAD, PROJECTS), ("GEOLocations", L_HEAD, LOCATIONS),
                    ("Financers", F_HEAD, FINANCIERS)])


def test_worldbank_download_imports_the_workbook(mem_store):
    steps = []
    with FixtureServer() as srv:
        srv.routes["/m/all.xls"] = Route(WB_XLSX, content_type=XLSX)
        done = download_and_import(mem_store, "worldbank", base=srv.url("/m"), client=quick(),
                                   progress=lambda x, text: steps.append((x, text)))
        assert srv.hits["/m/all.xls"] == 1 and any("CentralAsiaInfluenceAtlas" in ua for ua in srv.user_agents)
    assert len(done.sync.added) == 4 and mem_store.fact("worldbank-P900001").actors == ("WB", "AIIB")
    assert steps[0][1].startswith("downloading http://127.0.0.1:") and steps[-1] == (1.0, done.sync.summary())
    assert [x for x, _ in steps] == sorted(x for x, _ in steps)


def test_a_large_file_reports_progress_as_it_streams(mem_store):
    steps = []
    big = SDN.replace("\x1a\n", "") + "".join(
        f'{100000 + i},"FILLER ENTRY {i} WRITTEN FOR A TEST",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0-\n'
        for i in range(40000))  # ~3.5 MB, no address in the region: imports nothing more
    with FixtureServer() as srv:
        srv.routes["/m/sdn.csv"] = Route(big.encode(), content_type="text/csv")
        for name, text in (("add.csv", ADD), ("alt.csv", ALT)):
            srv.routes[f"/m/{name}"] = Route(text.encode(), content_type="text/csv")
        done = download_and_import(mem_store, "ofac", base=srv.url("/m"), client=quick(),
                                   progress=lambda x, text: steps.append((x, text)))
    assert len(done.sync.added) == 3
    within = [(x, t) for x, t in steps if "sdn.csv: " in t]
    size = f"{len(big.encode()) / 1e6:.1f}"
    assert len(within) >= 3 and within[-1][1].endswith(f": {size} of {size} MB")
    assert [x for x, _ in steps] == sorted(x for x, _ in steps) and max(x for x, _ in within) <= 1 / 4 + 1e-9


def test_ofac_download_fetches_the_three_files(mem_store):
    with FixtureServer() as srv:
        for name, text in (("sdn.csv", SDN), ("add.csv", ADD), ("alt.csv", ALT)):
            srv.routes[f"/m/{name}"] = Route(text.encode(), content_type="text/csv")
        done = download_and_import(mem_store, "ofac", base=srv.url("/m"), client=quick())
    assert sorted(done.sync.added) == ["ofac-90001", "ofac-90002", "ofac-90004"]


def test_aiddata_download_unzips_the_workbook_and_keeps_the_shipped_geometries(mem_store):
    with (DATASETS_DIR / "aiddata-gcdf3" / "projects_central_asia.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    book = workbook([("GCDF_3.0", rows[0], rows[1:6])])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("Codebook.xlsx", workbook([("Notes", ["written for a test"], [])]))
        z.writestr("GCDF_3.0/AidDatas_GCDF_3.0.xlsx", book)
    with FixtureServer() as srv:
        srv.routes["/m/AidDatas_Global_Chinese_Development_Finance_Dataset_Version_3_0.zip"] = Route(
            buf.getvalue(), content_type="application/zip")
        done = download_and_import(mem_store, "aiddata", base=srv.url("/m"), client=quick())
    assert len(done.sync.added) == 5


@pytest.mark.parametrize("body,message", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, r"old binary Excel \(\.xls\) workbook"),
    (b"<!DOCTYPE html><html><body>moved</body></html>", "is a web page, not the data"),
])
def test_a_release_that_is_not_the_data_changes_nothing(mem_store, body, message):
    with FixtureServer() as srv:
        srv.routes["/m/all.xls"] = Route(body, content_type="application/octet-stream")
        with pytest.raises(DownloadFailed, match=message):
            download_and_import(mem_store, "worldbank", base=srv.url("/m"), client=quick())
    assert len(load_frame(mem_store)) == 0


def test_offline_is_one_line_exit_1_and_nothing_changed(tmp_path):
    db = tmp_path / "atlas.sqlite"
    env = {**os.environ, "ATLAS_DOWNLOAD_BASE": "http://127.0.0.1:9"}  # discard port: nothing listens
    proc = subprocess.run([sys.executable, "-m", "atlas", "--db", str(db), "import", "ofac", "--download"],
                          cwd=ROOT, capture_output=True, text=True, env=env)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ofac: download failed (connection)"), proc.stderr
    assert "nothing was changed" in lines[0] and not db.exists()  # no database made either


def test_files_or_download_not_both():
    proc = subprocess.run([sys.executable, "-m", "atlas", "--db", "sqlite://", "import", "ofac", "sdn.csv",
                           "--download"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 1 and "give the release files or --download, not both or neither" in proc.stderr


def test_publisher_addresses():
    assert release_urls("ofac", "")[0] == "https://www.treasury.gov/ofac/downloads/sdn.csv"
    assert release_urls("worldbank", "") == ["https://search.worldbank.org/api/projects/all.xls"]


# -- the Ingest page (AppTest, widgets by key)

def test_an_editor_downloads_a_release_from_the_ingest_page(editor_env, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from atlas.db.store import Store
    from tests.helpers import shown
    from tests.helpers import login

    with FixtureServer() as srv:
        for name, text in (("sdn.csv", SDN), ("add.csv", ADD), ("alt.csv", ALT)):
            srv.routes[f"/m/{name}"] = Route(text.encode(), content_type="text/csv")
        monkeypatch.setenv("ATLAS_DOWNLOAD_BASE", srv.url("/m"))
        at = login(AppTest.from_file(str(ROOT / "pages" / "4_Ingest.py"), default_timeout=90).run())
        assert not at.exception
        at.selectbox(key="dataset_download_pick").set_value("ofac")
        at = at.button(key="dataset_download_go").click().run()
        assert not at.exception
    assert any(shown(s.value).startswith("ofac: 3 added") for s in at.success), [s.value for s in at.success]
    assert at.get("progress")  # the bar stays, at the last step
    assert Store(editor_env).fact("ofac-90001").actors == ("USA",)


def test_a_failed_download_on_the_page_is_one_message(editor_env, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.helpers import shown
    from tests.helpers import login

    monkeypatch.setenv("ATLAS_DOWNLOAD_BASE", "http://127.0.0.1:9")
    at = login(AppTest.from_file(str(ROOT / "pages" / "4_Ingest.py"), default_timeout=90).run())
    at.selectbox(key="dataset_download_pick").set_value("worldbank")
    at = at.button(key="dataset_download_go").click().run()
    assert not at.exception
    [err] = [shown(e.value) for e in at.error]
    assert err.startswith("worldbank: download failed (connection)") and "nothing was changed" in err


def test_the_section_needs_an_editor(db):  # noqa: F811
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "pages" / "4_Ingest.py"), default_timeout=90).run()
    assert "dataset_download_go" not in {b.key for b in at.button}

"""A store on a read-only volume: the Map and Data pages show its facts and the read-only notice.

Root ignores file permissions, and a chmod'ed folder still lets ``unlink`` of a missing
file succeed, so chmod cannot stand in for the real case. The store is put on a genuinely
read-only file system instead: a read-only bind mount, made inside a private mount
namespace (``unshare --mount``) so it vanishes with the probe process and the host's
mounts are never touched. The probe runs the pages with AppTest and prints what it saw.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from atlas.db.storeguard import MSG_SERVING_READ_ONLY
from atlas.db.store import Store
from tests.dash_data import fill_store

ROOT = Path(__file__).resolve().parents[1]
PROBE = r"""
import json, os, sys
from streamlit.testing.v1 import AppTest
root, db = sys.argv[1], sys.argv[2]
os.environ["ATLAS_DB"] = db
out = {}
for page in ("pages/0_Map.py", "pages/3_Data.py"):
    at = AppTest.from_file(os.path.join(root, page), default_timeout=60)
    at.query_params["review"] = "all"
    at.run()
    out[page] = {"exception": [e.value for e in at.exception],
                 "warnings": [w.value.replace("\\", "") for w in at.warning],
                 "errors": [e.value for e in at.error],
                 "metrics": {m.label: m.value for m in at.metric}}
print("PROBE" + json.dumps(out))
"""


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("unshare"),
                    reason="needs root and unshare for a private read-only bind mount")
def test_pages_serve_a_store_on_a_read_only_volume(tmp_path):
    data, mnt = tmp_path / "data", tmp_path / "ro"
    data.mkdir()
    mnt.mkdir()
    store = Store(data / "atlas.sqlite")
    facts = fill_store(store)
    store.dispose()
    script = (f'mount --bind "{data}" "{mnt}" && mount -o remount,ro,bind "{mnt}" && '
              f'exec "{sys.executable}" -c "$PROBE" "{ROOT}" "{mnt / "atlas.sqlite"}"')
    proc = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                          cwd=ROOT, env={**os.environ, "PROBE": PROBE}, capture_output=True, text=True,
                          timeout=240)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("PROBE")), None)
    if line is None and "mount" in proc.stderr and "permission denied" in proc.stderr.lower():
        pytest.skip(f"cannot mount here: {proc.stderr.strip()[:200]}")
    assert line is not None, proc.stderr[-3000:]
    seen = json.loads(line[len("PROBE"):])
    for page, got in seen.items():
        assert got["exception"] == [] and got["errors"] == [], (page, got)
        assert any(MSG_SERVING_READ_ONLY in w for w in got["warnings"]), (page, got["warnings"])
        assert got["metrics"], page
    assert str(len(facts)) in seen["pages/3_Data.py"]["metrics"].values(), seen["pages/3_Data.py"]["metrics"]
    assert not list(data.glob("*.arrow*"))  # nothing could be written beside it

"""Offline map assets: copied from the xstatic packages, served under /app/static/vendor."""
from __future__ import annotations

import os
from pathlib import Path

from atlas.core import webassets

ROOT = Path(__file__).resolve().parents[1]


def test_copy_and_refresh(tmp_path):
    vendor = tmp_path / "vendor"
    first = webassets.ensure_vendor(vendor)
    assert "leaflet/leaflet.js" in first.copied and "leaflet/images/layers.png" in first.copied
    assert (vendor / "jquery" / "jquery.min.js").exists()
    assert not webassets.ensure_vendor(vendor).copied  # up to date: nothing copied
    stale = vendor / "leaflet" / "leaflet.js"
    stale.write_text("broken")
    assert webassets.ensure_vendor(vendor).copied == ("leaflet/leaflet.js",)
    assert stale.stat().st_size > 100_000


def test_every_map_url_is_a_vendored_file():
    webassets.ensure_vendor()
    for _, url in webassets.MAP_JS + webassets.MAP_CSS + webassets.MARKERCLUSTER_JS + webassets.MARKERCLUSTER_CSS:
        assert url.startswith("/app/static/vendor/")
        assert (ROOT / "static" / url[len("/app/static/"):]).is_file(), url


def test_leaflet_css_images_present():
    webassets.ensure_vendor()
    css = (webassets.VENDOR_DIR / "leaflet" / "leaflet.css").read_text()
    for ref in ("images/layers.png", "images/marker-icon.png"):
        assert ref in css and (webassets.VENDOR_DIR / "leaflet" / ref).is_file()


def test_static_serving_enabled_and_vendor_ignored():
    config = (ROOT / ".streamlit" / "config.toml").read_text()
    assert "enableStaticServing = true" in config
    assert "static/vendor/" in (ROOT / ".gitignore").read_text().split()


def test_plugin_without_offline_copy_is_refused():
    import folium
    import pytest

    m = folium.Map(tiles=None)
    folium.features.TopoJson({"type": "Topology", "objects": {"x": {}}, "arcs": []}, "objects.x").add_to(m)
    with pytest.raises(ValueError, match="no offline copy"):
        webassets.offline_map(m)

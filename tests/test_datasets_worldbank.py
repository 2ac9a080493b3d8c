"""The World Bank projects export: the three tables → one fact per project.

Unit tests use tiny tables in the export's layout, written here for the tests
(invented projects, places and amounts; no row of the real export). One test reads
the Central Asia subset in ../shared/datasets/worldbank-projects when it is present.
"""
from __future__ import annotations

import csv
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from atlas.sources.datasets import WORLDBANK
from atlas.sources.datasets.load import import_dataset, stored_notes
from atlas.sources.datasets.sync import WithdrawRefused
from atlas.sources.datasets.tables import check_xlsx_zip
from atlas.sources.datasets.wbimport import import_files
from atlas.core.errors import ValidationError
from atlas.views.query import Filters, apply_filters, load_frame

from .conftest import ROOT

SHARED = ROOT.parent / "shared" / "datasets" / "worldbank-projects"

P_HEAD = ["id", "regionname", "countryshortname", "status", "project_name", "boardapprovaldate", "closingdate",
          "curr_total_commitment", "borrower"]
L_HEAD = ["project_id", "geo_loc_id", "place_id", "wbg_country_key", "geo_loc_name", "geo_latitude_number",
          "geo_longitude_number", "admin_unit1_name", "admin_unit2_name"]
F_HEAD = ["project_id", "name", "current_amount", "amount_usd", "financer_id", "currency", "project_financial_type"]

# Written for these tests: invented projects at real Central Asian places.
PROJECTS = [
    ["P900001", "Europe and Central Asia", "Uzbekistan", "Active", "Test Water Supply Project",
     "2020-03-05T00:00:00Z", "2026-06-30", "120000000.0", "Test borrower"],
    ["P900002", "Europe and Central Asia", "Kazakhstan", "Closed", "Test Health Reform",
     "2010-07-01T00:00:00Z", "2016-12-31", "50000000.0", "Test borrower"],
    ["P900003", "Europe and Central Asia", "Central Asia", "Dropped", "Test Regional Power Trade",
     "", "", "30000000.0", ""],
    ["P900004", "Europe and Central Asia", "Kyrgyz Republic", "Pipeline", "Test Rural Roads",
     "", "", "", ""],
    ["P900005", "Africa", "World", "Closed", "Test Global Facility", "2015-01-10T00:00:00Z", "", "5000000.0", ""],
]
LOCATIONS = [
    ["P900001", "1", "T1", "UZ", "Samarqand Test Site", "39.65", "66.96", "Samarqand", ""],
    ["P900001", "2", "T2", "UZ", "Bukhara Test Site", "39.77", "64.42", "Bukhoro", ""],
    ["P900001", "2", "T2b", "UZ", "Bukhara Test Site", "39.77", "64.42", "Bukhoro", ""],  # same place twice
    ["P900001", "3", "T3", "UZ", "Wrong Side Site", "42.87", "74.59", "", ""],  # Bishkek: not in UZB
    ["P900002", "4", "T4", "KZ", "Republic of Kazakhstan", "48.0", "68.0", "", ""],  # country level
    ["P900003", "5", "T5", "TJ", "Khujand Test Site", "40.28", "69.62", "Sughd", ""],
    ["P900003", "6", "T6", "KG", "Osh Test Site", "40.53", "72.80", "Osh", ""],
]
FINANCIERS = [
    ["P900001", "International Bank for Reconstruction and Development", "0", "100000000", "IBRD", "USD",
     "World Bank Group"],
    ["P900001", "Asian Infrastructure Investment Bank", "0", "15000000", "AIIB", "USD", "Multilateral Agency"],
    ["P900001", "Borrower/Recipient", "0", "5000000", "BORR", "USD", "Local Contributor"],
    ["P900002", "IDA Credit", "0", "40000000", "IDA", "USD", "World Bank Group"],
    ["P900002", "KUWAIT: Kuwait Fund for Arab Economic Development", "0", "10000000", "KFAE", "USD",
     "Bilateral Agency"],
    ["P900003", "China Export Import Bank", "0", "30000000", "EXCN", "USD", "Bilateral Agency"],
]


def write(path: Path, head: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(head)
        w.writerows(rows)
    return path


def release(tmp: Path, projects=PROJECTS, locations=LOCATIONS, financiers=FINANCIERS) -> list[Path]:
    tmp.mkdir(parents=True, exist_ok=True)
    return [write(tmp / "projects.csv", P_HEAD, projects), write(tmp / "locations.csv", L_HEAD, locations),
            write(tmp / "financiers.csv", F_HEAD, financiers)]


def facts_by_record(paths) -> dict:
    return {f.dataset_record: f for f in import_files(WORLDBANK, paths).facts}


def test_one_fact_per_project_with_shares_sites_and_statuses(tmp_path):
    facts = facts_by_record(release(tmp_path))
    assert set(facts) == {"P900001", "P900002", "P900003", "P900004"}  # P900005: no site in the five states
    f = facts["P900001"]
    assert (f.id, f.dataset, f.amount, f.currency, f.finance_group) == ("worldbank-P900001", "worldbank",
                                                                        120e6, "USD", "P900001")
    assert f.actors == ("WB", "AIIB") and f.status == "construction" and f.type == "infrastructure"
    assert f.record["shares"] == [
        {"actor": "WB", "name": "International Bank for Reconstruction and Development", "amount": 100e6},
        {"actor": "AIIB", "name": "Asian Infrastructure Investment Bank", "amount": 15e6},
        {"actor": None, "name": "Borrower/Recipient", "amount": 5e6}]
    # two sites inside Uzbekistan (the repeated place once); the one in Bishkek left out and said why
    assert f.geometry == {"type": "MultiPoint", "coordinates": [[66.96, 39.65], [64.42, 39.77]]}
    assert f.geo_precision == "approximate-area"
    assert "Wrong Side Site" in f.record["location"]["rejected"][0] and "outside UZB" in f.record["location"]["rejected"][0]
    k = facts["P900002"]
    assert k.geometry["type"] == "Point" and k.geo_precision == "country" and k.actors == ("WB", "KWT")
    assert k.status == "completed" and str(k.date_start) == "2010-07-01" and str(k.date_end) == "2016-12-31"
    regional = facts["P900003"]
    assert regional.countries == ("TJK", "KGZ") and regional.status == "cancelled" and regional.actors == ("CHN",)
    assert facts["P900004"].status == "proposed" and facts["P900004"].amount is None
    assert facts["P900004"].actors == ("WB",) and "shares" not in facts["P900004"].record


def test_dropped_and_pipeline_are_stored_but_hidden_until_asked_for(tmp_path, mem_store):
    import_dataset(mem_store, "worldbank", release(tmp_path))
    frame = load_frame(mem_store)
    shown = set(apply_filters(frame, Filters(reviews=()))["id"])
    assert {"worldbank-P900001", "worldbank-P900002"} <= shown
    assert not {"worldbank-P900003", "worldbank-P900004"} & shown
    asked = set(apply_filters(frame, Filters(reviews=(), statuses=("cancelled", "proposed")))["id"])
    assert {"worldbank-P900003", "worldbank-P900004"} <= asked


def test_reimport_is_idempotent_and_notes_list_the_site_outside(tmp_path, mem_store):
    paths = release(tmp_path)
    first = import_dataset(mem_store, "worldbank", paths)
    assert len(first.sync.added) == 4
    assert any("P900001" in line and "Wrong Side Site" in line for line in first.lines())
    version = mem_store.version()
    again = import_dataset(mem_store, "worldbank", paths)
    assert again.sync.unchanged == 4 and not again.sync.changed and mem_store.version() == version
    assert any("worldbank record P900001: site Wrong Side Site" in n for n in stored_notes(mem_store))


def test_xlsx_with_three_sheets_and_a_title_row_gives_the_same_facts(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, head, rows in (("Projects", P_HEAD, PROJECTS), ("GEOLocations", L_HEAD, LOCATIONS),
                             ("Financers", F_HEAD, FINANCIERS)):
        ws = wb.create_sheet(name)
        ws.append([f"{name} (written for a test)"])  # a title row above the header
        ws.append(head)
        for r in rows:
            ws.append(r)
    wb.save(tmp_path / "export.xlsx")
    from_csv = facts_by_record(release(tmp_path / "csv"))
    from_xlsx = facts_by_record([tmp_path / "export.xlsx"])
    assert set(from_xlsx) == set(from_csv)
    for rid, f in from_csv.items():
        g = from_xlsx[rid]
        assert (g.geometry, g.actors, g.amount, g.status, g.record["shares"] if "shares" in g.record else None) == \
               (f.geometry, f.actors, f.amount, f.status, f.record["shares"] if "shares" in f.record else None)


def test_a_missing_sheet_or_column_is_refused_naming_it(tmp_path):
    paths = release(tmp_path)
    with pytest.raises(ValidationError, match="worldbank: no Financers table among the files given"):
        import_files(WORLDBANK, paths[:2])
    bad = write(tmp_path / "renamed.csv", [h.replace("amount_usd", "usd") for h in F_HEAD], FINANCIERS)
    with pytest.raises(ValidationError, match="renamed.csv: not one of the export's tables"):
        import_files(WORLDBANK, paths[:2] + [bad])


def test_bad_cells_are_located_and_nothing_is_written(tmp_path, mem_store):
    projects = [list(r) for r in PROJECTS]
    projects[1][7] = "fifty million"
    locations = [list(r) for r in LOCATIONS] + [["P900002", "9", "T9", "KZ", "Test", "north", "68", "", ""]]
    paths = release(tmp_path, projects, locations)
    with pytest.raises(ValidationError) as exc:
        import_dataset(mem_store, "worldbank", paths)
    assert f"{paths[0]}:3: curr_total_commitment: not a number: 'fifty million'" in exc.value.problems
    assert f"{paths[1]}:9: geo_latitude_number: not a number: 'north'" in exc.value.problems
    assert len(load_frame(mem_store)) == 0


def test_a_truncated_release_needs_allow_withdraw(tmp_path, mem_store):
    import_dataset(mem_store, "worldbank", release(tmp_path / "full"))
    version = mem_store.version()
    short = release(tmp_path / "short", PROJECTS[:1])  # 3 of 4 records would go
    with pytest.raises(WithdrawRefused, match=r"would withdraw 3 of the 4 stored records \(75%"):
        import_dataset(mem_store, "worldbank", short)
    assert mem_store.version() == version and not mem_store.fact("worldbank-P900002").withdrawn
    done = import_dataset(mem_store, "worldbank", short, allow_withdraw=True)
    assert len(done.sync.withdrawn) == 3 and mem_store.fact("worldbank-P900002").withdrawn


def test_a_zip_bomb_workbook_is_refused_before_unpacking(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/sharedStrings.xml", b"<si>" + b"A" * (20 * 1024 * 1024) + b"</si>")
    with pytest.raises(ValidationError, match="refused as a zip bomb"):
        check_xlsx_zip(bomb)
    with pytest.raises(ValidationError, match="unpacks to 20,971,529 bytes, more than the 1,000"):
        check_xlsx_zip(bomb, max_unpacked=1000)
    with pytest.raises(ValidationError, match="refused"):
        import_files(WORLDBANK, [bomb])


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/datasets/worldbank-projects is not on this machine")
def test_the_central_asia_subset_of_the_real_export(tmp_path):
    result = import_files(WORLDBANK, sorted(SHARED.glob("*.csv")))
    facts = {f.dataset_record: f for f in result.facts}
    assert len(facts) == 596  # P177600's only site is the Bank's (0, 0) placeholder in TJK: drawn at TJK
    assert facts["P177600"].countries == ("TJK",) and facts["P177600"].geo_precision == "country"
    actors = {s["actor"] for f in result.facts for s in f.record.get("shares", []) if s["actor"]}
    assert len(actors - {"WB"}) >= 10, actors
    assert {"AIIB", "CHN", "KWT", "JPN", "GBR", "CHE", "EBRD", "ISDB"} <= actors
    assert sum(1 for f in result.facts if f.geometry and f.geometry["type"] == "MultiPoint") > 150
    assert {f.status for f in result.facts} == {"construction", "completed", "cancelled", "proposed"}
    assert result.flags  # some sites lie outside their stated country on the 1:110m borders


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/datasets/worldbank-projects is not on this machine")
def test_cli_import_then_validate_lists_sites_outside(tmp_path):
    db = tmp_path / "atlas.sqlite"
    run = lambda *a: subprocess.run([sys.executable, "-m", "atlas", "--db", str(db), *a], cwd=ROOT,
                                    capture_output=True, text=True)
    proc = run("import", "worldbank", *map(str, sorted(SHARED.glob("*.csv"))))
    assert proc.returncode == 0, proc.stderr
    assert "worldbank: " in proc.stdout and " added, 0 updated" in proc.stdout
    again = run("import", "worldbank", *map(str, sorted(SHARED.glob("*.csv"))))
    assert " 0 added, 0 updated" in again.stdout and "0 withdrawn" in again.stdout
    proc = run("validate")
    assert proc.returncode == 0, proc.stderr
    assert "note: worldbank record P" in proc.stdout and "is outside" in proc.stdout


def test_aiddata_too_a_truncated_table_needs_allow_withdraw(tmp_path, db_path, capsys):
    from atlas.cli import main
    from atlas.sources.datasets import DATASETS_DIR

    table = DATASETS_DIR / "aiddata-gcdf3" / "projects_central_asia.csv"
    assert main(["--db", str(db_path), "import", "aiddata", str(table)]) == 0
    text = table.read_text(encoding="utf-8")
    short = tmp_path / "projects_central_asia.csv"
    short.write_text(text[: len(text) // 2].rsplit("\n", 1)[0] + "\n", encoding="utf-8")  # cut mid-file
    capsys.readouterr()
    assert main(["--db", str(db_path), "import", "aiddata", str(short), "--skip-bad"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "aiddata: this release would withdraw" in err[0] and "--allow-withdraw" in err[0]
    assert main(["--db", str(db_path), "import", "aiddata", str(short), "--skip-bad", "--allow-withdraw"]) == 0
    assert " withdrawn" in capsys.readouterr().out


def test_a_workbook_missing_a_sheet_is_refused_naming_it(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, head, rows in (("Projects", P_HEAD, PROJECTS), ("GEOLocations", L_HEAD, LOCATIONS)):
        ws = wb.create_sheet(name)
        ws.append(head)
        for r in rows:
            ws.append(r)
    wb.save(tmp_path / "export.xlsx")
    with pytest.raises(ValidationError) as exc:
        import_files(WORLDBANK, [tmp_path / "export.xlsx"])
    assert exc.value.problems == [f"{tmp_path / 'export.xlsx'}: no sheet 'Financers' and no sheet with its columns "
                                  "(project_id, name, amount_usd)"]


def test_a_bad_cell_of_a_project_elsewhere_does_not_stop_the_import(tmp_path):
    projects = PROJECTS + [["P900099", "Africa", "Ghana", "Closed", "Test Elsewhere", "sometime", "", "n/a", ""]]
    financiers = FINANCIERS + [["P900099", "IDA Credit", "0", "lots", "IDA", "USD", "World Bank Group"]]
    result = import_files(WORLDBANK, release(tmp_path, projects, LOCATIONS, financiers))
    assert not result.bad and "P900099" not in {f.dataset_record for f in result.facts}
    assert result.out_of_region == 2  # the Ghana project and the global one without a site here


def test_export_shows_hidden_statuses_only_when_asked(tmp_path, db_path, capsys):
    import json

    from atlas.cli import main

    assert main(["--db", str(db_path), "import", "worldbank", *map(str, release(tmp_path))]) == 0
    capsys.readouterr()
    assert main(["--db", str(db_path), "export", "--origin", "dataset"]) == 0
    ids = {f["properties"]["id"] for f in json.loads(capsys.readouterr().out)["features"]}
    assert ids == {"worldbank-P900001", "worldbank-P900002"}
    assert main(["--db", str(db_path), "export", "--origin", "dataset", "--status", "cancelled"]) == 0
    ids = {f["properties"]["id"] for f in json.loads(capsys.readouterr().out)["features"]}
    assert ids == {"worldbank-P900003"}


def test_both_backends_store_multipoints_shares_and_refuse_mass_withdrawal(any_store, tmp_path):
    from .test_datasets_ofac import release as ofac_release

    import_dataset(any_store, "worldbank", release(tmp_path / "wb"))
    import_dataset(any_store, "ofac", ofac_release(tmp_path / "ofac"))
    f = any_store.fact("worldbank-P900001")
    assert f.geometry["type"] == "MultiPoint" and f.record["shares"][1]["actor"] == "AIIB"
    assert any_store.fact("ofac-90001").type == "sanctions"
    again = import_dataset(any_store, "worldbank", release(tmp_path / "wb"))
    assert again.sync.unchanged == 4 and not again.sync.changed
    with pytest.raises(WithdrawRefused):
        import_dataset(any_store, "worldbank", release(tmp_path / "short", PROJECTS[:1]))
    assert not any_store.fact("worldbank-P900002").withdrawn

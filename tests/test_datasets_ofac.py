"""OFAC's SDN list (sdn.csv, add.csv, alt.csv) → sanctions facts in the five states.

The small files here are written for the tests in OFAC's published layout (headerless,
``-0-`` for empty); every name and address is invented. One test reads the copies in
../shared/datasets/ofac-sdn when they are present.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from atlas.sources.datasets import OFAC
from atlas.sources.datasets.load import import_dataset
from atlas.sources.datasets.ofac import import_files
from atlas.core.errors import ValidationError

from .conftest import ROOT

SHARED = ROOT.parent / "shared" / "datasets" / "ofac-sdn"

SDN = """\
90001,"TEST TRADING LLP",-0- ,"RUSSIA-EO14024",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"Written for a test; no real entry."
90002,"TESTOV, Ivan",individual,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 01 Jan 1970; invented for a test."
90003,"TEST SHIPPING FZE",-0- ,"IRAN",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0-
90004,"TEST STEPPE COMPANY",-0- ,"RUSSIA-EO14024",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0-
\x1a
"""
ADD = """\
90001,1,"12 Test Street","Almaty 050000","Kazakhstan",-0-
90001,2,"1 Test Tower","Dubai","United Arab Emirates",-0-
90002,3,-0-,"Osh","Kyrgyzstan",-0-
90003,4,"5 Test Quay","Dubai","United Arab Emirates",-0-
90004,5,"Test village road","Nowhereabad 123","Uzbekistan",-0-
"""
ALT = """\
90001,11,"aka","TEST TRADE LIMITED",-0-
90001,12,"fka","OLD TEST NAME",-0-
"""


def release(tmp: Path, sdn=SDN, add=ADD, alt=ALT) -> list[Path]:
    tmp.mkdir(parents=True, exist_ok=True)
    out = []
    for name, text in (("sdn.csv", sdn), ("add.csv", add), ("alt.csv", alt)):
        (tmp / name).write_text(text, encoding="utf-8")
        out.append(tmp / name)
    return out


def test_entries_with_a_central_asian_address_become_sanctions_facts(tmp_path):
    result = import_files(OFAC, release(tmp_path))
    facts = {f.dataset_record: f for f in result.facts}
    assert set(facts) == {"90001", "90002", "90004"}  # 90003 has only a Dubai address
    f = facts["90001"]
    assert (f.id, f.type, f.actors, f.countries, f.dataset) == ("ofac-90001", "sanctions", ("USA",), ("KAZ",), "ofac")
    assert f.geo_precision == "approximate-site" and f.record["location"]["note"] == "the city of the address: Almaty"
    lon, lat = f.geometry["coordinates"]
    assert 76 < lon < 77.5 and 43 < lat < 43.5  # Almaty
    assert f.sector == "RUSSIA-EO14024" and f.record["aliases"] == ["aka TEST TRADE LIMITED", "fka OLD TEST NAME"]
    assert f.record["remarks"] == "Written for a test; no real entry."
    assert [a["country"] for a in f.record["addresses"]] == ["KAZ"]
    person = facts["90002"]
    assert person.record["remarks"] == "" and "remarks_withheld" in person.record  # no birth dates kept
    assert facts["90004"].geo_precision == "country"  # no known city: the country, labelled so


def test_reimport_is_idempotent(tmp_path, mem_store):
    paths = release(tmp_path)
    assert len(import_dataset(mem_store, "ofac", paths).sync.added) == 3
    version = mem_store.version()
    again = import_dataset(mem_store, "ofac", paths).sync
    assert again.unchanged == 3 and not again.changed and mem_store.version() == version


def test_a_header_row_is_recognised_and_a_bad_row_is_located(tmp_path):
    sdn = "ent_num,SDN_Name,SDN_Type,Program,Title,Call_Sign,Vess_type,Tonnage,GRT,Vess_flag,Vess_owner,Remarks\n" + SDN
    paths = release(tmp_path / "ok", sdn=sdn)
    assert {f.dataset_record for f in import_files(OFAC, paths).facts} == {"90001", "90002", "90004"}
    bad = release(tmp_path / "bad", add=ADD + 'X9,6,"Street","Bishkek","Kyrgyzstan",-0-\n')
    with pytest.raises(ValidationError) as exc:
        import_files(OFAC, bad)
    assert exc.value.problems == [f"{bad[1]}:6: ent_num: not an entry number: 'X9'"]


def test_a_missing_file_is_named(tmp_path):
    paths = release(tmp_path)
    with pytest.raises(ValidationError, match=r"ofac: no add.csv among the files given"):
        import_files(OFAC, [paths[0], paths[2]])


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/datasets/ofac-sdn is not on this machine")
def test_the_shared_copies_import():
    files = [SHARED / "ofac_sdn_central_asia_2022.csv", SHARED / "ofac_sdn_central_asia_addresses_2026.csv"]
    result = import_files(OFAC, files)
    assert len(result.facts) >= 5
    assert all(f.type == "sanctions" and f.actors == ("USA",) and f.countries for f in result.facts)
    assert {f.geo_precision for f in result.facts} <= {"approximate-site", "country"}
    assert sum(f.geo_precision == "approximate-site" for f in result.facts) >= len(result.facts) // 2

"""Property tests: the World Bank and OFAC readers meet any text or bytes and fail only with
ValueError (cells) or a ValidationError naming the file (files)."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from atlas.sources.datasets import OFAC, WORLDBANK
from atlas.sources.datasets.ofac import city_name, import_files as ofac_import
from atlas.sources.datasets.wbimport import import_files as wb_import, parse_coordinate, parse_wb_date
from atlas.sources.datasets.worldbank import fact_type, financier_actor
from atlas.core.errors import ValidationError
from atlas.core.models import BLOCS, FACT_TYPES

from .test_datasets_ofac import ADD, ALT
from .test_datasets_worldbank import F_HEAD, FINANCIERS, L_HEAD, LOCATIONS, write


@given(st.text(max_size=60))
def test_cell_parsers_fail_only_with_value_error(raw):
    for fn in (parse_wb_date, lambda s: parse_coordinate(s, 90)):
        try:
            fn(raw)
        except ValueError:
            pass


@given(st.text(max_size=80), st.text(max_size=120), st.text(max_size=30))
def test_a_financier_is_an_outside_power_or_none(fid, name, kind):
    code = financier_actor(fid, name, kind)
    assert code is None or code in BLOCS or (len(code) == 3 and code.isupper())
    assert fact_type("", name)[0] in FACT_TYPES
    assert all(not ch.isdigit() for ch in city_name(name))


@settings(max_examples=30, deadline=None)
@given(st.binary(max_size=500))
def test_any_bytes_as_sdn_csv_give_facts_or_messages_naming_the_file(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("ofac")
    (folder / "sdn.csv").write_bytes(data)
    (folder / "add.csv").write_text(ADD, encoding="utf-8")
    (folder / "alt.csv").write_text(ALT, encoding="utf-8")
    try:
        result = ofac_import(OFAC, [folder / "sdn.csv", folder / "add.csv", folder / "alt.csv"])
    except ValidationError as exc:
        assert all(p.startswith((str(folder / "sdn.csv"), "ofac: ")) for p in exc.problems), exc.problems
    else:
        assert all(f.type == "sanctions" and f.dataset_record.isdigit() for f in result.facts)


@settings(max_examples=30, deadline=None)
@given(st.binary(max_size=500))
def test_any_bytes_as_the_projects_table_give_facts_or_located_messages(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("wb")
    head = b"id,countryshortname,status,project_name,boardapprovaldate,curr_total_commitment\n"
    (folder / "projects.csv").write_bytes(head + data)
    paths = [folder / "projects.csv", write(folder / "l.csv", L_HEAD, LOCATIONS), write(folder / "f.csv", F_HEAD,
                                                                                       FINANCIERS)]
    try:
        result = wb_import(WORLDBANK, paths)
    except ValidationError as exc:
        assert all(p.startswith(str(folder / "projects.csv")) for p in exc.problems), exc.problems
    else:
        assert all(f.dataset_record.startswith("P") for f in result.facts)

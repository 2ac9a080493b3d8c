"""Curated-record validation: every problem names file, line and field (messages pinned)."""
from __future__ import annotations

from pathlib import Path

import pytest

from atlas.core.errors import ValidationError
from atlas.sources.files import load_curated, load_curated_or_raise
from atlas.core.models import Article

TEXT = "Erster Satz über Kasachstan.\nZweiter Satz über China und Usbekistan.\n"
ART = Article.from_text(TEXT, path="seeds/a.txt")
ARTICLES = {"a.txt": ART, ART.id: ART}

GOOD = """\
facts:
  - id: good-fact
    type: diplomacy
    title: A good fact
    date_start: 2023-05-19
    date_precision: day
    countries: [KAZ]
    actors: [CHN, EU]
    geometry: {type: Point, coordinates: [71.43, 51.17]}
    geo_precision: city
    evidence:
      - article: a.txt
        start: 0
        end: 28
        quote: "Erster Satz über Kasachstan."
"""


def write(tmp_path: Path, text: str, name: str = "x.yaml") -> Path:
    d = tmp_path / "cur"
    d.mkdir(exist_ok=True)
    (d / name).write_text(text, encoding="utf-8")
    return d


def problems(tmp_path: Path, text: str) -> list[str]:
    d = write(tmp_path, text)
    return [str(p).replace(f"{d}/", "") for p in load_curated(d, ARTICLES).problems]


def test_good_record_parses(tmp_path):
    facts = load_curated_or_raise(write(tmp_path, GOOD), ARTICLES)
    (f,) = facts
    assert f.id == "good-fact" and f.origin == "curated" and f.actors == ("CHN", "EU")
    assert f.evidence[0].article == ART.id
    assert TEXT[f.evidence[0].start:f.evidence[0].end] == f.evidence[0].quote


def test_unknown_type_names_file_line_and_field(tmp_path):
    got = problems(tmp_path, GOOD.replace("type: diplomacy", "type: culture"))
    assert got == [
        "x.yaml:3: type: fact 'good-fact': unknown fact type 'culture'; expected one of "
        "diplomacy, security, finance, energy, infrastructure, trade, sanctions"
    ]


def test_unknown_country_and_actor_codes(tmp_path):
    got = problems(tmp_path, GOOD.replace("[KAZ]", "[KAZ, XYZ]").replace("[CHN, EU]", "[CHN, QQQ]"))
    assert any(":7: countries[1]: fact 'good-fact': 'XYZ' is not a Central Asian state" in p for p in got)
    assert any(":8: actors[1]: fact 'good-fact': 'QQQ' is not a known outside power" in p for p in got)


def test_bad_date(tmp_path):
    got = problems(tmp_path, GOOD.replace("date_start: 2023-05-19", "date_start: 19.05.2023"))
    assert got == ["x.yaml:5: date_start: fact 'good-fact': not an ISO date (YYYY-MM-DD): '19.05.2023'"]


def test_quote_not_at_span_says_where_it_is(tmp_path):
    got = problems(tmp_path, GOOD.replace("start: 0", "start: 1").replace("end: 28", "end: 29"))
    assert got == ["x.yaml:15: evidence[0].quote: fact 'good-fact': quote does not equal the article text "
                   "at 1..29; the quote is at 0..28"]


def test_quote_not_in_article(tmp_path):
    got = problems(tmp_path, GOOD.replace('"Erster Satz über Kasachstan."', '"Erfunden."'))
    assert got[0].endswith("the quote is not in the article")


def test_malformed_yaml_names_line(tmp_path):
    got = problems(tmp_path, GOOD + "  - id: [unclosed\n")
    assert len(got) == 1 and got[0].startswith("x.yaml:") and "malformed YAML" in got[0]


def test_duplicate_ids_across_files(tmp_path):
    d = write(tmp_path, GOOD, "a.yaml")
    write(tmp_path, GOOD, "b.yaml")
    got = [str(p).replace(f"{d}/", "") for p in load_curated(d, ARTICLES).problems]
    assert got == ["b.yaml:2: id: duplicate id 'good-fact' (also in a.yaml)"]


def test_fact_without_evidence_or_source(tmp_path):
    text = GOOD.split("    evidence:")[0]
    got = problems(tmp_path, text)
    assert got == ["x.yaml:2: evidence: fact 'good-fact': every curated fact needs evidence (a seed quote) "
                   "or a named source"]


def test_source_needs_publisher_title_date(tmp_path):
    text = GOOD.split("    evidence:")[0] + "    sources:\n      - publisher: Xinhua\n"
    got = problems(tmp_path, text)
    assert got == ["x.yaml:12: sources[0]: fact 'good-fact': a source needs title, date"]


def test_geometry_out_of_range(tmp_path):
    got = problems(tmp_path, GOOD.replace("[71.43, 51.17]", "[71.43, 151.17]"))
    assert got == ["x.yaml:9: geometry: fact 'good-fact': latitude 151.17 is outside -90..90"]


def test_status_requires_as_of(tmp_path):
    got = problems(tmp_path, GOOD.replace("    geo_precision: city\n", "    geo_precision: city\n    status: operating\n"))
    assert got == ["x.yaml:2: status_as_of: fact 'good-fact': status_as_of is required when status is set"]


def test_unknown_field(tmp_path):
    got = problems(tmp_path, GOOD.replace("    title: A good fact\n", "    title: A good fact\n    colour: red\n"))
    assert got == ["x.yaml:5: colour: fact 'good-fact': unknown field 'colour'"]


def test_raise_collects_every_problem(tmp_path):
    bad = GOOD.replace("type: diplomacy", "type: culture").replace("date_start: 2023-05-19", "date_start: nope")
    with pytest.raises(ValidationError) as exc:
        load_curated_or_raise(write(tmp_path, bad), ARTICLES)
    assert len(exc.value.problems) == 2

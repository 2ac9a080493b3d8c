"""The development set (tests/fixtures/devset/): news-style texts written for this project
in en, de and ru, hand-annotated, and the quality it guards. benchmarks/extract_quality.py
prints the numbers; this test keeps them from falling below floors set under the measured
values (precision first: a false place becomes a false marker on the map)."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT / "tests" / "fixtures" / "devset"
NAMES = sorted(p.stem for p in DEVSET.glob("*.txt"))
KINDS = {"country", "demonym", "admin", "city", "site", "region", "continent", "water"}


def _quality():
    spec = importlib.util.spec_from_file_location("extract_quality", ROOT / "benchmarks" / "extract_quality.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _meta(name: str) -> dict:
    return json.loads((DEVSET / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", NAMES)
def test_each_text_is_written_for_the_project_and_every_annotation_occurs(name):
    text = (DEVSET / f"{name}.txt").read_text(encoding="utf-8")
    meta = _meta(name)
    assert meta["source"]["origin"] == "written for the project" and meta["source"]["url"] == ""
    assert meta["corpus"] in ("regional", "international") and meta["language"] in ("en", "de", "ru")
    for g in meta["places"]:
        assert g["text"] in text, g
        assert g["country"] == "" or len(g["country"]) == 3
        assert g["kind"] in KINDS, g
    for name_not_place in meta["not_places"]:
        assert name_not_place in text


def test_devset_covers_both_corpora_and_three_languages():
    metas = [_meta(n) for n in NAMES]
    assert len(NAMES) >= 12
    assert {(m["corpus"], m["language"]) for m in metas} >= {(c, lang) for c in ("regional", "international")
                                                              for lang in ("en", "de", "ru")}


def test_gold_spans_take_the_longest_toponym_and_skip_names_that_are_not_places():
    q = _quality()
    text = "Jordan Peters met officials of Jordan near the Caspian Sea and the Caspian coast."
    meta = {"places": [{"text": "Jordan", "country": "JOR", "kind": "country"},
                       {"text": "Caspian", "country": "", "kind": "water"},
                       {"text": "Caspian Sea", "country": "", "kind": "water"}], "not_places": ["Jordan Peters"]}
    gold = q.gold_spans(text, meta)
    assert sorted(text[s:e] for s, e in gold) == ["Caspian", "Caspian Sea", "Jordan"]
    assert gold[(text.index("of Jordan") + 3, text.index("of Jordan") + 9)] == ("JOR", "country")


@pytest.mark.parametrize("corpus", ["regional", "international"])
def test_quality_floors(corpus):
    """Floors a little under the measured dev-set values (the rules were written with these
    texts at hand: they guard against regressions, they do not estimate unseen articles)."""
    q = _quality()
    got = q.score(q.corpora()[corpus])
    assert got["precision"] >= 0.95 and got["f1"] >= 0.93 and got["country_right"] >= 0.95, got
    assert got["map"]["precision"] >= 0.95 and got["map"]["recall"] >= 0.85, got
    assert got["kind_right"] >= 0.95 and got["false_places_in_central_asia"] == 0, got


def test_held_out_texts_score_apart_and_keep_their_floor():
    q = _quality()
    held = q.corpora()["held-out"]
    assert len(held) >= 4 and all(_meta(n)["source"]["held_out"] for n in held)
    got = q.score(held)
    assert got["precision"] >= 0.95 and got["map"]["precision"] >= 0.9 and got["false_places_in_central_asia"] == 0, got

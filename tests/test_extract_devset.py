"""The development set of real published news excerpts (tests/fixtures/devset/) and the
quality it guards. benchmarks/extract_quality.py prints the numbers; this test keeps
them from falling below floors set under the measured values (precision first: a
false place becomes a false fact location)."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT / "tests" / "fixtures" / "devset"
NAMES = sorted(p.stem for p in DEVSET.glob("*.txt"))


def _quality():
    spec = importlib.util.spec_from_file_location("extract_quality", ROOT / "benchmarks" / "extract_quality.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("name", NAMES)
def test_each_text_cites_its_source_and_every_annotation_occurs(name):
    text = (DEVSET / f"{name}.txt").read_text(encoding="utf-8")
    meta = json.loads((DEVSET / f"{name}.json").read_text(encoding="utf-8"))
    assert meta["source"]["url"].startswith("http") and meta["source"]["publisher"]
    assert "Real published news text" in meta["source"]["note"]
    assert meta["corpus"] in ("international", "local")
    for g in meta["places"]:
        assert g["text"] in text, g
        assert g["country"] == "" or len(g["country"]) == 3


def test_devset_size():
    metas = [json.loads((DEVSET / f"{n}.json").read_text(encoding="utf-8")) for n in NAMES]
    assert len(NAMES) >= 10 and {m["corpus"] for m in metas} == {"international", "local"}


@pytest.mark.parametrize("corpus, f1, precision, country", [("international", 0.85, 0.90, 0.95), ("local", 0.70, 0.85, 0.90)])
def test_quality_floors(corpus, f1, precision, country):
    q = _quality()
    names = [n for n in NAMES if json.loads((DEVSET / f"{n}.json").read_text(encoding="utf-8"))["corpus"] == corpus]
    got = q.score(names)
    assert got["f1"] >= f1 and got["precision"] >= precision and got["country_right"] >= country, got
    assert got["false_places_in_central_asia"] == 0, got

"""Hand-annotated news-style articles (de / en / ru) against their expected extraction.

The articles in tests/fixtures/articles/ were written for these tests in the style of
agency copy about Central Asia (they are not real reports). Each ``NAME.txt`` has a
``NAME.json`` beside it:

* ``countries``: exactly the ISO3 countries named (blocs and "Central Asia" are not countries);
* ``places``: each must be found within 50 km; any place found must be within 50 km of
  ``places`` or ``optional_places`` (so common words and surnames taken as towns fail);
* ``dates``: exactly the set of day dates, given ``published``;
* ``amounts``: exactly the set of (value, ISO 4217 currency);
* ``types``: fact types that must occur; ``fact_dates``: some fact of that type has that date;
* ``actors`` / ``not_actors``: some fact of that type has all / no fact of that type has any
  of these actors.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from atlas.sources.extract import extract
from tests.helpers import km as _km

DIR = Path(__file__).resolve().parent / "fixtures" / "articles"
NAMES = sorted(p.stem for p in DIR.glob("*.txt"))


def load(name: str):
    text = (DIR / f"{name}.txt").read_text(encoding="utf-8")
    gold = json.loads((DIR / f"{name}.json").read_text(encoding="utf-8"))
    pub = date.fromisoformat(gold["published"]) if gold.get("published") else None
    return text, gold, extract(text, published=pub).to_dict()


def test_fixtures_present():
    assert len(NAMES) >= 9
    assert {n[:2] for n in NAMES} == {"de", "en", "ru"}
    for n in NAMES:
        assert 1500 <= len((DIR / f"{n}.txt").read_text(encoding="utf-8")) <= 3200, n


@pytest.mark.parametrize("name", NAMES)
def test_language_and_spans(name):
    text, gold, out = load(name)
    assert out["language"] == gold["language"]
    for m in out["mentions"] + out["places"] + out["dates"] + out["amounts"]:
        assert text[m["start"]:m["end"]] == m["text"]
    for f in out["facts"]:
        quote = text[f["start"]:f["end"]]
        assert quote and quote == quote.strip()


@pytest.mark.parametrize("name", NAMES)
def test_countries(name):
    _, gold, out = load(name)
    assert sorted(out["countries"]) == sorted(gold["countries"])


@pytest.mark.parametrize("name", NAMES)
def test_places(name):
    _, gold, out = load(name)
    missing = [w["name"] for w in gold["places"] if not any(_km(w, g) <= 50 for g in out["places"])]
    allowed = gold["places"] + gold.get("optional_places", [])
    unexpected = [(g["text"], g["name"]) for g in out["places"] if not any(_km(w, g) <= 50 for w in allowed)]
    assert (missing, unexpected) == ([], [])


@pytest.mark.parametrize("name", NAMES)
def test_dates(name):
    _, gold, out = load(name)
    assert sorted({d["date"] for d in out["dates"]}) == sorted(gold["dates"])


@pytest.mark.parametrize("name", NAMES)
def test_amounts(name):
    _, gold, out = load(name)
    got = sorted({(round(a["value"], 2), a["currency"]) for a in out["amounts"]})
    assert got == sorted({(round(v, 2), c) for v, c in gold["amounts"]})


@pytest.mark.parametrize("name", NAMES)
def test_fact_types_dates_actors(name):
    _, gold, out = load(name)
    by_type: dict[str, list] = {}
    for f in out["facts"]:
        by_type.setdefault(f["type"], []).append(f)
    assert set(gold["types"]) <= set(by_type), sorted(by_type)
    for t, d in gold.get("fact_dates", {}).items():
        assert d in {f["date"] for f in by_type[t]}, (t, [f["date"] for f in by_type[t]])
    for t, actors in gold.get("actors", {}).items():
        assert any(set(actors) <= set(f["actors"]) for f in by_type[t]), (t, [f["actors"] for f in by_type[t]])
    for t, actors in gold.get("not_actors", {}).items():
        bad = [f["actors"] for f in by_type.get(t, []) if set(actors) & set(f["actors"])]
        assert not bad, (t, bad)

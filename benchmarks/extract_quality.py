"""Place-recognition quality on the hand-annotated development set of real news text.

    .venv/bin/python benchmarks/extract_quality.py [--verbose]

tests/fixtures/devset/NAME.txt is a short excerpt of a real published article (source
URL, publisher and date in NAME.json); NAME.json lists the toponyms a reader would mark
(countries and their adjectives, cities, states, counties, regions, continents, seas,
rivers) with their ISO3 country ("" for continents and oceans), and ``not_places``:
organisation and street names whose words are not place mentions ("Leeds City Council").
Every whole-word occurrence of a listed toponym outside those names is a gold mention
(longer toponyms first, so "Caspian Sea" is not also "Caspian").

A predicted mention is a country mention (not a bloc) or a place; it is right when its
span equals a gold span (a trailing possessive 's is ignored on both sides). Prints one
JSON line per corpus (international / local) and one for all: precision, recall, F1,
share of right mentions placed in the right country, and places drawn inside Central
Asia from articles that never mention it.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEVSET = ROOT / "tests" / "fixtures" / "devset"
CA = {"KAZ", "KGZ", "TJK", "TKM", "UZB"}


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    rx = re.compile(rf"(?<![\w]){re.escape(needle)}(?![\w])")
    return [(m.start(), m.end()) for m in rx.finditer(text)]


def gold_spans(text: str, meta: dict) -> dict[tuple[int, int], str]:
    taken = bytearray(len(text))
    for org in meta.get("not_places", []):
        for s, e in _occurrences(text, org):
            taken[s:e] = b"\x01" * (e - s)
    gold: dict[tuple[int, int], str] = {}
    for g in sorted(meta["places"], key=lambda g: -len(g["text"])):
        for s, e in _occurrences(text, g["text"]):
            if not any(taken[s:e]):
                taken[s:e] = b"\x01" * (e - s)
                gold[(s, e)] = g["country"]
    return gold


def _norm(text: str, s: int, e: int) -> tuple[int, int]:
    return (s, e - 2) if text[s:e].endswith(("'s", "’s")) else (s, e)


def predicted(text: str) -> dict[tuple[int, int], str]:
    from atlas.sources.extract import extract
    out = extract(text, language="en")
    pred = {_norm(text, m.start, m.end): m.code for m in out.country_mentions if m.kind == "country"}
    pred.update({_norm(text, m.start, m.end): "" for m in out.country_mentions if m.kind == "collective"})
    pred.update({_norm(text, p.start, p.end): p.country for p in out.places})
    return pred


def score(names: list[str], verbose: bool = False) -> dict:
    tp = fp = fn = right_country = with_country = region_false = 0
    for name in names:
        text = (DEVSET / f"{name}.txt").read_text(encoding="utf-8")
        meta = json.loads((DEVSET / f"{name}.json").read_text(encoding="utf-8"))
        gold = {_norm(text, *k): v for k, v in gold_spans(text, meta).items()}
        pred = predicted(text)
        hits = gold.keys() & pred.keys()
        tp, fp, fn = tp + len(hits), fp + len(pred.keys() - gold.keys()), fn + len(gold.keys() - pred.keys())
        for k in hits:
            if gold[k]:
                with_country += 1
                right_country += pred[k] == gold[k]
        if not any(c in CA for c in gold.values()):
            region_false += sum(1 for c in pred.values() if c in CA)
        if verbose:
            for k in sorted(pred.keys() - gold.keys()):
                print(f"  {name}: false {text[k[0]:k[1]]!r} -> {pred[k]}")
            for k in sorted(gold.keys() - pred.keys()):
                print(f"  {name}: missed {text[k[0]:k[1]]!r}")
            for k in sorted(hits):
                if gold[k] and pred[k] != gold[k]:
                    print(f"  {name}: wrong country {text[k[0]:k[1]]!r} -> {pred[k]} (gold {gold[k]})")
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"articles": len(names), "gold": tp + fn, "predicted": tp + fp, "precision": round(p, 3), "recall": round(r, 3),
            "f1": round(f1, 3), "country_right": round(right_country / with_country, 3) if with_country else None,
            "false_places_in_central_asia": region_false}


def main() -> None:
    verbose = "--verbose" in sys.argv
    metas = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(DEVSET.glob("*.json"))}
    for corpus in ("international", "local"):
        names = [n for n, m in metas.items() if m["corpus"] == corpus]
        print(json.dumps({"corpus": corpus, **score(names, verbose)}), flush=True)
    print(json.dumps({"corpus": "all", **score(list(metas))}))


if __name__ == "__main__":
    main()

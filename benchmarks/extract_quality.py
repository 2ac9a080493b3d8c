"""Place-recognition quality on the hand-annotated development set.

    .venv/bin/python benchmarks/extract_quality.py [--verbose]

tests/fixtures/devset/NAME.txt is a short news-style text written for this project (en, de,
ru; invented events, no sentence copied from a publication) that exercises the hard cases:
ordinary words at a sentence start or in a title that are also small towns ("Summit",
"Central"), given names that are places ("Elizabeth", "Карина"), Central Asian places with
namesakes abroad (Jalalabad), lists of neighbouring countries ("Armenia, Georgia and
Azerbaijan", "Chad, Niger and Guinea") and continents. NAME.json lists the toponyms a reader
would mark with their ISO3 country ("" for continents, seas, world regions) and their kind
(country, demonym, admin, city, site, region, continent, water), and ``not_places``: names
whose words are not place mentions ("Jordan Peters"). Every whole-word occurrence of a
listed toponym outside those names is a gold mention (longer toponyms first).

Texts marked ``held_out`` in their source were written after the rules were fixed and never
used to tune them; they are scored apart as the corpus ``held-out``.

Two scores per corpus (regional: articles about Central Asia; international: world news):

* mentions: a predicted country, demonym, collective or place mention is right when its
  span equals a gold span (a trailing possessive 's is ignored); ``country_right`` and
  ``kind_right`` are shares of the right ones;
* map: only what the map would draw facts at (predicted places of kind city or site,
  against gold cities and sites): a false one is a false marker.
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
MAP_KINDS = {"city", "site"}
# extraction kinds -> annotation kinds
_PLACE_KIND = {"admin1": "admin", "admin2": "admin", "city": "city", "site": "site", "region": "region",
               "continent": "continent", "water": "water"}


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    rx = re.compile(rf"(?<![\w]){re.escape(needle)}(?![\w])")
    return [(m.start(), m.end()) for m in rx.finditer(text)]


def gold_spans(text: str, meta: dict) -> dict[tuple[int, int], tuple[str, str]]:
    """(start, end) -> (ISO3 or "", kind) of every annotated occurrence."""
    taken = bytearray(len(text))
    for org in meta.get("not_places", []):
        for s, e in _occurrences(text, org):
            taken[s:e] = b"\x01" * (e - s)
    gold: dict[tuple[int, int], tuple[str, str]] = {}
    for g in sorted(meta["places"], key=lambda g: -len(g["text"])):
        for s, e in _occurrences(text, g["text"]):
            if not any(taken[s:e]):
                taken[s:e] = b"\x01" * (e - s)
                gold[(s, e)] = (g["country"], g.get("kind", ""))
    return gold


def _norm(text: str, s: int, e: int) -> tuple[int, int]:
    return (s, e - 2) if text[s:e].endswith(("'s", "’s")) else (s, e)


def predicted(text: str, language: str | None = None) -> dict[tuple[int, int], tuple[str, str]]:
    from atlas.sources.extract import extract
    out = extract(text, language=language)
    pred = {_norm(text, m.start, m.end): (m.code, "demonym" if m.form == "demonym" else "country")
            for m in out.country_mentions if m.kind == "country"}
    pred.update({_norm(text, m.start, m.end): ("", "region") for m in out.country_mentions if m.kind == "collective"})
    pred.update({_norm(text, p.start, p.end): (p.country, _PLACE_KIND.get(p.kind, p.kind)) for p in out.places})
    return pred


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 3)}


def score(names: list[str], verbose: bool = False) -> dict:
    tp = fp = fn = right_country = with_country = right_kind = region_false = 0
    mtp = mfp = mfn = 0
    for name in names:
        text = (DEVSET / f"{name}.txt").read_text(encoding="utf-8")
        meta = json.loads((DEVSET / f"{name}.json").read_text(encoding="utf-8"))
        gold = {_norm(text, *k): v for k, v in gold_spans(text, meta).items()}
        pred = predicted(text, meta.get("language"))
        hits = gold.keys() & pred.keys()
        tp, fp, fn = tp + len(hits), fp + len(pred.keys() - gold.keys()), fn + len(gold.keys() - pred.keys())
        for k in hits:
            right_kind += pred[k][1] == gold[k][1]
            if gold[k][0]:
                with_country += 1
                right_country += pred[k][0] == gold[k][0]
        gmap = {k for k, v in gold.items() if v[1] in MAP_KINDS}
        pmap = {k for k, v in pred.items() if v[1] in MAP_KINDS}
        right_map = {k for k in gmap & pmap if pred[k][0] == gold[k][0]}  # a marker in the wrong country is false
        mtp, mfp, mfn = mtp + len(right_map), mfp + len(pmap - right_map), mfn + len(gmap - right_map)
        if not any(c in CA for c, _ in gold.values()):
            region_false += sum(1 for c, _ in pred.values() if c in CA)
        if verbose:
            for k in sorted(pred.keys() - gold.keys()):
                print(f"  {name}: false {text[k[0]:k[1]]!r} -> {pred[k]}")
            for k in sorted(gold.keys() - pred.keys()):
                print(f"  {name}: missed {text[k[0]:k[1]]!r} {gold[k]}")
            for k in sorted(hits):
                if gold[k][0] and pred[k][0] != gold[k][0]:
                    print(f"  {name}: wrong country {text[k[0]:k[1]]!r} -> {pred[k][0]} (gold {gold[k][0]})")
    return {"articles": len(names), "gold": tp + fn, "predicted": tp + fp, **_prf(tp, fp, fn),
            "country_right": round(right_country / with_country, 3) if with_country else None,
            "kind_right": round(right_kind / tp, 3) if tp else None,
            "map": {"gold": mtp + mfn, "predicted": mtp + mfp, **_prf(mtp, mfp, mfn)},
            "false_places_in_central_asia": region_false}


def corpora() -> dict[str, list[str]]:
    metas = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(DEVSET.glob("*.json"))}
    out: dict[str, list[str]] = {}
    for name, meta in metas.items():
        out.setdefault("held-out" if meta["source"].get("held_out") else meta["corpus"], []).append(name)
    return out


def main() -> None:
    verbose = "--verbose" in sys.argv
    groups = corpora()
    for corpus in sorted(groups):
        print(json.dumps({"corpus": corpus, **score(groups[corpus], verbose)}), flush=True)
    print(json.dumps({"corpus": "all", **score(sorted(n for ns in groups.values() for n in ns))}))


if __name__ == "__main__":
    main()

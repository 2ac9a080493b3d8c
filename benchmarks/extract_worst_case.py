"""Extraction on adversarial input: the inputs that made the old patterns super-linear.

    .venv/bin/python benchmarks/extract_worst_case.py [--big]

Prints one JSON line per input: kind, size in characters, seconds of ``extract``.
Every kind runs at 100 KB; with ``--big`` also at 5 MB (the upload cap) and a mixed
5 MB article. Issue 13 measured the old code: 10 KB of "123 " groups 8 s, 24 KB 27 s;
20,000 dots 21 s. Target: a 100 KB adversarial article in under a second.
"""
from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

KINDS = {
    "digit_groups_space": "123 ",
    "digit_groups_nbsp": "123\u00a0",
    "dollar_then_groups": "$1 123 456 ",
    "dots": ".",
    "stops_mixed": "!?.…",
    "open_tag_spaces": "<a " + " " * 997,
    "lt_space": "< ",
    "zero_width": "Kaza\u200bkhstan \u202e",
    "capital_words": "Bank Of Mary St. Georgia ",
    "cyrillic_words": "в Москве и Астане ",
    "digits": "1",
    "number_dots": "1.",
}


def make(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def run(size: int, kinds: dict[str, str]) -> None:
    from atlas.sources.extract import extract
    for kind, unit in kinds.items():
        text = make(unit, size)
        t = time.perf_counter()
        out = extract(text, published=date(2024, 5, 20), language="en")
        dt = time.perf_counter() - t
        print(json.dumps({"kind": kind, "chars": size, "seconds": round(dt, 3), "mentions": len(out.mentions())}),
              flush=True)


if __name__ == "__main__":
    from atlas.sources.extract import default_gazetteer
    default_gazetteer()  # start-up is extract_bench.py's number, not this one's
    run(100_000, KINDS)
    if "--big" in sys.argv:
        run(5_000_000, {"mixed": "".join(KINDS.values())})
        run(5_000_000, {k: KINDS[k] for k in ("digit_groups_space", "dots", "open_tag_spaces")})

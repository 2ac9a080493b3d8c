"""Extractor throughput: start-up, articles/s on one core and on all cores, peak memory.

    .venv/bin/python benchmarks/extract_bench.py [N_ARTICLES]

Prints one JSON line. Articles (~3 KB) are built deterministically from the seed
and from sentences in de / en / ru; start-up (import + gazetteer load) is timed in
a fresh interpreter so earlier imports do not hide it.
"""
from __future__ import annotations

import json
import multiprocessing as mp
import random
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SENTENCES = {
    "de": ["Kasachstan und China unterzeichneten am 12. März 2024 in Astana ein Abkommen über den Bau einer Eisenbahn.",
           "Die EU kündigte 1,5 Mrd. Euro an Krediten für die zentralasiatischen Staaten an.",
           "Erinnern Sie sich, dass Usbekistan bereits im Jahr 2022 Gas nach Russland exportierte.",
           "Am Dienstag traf der kirgisische Präsident in Bischkek den russischen Verteidigungsminister."],
    "en": ["Uzbekistan and Turkey signed a $2.5 billion trade agreement in Tashkent on April 16-18, 2024.",
           "The U.S. imposed sanctions on three Kyrgyz banks over Russia, Washington said yesterday.",
           "Recall that Turkmenistan's gas exports to China via the Central Asia-China pipeline rose last year.",
           "Tajikistan hosted CSTO military exercises near Dushanbe on Tuesday."],
    "ru": ["Президент Казахстана 19 мая 2023 года провел переговоры в Сиане с председателем КНР.",
           "Россия выделит Киргизии кредит в 500 млн долларов на строительство ГЭС.",
           "Напомним, что ранее Таджикистан и Узбекистан обсуждали поставки газа через Ташкент.",
           "Во вторник в Ашхабаде прошел саммит ОТГ с участием Турции."],
}


def make_articles(n: int, size: int = 3000) -> list[tuple[str, str]]:
    seed = (ROOT / "seeds" / "000_c091979762de952d.txt").read_text(encoding="utf-8")
    rng = random.Random(7)
    out = []
    for i in range(n):
        lang = ("de", "en", "ru")[i % 3]
        parts = [seed[: rng.randint(200, 1500)]] if lang == "de" else []
        while sum(map(len, parts)) < size:
            parts.append(rng.choice(SENTENCES[lang]) + ("\n" if rng.random() < 0.3 else " "))
        out.append((lang, "".join(parts)[:size]))
    return out


def _work(item: tuple[str, str]) -> int:
    from atlas.sources.extract import extract
    return len(extract(item[1], published=date(2024, 5, 20)).facts)


def startup_seconds() -> float:
    code = ("import time; t=time.perf_counter(); from atlas.sources.extract import extract, default_gazetteer; "
            "default_gazetteer(); extract('Kasachstan und China.'); print(time.perf_counter()-t)")
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(res.stdout.strip())


def run_extract_bench(n_articles: int = 3000) -> dict:
    """Numbers for the project benchmark (keys extract_*)."""
    startup = startup_seconds()
    from atlas.sources.extract import default_gazetteer
    default_gazetteer()
    articles = make_articles(n_articles)
    t = time.perf_counter()
    for a in articles:
        _work(a)
    one = n_articles / (time.perf_counter() - t)
    cores = mp.cpu_count()
    ctx = mp.get_context("fork")
    with ctx.Pool(cores) as pool:
        pool.map(_work, articles[:cores], chunksize=1)  # warm the workers
        t = time.perf_counter()
        pool.map(_work, articles, chunksize=50)
        allc = n_articles / (time.perf_counter() - t)
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return {"extract_startup_s": round(startup, 3), "extract_articles_per_s": round(one, 1),
            "extract_articles_per_s_all_cores": round(allc, 1), "extract_cores": cores,
            "extract_peak_mb": round(peak / 1024, 1), "extract_n_articles": n_articles,
            "extract_article_chars": 3000}


if __name__ == "__main__":
    print(json.dumps(run_extract_bench(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)))

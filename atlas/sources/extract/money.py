"""Money amounts with ISO 4217 currency. Percentages and counts are not money:
an amount needs a currency word or symbol next to the number.

German "Billion" is 10^12 (English "billion" is 10^9), so the scale of that one
word depends on the article language.
"""
from __future__ import annotations

import re

from .mentions import AmountMention

_CUR = [  # (regex, ISO 4217); longest forms first inside each group
    (r"US-?\$|\$|US-Dollars?|U\.S\.\s?dollars?|US\s?dollars?|Dollars?|dollars?|USD|долл(?:ар\w*|\.)|доллар\w*", "USD"),
    (r"€|Euros?|euros?|EUR|евро", "EUR"),
    (r"Yuan|yuan|Renminbi|renminbi|RMB|CNY|юан\w*|жэньминьби", "CNY"),
    (r"Rubel|rubles?|roubles?|Rubles?|Roubles?|RUB|₽|руб(?:л\w*|\.)|рубл\w*", "RUB"),
    (r"Tenge|tenge|KZT|₸|тенге", "KZT"),
    (r"Somoni|somoni|TJS|сомони", "TJS"),
    (r"Soms|soms|Som|som|KGS|сомов|сома|сом", "KGS"),
    (r"Sums|sums|Sum|sum|so'm|UZS|сумов|сума|сум", "UZS"),
    (r"Manats|manats|Manat|manat|TMT|манат\w*", "TMT"),
    (r"£|Pfund(?:\s+Sterling)?|pounds?(?:\s+sterling)?|GBP|фунт\w*(?:\s+стерлинг\w*)?", "GBP"),
    (r"Yen|yen|JPY|иен\w*|йен\w*", "JPY"),
    (r"Lira|lira|TRY|лир\w*", "TRY"),
    (r"Rupien|rupees?|INR|рупи\w*", "INR"),
    (r"Won|KRW", "KRW"),
]
CURRENCY = re.compile("|".join(f"(?P<c{i}>{rx})" for i, (rx, _) in enumerate(_CUR)))
_SCALES = [
    (r"Billionen|Billion|Bio\.?", "BILLION_DE"),
    (r"Milliarden|Milliarde|Mrd\.?|billions?|bn|Bn|bln|b(?=\s)|миллиард\w*|млрд\.?", 1e9),
    (r"Millionen|Million|Mio\.?|millions?|mln|mn|m(?=\s)|миллион\w*|млн\.?", 1e6),
    (r"Tausend|tausend|Tsd\.?|thousands?|k(?=\s)|тысяч\w*|тыс\.?", 1e3),
    (r"trillions?|tn|трлн\.?|триллион\w*", 1e12),
]
_SCALE = "|".join(f"(?P<s{i}>{rx})" for i, (rx, _) in enumerate(_SCALES))
# At most six thousands groups (10^21): an unbounded group run was re-scanned from
# every group of a long "123 456 789 ..." line, quadratic in its length (issue 13).
_NUM = r"(?P<n>\d{1,3}(?:[ .,\u202f\u00a0]\d{3}){1,6}+(?:[.,]\d{1,12})?|\d{1,24}+(?:[.,]\d{1,12})?)"
_ART = r"(?P<art>eine[nr]?|a|one|один|одного|одну)"
_SYM = r"(?P<sym>US\$|\$|€|£|₽|₸)"
_CODE = r"(?P<code>USD|EUR|CNY|RUB|KZT|GBP)"
# "26 Milliarden Yuan", "1,5 млрд долларов", "eine Milliarde Euro", "$3.6 billion", "USD 3.6 bn", "€500m"
_NUM2 = _NUM.replace("(?P<n>", "(?P<n2>")
_SCALE_PLAIN = "|".join(rx for rx, _ in _SCALES)
SYMBOL_FIRST = re.compile(rf"(?<![\w.,])(?:{_SYM}|{_CODE}\s)\s?{_NUM}(?:\s?[-–—]\s?(?:US\$|\$|€|£|₽|₸)?{_NUM2}(?=\s?(?:{_SCALE_PLAIN})(?![\w])))?"
                          rf"(?:\s?(?:{_SCALE})(?![\w]))?")
NUMBER_FIRST = re.compile(
    rf"(?<![\w.,])(?:{_NUM}|{_ART})\s?(?:(?:{_SCALE})\s+)?(?P<cur>{CURRENCY.pattern.replace('(?P<c', '(?P<k')})(?![\w])")


def parse_number(raw: str, language: str) -> float:
    """A number as printed: decimal comma in de/ru, decimal point in en; a
    separator followed by exactly three digits (and not last-but-decimal) groups thousands.

    >>> parse_number("3,6", "de"), parse_number("1.500", "de"), parse_number("1,500.5", "en"), parse_number("2 500", "ru")
    (3.6, 1500.0, 1500.5, 2500.0)
    """
    s = raw.replace("\u202f", " ").replace("\u00a0", " ").replace(" ", "")
    dec, grp = (".", ",") if language == "en" else (",", ".")
    if grp in s and dec not in s and re.fullmatch(r"\d+[.,]\d{1,2}", s):
        dec, grp = grp, dec  # "3.6 Milliarden" from a machine translation
    return float(s.replace(grp, "").replace(dec, "."))


def _parse_or_none(raw: str, language: str) -> float | None:
    """``parse_number``, or None for a malformed number.

    >>> _parse_or_none("1.623,427.54", "en") is None, _parse_or_none("1,623,427.54", "en")
    (True, 1623427.54)
    """
    try:
        return parse_number(raw, language)
    except ValueError:
        return None


def _scale(m: re.Match, language: str) -> float:
    for i, (_, factor) in enumerate(_SCALES):
        if m.group(f"s{i}"):
            if factor == "BILLION_DE":
                return 1e12 if language == "de" else 1e9
            return factor
    return 1.0


def _currency(m: re.Match) -> str:
    if m.re is SYMBOL_FIRST and m.group("sym"):
        return {"US$": "USD", "$": "USD", "€": "EUR", "£": "GBP", "₽": "RUB", "₸": "KZT"}[m.group("sym")]
    if m.re is SYMBOL_FIRST and m.group("code"):
        return m.group("code")
    for i, (_, code) in enumerate(_CUR):
        if m.group(f"k{i}"):
            return code
    raise AssertionError("amount without currency")


# The lower end of a range printed before an amount: "2 bis 3 Mrd. Euro", "$300-500 million",
# "от 2 до 3 млрд долларов", "between 2 and 3 billion euros". It takes the amount's scale and currency.
_RANGE_LOW = re.compile(rf"(?<![\w.,]){_NUM}\s?(?:(?:[-–—]|bis|to|until|до|или|or|oder)|"
                        rf"(?<=\d)\s+(?:and|und|и))\s?(?:US\$|\$|€|£|₽|₸)?$", re.I)
_BETWEEN = re.compile(r"(?:between|zwischen|между|from|von|от)\s+(?:US\$|\$|€|£)?$", re.I)
_BRACKET = re.compile(r"\s*[(\[]\s*(?:ca\.|etwa|rund|ungefähr|about|around|approximately|roughly|около|примерно|порядка|~|≈)?\s*$", re.I)


def find_amounts(work: str, text: str, language: str) -> list[AmountMention]:
    """Money mentions; one in brackets right after another is its converted equivalent.

    >>> [(a.value, a.currency, a.equivalent_of) for a in find_amounts(*(["26 Milliarden Yuan (3,6 Milliarden US-Dollar)"] * 2), "de")]
    [(26000000000.0, 'CNY', None), (3600000000.0, 'USD', 0)]
    """
    out: list[AmountMention] = []
    matches = sorted([*SYMBOL_FIRST.finditer(work), *NUMBER_FIRST.finditer(work)], key=lambda m: (m.start(), -m.end()))
    last_end = -1
    for m in matches:
        if m.start() < last_end:
            continue
        last_end = m.end()
        n = m.group("n")
        value = _parse_or_none(n, language) if n else 1.0
        if value is None:  # "$1.623,427.54": a typo loses this amount, not the article
            continue
        value *= _scale(m, language)
        eq = None
        if out and _BRACKET.fullmatch(work, out[-1].end, m.start()):
            eq = len(out) - 1
        s, e = m.start(), m.end()
        if m.re is SYMBOL_FIRST and m.group("n2"):  # "$300-500 million": two amounts, one scale
            scale = _scale(m, language)
            low_value, high_value = _parse_or_none(n, language), _parse_or_none(m.group("n2"), language)
            if low_value is None or high_value is None:
                continue
            low_value *= scale
            out.append(AmountMention(text[s:m.end("n")], s, m.end("n"), round(low_value, 2), _currency(m), eq))
            s, value = m.start("n2"), high_value * scale
            out.append(AmountMention(text[s:e], s, e, round(value, 2), _currency(m), None))
            continue
        low = _range_low(work, m, language, n)
        if low is not None:
            out.append(AmountMention(text[low[0]:low[1]], low[0], low[1], round(low[2] * _scale(m, language), 2),
                                     _currency(m), None))
        out.append(AmountMention(text[s:e], s, e, round(value, 2), _currency(m), eq))
    return out


def _range_low(work: str, m: re.Match, language: str, n: str | None) -> tuple[int, int, float] | None:
    """(start, end, unscaled value) of a bare number opening a range that ends in amount ``m``.

    >>> [(a.text, a.value) for a in find_amounts(*(["2 bis 3 Mrd. Euro"] * 2), "de")]
    [('2', 2000000000.0), ('3 Mrd. Euro', 3000000000.0)]
    >>> [(a.text, a.value) for a in find_amounts(*(["$300-500 million and between 2 and 3 billion euros"] * 2), "en")]
    [('$300', 300000000.0), ('500 million', 500000000.0), ('2', 2000000000.0), ('3 billion euros', 3000000000.0)]
    """
    if not n:
        return None
    r = _RANGE_LOW.search(work, max(0, m.start() - 30), m.start())
    if not r:
        return None
    joiner = work[r.end("n"):r.end()].strip().lower()
    if joiner in ("and", "und", "и") and not _BETWEEN.search(work, max(0, r.start() - 12), r.start()):
        return None
    low, high = _parse_or_none(r.group("n"), language), _parse_or_none(n, language)
    if low is None or high is None or not low < high:
        return None
    return r.start(), r.end("n"), low

"""Text preparation that never moves an offset.

Everything downstream matches on a *working copy* of the article that has exactly
the same length as the original: markup is blanked with spaces, look-alike
characters are mapped one-to-one. So a span found in the copy is a span in the
article, and ``article[start:end]`` is what the reader highlights.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# "< p>", "</p >", "<br/>", "<a href=...>" and MT-mangled variants; entities.
# Every repeat is bounded: "<a" followed by a long run of spaces made the unbounded
# "\s*/?\s*" after an attribute run backtrack cubically (issue 13).
_TAG = re.compile(r"<\s{0,8}/?\s{0,8}[A-Za-z][A-Za-z0-9]{0,30}(?:\s[^<>\n]{0,200})?/?\s{0,8}>|<\s{0,8}/\s{0,8}>")
_ENTITY = re.compile(r"&(?:[A-Za-z]{2,8}|#\d{1,6}|#x[0-9A-Fa-f]{1,6});")
# one-to-one look-alikes so gazetteer and rules see one spelling
_MAP_CHARS = {"’": "'", "ʼ": "'", "`": "'", "´": "'", "ё": "е", "Ё": "Е",
                      "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2011": "-"}
_PAIRS = tuple(_MAP_CHARS.items())


def clean(text: str) -> str:
    """Blank markup and map look-alikes; the result has the same length.

    >>> clean("< p>Dies &amp; das")
    '    Dies       das'
    """
    blank = lambda m: " " * len(m.group(0))
    out = _TAG.sub(blank, text) if "<" in text else text
    out = _ENTITY.sub(blank, out) if "&" in out else out
    for a, b in _PAIRS:  # str.replace per present character beats str.translate over the whole text
        if a in out:
            out = out.replace(a, b)
    assert len(out) == len(text)
    return out


def lower_same_length(text: str) -> str:
    """``str.lower`` unless it would change the length (e.g. 'İ'), then per character."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    paragraph: int  # index of the line block; used for date inheritance


# Tokens before a full stop that do not end a sentence (lower-cased, without the dot).
ABBREVIATIONS = {
    # de
    "z", "b", "bzw", "ca", "dr", "prof", "nr", "mrd", "mio", "bio", "tsd", "usw", "etc", "vgl",
    "sog", "str", "st", "inkl", "evtl", "ggf", "u", "a", "d", "h", "jan", "feb", "febr", "apr",
    "aug", "sept", "sep", "okt", "nov", "dez", "abs", "bzgl", "mr", "mrs", "ms", "gen", "lt",
    # en
    "e", "i", "vs", "no", "jr", "sr", "co", "inc", "ltd", "corp", "gov", "oct", "dec", "mar", "jun", "jul",
    "bn", "mn", "mln", "approx", "est",
    # ru
    "т", "е", "д", "п", "г", "гг", "млн", "млрд", "трлн", "тыс", "руб", "долл", "им", "ул", "н", "э",
    "см", "др", "пр", "гос", "ген", "проф", "тов", "кв", "км",
}
# A stop run is matched once from its first character and possessively: restarting
# inside a long run of dots re-scanned the rest of the run each time (quadratic).
_END = re.compile(r"(?<![.!?…])[.!?…]++[\"»“”'’)]*+(?=\s)")
_NEXT = re.compile(r"\s++[\"„«“'(\[]?([^\s])")


def split_sentences(work: str) -> list[Sentence]:
    """Sentence spans, trimmed of whitespace and of blanked markup.

    A line break always ends a sentence (titles carry no full stop); inside a line
    a stop ends one unless it follows an abbreviation, an initial or a day number.

    >>> t = "Titel ohne Punkt\\nDer Preis stieg z. B. um 3 Mrd. Euro. Am 19. Mai kam Xi."
    >>> [t[s.start:s.end] for s in split_sentences(t)]
    ['Titel ohne Punkt', 'Der Preis stieg z. B. um 3 Mrd. Euro.', 'Am 19. Mai kam Xi.']
    """
    out: list[Sentence] = []
    pos = 0
    for para, line in enumerate(work.split("\n")):
        _split_line(line, pos, para, out)
        pos += len(line) + 1
    return out


def _split_line(line: str, offset: int, para: int, out: list[Sentence]) -> None:
    start = 0
    for m in _END.finditer(line):
        if not _is_boundary(line, m):
            continue
        _add(line, start, m.end(), offset, para, out)
        start = m.end()
    _add(line, start, len(line), offset, para, out)


def _is_boundary(line: str, m: re.Match) -> bool:
    nxt = _NEXT.match(line, m.end())
    if not nxt:
        return False
    if m.group(0)[0] != ".":
        return True
    if nxt.group(1).islower():
        return False
    i = m.start()
    while i > 0 and (line[i - 1].isalnum() or line[i - 1] in "._"):
        i -= 1  # the token before the stop, dots included (a backward scan, not a regex over the line)
    token = line[i:m.start()]
    if "." in token:  # U.S., z.B., т.е.
        return False
    if token.isdigit():
        return len(token) > 3  # "19. Mai", "201. Militärbasis" are ordinals; "im Jahr 2023. Dann" ends
    if len(token) == 1 and token.isalpha():
        return False  # initials, z. B.
    return token.lower() not in ABBREVIATIONS


def _add(line: str, a: int, b: int, offset: int, para: int, out: list[Sentence]) -> None:
    seg = line[a:b]
    stripped = seg.strip(" \t\r\f\v-–—•*|")
    if not any(c.isalnum() for c in stripped):
        return
    lead = seg.find(stripped)
    out.append(Sentence(offset + a + lead, offset + a + lead + len(stripped), para))

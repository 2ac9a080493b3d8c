"""Positive evidence that a capitalised word is a place, for the names that need it.

A small town is often named like an ordinary word ("Summit", "Central", "Center", "Deal")
or a person, and capital letters say nothing at a sentence start or in a headline. Such a
match is a place only with evidence (:func:`needs_evidence` says which; :func:`has_evidence`
and :func:`evidenced_names` say whether there is some):

* a preposition of place before it ("in Summit", "near Center", "в Оше", "bei Halle");
* its state or country right after it ("Summit, New Jersey"; the ``state-after`` /
  ``country-after`` rules);
* the same name with such evidence elsewhere in the article ("named again").

Words: :data:`COMMON_WORDS` (a small hand list, en/de/ru) plus, for towns under 100,000, any
word the article itself also writes in lower case ("the golden rule ... Golden").
"""
from __future__ import annotations

import re

# A capitalised town "most populous" among its namesakes decides nothing below this size.
SMALL_TOWN_POP = 100_000
# Ordinary words that name towns somewhere (the gazetteer build drops the commonest outright).
COMMON_WORDS = frozenset("""
summit central center centre deal golden normal hazard bountiful paradise pacific union mobile reading bath split
commerce industry liberty progress unity justice energy power plant trade market bridge harbor harbour port
gateway friendship welcome success surprise temple mission enterprise independence pleasant marina regina
early friday monday sunday march may august orange hope faith grace mercy
gipfel mitte zentrum treffen wandel kraft linie bahn hafen
саммит центр союз мир победа прогресс дружба встреча
""".split())
_LOCATIVE_BEFORE = re.compile(
    r"(?:^|[^\w])(?:in|near|from|to|at|via|outside|around|across|into|toward|towards|city\s+of|town\s+of|"
    r"village\s+of|county\s+of|nach|bei|aus|von|im|nahe|über|zum|zur|bis|Stadt|Ortschaft|"
    r"в|во|из|под|до|через|около|возле|город\w*|г\.|посел\w*|сел\w*|райцентр\w*)\s+$", re.I)
_START_BEFORE = re.compile(r"(?:^|[.!?:;\n]|\n\s*[-–—•*])[\s\"'«»„“”‘’(\[–—-]*$")
_TITLE_END = (".", "!", "?", ";", ",")
TITLE_MAX = 160


def locative_before(work: str, s: int) -> bool:
    """A preposition of place right before ``s``.

    >>> locative_before("Trains run to Summit", 14), locative_before("Summit talks", 0)
    (True, False)
    """
    return bool(_LOCATIVE_BEFORE.search(work, max(0, s - 24), s))


def at_sentence_start(work: str, s: int) -> bool:
    """``s`` opens a sentence, a line or a list item, so its capital letter says nothing.

    >>> t = "Talks ended. Central figures met; «Center» said"
    >>> at_sentence_start(t, 0), at_sentence_start(t, t.index("Central")), at_sentence_start(t, t.index("figures"))
    (True, True, False)
    """
    return bool(_START_BEFORE.search(work, max(0, s - 8), s))


def in_title(work: str, s: int) -> bool:
    """``s`` is on a headline: a line of at most 160 characters that ends without a full stop.

    >>> t = "Summit Opens in Astana\\nLeaders of Central Asia met in Astana."
    >>> in_title(t, 0), in_title(t, t.index("Central"))
    (True, False)
    """
    lo, hi = max(0, s - TITLE_MAX - 1), min(len(work), s + TITLE_MAX + 1)  # bounded: linear on any text
    ls = work.rfind("\n", lo, s) + 1
    if ls == 0 and lo > 0:
        return False  # no line break within reach: a line longer than any headline
    le = work.find("\n", s, hi)
    if le < 0:
        if hi < len(work):
            return False
        le = len(work)
    line = work[ls:le].rstrip()
    return 0 < len(line) <= TITLE_MAX and not line.endswith(_TITLE_END) and (ls > 0 or le < len(work))


def written_in_lower_case(work: str, word: str) -> bool:
    """The article also writes ``word`` in lower case as a whole word ("the summit").

    >>> written_in_lower_case("Summit ends. The summit was long.", "Summit"), written_in_lower_case("Summit.", "Summit")
    (True, False)
    """
    low = word.lower()
    if low == word:
        return False
    i = work.find(low)
    while i >= 0:
        j = i + len(low)
        if (i == 0 or not work[i - 1].isalnum()) and (j >= len(work) or not work[j].isalnum()):
            return True
        i = work.find(low, i + 1)
    return False


def needs_evidence(work: str, s: int, e: int, place, rule: str, regional: bool, countries: frozenset,
                   states: frozenset, lower_seen: dict[str, bool]) -> str:
    """Why this match needs positive evidence ("" when it needs none): ``common-word``,
    ``small-most-populous`` or ``capital-at-start``. ``place`` is the chosen gazetteer entry;
    ``lower_seen`` memoises :func:`written_in_lower_case` for the article (one scan per name)."""
    if place.kind != "city" or rule.startswith(("state-after", "country-after", "region")):
        return ""
    name = work[s:e]
    if name.lower() in COMMON_WORDS:
        return "common-word"
    if place.population >= SMALL_TOWN_POP or (regional and place.country in _CENTRAL_ASIA):
        return ""
    if " " not in name:
        seen = lower_seen.get(name)
        if seen is None:
            seen = lower_seen[name] = written_in_lower_case(work, name)  # a scan of the text, once per name
        if seen:
            return "common-word"
    if rule.startswith("most-populous"):
        return "small-most-populous"
    if " " not in name and (at_sentence_start(work, s) or in_title(work, s)) and place.country not in countries \
            and not (place.admin1 and place.admin1 in states):
        return "capital-at-start"
    return ""


def has_evidence(work: str, s: int, rule: str) -> bool:
    return rule.startswith(("state-after", "country-after")) or locative_before(work, s)


_CENTRAL_ASIA = frozenset({"KAZ", "KGZ", "TJK", "TKM", "UZB"})

"""The search box's little language, shared by SQLite FTS5 and PostgreSQL ``tsquery``.

- words: all must match (``Line D``); the last word of a plain query also matches as a
  prefix, so results come while typing;
- ``OR`` (capitals) or ``|`` between words: either side (``Rogun OR Kambarata``);
- ``"quoted words"``: that phrase;
- ``word*``: any word starting so (``pipe*``);
- spelling variants and transliterations: :data:`VARIANTS` (``Xian`` finds ``Xi'an`` and
  ``Сиань``), and apostrophes and hyphens folded (``Kambar-Ata`` = ``Kambarata``);
- Russian case endings: a Russian word also matches the other forms of its stem
  (:func:`ru_stem`: ``Сиане`` finds ``Сиань``, ``Ташкента`` finds ``Ташкент`` and ``Tashkent``).

:func:`parse` turns text into :class:`Query` (OR of ANDs of :class:`Term`); the two
renderers quote every word, so no user text is ever read as FTS5 or tsquery syntax.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

MAX_TERMS = 12
MAX_QUERY_CHARS = 200
ONLY_OPERATORS = 'The query has no words to search for, only operators: add a word, e.g. Rogun OR "Line D".'

# Spellings of one name, as they appear in English, German and Russian sources. Declarative:
# add a row to teach the search a name. Each is folded (lower case, no apostrophes or hyphens).
VARIANTS: tuple[tuple[str, ...], ...] = (
    ("Xi'an", "Xian", "Сиань"),
    ("Kambarata", "Kambar-Ata", "Камбарата", "Камбар-Ата"),
    ("Rogun", "Рогун"),
    ("Almaty", "Alma-Ata", "Алматы", "Алма-Ата"),
    ("Astana", "Nur-Sultan", "Астана", "Нур-Султан"),
    ("Tashkent", "Taschkent", "Ташкент"),
    ("Bishkek", "Bischkek", "Бишкек"),
    ("Dushanbe", "Duschanbe", "Душанбе"),
    ("Ashgabat", "Ashkhabad", "Aschgabat", "Ашхабад"),
    ("Samarkand", "Samarqand", "Самарканд"),
    ("Kazakhstan", "Kasachstan", "Казахстан"),
    ("Kyrgyzstan", "Kirgisistan", "Kirgistan", "Кыргызстан", "Киргизия"),
    ("Tajikistan", "Tadschikistan", "Таджикистан"),
    ("Turkmenistan", "Туркменистан"),
    ("Uzbekistan", "Usbekistan", "Узбекистан"),
)
_FOLD = re.compile(r"['’ʼ`\-‐–]")
_WORD = re.compile(r"\w+")
_TOKEN = re.compile(r'"(?P<phrase>[^"]*)"?|(?P<or>\|)|(?P<bare>[^\s"|]+)')


def fold(text: str) -> str:
    """
    >>> fold("Kambar-Ata"), fold("Xi'an"), fold("Сиань")
    ('kambarata', 'xian', 'сиань')
    """
    return _FOLD.sub("", text).casefold()


_GROUPS = {fold(v): group for group in VARIANTS for v in group}
# Case and number endings of Russian nouns and adjectives, longest first. Stripping one leaves a
# stem that every form of the word starts with (Сиань, Сиане, Сианя → сиан); the search then
# matches the stem as a prefix. Only words of 5+ letters keeping 4+, so short words stay exact.
RU_ENDINGS = tuple(sorted("ами ями ого его ому ему ыми ими ой ей ом ем ах ях ов ев ам ям ую юю ая яя ое ее ые ие "
                          "ый ий а я ы и е у ю о ь".split(), key=len, reverse=True))
_CYRILLIC = re.compile(r"^[а-яё]+$")


def ru_stem(word: str) -> str | None:
    """The stem of a (folded) Russian word, when it ends in a case ending; else None.

    >>> ru_stem("сиане"), ru_stem("сиань"), ru_stem("ташкента"), ru_stem("ташкент"), ru_stem("газа")
    ('сиан', 'сиан', 'ташкент', None, None)
    """
    if len(word) < 5 or not _CYRILLIC.match(word):
        return None
    for ending in RU_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return None


def _stem_key(word: str) -> str:
    return ru_stem(word) or word


_STEM_GROUPS = {_stem_key(fold(v)): group for group in VARIANTS for v in group if _CYRILLIC.match(fold(v))}


@dataclass(frozen=True)
class Term:
    """One thing to match: any of ``alternatives`` (each a phrase of words; one word is a word)."""

    alternatives: tuple[tuple[str, ...], ...]
    prefix: bool = False
    stems: tuple[str, ...] = ()  # Russian stems, each matched as a prefix (any case ending)


Query = tuple[tuple[Term, ...], ...]  # OR of ANDs


def _spellings(text: str) -> list[tuple[str, ...]]:
    """A spelling's forms: its words as a phrase, and folded into one word when they are several."""
    words = tuple(w.casefold() for w in _WORD.findall(text))
    out = [words] if words else []
    if len(words) > 1:
        out.append((fold("".join(words)),))
    return out


def _bare(token: str) -> Term | None:
    prefix = token.endswith("*")
    words = _WORD.findall(token)
    if not words:
        return None
    key = fold("".join(words))
    group = _GROUPS.get(key) or _STEM_GROUPS.get(_stem_key(key)) or (token,)
    alts: list[tuple[str, ...]] = []
    for spelling in group if not prefix else (token,):
        alts += [a for a in _spellings(spelling) if a not in alts]
    stems = () if prefix else tuple(dict.fromkeys(
        st for a in alts if len(a) == 1 and (st := ru_stem(a[0])) and (st,) not in alts))
    return Term(tuple(alts), prefix, stems)


def parse(text: str) -> Query:
    """The query ``text`` means; empty when it has no words (see :func:`notice`).

    >>> parse('Rogun OR "Line D"')
    ((Term(alternatives=(('rogun',), ('рогун',)), prefix=False, stems=()),), (Term(alternatives=(('line', 'd'),), prefix=False, stems=()),))
    >>> parse("Сиане")[0][0].alternatives, parse("Сиане")[0][0].stems
    ((('xi', 'an'), ('xian',), ('сиань',)), ('сиан',))
    >>> parse("pipe*")
    ((Term(alternatives=(('pipe',),), prefix=True, stems=()),),)
    >>> parse("Kambar-Ata")[0][0].alternatives[:3]
    (('kambarata',), ('kambar', 'ata'), ('камбарата',))
    >>> parse("OR | * \\"\\"")
    ()
    """
    groups: list[list[Term]] = [[]]
    n = 0
    for m in _TOKEN.finditer(text[:MAX_QUERY_CHARS]):
        if m.group("or") or m.group("bare") == "OR":
            groups.append([])
            continue
        if m.group("phrase") is not None:
            words = tuple(w.casefold() for w in _WORD.findall(m.group("phrase")))
            term = Term((words,)) if words else None
        else:
            term = _bare(m.group("bare"))
        if term is None:
            continue
        n += max(len(a) for a in term.alternatives)
        if n > MAX_TERMS * 2:
            break
        groups[-1].append(term)
    return tuple(tuple(g) for g in groups if g)


def is_plain(text: str) -> bool:
    """No operators typed: the search may treat the last word as a prefix and try the phrase first.

    >>> is_plain("Line D"), is_plain("Line OR D"), is_plain('"Line D"'), is_plain("pipe*")
    (True, False, False, False)
    """
    return not re.search(r'["|*]|\bOR\b', text)


def notice(text: str) -> str | None:
    """A one-line message when ``text`` is not blank but holds no word to search for."""
    return ONLY_OPERATORS if text.strip() and not parse(text) else None


def plain_query(text: str) -> Query:
    """A plain query's last word as a prefix too (results while typing), when 3+ letters."""
    q = parse(text)
    if len(q) != 1 or not is_plain(text):
        return q
    *rest, last = q[0]
    if len(last.alternatives) == 1 and len(last.alternatives[0]) == 1 and len(last.alternatives[0][0]) >= 3:
        last = Term(last.alternatives, True)
    return (tuple(rest) + (last,),)


def phrase_query(text: str) -> Query | None:
    """For a plain query of 2+ words: all of them as one phrase (ranked first), else None."""
    if not is_plain(text):
        return None
    words = tuple(w.casefold() for w in _WORD.findall(text[:MAX_QUERY_CHARS]))[:MAX_TERMS]
    return ((Term((words,)),),) if len(words) > 1 else None


# (word quote, phrase joiner, prefix mark, AND, OR) of each engine's query language
FTS5 = ('"', " + ", "*", " AND ", " OR ")
TSQUERY = ("'", " <-> ", ":*", " & ", " | ")


def render(q: Query, dialect: tuple[str, str, str, str, str]) -> str:
    """``q`` in one engine's query language; every word quoted."""
    quote, joiner, prefix, and_, or_ = dialect

    def alt(words: tuple[str, ...], is_prefix: bool) -> str:
        return joiner.join(f"{quote}{w}{quote}" for w in words) + (prefix if is_prefix else "")

    def term(t: Term) -> str:
        return or_.join([alt(a, t.prefix) for a in t.alternatives] + [alt((st,), True) for st in t.stems])

    return or_.join("(" + and_.join("(" + term(t) + ")" for t in group) + ")" for group in q)


def to_fts5(q: Query) -> str:
    """
    >>> to_fts5(parse("Xian summit"))
    '(("xi" + "an" OR "xian" OR "сиань" OR "сиан"*) AND ("summit"))'
    >>> to_fts5(parse("pipe* OR Rogun"))
    '(("pipe"*)) OR (("rogun" OR "рогун"))'
    """
    return render(q, FTS5)


def to_tsquery(q: Query) -> str:
    """
    >>> to_tsquery(parse("Xian summit"))
    "(('xi' <-> 'an' | 'xian' | 'сиань' | 'сиан':*) & ('summit'))"
    >>> to_tsquery(parse("pipe*"))
    "(('pipe':*))"
    """
    return render(q, TSQUERY)

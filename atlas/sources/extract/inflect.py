"""Russian case forms of place and given names, so "в Астане" and "Карину" are found.

A leaf module (no other extract import): the gazetteer and the given-name lists both use it.
"""
from __future__ import annotations


def russian_forms(name: str) -> set[str]:
    """Nominative plus the common case forms of a Russian place name: the last word inflects, or
    both words of an adjective + noun name ("Черного моря", "Ближнем Востоке").

    >>> sorted(russian_forms("Астана"))
    ['Астана', 'Астане', 'Астаной', 'Астану', 'Астаны']
    >>> sorted(russian_forms("Ташкент"))[:3]
    ['Ташкент', 'Ташкента', 'Ташкенте']
    >>> sorted(russian_forms("Черное море"))
    ['Черного моря', 'Черное море', 'Черном море', 'Черному морю', 'Черным морем']
    >>> sorted(russian_forms("Ближний Восток"))[:3]
    ['Ближнего Востока', 'Ближнем Востоке', 'Ближнему Востоку']
    >>> sorted(russian_forms("Центральная Европа"))
    ['Центральная Европа', 'Центральной Европе', 'Центральной Европой', 'Центральной Европы', 'Центральную Европу']
    """
    words = name.split(" ")
    if len(words) == 2 and words[0][-2:] in _ADJ_CASES:
        return {name} | {f"{a} {n}" for a, n in zip(_adjective_cases(words[0]), _noun_cases(words[1], words[0][-2:]))}
    out = {name}
    head, last = name[:-1], name[-1]
    if last == "а":
        soft = head[-1:] in ("г", "к", "х", "ж", "ш", "щ", "ч")
        out |= {head + ("и" if soft else "ы"), head + "е", head + "у", head + "ой"}
    elif last == "я":
        out |= {head + "и", head + "е", head + "ю", head + "ей"}
    elif last == "ь":
        out |= {head + "и", head + "ью", head + "ем"}
    elif last.isalpha() and last not in "аеёиоуыэюяй":
        out |= {name + "а", name + "у", name + "е", name + "ом"}
    return out


# Adjective endings -> (genitive, dative, accusative, instrumental, prepositional); None keeps the
# nominative (inanimate masculine and neuter accusative).
_ADJ_CASES = {"ый": ("ого", "ому", None, "ым", "ом"), "ой": ("ого", "ому", None, "ым", "ом"),
              "ий": ("ого", "ому", None, "им", "ом"), "ое": ("ого", "ому", None, "ым", "ом"),
              "ее": ("его", "ему", None, "им", "ем"), "ая": ("ой", "ой", "ую", "ой", "ой"),
              "яя": ("ей", "ей", "юю", "ей", "ей")}
_VELAR = "кгхжшчщ"


def _adjective_cases(adj: str) -> list[str]:
    """Черное -> Черного, Черному, Черное, Черным, Черном; Ближний -> Ближнего...; Тихий -> Тихого..."""
    stem, end = adj[:-2], adj[-2:]
    cases = list(_ADJ_CASES[end])
    if end == "ий" and not stem.endswith(tuple(_VELAR)):
        cases = ["его", "ему", None, "им", "ем"]  # soft: Ближний, Средний
    if end == "ое" and stem.endswith(tuple(_VELAR)):
        cases[3] = "им"  # Японским, Каспийским (after к: и, not ы)
    return [adj if c is None else stem + c for c in cases]


def _noun_cases(noun: str, adj_end: str) -> list[str]:
    """The noun of a two-word name in the same five cases (море -> моря, морю, море, морем, море)."""
    head, last = noun[:-1], noun[-1]
    if last == "а":
        return [head + ("и" if head[-1:] in _VELAR else "ы"), head + "е", head + "у", head + "ой", head + "е"]
    if last == "я":
        if head.endswith("и"):
            return [head + "и", head + "и", head + "ю", head + "ей", head + "и"]  # Азия -> Азии
        return [head + "и", head + "е", head + "ю", head + "ей", head + "е"]
    if last == "е":
        return [head + "я", head + "ю", noun, head + "ем", noun]  # море
    if last == "о":
        return [head + "а", head + "у", noun, head + "ом", head + "е"]  # озеро
    if last == "ь":
        if adj_end in ("ая", "яя"):
            return [head + "и", head + "и", noun, noun + "ю", head + "и"]  # область
        return [head + "я", head + "ю", noun, head + "ем", head + "е"]
    if last == "й":
        return [head + "я", head + "ю", noun, head + "ем", head + "е"]
    if last in "ыи":
        return [noun] * 5  # plural (Великие озера): left alone
    return [noun + "а", noun + "у", noun, noun + "ом", noun + "е"]  # залив, Восток, Кавказ

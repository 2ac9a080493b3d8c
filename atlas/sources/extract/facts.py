"""Fact candidates: per sentence the type with the strongest cues, plus at most one more.

Rules (documented because reviewers see ``rule``):
* a sentence needs cue weight >= 2 for its best type (cues.py); a runner-up type with a
  strong cue (weight 3+) on other words makes a second fact of the same sentence;
* a cue word that only modifies a hyphenated compound ("Export-Import-Bank") weighs 1 less;
* a head of state named alone ("Japarov", "Путин") counts for the state he leads;
* actors are the outside countries and blocs named in the sentence, except those named only as
  the scene of a war ("Krieg in der Ukraine") or inside a background clause about one;
* it must concern Central Asia: a CA state, a collective ("Zentralasien",
  "стран Центральной Азии", "C5") meaning all five, or a place in a CA state.
  A sentence without one inherits the previous sentence's states when it
  continues it (same paragraph, or starts with a pronoun / "außerdem", "also",
  "также"); its rule then ends with "+context" and its confidence is lower;
* date: a day mention in the sentence, else a month/year mention, else the
  running date: lead sentences before the first dated sentence take that date, and
  later sentences carry the last date for up to CARRY sentences; a background
  sentence ("Erinnern Sie sich", "Recall that", "Напомним", "ранее") neither
  inherits nor passes a date on.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import NamedTuple

from atlas.core.models import CENTRAL_ASIA

from .cues import BACKGROUND, BUILD, CLOSE, CONTINUATION, CUES, OFFER, PLEDGE, PRIORITY
from .countries import find_leaders
from .mentions import AmountMention, CountryMention, DateMention, FactCandidate, PlaceMention
from .stems import StemMatcher, literal_head
from .text import Sentence

# A country named as the place or target of a war ("Krieg in der Ukraine", "war in Ukraine",
# "войны на Украине", "invasion of Ukraine") or inside a background clause about a war
# ("since Russia's invasion of Ukraine, ...", "на фоне войны ...") is not an actor of the fact.
_WAR_WORDS = [r"krieg\w*", "war", "wars", "invasion", r"angriff\w*", r"überfall\w*", "aggression", "conflict", r"konflikt\w*",
              r"войн\w*", r"конфликт\w*", r"вторжени\w*", r"агресси\w*", r"спецоперац\w*"]
_WAR_TO_COUNTRY = re.compile(r"\s+(?:(?:in|on|against|of|auf|gegen|im|um|with|mit|на|в|во|против|с|со)\s+)?"
                             r"(?:(?:der|die|das|den|dem|des|the)\s+)?", re.I)
_BG_MARKER = re.compile(r"(?:\b(?:since|seit|amid|amidst|inmitten|angesichts|wegen|in\s+the\s+wake\s+of|vor\s+dem\s+hintergrund)|"
                        r"(?<![\w])(?:на\s+фоне|после\s+начала|с\s+начала|в\s+условиях|из-за))\b[^,;:–—\n]*$", re.I)
_CLAUSE_END = re.compile(r"[,;:–—\n]|\.\s")
# "ASTANA, March 12 (Reuters) -", "ТАШКЕНТ, 6 марта. /ТАСС/.", "АСТАНА, 3 июля – РИА Новости."
_DATELINE = re.compile(r"[A-ZА-ЯЁÄÖÜ][A-ZА-ЯЁÄÖÜ/ .'-]+,\s+[^\n]{3,24}?(?:\([^)\n]{2,30}\)|/[^/\n]{2,20}/|[-–—]\s)")
CARRY = 8  # sentences a date is carried after the sentence that states it
LEAD = 4  # a date in the first LEAD sentences is the article's main date
_CA = tuple(CENTRAL_ASIA)
_CONT = re.compile(CONTINUATION, re.I)
_OFFER, _PLEDGE, _CLOSE, _BUILD = (re.compile(p, re.I) for p in (OFFER, PLEDGE, CLOSE, BUILD))


class _Cue(NamedTuple):
    start: int
    end: int
    payload: tuple


@lru_cache(maxsize=1)
def cue_matcher() -> StemMatcher:
    return StemMatcher([(stem, (t, w, label, literal_head(stem))) for stem, t, w, label in CUES], ignore_case=True)


def _bucket(items, sentences: list[Sentence]) -> list[list]:
    """Mentions per sentence (a mention belongs to the sentence holding its start)."""
    starts = [s.start for s in sentences]
    out: list[list] = [[] for _ in sentences]
    for m in items:
        i = bisect_right(starts, m.start) - 1
        if i >= 0 and m.end <= sentences[i].end:
            out[i].append(m)
    return out


@lru_cache(maxsize=1)
def _war_matcher() -> StemMatcher:
    return StemMatcher([(w, None) for w in _WAR_WORDS], ignore_case=True)


@lru_cache(maxsize=1)
def _background_matcher() -> StemMatcher:
    return StemMatcher([(p.replace("\\b", ""), None) for p in BACKGROUND.split("|")], ignore_case=True)


def background_mentions(work: str, countries: list[CountryMention], lowered: str | None = None) -> set[int]:
    """Starts of country mentions that only name the scene of a war, not an actor.

    >>> t = "Since Russia's invasion of Ukraine, the U.S. imposed sanctions; Krieg in der Ukraine"
    >>> sorted(t[s:s + 6] for s in background_mentions(t, __import__("atlas.sources.extract.countries", fromlist=["x"]).find_countries(t)))
    ['Russia', 'Ukrain', 'Ukrain']
    """
    out: set[int] = set()
    if not countries:
        return out
    for ws, we, _ in _war_matcher().find(work, lowered):
        gap = _WAR_TO_COUNTRY.match(work, we)
        after = gap.end() if gap else we
        out |= {m.start for m in countries if m.start == after}
        marker = _BG_MARKER.search(work, max(0, ws - 80), ws)
        if marker:
            end = _CLAUSE_END.search(work, we)
            stop = end.start() if end else len(work)
            out |= {m.start for m in countries if marker.start() <= m.start < stop}
    return out


def _label(type_: str, best: tuple, sent: str, cue_types: set[str]) -> str:
    label = best[2]
    if type_ == "security" and label == "defence cooperation" and _OFFER.search(sent):
        return "defence cooperation offer"
    if type_ == "finance" and _PLEDGE.search(sent) and label in ("financial aid pledge", "aid", "loan", "investment"):
        return {"loan": "loan pledge", "investment": "investment pledge"}.get(label, "financial aid pledge")
    if type_ == "energy" and label == "gas pipeline construction" and not _BUILD.search(sent):
        return "gas pipeline"
    if type_ in ("sanctions", "trade") and "border" in cue_types and _CLOSE.search(sent):
        return "border closure"
    return label


def build_facts(work: str, lowered: str, sentences: list[Sentence], countries: list[CountryMention],
                places: list[PlaceMention], days: list[DateMention], periods: list[DateMention],
                amounts: list[AmountMention]) -> list[FactCandidate]:
    cues = sorted(cue_matcher().find(work, lowered))
    by = {name: _bucket(items, sentences) for name, items in
          (("days", days), ("periods", periods), ("countries", countries), ("places", places), ("amounts", amounts))}
    cue_by = _bucket([_Cue(*c) for c in cues], sentences)
    background_at = background_mentions(work, countries, lowered)
    bg_by = _bucket([_Cue(a, b, None) for a, b, _ in _background_matcher().find(work, lowered)], sentences)
    leaders = _bucket([_Cue(s_, e_, (code,)) for s_, e_, code in find_leaders(work, lowered)], sentences)
    facts: list[FactCandidate] = []
    seconds: list[FactCandidate] = []
    main = next((d for d in days if sentences and any(s.start <= d.start < s.end for s in sentences[:LEAD])), None)
    main_idx = next((i for i, s in enumerate(sentences) if main and s.start <= main.start < s.end), None)
    carry: tuple | None = None  # (date, end, precision, sentence index)
    prev_ca: tuple[str, ...] = ()
    prev_actors: tuple[str, ...] = ()
    prev_para = -1
    for i, s in enumerate(sentences):
        sent = work[s.start:s.end]
        background = bool(bg_by[i])
        s_days, s_periods = by["days"][i], by["periods"][i]
        if s_days:
            first = s_days[0]
            dl = _DATELINE.match(work, s.start, s.end)
            if len(s_days) > 1 and dl and first.start <= dl.end():
                first = s_days[1]  # "ASTANA, March 12 (Reuters) - ... on Tuesday signed": the event day
            d = (first.date, first.end_date, "day", i)
            carry, own_date = d, d
        elif s_periods:
            d = (s_periods[0].date, None, s_periods[0].precision, i)
            carry, own_date = d, d
        elif background:
            carry, own_date = None, None
        elif main_idx is not None and i < main_idx:
            own_date = (main.date, main.end_date, "day", main_idx)
        elif carry and i - carry[3] <= CARRY:
            own_date = carry
        else:
            own_date = None
        if background:
            carry = None
        cms = by["countries"][i]
        ps = by["places"][i]
        ca = [m.code for m in cms if m.code in CENTRAL_ASIA]
        if any(m.code == "C5" for m in cms):
            ca += list(_CA)
        ca += [p.country for p in ps if p.country in CENTRAL_ASIA]
        ca += [c.payload[0] for c in leaders[i] if c.payload[0] in CENTRAL_ASIA]
        ca_t = tuple(dict.fromkeys(ca))
        actors = tuple(dict.fromkeys(m.code for m in cms if m.kind in ("country", "bloc") and m.code not in CENTRAL_ASIA
                                     and m.start not in background_at))
        inherited = False
        if not ca_t and prev_ca and (s.paragraph == prev_para or _CONT.match(sent)):
            ca_t, inherited = prev_ca, True
            actors = actors or prev_actors
        scores: dict[str, float] = {}
        best: dict[str, tuple] = {}
        spans: dict[str, list[tuple[int, int, int]]] = {}
        for c in cue_by[i]:
            t, w, label, head = c.payload
            if c.end + 1 < len(work) and work[c.end] == "-" and work[c.end + 1].isalpha():
                w -= 1  # modifier of a hyphenated compound: "Export-Import-Bank", "Energie-Partnerschaft"
                if w <= 0:
                    continue
            scores[t] = scores.get(t, 0) + w
            spans.setdefault(t, []).append((c.start, c.end, w))
            if t not in best or w > best[t][1]:
                best[t] = (t, w, label, head)
        s_amounts = by["amounts"][i]
        if s_amounts and scores:
            scores["finance"] = scores.get("finance", 0) + 1
        if ca_t and not inherited:
            prev_ca, prev_actors = ca_t, actors
        elif not ca_t:
            prev_ca, prev_actors = (), ()
        prev_para = s.paragraph
        if not scores or not ca_t:
            continue
        ranked = sorted(scores, key=lambda t: (-scores[t], PRIORITY.index(t)))
        type_ = ranked[0]
        if scores[type_] < 2 or type_ not in best:
            continue
        types = [type_] + [t for t in ranked[1:2] if _second(t, type_, scores, best, spans)]
        for n_type, type_ in enumerate(types):
            cue = best[type_]
            date_ = own_date
            conf = 0.3 + 0.1 * min(scores[type_], 4) + (0.0 if inherited else 0.1) + (0.1 if actors else 0) + (0.1 if date_ else 0)
            conf -= 0.1 if inherited else 0
            rule = f"{type_}:{cue[2].replace(' ', '-')}:{cue[3]}" + ("+context" if inherited else "")
            (seconds if n_type else facts).append(FactCandidate(
                type=type_, start=s.start, end=s.end, date=date_[0] if date_ else None,
                date_precision=date_[2] if date_ else None, countries=ca_t, actors=actors, places=tuple(ps),
                amounts=tuple(s_amounts), confidence=round(max(0.05, min(0.95, conf)), 2), rule=rule,
                label=_label(type_, cue, sent, {c.payload[2] for c in cue_by[i]}),
                date_end=date_[1] if date_ else None))
    return facts + seconds  # second facts last: the first-per-sentence list keeps its order


def _second(t: str, first: str, scores: dict, best: dict, spans: dict) -> bool:
    """A runner-up type is a second fact of the sentence when it has a strong cue (weight 3+)
    of its own, on words that are not cues of the first type (e.g. "signed a loan agreement
    for a railway": finance and infrastructure)."""
    if t not in best or best[t][1] < 3 or scores[t] < 3:
        return False
    taken = spans.get(first, [])
    strong = [(a, b) for a, b, w in spans[t] if w >= 3]
    return any(all(b <= a2 or a >= b2 for a2, b2, _ in taken) for a, b in strong)

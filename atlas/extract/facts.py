"""Fact candidates: one per sentence, the type with the strongest cues.

Rules (documented because reviewers see ``rule``):
* a sentence needs cue weight >= 2 for its best type (cues.py);
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

from atlas.models import CENTRAL_ASIA

from .cues import BACKGROUND, BUILD, CLOSE, CONTINUATION, CUES, OFFER, PLEDGE, PRIORITY
from .mentions import AmountMention, CountryMention, DateMention, FactCandidate, PlaceMention
from .stems import StemMatcher, literal_head
from .text import Sentence

CARRY = 8  # sentences a date is carried after the sentence that states it
LEAD = 4  # a date in the first LEAD sentences is the article's main date
_CA = tuple(CENTRAL_ASIA)
_BACKGROUND = re.compile(BACKGROUND, re.I)
_CONT = re.compile(CONTINUATION, re.I)
_OFFER, _PLEDGE, _CLOSE, _BUILD = (re.compile(p, re.I) for p in (OFFER, PLEDGE, CLOSE, BUILD))


class _Cue(NamedTuple):
    start: int
    end: int
    payload: tuple


@lru_cache(maxsize=1)
def cue_matcher() -> StemMatcher:
    return StemMatcher([(stem, (t, w, label, stem)) for stem, t, w, label in CUES], ignore_case=True)


def _bucket(items, sentences: list[Sentence]) -> list[list]:
    """Mentions per sentence (a mention belongs to the sentence holding its start)."""
    starts = [s.start for s in sentences]
    out: list[list] = [[] for _ in sentences]
    for m in items:
        i = bisect_right(starts, m.start) - 1
        if i >= 0 and m.end <= sentences[i].end:
            out[i].append(m)
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
    facts: list[FactCandidate] = []
    main = next((d for d in days if sentences and any(s.start <= d.start < s.end for s in sentences[:LEAD])), None)
    main_idx = next((i for i, s in enumerate(sentences) if main and s.start <= main.start < s.end), None)
    carry: tuple | None = None  # (date, end, precision, sentence index)
    prev_ca: tuple[str, ...] = ()
    prev_actors: tuple[str, ...] = ()
    prev_para = -1
    for i, s in enumerate(sentences):
        sent = work[s.start:s.end]
        background = bool(_BACKGROUND.search(sent))
        s_days, s_periods = by["days"][i], by["periods"][i]
        if s_days:
            d = (s_days[0].date, s_days[0].end_date, "day", i)
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
        ca_t = tuple(dict.fromkeys(ca))
        actors = tuple(dict.fromkeys(m.code for m in cms if m.kind in ("country", "bloc") and m.code not in CENTRAL_ASIA))
        inherited = False
        if not ca_t and prev_ca and (s.paragraph == prev_para or _CONT.match(sent)):
            ca_t, inherited = prev_ca, True
            actors = actors or prev_actors
        scores: dict[str, float] = {}
        best: dict[str, tuple] = {}
        for c in cue_by[i]:
            t, w, label, stem = c.payload
            scores[t] = scores.get(t, 0) + w
            if t not in best or w > best[t][1]:
                best[t] = (t, w, label, stem)
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
        type_ = max(scores, key=lambda t: (scores[t], -PRIORITY.index(t)))
        if scores[type_] < 2 or type_ not in best:
            continue
        cue = best[type_]
        date_ = own_date
        conf = 0.3 + 0.1 * min(scores[type_], 4) + (0.0 if inherited else 0.1) + (0.1 if actors else 0) + (0.1 if date_ else 0)
        conf -= 0.1 if inherited else 0
        rule = f"{type_}:{cue[2].replace(' ', '-')}:{literal_head(cue[3])}" + ("+context" if inherited else "")
        facts.append(FactCandidate(
            type=type_, start=s.start, end=s.end, date=date_[0] if date_ else None,
            date_precision=date_[2] if date_ else None, countries=ca_t, actors=actors, places=tuple(ps),
            amounts=tuple(s_amounts), confidence=round(max(0.05, min(0.95, conf)), 2), rule=rule,
            label=_label(type_, cue, sent, {c.payload[2] for c in cue_by[i]}),
            date_end=date_[1] if date_ else None))
    return facts

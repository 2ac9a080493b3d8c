"""Offline multilingual (de / en / ru) fact extractor of the atlas.

Public API: :func:`extract`, :func:`detect_language`, :func:`default_gazetteer`,
:class:`Gazetteer`, the :class:`Extraction` value and its mention classes.
See the module docs of text, countries, gazetteer, dates, money, cues and facts
for the rules and why they are as they are.
"""
from .extractor import extract
from .gazetteer import Gazetteer, Place, default_gazetteer
from .language import detect_language
from .mentions import AmountMention, CountryMention, DateMention, Extraction, FactCandidate, PlaceMention

__all__ = ["extract", "detect_language", "default_gazetteer", "Gazetteer", "Place", "Extraction", "FactCandidate",
           "CountryMention", "PlaceMention", "DateMention", "AmountMention"]

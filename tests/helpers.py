"""Helpers and test-written text shared by several test modules (one home, not copies).

Texts here were written for the tests: they are not real articles and never ship as data.
"""
from __future__ import annotations

import math
import re

# Test-written English article (not a real news text): three facts and a script tag.
REVIEW_TEXT = (
    "China and Kazakhstan sign pipeline deal\n"
    "On 19 May 2023 Chinese President Xi Jinping met Kazakh President Tokayev in Astana and signed an "
    "agreement on a new gas pipeline worth $2 billion.\n"
    "Russia and Uzbekistan agreed on 3 March 2024 in Tashkent to build a nuclear power plant.\n"
    "The weather was nice <script>alert(1)</script> in Bishkek.\n"
)


def km(a, b) -> float:
    """Great-circle distance in km between two mappings with ``lat`` and ``lon``."""
    la1, lo1, la2, lo2 = map(math.radians, (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(h))


def shown(markdown: str) -> str:
    """The text a user reads in a markdown body escaped by :func:`atlas.core.markup.md_plain`.

    >>> shown("Saved \\\\(3\\\\)\\\\.")
    'Saved (3).'
    """
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)

"""Text hygiene at the edges. (Showing URL values and messages as plain text is
:func:`atlas.core.markup.md_plain`, with the app's other escaping.)

NUL characters are refused where bytes become text (:func:`atlas.sources.files.decode_article`);
titles are cleaned by :func:`clean_title` wherever an :class:`~atlas.core.models.Article` is
made and in curated records. A leaf: it imports nothing of the atlas, so the models can use it.
"""
from __future__ import annotations

import re
import unicodedata

__all__ = ["INVISIBLE", "clean_title"]

# The one list of invisible characters (the extractor's too, atlas.sources.extract.invisible):
# ZWSP..RLM, LRE..RLO, word joiner..invisible plus, LRI..PDI, BOM, soft hyphen, ALM, MVS.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad\u061c\u180e]")


def clean_title(title: str | None) -> str:
    """A title without bidi controls or zero-width characters, on one line.

    An RLO can make ``"Report\\u202eTXT.exe"`` display as something else, and a
    zero-width space splits a name for search (``Kaza\\u200bkhstan``); both are removed.
    Other control characters become spaces; runs of whitespace become one space.

    >>> clean_title("Kaza\\u200bkhstan \\u202egnol\\t title\\x07")
    'Kazakhstan gnol title'
    """
    text = INVISIBLE.sub("", title or "")
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    return " ".join(text.split())

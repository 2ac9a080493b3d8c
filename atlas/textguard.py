"""Text hygiene at the edges: values from URLs shown as plain text, article text and titles
checked at ingest.

Pure, no Streamlit. Streamlit renders every ``st.warning``/``st.error`` body as
markdown, so a URL value such as ``[Log in again](http://evil.example)`` would become
a link in the app's own warning box; :func:`md_plain` makes any text render literally.
"""
from __future__ import annotations

import string

_MD_PUNCT = frozenset(string.punctuation)


def md_plain(text: str) -> str:
    """``text`` for a markdown body so that it renders as exactly these characters.

    CommonMark lets every ASCII punctuation character be backslash-escaped; escaping
    all of them leaves no link, image, emphasis, HTML, math or shortcode, and breaks
    bare-URL autolinks (``http\\://``). Line breaks become spaces (one-line messages).

    >>> md_plain("[Log in](http://evil.example)")
    '\\\\[Log in\\\\]\\\\(http\\\\:\\\\/\\\\/evil\\\\.example\\\\)'
    >>> md_plain("a\\nb")
    'a b'
    """
    out = []
    for ch in text:
        if ch in _MD_PUNCT:
            out.append("\\" + ch)
        elif ch in "\r\n":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)

"""Issue 13 item 4: values from the URL are shown as plain text, never as markdown."""
from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest


ROOT = Path(__file__).resolve().parents[1]


def rendered(markdown: str) -> list:
    """Inline tokens CommonMark (with GFM autolinks) makes of a markdown body."""
    md = MarkdownIt("commonmark", {"linkify": False})
    return [child for tok in md.parse(markdown) if tok.children for child in tok.children]


@pytest.mark.parametrize("key, value", [
    ("country", "[Log in again](http://evil.example)"),
    ("minconf", "![x](http://evil/t.png)"),
    ("since", "<img src=x onerror=alert(1)> **bold** http://evil.example"),
])
def test_url_values_in_filter_warnings_are_plain_text(atlas_db, key, value):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
    at.query_params[key] = value
    at.run()
    assert not at.exception
    [warning] = [w.value for w in at.warning if value[:3] in w.value or "\\" in w.value]
    tokens = rendered(warning)
    # No link, image, emphasis or HTML: the message is text and the typed value a code span
    # (GFM would auto-link a bare address in text; inside a code span nothing is parsed).
    assert {t.type for t in tokens} == {"text", "code_inline"}, tokens
    assert [t.content for t in tokens if t.type == "code_inline"] == [value]
    shown = "".join(t.content for t in tokens)
    assert f"{key}: {value} is not" in shown

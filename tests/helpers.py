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


# -- AppTest helpers shared by the page tests (widgets by key) ------------------------------------
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

from streamlit.testing.v1 import AppTest  # noqa: E402

from atlas.core.models import Fact  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
INGEST = str(ROOT / "pages" / "4_Ingest.py")
PAGE_TIMEOUT = 30  # reading pages
EDITOR_TIMEOUT = 60  # Ingest and Review: extraction runs in the page
PASSWORD = "open sesame, please"
# Test-written article for the editor pages' prefilled store (not a real news text).
STORED = (
    "Turkey and Turkmenistan talk gas\n"
    "On 12 October 2023 Turkish President Erdogan met President Berdimuhamedov in Ashgabat <b>to discuss</b> "
    "a gas pipeline.\n"
    "Russia and Kyrgyzstan agreed on 3 March 2024 in Bishkek to build a new military base.\n"
)
CURATED_FACT = Fact(id="curated-test-1", type="diplomacy", title="Curated test fact", date_start=date(2022, 9, 15),
                    date_precision="day", origin="curated", countries=("UZB",), actors=("CHN",),
                    geometry={"type": "Point", "coordinates": [69.28, 41.31]}, geo_precision="city")


def app(page: str, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / page), default_timeout=PAGE_TIMEOUT)
    for k, v in query.items():
        at.query_params[k] = v
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def qp(at: AppTest, key: str) -> list[str]:
    v = at.query_params.get(key)
    return [] if v is None else ([v] if isinstance(v, str) else list(v))


def login(at: AppTest, password: str = PASSWORD, name: str = "Ada Editor") -> AppTest:
    at.text_input(key="editor_name").input(name)
    at.text_input(key="editor_password").input(password)
    return at.run()


def keys(at: AppTest, kind: str) -> set[str]:
    return {w.key for w in getattr(at, kind) if w.key}


def messages(at: AppTest, kind: str) -> list[str]:
    """What the user reads in each message of that kind (markdown escapes removed)."""
    return [shown(e.value) for e in getattr(at, kind)]

"""The app's pages and the URL keys that link them: constants only, so every ui module can
import them at the top (``ui.page`` draws the navigation; ``ui.search`` and ``ui.views``
link to the Map without importing ``ui.page``)."""
from __future__ import annotations

from pathlib import Path

PAGES_DIR = Path(__file__).resolve().parents[1] / "pages"
# (file, title); the first is the default page at "/". URLs come from the file names.
PAGES = (("0_Map.py", "Map"), ("1_Timeline.py", "Timeline"), ("2_Articles.py", "Articles"),
         ("3_Data.py", "Data"), ("6_Countries.py", "Countries"), ("7_Compare.py", "Compare"),
         ("8_Methodology.py", "Methodology"), ("4_Ingest.py", "Ingest"), ("5_Review.py", "Review"))
MAP_PAGE = PAGES_DIR / PAGES[0][0]
FACT_KEY = "fact"  # session_state and URL: the clicked fact

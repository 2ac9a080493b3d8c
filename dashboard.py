"""Central Asia Influence Atlas: the entry point (``streamlit run dashboard.py``).

Only navigation lives here; the first page, "Map", is ``pages/0_Map.py``.
"""
from ui.page import run_navigation

run_navigation()

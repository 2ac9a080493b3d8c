"""The thin Streamlit layer: cached loaders and widget helpers shared by pages.

Everything here may import streamlit; nothing in ``atlas/`` does.
"""

from ui.upload_guard import install as _install_upload_guard

# Every page imports ui, so the first page run in a server process guards its upload route.
_install_upload_guard()

"""The thin Streamlit layer: cached loaders and widget helpers shared by pages.

Everything here may import streamlit; nothing in ``atlas/`` does.
"""

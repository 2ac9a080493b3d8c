"""Central Asia Influence Atlas: the engine behind the Streamlit app (no Streamlit here)."""

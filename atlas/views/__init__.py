"""What the pages show, computed from the store: the fact frame, search, events, maps, timeline, trends,
profiles, comparisons, measures, detail, reader, export and review. No Streamlit here."""

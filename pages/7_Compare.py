"""Compare outside powers side by side: money by year, facts by type, security, summits, sanctions."""
from ui.compare import compare_view
from ui.page import page_setup

filters = page_setup("Compare", heading="Compare powers")
compare_view(filters)

"""The filtered facts as a table, with CSV, GeoJSON and XLSX downloads of exactly what is shown."""
from ui.page import page_setup
from ui.views import data_view, filtered_frame, header_metrics

filters = page_setup("Data")
header_metrics(filtered_frame(filters))
data_view(filters)

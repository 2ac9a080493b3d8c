"""Country profiles: leading outside powers, facts per year by power, routes, money, key facts."""
from ui.page import page_setup
from ui.profile import country_view

filters = page_setup("Countries")
country_view(filters)

"""Open data: the rows the JSON API (portal.api) and the data package (portal.open_data.package) publish.

Both read published data only, through the selectors here, and name their fields alike.
"""

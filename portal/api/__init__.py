"""The read-only JSON API of the published data, /api/v1/ (django-ninja; README "Open data").

main.py: the API, its errors and its HTTP caching; routes.py: the endpoints; schemas.py: the fields;
pagination.py: keyset pages of projects; docs.py: the documentation page built from the OpenAPI schema.
"""

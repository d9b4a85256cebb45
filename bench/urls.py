"""The portal's URLconf plus the floor: used by bench/settings.py only, never by the public site."""

from django.urls import path

from bench.views import floor, page_sized_floor
from expoportal.urls import urlpatterns as portal_urlpatterns

urlpatterns = [
    path("bench/floor/", floor, name="bench-floor"),
    path("bench/floor/page-sized/", page_sized_floor, name="bench-floor-page-sized"),
    *portal_urlpatterns,
]

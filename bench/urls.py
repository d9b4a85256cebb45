"""The portal's URLconf plus the floor: used by bench/settings.py only, never by the public site."""

from django.urls import path

from bench.views import floor
from expoportal.urls import urlpatterns as portal_urlpatterns

urlpatterns = [path("bench/floor/", floor, name="bench-floor"), *portal_urlpatterns]

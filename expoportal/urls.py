from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from expoportal import health
from portal.api.main import api, no_such_endpoint
from portal.urls import compare_patterns, edition_patterns, span_patterns
from portal.views.data import data_package
from portal.views.home import home

admin.site.site_header = _("Expo Portal administration")
admin.site.site_title = _("Expo Portal staff")
admin.site.index_title = _("Editions, figures and projects")

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", health.healthz, name="healthz"),
    # Staff pages keep one address; their language follows the browser (LocaleMiddleware).
    path("admin/", admin.site.urls),
    # Open data keeps one address in every language: the API answers in both (name_en, name_zh).
    path("api/v1/", api.urls),
    re_path(r"^api/", no_such_endpoint),
    path("data/expo-portal.zip", data_package, name="data_package"),
]

urlpatterns += i18n_patterns(
    path("", home, name="home"),
    path("editions/", include((edition_patterns, "editions"))),
    path("projects/", include("projects.urls")),
    path("compare/", include((compare_patterns, "comparisons"))),
    path("spans/", include((span_patterns, "spans"))),
    prefix_default_language=True,
)

# 400, 403 and 404 use Django's handlers with templates/<code>.html; 500 also turns a database
# outage into the 503 page.
handler500 = "expoportal.health.server_error"

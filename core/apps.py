from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Code every other app shares: formatting, parsing, downloads, imports, versioning and caching."""

    name = "core"
    verbose_name = _("Shared")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The public pages that combine editions and projects: home, editions, summaries and comparisons."""

    name = "portal"
    verbose_name = _("Public pages")

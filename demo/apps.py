from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data (`manage.py load_demo`): the published facts and illustrative projects that match them."""

    name = "demo"
    verbose_name = _("Demo data")

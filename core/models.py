from django.db import models
from django.utils.translation import gettext_lazy as _

from core.validators import refuse_control_characters


class DataVersion(models.Model):
    """One token of the cache (core/caching): replaced whenever the data it stands for changes.

    The row "site" stands for everything a public page shows, "aggregates" for every edition's
    aggregates at once, and "edition:<id>" for one edition's projects.
    """

    name = models.CharField(_("name"), max_length=20, primary_key=True)
    token = models.CharField(_("token"), max_length=32)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self):
        return f"{self.name}: {self.token}"


refuse_control_characters(DataVersion)

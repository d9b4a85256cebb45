from django.db import models
from django.utils.translation import gettext_lazy as _

from core.validators import refuse_control_characters


class DerivedRows(models.Model):
    """Rows counted from other rows (the projects' aggregate cells, say): no one enters them, so they refuse
    nothing a form would, keep no history and are left out of backups; what keeps them up to date rebuilds them
    after a restore."""

    class Meta:
        abstract = True


def derived_models() -> list[type[models.Model]]:
    from django.apps import apps

    return [model for model in apps.get_models() if issubclass(model, DerivedRows)]


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

"""The sources: press releases, reports and pages that published figures, each cited by a stable key (S12)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.constraints import choices_constraint
from core.formatting import localized

# The key of the sources template's example row: no source may have it, so a template uploaded untouched
# imports nothing.
EXAMPLE_SOURCE_KEY = "S0"


class Language(models.TextChoices):
    CHINESE = "zh", _("Chinese (Simplified)")
    CHINESE_TRADITIONAL = "zh-Hant", _("Chinese (Traditional)")
    ENGLISH = "en", _("English")
    JAPANESE = "ja", _("Japanese")
    KOREAN = "ko", _("Korean")
    RUSSIAN = "ru", _("Russian")


class Source(models.Model):
    """A press release, report or page that published figures."""

    key = models.CharField(
        _("reference"),
        max_length=20,
        unique=True,
        help_text=_("A short stable reference such as S12, used in imports and notes."),
    )
    title = models.CharField(_("title (English)"), max_length=300, blank=True)
    title_zh = models.CharField(
        _("title (Chinese)"),
        max_length=300,
        blank=True,
        help_text=_("Leave empty when there is no Chinese wording: Chinese pages then show the English one."),
    )
    publisher = models.CharField(_("publisher (English)"), max_length=200)
    publisher_zh = models.CharField(
        _("publisher (Chinese)"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty when there is no Chinese wording: Chinese pages then show the English one."),
    )
    url = models.URLField(_("URL"), max_length=500)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=Language, default=Language.CHINESE)

    history = HistoricalRecords()

    class Meta:
        ordering = ["key"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [choices_constraint("language", Language, "source_language_valid")]

    def __str__(self):
        # In the reader's language where the source has it: the title, else the publisher.
        label = localized(self, "title") or localized(self, "publisher")
        return f"{label} ({self.published_on:%Y-%m-%d})" if self.published_on else label

    def clean(self):
        super().clean()
        if self.key and self.key.casefold() == EXAMPLE_SOURCE_KEY.casefold():
            message = _("%(key)s is the reference of the import template's example row; choose another reference.")
            raise ValidationError({"key": ValidationError(message, code="example", params={"key": self.key})})

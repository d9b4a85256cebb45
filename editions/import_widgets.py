"""Import widgets that look up the editions app's rows: editions by number, sources by key, sectors by name."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import widgets

from core.import_widgets import TextWidget, remembered
from core.imports import EXAMPLE_EDITION
from core.parsing import CellError, NameMatcher, is_blank, reject_formula
from editions.citations import check_note
from editions.models import Edition, ReportedSector, Source


class EditionWidget(widgets.Widget):
    """An edition by its number: 14, '14', '第14届'."""

    def __init__(self, column: str = "edition"):
        super().__init__()
        self.column = column
        self._by_number: dict[int, Edition] | None = None

    @remembered
    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            raise CellError(_("%(column)s is missing: give the edition's number, such as 14") % {"column": self.column})
        reject_formula(value, self.column)
        text = (
            unicodedata.normalize("NFKC", str(value)).strip().removeprefix("第").removesuffix("届").removesuffix(".0")
        )
        if not (text.isascii() and text.isdigit()):
            raise CellError(
                _("%(column)s must be an edition number such as 14 (got '%(value)s')")
                % {"column": self.column, "value": value}
            )
        if int(text) == EXAMPLE_EDITION:
            raise CellError(
                _(
                    "this is the template's example row (edition %(number)s): replace it with your own data, "
                    "giving your edition's number, or delete it"
                )
                % {"number": EXAMPLE_EDITION}
            )
        if self._by_number is None:
            self._by_number = {edition.number: edition for edition in Edition.objects.all()}
        try:
            return self._by_number[int(text)]
        except KeyError:
            raise CellError(
                _("unknown edition %(number)s: add the edition in the admin first") % {"number": int(text)}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value.number)


class NoteWidget(TextWidget):
    """A public note: sources cited in brackets ([S12]), each of them a known source."""

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        try:
            check_note(text)
        except ValidationError as error:
            raise CellError(f"{self.column}: {error.messages[0]}") from None
        return text


class SourcesWidget(widgets.ManyToManyWidget):
    """Sources by their reference keys, separated by commas or semicolons: 'S12, S13'."""

    def __init__(self, column: str = "sources", required: bool = True):
        super().__init__(Source, field="key", separator=",")
        self.column, self.required = column, required

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            if self.required:
                raise CellError(
                    _("%(column)s is missing: give one or more source references such as S12") % {"column": self.column}
                )
            return Source.objects.none()
        reject_formula(value, self.column)
        keys = [key.strip() for key in str(value).replace(";", ",").replace("，", ",").split(",") if key.strip()]
        found = {source.key: source for source in Source.objects.filter(key__in=keys)}
        unknown = [key for key in keys if key not in found]
        if unknown:
            raise CellError(_("unknown source '%(key)s': add the source in the admin first") % {"key": unknown[0]})
        return [found[key] for key in keys]

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else ", ".join(source.key for source in value.all())


class SourceWidget(widgets.Widget):
    """One source by its reference key."""

    def __init__(self, column: str = "source"):
        super().__init__()
        self.column = column
        self._by_key: dict[str, Source] = {}

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        reject_formula(value, self.column)
        key = str(value).strip()
        if key not in self._by_key:
            try:
                self._by_key[key] = Source.objects.get(key=key)
            except Source.DoesNotExist:
                raise CellError(
                    _("unknown source '%(key)s': add the source in the admin first") % {"key": key}
                ) from None
        return self._by_key[key]

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.key


# Words people use for the standard sectors (by slug); suggested, never matched silently.
SECTOR_HINTS = {
    "renewables": "new-energy",
    "renewable energy": "new-energy",
    "clean energy": "new-energy",
    "energy": "new-energy",
    "agriculture": "modern-agriculture",
    "farming": "modern-agriculture",
    "machinery": "equipment-manufacturing",
    "manufacturing": "equipment-manufacturing",
    "pharma": "pharmaceuticals",
    "medicine": "pharmaceuticals",
    "health": "healthcare",
    "services": "modern-services",
    "automotive": "autos-and-parts",
    "cars": "autos-and-parts",
    "materials": "new-materials",
    "electronics": "electronics-and-high-tech",
    "it": "electronics-and-high-tech",
    "tourism": "culture-and-tourism",
    "logistics": "logistics-and-trade",
    "trade": "logistics-and-trade",
    "chemicals": "petrochemicals",
}


def sector_matcher(sectors) -> NameMatcher:
    """Canonical sectors by English name, Chinese name, slug, or a name a release has published for them.

    "Medical and elderly care", once mapped to Healthcare for one edition, finds Healthcare in every import.
    """
    sectors = list(sectors)
    by_slug = {sector.slug: sector for sector in sectors}
    hints = {word: by_slug[slug] for word, slug in SECTOR_HINTS.items() if slug in by_slug}
    published = {}
    for sector_id, name_en, name_zh in ReportedSector.objects.values_list(
        "sector_id", "published_name_en", "published_name_zh"
    ).order_by("edition__number"):
        published.setdefault(sector_id, []).extend([name_en, name_zh])
    entries = (
        (sector, [sector.name_en, sector.name_zh, sector.slug, *published.get(sector.pk, [])]) for sector in sectors
    )
    return NameMatcher(entries, what=_("sector"), hints=hints)

"""The projects table: what the page shows and, with the hidden columns, what exports carry."""

from types import SimpleNamespace

import django_tables2 as tables
from django.urls import get_script_prefix, reverse
from django.utils.functional import lazy
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import Country

from core.formatting import format_yuan, is_chinese, localized_html, pick_html
from core.tables import NumberColumn, PortalTable, YuanColumn
from editions.models import Edition
from projects.bands import VALUE_BANDS, band_for
from projects.models import Project, Scope, generated_from_text

ILLUSTRATIVE_BADGE = '<span class="illustrative-badge">{}</span>'


def illustrative_badge():
    return format_html(ILLUSTRATIVE_BADGE, _("illustrative"))


class BandColumn(NumberColumn):
    """The value band, derived from the value: sorting by band is sorting by value."""

    def __init__(self, **kwargs):
        kwargs.setdefault("attrs", {})
        super().__init__(accessor="value", tiebreak="id", nullable=False, **kwargs)

    def render(self, value):
        return band_for(value).label

    def value(self, value):
        return str(band_for(value).label)


def _other_title_header_text() -> str:
    return str(_("Title (English)") if is_chinese() else _("Title (Chinese)"))


_other_title_header = lazy(_other_title_header_text, str)()


class ExportOnlyColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("orderable", False)
        super().__init__(*args, visible=False, **kwargs)


class ProjectTable(PortalTable):
    stacks = True

    id = ExportOnlyColumn(verbose_name=_("ID"))
    title = tables.Column(verbose_name=_("Title"), order_by=("title", "id"), attrs={"td": {"class": "title"}})
    # Exports carry the title in both languages: the reader's in "Title", the other one here.
    title_zh = ExportOnlyColumn(verbose_name=_other_title_header)
    edition = tables.Column(
        verbose_name=_("Edition"),
        accessor="edition__number",
        # The project's copy of the number: sorted from an index, with no join to the editions.
        order_by=("edition_number", "id"),
        attrs={"td": {"class": "nowrap"}},
    )
    sector = tables.Column(verbose_name=_("Sector"), accessor="sector__name_en", order_by=("sector__name_en", "id"))
    scope = tables.Column(verbose_name=_("Scope"), order_by=("scope", "id"))
    # Through the Country object: get_partner_display() would walk ~250 choices on every row.
    partner = tables.Column(verbose_name=_("Partner"), accessor="partner__name", order_by=("partner", "id"))
    partner_code = ExportOnlyColumn(verbose_name=_("Partner code"), accessor="partner__code")
    value = YuanColumn(verbose_name=_("Value (yuan)"), tiebreak="id", nullable=False)
    band = BandColumn(verbose_name=_("Value band"), attrs={"td": {"class": "nowrap"}})
    signed_on = tables.DateColumn(
        verbose_name=_("Signed on"), format="Y-m-d", order_by=("signed_on", "id"), attrs={"td": {"class": "nowrap"}}
    )
    kind = ExportOnlyColumn(verbose_name=_("Kind"))
    status = ExportOnlyColumn(verbose_name=_("Status"))
    parties = ExportOnlyColumn(verbose_name=_("Signing parties"))
    source_url = ExportOnlyColumn(verbose_name=_("Source"), accessor="source__url", empty_values=())
    is_illustrative = ExportOnlyColumn(verbose_name=_("Illustrative"), empty_values=())

    class Meta:
        model = Project
        fields = ()
        sequence = (
            "id", "title", "title_zh", "value", "band", "edition", "sector", "scope", "partner", "partner_code",
            "signed_on", "kind", "status", "parties", "source_url", "is_illustrative",
        )  # fmt: skip
        attrs = {"class": "data-table stack-table"}
        order_by_field = "sort"
        order_by = "-value"
        per_page = 25
        empty_text = _("No project matches these filters.")

    def __init__(self, *args, caption=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.caption = caption or _("Signed projects of the published editions")

    def render_title(self, record):
        link = format_html('<a href="{}">{}</a>', record.get_absolute_url(), localized_html(record, "title"))
        if record.is_illustrative:
            return format_html("{} {}", link, illustrative_badge())
        return link

    def value_title(self, record):
        return record.display_title

    def value_title_zh(self, record):
        return record.title if is_chinese() else record.title_zh

    def render_sector(self, record):
        return localized_html(record.sector, "name")

    def value_sector(self, record):
        return record.sector.name

    def value_parties(self, record):
        return record.display_parties

    def render_edition(self, record):
        return format_html('<a href="{}">{}</a>', record.edition.get_absolute_url(), record.edition.ordinal)

    def value_edition(self, value):
        return value

    def value_signed_on(self, value):
        return value.isoformat() if value else ""

    def value_is_illustrative(self, value):
        return gettext("yes") if value else gettext("no")

    def value_kind(self, record):
        return record.display_kind

    def value_status(self, record):
        return record.display_status

    def value_source_url(self, record, value):
        # A made-up project names the release it was generated to match, never a link of its own.
        if record.is_illustrative:
            return generated_from_text(str(record.generated_from)) if record.generated_from_id else ""
        return value or ""


class FastRow:
    """A table row with its cells already rendered: what the row template reads of a BoundRow, and `html`, the
    whole row as that template would write it (templates/includes/_table.html), which it then writes as it is."""

    __slots__ = ("record", "attrs", "cells", "html")

    def __init__(self, record, attrs, cells, html):
        self.record, self.attrs, self.cells, self.html = record, attrs, cells, html

    def items(self):
        return self.cells


class PageRecord:
    """One project of a page as FastRows reads it: its values, not a model instance.

    Read with values_list rather than as Project instances with their edition and sector: building 150 model
    instances (a page of 50 and each one's edition and sector), with Project.from_db's bookkeeping for saves,
    was about 2 ms of a page's 17 at a million projects. Named as the model names them, so that what reads a
    row's record (`pk`, `title`) reads the same.
    """

    # Each attribute and the field it is read from: the renderers below read no other column.
    COLUMNS = {
        "pk": "pk", "title": "title", "title_zh": "title_zh", "is_illustrative": "is_illustrative", "value": "value",
        "scope": "scope", "partner": "partner", "signed_on": "signed_on", "edition_id": "edition_id",
        "edition_number": "edition__number", "sector_id": "sector_id", "sector_name_en": "sector__name_en",
        "sector_name_zh": "sector__name_zh",
    }  # fmt: skip
    __slots__ = tuple(COLUMNS)

    def __init__(self, row: tuple):
        for name, value in zip(self.__slots__, row, strict=True):
            setattr(self, name, value)


class FastRows:
    """The rows of one page of the projects table, each cell rendered by one plain function.

    Renders exactly what django-tables2's BoundRows would (tests compare the HTML), without its
    per-cell machinery (signature inspection, accessor resolution, attribute dicts), which took most of
    a page's time. Used only while the table's visible columns are the ones known here.
    """

    _EDITION_CELLS: dict[tuple[str, str], dict[int, str]] = {}  # (language, URL prefix): {edition number: its cell}
    _PARTNER_CELLS: dict[str, dict[str, str]] = {}  # language: {country code: its cell}
    ROW_ATTRS = (SimpleNamespace(as_html=mark_safe('class="even"')), SimpleNamespace(as_html=mark_safe('class="odd"')))

    def __init__(self, queryset, table: "ProjectTable"):
        """`queryset`: the page's projects, in the table's order."""
        self.records = [PageRecord(row) for row in queryset.values_list(*PageRecord.COLUMNS.values())]
        self.table = table
        # Built once per page: a template URL rather than a reverse() per row.
        self.project_url = conditional_escape(
            reverse("projects:detail", kwargs={"pk": 2147483647}).replace("2147483647", "{}")
        )
        self.language = get_language()
        # A page's rows share a few sectors: each one's cell is written once. An edition's cell and a partner's
        # name depend only on its number or code and the language, so the process keeps them for every page
        # (their reverse() and country-name lookups were a quarter of the rows' time).
        self.sector_cells: dict[int, str] = {}
        self.edition_cells = self._EDITION_CELLS.setdefault((self.language, get_script_prefix()), {})
        self.partner_cells = self._PARTNER_CELLS.setdefault(self.language, {})
        self.band_labels = {band.slug: conditional_escape(str(band.label)) for band in VALUE_BANDS}
        self.scope_labels = {value: conditional_escape(str(label)) for value, label in Scope.choices}
        self.badge = illustrative_badge()
        self.columns = [(self._column(column), self.RENDERERS[column.name]) for column in table.columns]
        # Each cell's opening tag, as the row template writes it: the column's attributes and, in a table that
        # becomes cards on a phone, the column's name.
        self.cell_openings = [
            f"<td {column.attrs.td.as_html}"
            + (f' data-label="{conditional_escape(column.header)}">' if table.stacks else ">")
            for column, _render in self.columns
        ]

    @classmethod
    def serves(cls, table) -> bool:
        return all(column.name in cls.RENDERERS for column in table.columns)

    @staticmethod
    def _column(bound_column):
        td = SimpleNamespace(as_html=bound_column.attrs["td"].as_html())
        return SimpleNamespace(attrs=SimpleNamespace(td=td), localize=None, header=bound_column.header)

    def _title(self, project):
        # Plain f-strings of escaped parts: format_html's lazy-argument checks cost a millisecond a page.
        title = localized_html(project, "title", self.language)
        link = f'<a href="{self.project_url.format(project.pk)}">{title}</a>'
        return mark_safe(f"{link} {self.badge}" if project.is_illustrative else link)  # noqa: S308

    def _value(self, project):
        return conditional_escape(format_yuan(project.value))

    def _band(self, project):
        return self.band_labels[band_for(project.value).slug]

    def _edition(self, project):
        number = project.edition_number
        if number not in self.edition_cells:
            edition = Edition(pk=project.edition_id, number=number)
            self.edition_cells[number] = format_html('<a href="{}">{}</a>', edition.get_absolute_url(), edition.ordinal)
        return self.edition_cells[number]

    def _sector(self, project):
        if project.sector_id not in self.sector_cells:
            name = pick_html(project.sector_name_en, project.sector_name_zh, self.language)
            self.sector_cells[project.sector_id] = name or "—"
        return self.sector_cells[project.sector_id]

    def _scope(self, project):
        return self.scope_labels.get(project.scope) or conditional_escape(project.scope) or "—"

    def _partner(self, project):
        # A country's name is looked up once per process and language, not on every row.
        code = project.partner or ""
        if code not in self.partner_cells:
            name = Country(code=code).name if code else ""
            self.partner_cells[code] = conditional_escape(name) if name else "—"
        return self.partner_cells[code]

    def _signed_on(self, project):
        return mark_safe(project.signed_on.isoformat()) if project.signed_on else "—"  # noqa: S308 - digits and dashes

    RENDERERS = {
        "title": _title,
        "value": _value,
        "band": _band,
        "edition": _edition,
        "sector": _sector,
        "scope": _scope,
        "partner": _partner,
        "signed_on": _signed_on,
    }

    def __iter__(self):
        for index, record in enumerate(self.records):
            cells = [(column, render(self, record)) for column, render in self.columns]
            attrs = self.ROW_ATTRS[index % 2]
            html = "".join(
                f"\n          {opening}{conditional_escape(cell)}</td>\n        "
                for opening, (_column, cell) in zip(self.cell_openings, cells, strict=True)
            )
            yield FastRow(
                record, attrs, cells, mark_safe(f"\n      <tr {attrs.as_html}>\n        {html}\n      </tr>\n    ")
            )  # noqa: S308

    def __len__(self):
        return len(self.records)

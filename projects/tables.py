"""The projects table: what the page shows and, with the hidden columns, what exports carry."""

import django_tables2 as tables
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from editions.formatting import is_chinese
from editions.tables import NumberColumn, PortalTable, YuanColumn
from projects.bands import band_for
from projects.models import Project

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
    id = ExportOnlyColumn(verbose_name=_("ID"))
    title = tables.Column(verbose_name=_("Title"), order_by=("title", "id"), attrs={"td": {"class": "title"}})
    # Exports carry the title in both languages: the reader's in "Title", the other one here.
    title_zh = ExportOnlyColumn(verbose_name=_other_title_header)
    edition = tables.Column(
        verbose_name=_("Edition"),
        accessor="edition__number",
        order_by=("edition__number", "id"),
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
    source_url = ExportOnlyColumn(verbose_name=_("Source"), accessor="source__url")
    is_illustrative = ExportOnlyColumn(verbose_name=_("Illustrative"), empty_values=())

    class Meta:
        model = Project
        fields = ()
        sequence = (
            "id", "title", "title_zh", "value", "band", "edition", "sector", "scope", "partner", "partner_code",
            "signed_on", "kind", "status", "parties", "source_url", "is_illustrative",
        )  # fmt: skip
        order_by_field = "sort"
        order_by = "-value"
        per_page = 25
        empty_text = _("No project matches these filters.")

    def __init__(self, *args, caption=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.caption = caption or _("Signed projects of the published editions")

    def render_title(self, record):
        link = format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.display_title)
        if record.is_illustrative:
            return format_html("{} {}", link, illustrative_badge())
        return link

    def value_title(self, record):
        return record.display_title

    def value_title_zh(self, record):
        return record.title if is_chinese() else record.title_zh

    def render_sector(self, record):
        return record.sector.name

    def value_sector(self, record):
        return record.sector.name

    def value_parties(self, record):
        return record.display_parties

    def render_edition(self, record):
        return format_html('<a href="{}">{}</a>', record.edition.get_absolute_url(), record.edition.ordinal)

    def value_edition(self, value):
        return value

    def value_signed_on(self, value):
        return value.isoformat()

    def value_is_illustrative(self, value):
        return gettext("yes") if value else gettext("no")

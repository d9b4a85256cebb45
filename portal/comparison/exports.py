"""The comparison table as CSV, XLSX or JSON: one row per metric and edition, plain numbers."""

from decimal import Decimal

import tablib
from django.http import HttpResponse
from django.utils.translation import gettext as _

from core.downloads import with_byte_order_mark
from portal.comparison.growth import PERCENT
from portal.comparison.selectors import Comparison, edition_label

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def _plain(value: Decimal | None, places: int = 2) -> int | float | None:
    """84475000000 rather than '84475000000.00'; None stays empty, never zero."""
    if value is None:
        return None
    value = round(value, places)
    return int(value) if value == value.to_integral_value() else float(value)


def comparison_dataset(comparison: Comparison) -> tablib.Dataset:
    sections = {
        "reported": _("Published figure"),
        "recorded": _("From recorded projects"),
        "sector": _("Value by sector (recorded projects)"),
    }
    dataset = tablib.Dataset(
        headers=[
            _("Section"),
            _("Metric"),
            _("Code"),
            _("Unit"),
            _("Edition"),
            _("Year"),
            _("Value"),
            _("Qualifier"),
            _("Stage"),
            _("Sources"),
            _("Change since previous edition"),
            _("Change since previous edition (%)"),
            _("Years since previous edition"),
            _("Change is approximate"),
            _("Growth a year over the range (%)"),
            _("Growth is approximate"),
        ],
        title=_("Comparison"),
    )
    for row in comparison.rows:
        growth = row.growth
        for cell in row.cells:
            quantity, change = cell.quantity, cell.change
            dataset.append(
                [
                    str(sections[row.kind]),
                    row.label,
                    row.code,
                    str(row.unit_label),
                    edition_label(cell.edition),
                    cell.edition.year,
                    _plain(quantity.value) if quantity else None,
                    quantity.qualifier if quantity else "",
                    str(cell.stage),
                    " ".join(source.url for source in cell.sources),
                    _plain(change.absolute) if change else None,
                    _plain(change.percent) if change and row.unit != PERCENT else None,
                    cell.years,
                    (change.is_approximate if change else None),
                    _plain(growth.percent) if growth else None,
                    (growth.is_approximate if growth else None),
                ]
            )
    return dataset


def export_response(comparison: Comparison, file_format: str, filename: str) -> HttpResponse:
    content = comparison_dataset(comparison).export(file_format)
    if file_format == "csv":
        content = with_byte_order_mark(content)
    response = HttpResponse(content, content_type=FORMATS[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response

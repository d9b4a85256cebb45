"""The comparison table as CSV, XLSX or JSON: one row per metric and edition, plain numbers.

The file is written by the portal's one writer (core.downloads): metric and sector names are staff's
text, so a spreadsheet must never run them.
"""

from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _

from core.downloads import download
from portal.comparison.growth import PERCENT
from portal.comparison.selectors import Comparison, edition_label


def _plain(value: Decimal | None, places: int = 2) -> int | float | None:
    """84475000000 rather than '84475000000.00'; None stays empty, never zero."""
    if value is None:
        return None
    value = round(value, places)
    return int(value) if value == value.to_integral_value() else float(value)


def comparison_header() -> list[str]:
    return [
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
    ]


def comparison_rows(comparison: Comparison) -> list[list]:
    sections = {
        "reported": _("Published figure"),
        "recorded": _("From recorded projects"),
        "sector": _("Value by sector (recorded projects)"),
    }
    rows = []
    for row in comparison.rows:
        growth = row.growth
        for cell in row.cells:
            quantity, change = cell.quantity, cell.change
            rows.append(
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
    return rows


def export_response(comparison: Comparison, file_format: str, filename: str) -> HttpResponse:
    header, rows = comparison_header(), comparison_rows(comparison)
    return download(file_format, header, rows, filename=f"{filename}.{file_format}", title=_("Comparison"))

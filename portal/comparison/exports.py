"""The comparison as CSV, XLSX or JSON: one row per comparison row and edition, plain numbers.

Each row carries both figures of its change (this edition's and the previous one's: value, qualifier,
stage, basis, wording) and the comparability rule's verdict: `comparable` and, when not, the `reason`. The
file is written by the portal's one writer (core.downloads): metric and sector names are staff's text, so a
spreadsheet must never run them.
"""

from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _

from core.downloads import download
from portal.comparison.growth import EXACT, PERCENT
from portal.comparison.selectors import Comparison


def _plain(value: Decimal | None, places: int = 2) -> int | float | None:
    """84475000000 rather than '84475000000.00'; None stays empty, never zero."""
    if value is None:
        return None
    value = round(value, places)
    return int(value) if value == value.to_integral_value() else float(value)


# The columns of every comparison download, in order; stable names (not translated) for analysts and code.
COLUMNS = [
    "section",  # reported (a published figure), basis (money of one basis across metrics), recorded, sector
    "row",  # the row's code: a metric code, basis:<code>, projects:<statistic> or sector:<slug>
    "metric",  # the metric code of this edition's figure
    "metric_name",
    "unit",
    "edition",
    "year",
    "value",
    "qualifier",
    "stage",
    "basis",
    "wording",  # the source's own words for the figure
    "definition",  # what this edition's figure counts, where it differs from the metric's definition
    "sources",  # URLs, the one the value was taken from first
    "previous_edition",  # the edition before it in the comparison, which the change is from
    "previous_year",
    "previous_metric",
    "previous_value",
    "previous_qualifier",
    "previous_stage",
    "previous_basis",
    "previous_wording",
    "years_since_previous",
    "editions_missing_between",  # edition numbers the portal does not have, between the two
    "change",
    "change_percent",
    "comparable",  # true: like for like (the change is given); false: not (no change); null: nothing to compare
    "approximate",  # the change is ≈
    "reason",  # why not comparable, or why ≈, in words
    "growth_percent_a_year",  # over the row's own span, from its first figure to its last
    "growth_from_edition",
    "growth_to_edition",
    "growth_approximate",
    "growth_reason",
]


def _side(cell) -> dict:
    figure, quantity = cell.figure, cell.quantity
    return {
        "metric": cell.measure.metric if cell.measure else None,
        "value": _plain(quantity.value) if quantity else None,
        "qualifier": (quantity.qualifier or EXACT) if quantity else None,
        "stage": cell.stage if quantity else None,
        "basis": (figure.basis or None) if figure else None,
        "wording": (figure.published_wording or None) if figure else None,
    }


def comparison_rows(comparison: Comparison) -> list[dict]:
    """One row per comparison row and edition, as COLUMNS lists them; the same rows in every format."""
    rows = []
    for row in comparison.rows:
        growth = row.growth
        for cell in row.cells:
            own, previous, change = _side(cell), cell.previous, cell.change
            before = _side(previous) if previous else {}
            has_both = previous is not None and cell.quantity is not None and previous.quantity is not None
            rows.append(
                {
                    "section": row.kind,
                    "row": row.code,
                    "metric": own["metric"] or (row.code if row.kind != "basis" else None),
                    "metric_name": str(cell.figure.metric.name) if cell.figure else row.label,
                    "unit": row.unit,
                    "edition": cell.edition.number,
                    "year": cell.edition.year,
                    "value": own["value"],
                    "qualifier": own["qualifier"],
                    "stage": own["stage"],
                    "basis": own["basis"],
                    "wording": own["wording"],
                    "definition": cell.definition or None,
                    "sources": " ".join(citation.source.url for citation in cell.citations) or None,
                    "previous_edition": previous.edition.number if previous else None,
                    "previous_year": previous.edition.year if previous else None,
                    "previous_metric": before.get("metric") or (row.code if previous and row.kind != "basis" else None),
                    "previous_value": before.get("value"),
                    "previous_qualifier": before.get("qualifier"),
                    "previous_stage": before.get("stage"),
                    "previous_basis": before.get("basis"),
                    "previous_wording": before.get("wording"),
                    "years_since_previous": cell.years,
                    "editions_missing_between": " ".join(map(str, cell.gap.numbers)) if cell.gap else None,
                    "change": _plain(change.absolute) if change else None,
                    "change_percent": _plain(change.percent) if change and row.unit != PERCENT else None,
                    "comparable": (change is not None) if has_both else None,
                    "approximate": change.is_approximate if change else None,
                    "reason": cell.reason or None,
                    "growth_percent_a_year": _plain(growth.growth.percent) if growth and growth.growth else None,
                    "growth_from_edition": growth.first.edition.number if growth else None,
                    "growth_to_edition": growth.last.edition.number if growth else None,
                    "growth_approximate": growth.is_approximate if growth and growth.growth else None,
                    "growth_reason": (growth.reason or None) if growth else None,
                }
            )
    return rows


def export_response(comparison: Comparison, file_format: str, filename: str) -> HttpResponse:
    rows = [list(row.values()) for row in comparison_rows(comparison)]
    return download(file_format, COLUMNS, rows, filename=f"{filename}.{file_format}", title=_("Comparison"))

"""What the preview shows of each sheet: its counts and its first rows, amounts written as every page writes them.

Built inside the workbook's transaction, while the rows exist; what it holds is text, so it outlives the
rollback.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from core.formatting import format_yuan
from core.import_widgets import AmountWidget
from core.imports import ROWS_SHOWN
from editions.models import ReportedFigure


@dataclass
class SheetPreview:
    name: str
    title: str
    new: int
    changed: int
    unchanged: int
    examples: int
    headers: list[str] = field(default_factory=list)
    rows: list[tuple[str, list[str]]] = field(default_factory=list)  # (new | update | skip, cells)

    @property
    def shown_note(self) -> str:
        total = self.new + self.changed + self.unchanged
        if total > len(self.rows):
            return _("The first %(shown)s of %(total)s rows are shown.") % {
                "shown": f"{len(self.rows):,}",
                "total": f"{total:,}",
            }
        return ""


def _cell(resource, field_, instance) -> str:
    value = getattr(instance, field_.attribute, None) if field_.attribute else None
    if isinstance(field_.widget, AmountWidget) and isinstance(value, Decimal):
        if isinstance(instance, ReportedFigure):
            return instance.display_value  # "84.475 billion yuan", "over 20,000": in the metric's unit
        return format_yuan(value)
    exported = resource.export_field(field_, instance)
    return "" if exported is None else str(exported)


def sheet_preview(prepared, result, resource) -> SheetPreview:
    totals = result.totals
    import_fields = resource.get_import_fields()
    rows = []
    for row in result.valid_rows():
        if len(rows) >= ROWS_SHOWN:
            break
        if row.instance is None:  # an empty line of the sheet, or an example row set aside
            continue
        rows.append((row.import_type, [_cell(resource, field_, row.instance) for field_ in import_fields]))
    return SheetPreview(
        name=prepared.sheet.name,
        title=str(prepared.sheet.title),
        new=totals["new"],
        changed=totals["update"],
        unchanged=max(totals["skip"] - prepared.blanks, 0),
        examples=prepared.examples,
        headers=[field_.column_name for field_ in import_fields],
        rows=rows,
    )

"""The cells and rows of a comparison over editions, the gaps between them, and their changes.

Every change between two cells goes through the comparability rule (editions.comparability): a change is
shown only between like and like, marked ≈ when approximate, and otherwise left out with the reason. A
change across editions the portal does not have names both ends and the editions missing between them.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.formatting import format_ordinal, format_quantity
from core.vocabulary import Qualifier, Stage, Unit
from editions.citations import Citation
from editions.comparability import LIKE_FOR_LIKE, Measure, Verdict, compare, measure_of
from editions.models import Edition, ReportedFigure
from portal.comparison.growth import (
    PERCENT,
    AnnualGrowth,
    Change,
    Quantity,
    change_between,
    compound_annual_growth,
    format_absolute_change,
    format_change_percent,
    format_growth,
    format_percent,
    format_years,
)

UNIT_LABELS = {**{unit.value: unit.label for unit in Unit}, PERCENT: gettext_lazy("per cent")}


def edition_label(edition: Edition) -> str:
    return _("%(ordinal)s (%(year)s)") % {"ordinal": edition.ordinal, "year": edition.year}


@dataclass(frozen=True)
class Gap:
    """Editions between two published ones that the portal does not have."""

    numbers: list[int]

    @property
    def label(self) -> str:
        """'9th–11th' or '9th'."""
        first, last = format_ordinal(self.numbers[0]), format_ordinal(self.numbers[-1])
        return first if len(self.numbers) == 1 else _("%(first)s–%(last)s") % {"first": first, "last": last}

    @property
    def text(self) -> str:
        """'the 9th–11th are not in the portal'."""
        return ngettext(
            "the %(editions)s is not in the portal", "the %(editions)s are not in the portal", len(self.numbers)
        ) % {"editions": self.label}


def gaps_between(editions: list[Edition], published: set[int]) -> dict[int, Gap]:
    """{edition id: the gap just before it} for each edition that follows numbers missing from the portal.

    `published` are the numbers of every published edition: one skipped by a comparison (the 13th between
    the 12th and the 14th side by side) is not a gap.
    """
    gaps = {}
    for previous, edition in zip(editions, editions[1:], strict=False):
        missing = [number for number in range(previous.number + 1, edition.number) if number not in published]
        if missing:
            gaps[edition.pk] = Gap(missing)
    return gaps


@dataclass
class Cell:
    edition: Edition
    quantity: Quantity | None
    unit: str
    stage: str = Stage.CLOSING
    figure: ReportedFigure | None = None  # the published figure behind the cell, if any
    measure: Measure | None = None  # what the comparability rule compares
    citations: list[Citation] = field(default_factory=list)
    link: str = ""
    count: int | None = None  # projects behind a sector's value
    significant: int | None = None  # digits a computed amount (an average) is rounded to; None: exact
    # Filled in by with_changes, against the previous cell of the row:
    previous: "Cell | None" = None
    change: Change | None = None
    verdict: Verdict | None = None
    years: int | None = None
    gap: Gap | None = None  # editions missing from the portal between the previous cell and this one

    @property
    def text(self) -> str:
        if self.quantity is None:
            return "—"
        if self.unit == PERCENT:
            return format_percent(self.quantity.value)
        return format_quantity(self.quantity.value, self.unit, self.quantity.qualifier, significant=self.significant)

    @property
    def stage_label(self) -> str:
        """The stage's name when the figure is not a closing one ('' otherwise)."""
        return "" if self.quantity is None or self.stage == Stage.CLOSING else str(Stage(self.stage).label)

    @property
    def wording(self) -> str:
        """The words the source used for the figure (else its basis), in the reader's language."""
        return self.figure.wording if self.figure is not None else ""

    @property
    def wording_original(self) -> str:
        return self.figure.wording_original if self.figure is not None else ""

    @property
    def definition(self) -> str:
        """What this edition's figure counts where it differs from the metric's definition."""
        return self.figure.definition if self.figure is not None else ""

    @property
    def change_text(self) -> str:
        return format_absolute_change(self.change, self.unit, significant=self.significant) if self.change else "—"

    @property
    def change_percent_text(self) -> str:
        return format_change_percent(self.change, self.unit) if self.change else "—"

    @property
    def reason(self) -> str:
        """Why there is no change, or why it is ≈; empty for an exact like-for-like change."""
        if self.verdict is not None:
            return self.verdict.reason
        if self.previous is not None and (self.quantity is None) != (self.previous.quantity is None):
            return _("no change shown: one of the two figures is missing")
        return ""

    @property
    def comparable(self) -> bool:
        return self.change is not None

    @property
    def span_text(self) -> str:
        """'in 2 years', or across a gap '8th (2012) → 12th (2019), 7 years; the 9th–11th are not in the portal'."""
        if self.years is None:
            return ""
        if self.gap is None:
            return _("in %(years)s") % {"years": format_years(self.years)}
        return _("%(first)s → %(last)s, %(years)s; %(gap)s") % {
            "first": edition_label(self.previous.edition),
            "last": edition_label(self.edition),
            "years": format_years(self.years),
            "gap": self.gap.text,
        }


@dataclass
class Growth:
    """Growth a year over a row's own span: from its first figure to its last, each named."""

    growth: AnnualGrowth | None
    first: Cell | None
    last: Cell | None
    reason: str = ""

    @property
    def text(self) -> str:
        return format_growth(self.growth)

    @property
    def span(self) -> str:
        """'12th (2019) → 14th (2023)': the editions this row's growth runs between."""
        if self.first is None or self.last is None:
            return ""
        return _("%(first)s → %(last)s") % {
            "first": edition_label(self.first.edition),
            "last": edition_label(self.last.edition),
        }

    @property
    def is_approximate(self) -> bool:
        return bool(self.growth and self.growth.is_approximate)


@dataclass
class Row:
    code: str
    label: str
    unit: str
    kind: str  # "reported", "basis", "recorded", "sector" or "band"
    cells: list[Cell]
    key: object = None  # the metric's or sector's id, the basis code or the band's slug
    definition: str = ""  # what the metric counts, for every edition
    note: str = ""  # why the row is there (a basis row names the metrics it takes figures from)
    growth: Growth | None = None
    is_main: bool = False  # a main metric's row, which pages show before the others

    @property
    def unit_label(self) -> str:
        return UNIT_LABELS.get(self.unit, self.unit)

    @property
    def growth_text(self) -> str:
        return self.growth.text if self.growth else "—"

    @property
    def metrics(self) -> set[str]:
        return {cell.measure.metric for cell in self.cells if cell.measure is not None}


def _measure(cell: Cell, code: str) -> Measure | None:
    if cell.quantity is None:
        return None
    if cell.measure is not None:
        return cell.measure
    # A figure computed here from recorded projects: exact, and like for like with itself.
    return Measure(metric=code, unit=cell.unit, value=cell.quantity.value, qualifier=cell.quantity.qualifier)


def verdict_between(first: Cell, second: Cell, code: str) -> Verdict | None:
    """The comparability rule's verdict on two cells of a row; None when either figure is missing."""
    first_measure, second_measure = _measure(first, code), _measure(second, code)
    if first_measure is None or second_measure is None:
        return None
    verdict = compare(first_measure, second_measure)
    if first.unit == PERCENT and verdict.is_exact:
        return LIKE_FOR_LIKE
    return verdict


def with_changes(row: Row, gaps: dict[int, Gap] | None = None) -> Row:
    """Each cell's change against the previous cell (by the comparability rule), and the row's growth a year."""
    gaps = gaps or {}
    for previous, cell in zip(row.cells, row.cells[1:], strict=False):
        cell.previous = previous
        cell.years = cell.edition.year - previous.edition.year
        cell.gap = gaps.get(cell.edition.pk)
        cell.verdict = verdict_between(previous, cell, row.code)
        if cell.verdict is not None and cell.verdict.comparable:
            cell.change = change_between(
                previous.quantity, cell.quantity, years=cell.years, approximate=cell.verdict.approximate
            )
    row.growth = _growth(row)
    return row


def _growth(row: Row) -> Growth | None:
    if row.unit == PERCENT:
        return None
    present = [cell for cell in row.cells if cell.quantity is not None]
    if len(present) < 2 or present[-1].edition.year == present[0].edition.year:
        return None
    first, last = present[0], present[-1]
    verdict = verdict_between(first, last, row.code)
    if verdict is None or not verdict.comparable:
        return Growth(None, first, last, verdict.reason if verdict else "")
    growth = compound_annual_growth(
        first.quantity, last.quantity, years=last.edition.year - first.edition.year, approximate=verdict.approximate
    )
    return Growth(growth, first, last, verdict.reason)


def reported_cell(edition: Edition, figure: ReportedFigure | None, citations) -> Cell:
    """A published figure's cell: its value and qualifier, stage, what it measures and its numbered sources."""
    if figure is None:
        return Cell(edition, None, "")
    return Cell(
        edition,
        Quantity(figure.value, figure.qualifier or Qualifier.EXACT),
        figure.metric.unit,
        stage=figure.stage,
        figure=figure,
        measure=measure_of(figure),
        citations=citations.cite_all(figure.ordered_sources()),
    )

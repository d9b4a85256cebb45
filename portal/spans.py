"""The public view of figures for several editions: each published statement beside its reconciliation.

Only published spans (SpanFigure.objects.published()) and published editions' figures reach these pages and
downloads. A span is never shown as one edition's figure: pages list it with its editions ("1st–14th editions").
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from core.vocabulary import Unit
from editions.citations import Citation, Citations
from editions.models import Edition, Source
from editions.span_reconciliation import Reconciliation, Verdict, bracketed, reconcile
from editions.spans import SpanFigure


@dataclass
class SpanRow:
    result: Reconciliation
    citations: list[Citation] = field(default_factory=list)
    note: str = ""

    @property
    def span(self) -> SpanFigure:
        return self.result.span


@dataclass
class SpanSection:
    slug: str
    title: str
    rows: list[SpanRow]


SECTIONS = [
    ("cumulative", gettext_lazy("Cumulative totals")),
    ("rates", gettext_lazy("Follow-through rates")),
    ("regions", gettext_lazy("One city or prefecture")),
]


def _section_of(span: SpanFigure) -> str:
    if span.region_en:
        return "regions"
    return "rates" if span.metric.unit == Unit.PERCENT else "cumulative"


def published_reconciliations() -> list[Reconciliation]:
    """Every published span, reconciled; two queries for the spans and their sources, one for the editions' figures."""
    return reconcile(list(SpanFigure.objects.published().for_display()))


def spans_page(citations: Citations) -> list[SpanSection]:
    """The page's sections, each span with its numbered sources and its note."""
    results = published_reconciliations()
    citations.know(result.span.public_note for result in results)
    by_section: dict[str, list[SpanRow]] = {slug: [] for slug, _title in SECTIONS}
    for result in results:
        row = SpanRow(
            result, citations.cite_all(result.span.ordered_sources()), citations.note(result.span.public_note)
        )
        by_section[_section_of(result.span)].append(row)
    return [SpanSection(slug, str(title), by_section[slug]) for slug, title in SECTIONS if by_section[slug]]


@dataclass
class RegionalReport:
    """One city's figures at the same editions and date, told in one sentence."""

    spans: list[SpanFigure]

    @property
    def sentence(self) -> str:
        first = self.spans[0]
        figures = pgettext("list separator", "; ").join(
            _("%(metric)s %(value)s") % {"metric": span.metric.name, "value": span.display_value}
            + (bracketed(span.wording) if span.basis else "")
            for span in self.spans
        )
        return _("Reported for one city: %(region)s, %(editions)s: %(figures)s, as of %(date)s.") % {
            "region": first.region,
            "editions": first.editions_label,
            "figures": figures,
            "date": first.display_as_of,
        }

    @property
    def sources(self) -> list[Source]:
        return list(dict.fromkeys(source for span in self.spans for source in span.ordered_sources()))


@dataclass
class EditionSpans:
    statements: list[Reconciliation]  # for the whole expo
    regional: list[RegionalReport]

    def __bool__(self) -> bool:
        return bool(self.statements or self.regional)


def spans_of_edition(edition: Edition) -> EditionSpans:
    """The published spans that include the edition, reconciled (a span whose last edition is a draft waits for
    it, so a draft's preview shows what the public will see)."""
    covering = [
        result
        for result in published_reconciliations()
        if result.span.first_edition <= edition.number <= result.span.last_edition
    ]
    regional: dict[tuple, list[SpanFigure]] = {}
    for result in covering:
        span = result.span
        if span.region_en:
            regional.setdefault((span.region_en, span.first_edition, span.last_edition, span.as_of), []).append(span)
    return EditionSpans(
        statements=[result for result in covering if not result.span.region_en],
        regional=[RegionalReport(spans) for spans in regional.values()],
    )


# -- downloads ------------------------------------------------------------------------------------------------

# The columns of the download, in order; stable names (not translated) for analysts and code.
COLUMNS = [
    "first_edition",
    "last_edition",
    "editions",
    "region",
    "metric",
    "metric_name",
    "unit",
    "value",  # as published, a plain number in base units
    "qualifier",
    "value_as_published",  # with its qualifier and unit, in the page's language
    "stage",
    "as_of",
    "as_of_precision",  # day, or year when the source gave only the year
    "basis",
    "wording",
    "sources",  # URLs, the one the value was taken from first
    "note",
    "verdict",  # matches, in_line, differs, approximate, partial, nothing, not_a_sum
    "editions_summed",  # edition numbers whose figures the sum adds
    "editions_missing",  # edition numbers of the span without a figure here (other bases included)
    "editions_other_basis",  # edition numbers whose figure has another basis, not summed
    "sum",
    "sum_exact",  # false when some figure added is hedged ("over")
    "difference",  # the statement less the sum, when every edition is summed
    "earlier_statement_sum",  # an earlier statement of the same start plus the editions between
    "earlier_statement_verdict",
    "reconciliation",  # the page's sentences
]


def _plain(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _numbers(numbers) -> str:
    return " ".join(str(number) for number in numbers)


def download_rows(results: list[Reconciliation]) -> list[list]:
    rows = []
    for result in results:
        span, summed = result.span, result.summed
        rows.append(
            [
                span.first_edition,
                span.last_edition,
                span.editions_label,
                span.region,
                span.metric.code,
                span.metric.name,
                span.metric.unit,
                _plain(span.value),
                span.qualifier,
                span.display_value,
                span.stage,
                span.as_of,
                span.as_of_precision,
                span.basis,
                span.wording,
                " ".join(source.url for source in span.ordered_sources()),
                span.public_note,
                result.verdict,
                _numbers(part.number for part in summed.parts if part.number) if summed else "",
                _numbers(result.missing) if result.verdict != Verdict.NOT_A_SUM else "",
                _numbers(figure.edition.number for figure in result.other_basis),
                _plain(summed.total) if summed else None,
                summed.exact if summed else None,
                _plain(result.difference),
                _plain(result.chain.total) if result.chain else None,
                result.chain_verdict,
                " ".join(result.sentences),
            ]
        )
    return rows


def download_title() -> str:
    return _("Figures for several editions")

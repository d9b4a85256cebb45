"""Published statements for several editions set against the sum of the portal's per-edition figures.

Only published editions' figures are summed, of the span's metric and basis, each edition's figure at the stage
pages prefer (closing first). An edition of the span without such a figure is named, and then the sum is not
called a mismatch: it covers only the editions the portal has. A cumulative statement can also be checked
against an earlier one: "2,822 before the 13th, + 111 = 2,933", stated as "over 2,900".

Rates (per cent) and one city's figures are not sums of editions: they are shown as stated, with their date.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.formatting import format_ordinal, format_quantity, is_chinese
from core.vocabulary import STAGE_PREFERENCE, Qualifier, Unit, basis_words
from editions.models import Edition, ReportedFigure
from editions.spans import SpanFigure

# How close a sum must come to a statement hedged "about" to be in line with it.
ABOUT_TOLERANCE = Decimal("0.05")
_STAGE_RANK = {stage.value: rank for rank, stage in enumerate(STAGE_PREFERENCE)}


class Verdict:
    MATCHES = "matches"  # an exact statement and an exact sum of every edition, equal
    IN_LINE = "in_line"  # a hedged statement ("over 2,900") that the sum of every edition satisfies
    DIFFERS = "differs"  # the sum of every edition does not give the statement
    APPROXIMATE = "approximate"  # every edition summed, but some of their figures are hedged themselves
    PARTIAL = "partial"  # some editions of the span have no figure here: no verdict
    NOTHING = "nothing"  # no edition of the span has a figure here
    NOT_A_SUM = "not_a_sum"  # a rate, or one region's figure


def bracketed(text: str) -> str:
    """' (13th edition)' / '（第十三届）': an aside in the reader's language's brackets."""
    return f"（{text}）" if is_chinese() else f" ({text})"


@dataclass
class Part:
    """One addend: an edition's figure, or an earlier statement for the start of the span."""

    label: str
    value: Decimal
    qualifier: str
    url: str = ""
    number: int | None = None  # the edition's, for an edition's figure

    def shown(self, unit: str) -> str:
        return format_quantity(self.value, unit, self.qualifier)


@dataclass
class Sum:
    parts: list[Part]
    unit: str

    @property
    def total(self) -> Decimal:
        return sum((part.value for part in self.parts), Decimal(0))

    @property
    def exact(self) -> bool:
        return all(part.qualifier == Qualifier.EXACT for part in self.parts)

    @property
    def shown(self) -> str:
        return format_quantity(self.total, self.unit, Qualifier.EXACT if self.exact else Qualifier.MORE_THAN)

    @property
    def equation(self) -> str:
        """'2,822 (1st–12th editions, stated) + 111 (13th edition) = 2,933'."""
        added = " + ".join(part.shown(self.unit) + bracketed(part.label) for part in self.parts)
        return f"{added} = {format_quantity(self.total, self.unit)}"


@dataclass
class Reconciliation:
    span: SpanFigure
    verdict: str
    summed: Sum | None = None
    missing: list[int] = field(default_factory=list)
    other_basis: list[ReportedFigure] = field(default_factory=list)
    chain: Sum | None = None
    chain_verdict: str = ""

    @property
    def difference(self) -> Decimal | None:
        """The statement less the sum, when every edition is summed."""
        if self.summed is None or self.missing:
            return None
        return self.span.value - self.summed.total

    @property
    def sentences(self) -> list[str]:
        return explain(self)


def _judge(value: Decimal, qualifier: str, total: Decimal, total_exact: bool) -> str:
    if not total_exact:
        return Verdict.APPROXIMATE
    if qualifier == Qualifier.EXACT:
        return Verdict.MATCHES if total == value else Verdict.DIFFERS
    if qualifier == Qualifier.MORE_THAN:
        return Verdict.IN_LINE if total > value else Verdict.DIFFERS
    if qualifier == Qualifier.AT_LEAST:
        return Verdict.IN_LINE if total >= value else Verdict.DIFFERS
    if qualifier == Qualifier.NEARLY:
        return Verdict.IN_LINE if value * (1 - ABOUT_TOLERANCE) <= total <= value else Verdict.DIFFERS
    return Verdict.IN_LINE if abs(total - value) <= value * ABOUT_TOLERANCE else Verdict.DIFFERS


def _is_summable(span: SpanFigure) -> bool:
    return span.metric.unit != Unit.PERCENT and not span.region_en


def _edition_figures(spans: list[SpanFigure]) -> dict[tuple[int, int], list[ReportedFigure]]:
    """Every published edition's figures of the spans' metrics, by (edition number, metric): one query."""
    summable = [span for span in spans if _is_summable(span)]
    if not summable:
        return {}
    first = min(span.first_edition for span in summable)
    last = max(span.last_edition for span in summable)
    figures = ReportedFigure.objects.filter(
        edition__in=Edition.objects.published().filter(number__gte=first, number__lte=last),
        metric__in={span.metric_id for span in summable},
    ).select_related("edition")
    found: dict[tuple[int, int], list[ReportedFigure]] = {}
    for figure in figures:
        found.setdefault((figure.edition.number, figure.metric_id), []).append(figure)
    for listed in found.values():
        listed.sort(key=lambda figure: _STAGE_RANK.get(figure.stage, len(_STAGE_RANK)))
    return found


def _edition_part(figure: ReportedFigure) -> Part:
    return Part(
        _("%(ordinal)s edition") % {"ordinal": figure.edition.ordinal},
        figure.value,
        figure.qualifier,
        figure.edition.get_absolute_url(),
        figure.edition.number,
    )


def _pick(span: SpanFigure, number: int, figures) -> tuple[ReportedFigure | None, ReportedFigure | None]:
    """(the figure summed, else a figure of another basis that is not) for one edition."""
    listed = figures.get((number, span.metric_id), [])
    same = next((figure for figure in listed if figure.basis == span.basis), None)
    return same, (None if same else next(iter(listed), None))


def reconcile(spans: list[SpanFigure]) -> list[Reconciliation]:
    """Each span set against the editions' figures and, where one exists, an earlier statement of the same start.

    Pass only published spans (SpanFigure.objects.published()): earlier statements are looked for among them.
    """
    figures = _edition_figures(spans)
    results = []
    for span in spans:
        if not _is_summable(span):
            results.append(Reconciliation(span, Verdict.NOT_A_SUM))
            continue
        parts, missing, other_basis = [], [], []
        for number in span.numbers:
            same, other = _pick(span, number, figures)
            if same is not None:
                parts.append(_edition_part(same))
            else:
                missing.append(number)
                if other is not None:
                    other_basis.append(other)
        summed = Sum(parts, span.metric.unit) if parts else None
        if summed is None:
            verdict = Verdict.NOTHING
        elif missing:
            verdict = Verdict.PARTIAL
        else:
            verdict = _judge(span.value, span.qualifier, summed.total, summed.exact)
        result = Reconciliation(span, verdict, summed, missing, other_basis)
        _chain(result, spans, figures)
        results.append(result)
    return results


def _chain(result: Reconciliation, spans: list[SpanFigure], figures) -> None:
    """An earlier statement of the same start, metric and basis plus every edition after it, exact ones first."""
    span = result.span
    candidates = []
    for earlier in spans:
        if earlier is span or not _is_summable(earlier):
            continue
        if (earlier.first_edition, earlier.metric_id, earlier.basis) != (
            span.first_edition,
            span.metric_id,
            span.basis,
        ):
            continue
        if not earlier.last_edition < span.last_edition:
            continue
        between = [_pick(span, number, figures)[0] for number in range(earlier.last_edition + 1, span.last_edition + 1)]
        if any(figure is None for figure in between):
            continue
        candidates.append((earlier.qualifier != Qualifier.EXACT, -earlier.last_edition, earlier, between))
    if not candidates:
        return
    earlier, between = min(candidates, key=lambda candidate: candidate[:2])[2:]
    stated = Part(_("%(editions)s, stated") % {"editions": earlier.editions_label}, earlier.value, earlier.qualifier)
    result.chain = Sum([stated, *(_edition_part(figure) for figure in between)], span.metric.unit)
    result.chain_verdict = _judge(span.value, span.qualifier, result.chain.total, result.chain.exact)


def numbers_label(numbers: list[int]) -> str:
    """'the 3rd, 5th and 7th–11th' / '第三届、第五届和第七届至第十一届': runs of editions written as ranges."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    words = [format_ordinal(run[0]) if len(run) == 1 else editions_range(run[0], run[-1]) for run in runs]
    if is_chinese():
        return words[0] if len(words) == 1 else "、".join(words[:-1]) + "和" + words[-1]
    listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return _("the %(editions)s") % {"editions": listed}


def editions_range(first: int, last: int) -> str:
    return ("%s至%s" if is_chinese() else "%s–%s") % (format_ordinal(first), format_ordinal(last))


_CHAIN_ENDINGS = {
    Verdict.MATCHES: lambda span: _("the statement reconciles exactly."),
    Verdict.IN_LINE: lambda span: _("in line with the statement, “%(statement)s”.") % {"statement": span.display_value},
    Verdict.APPROXIMATE: lambda span: _("approximately, as some of the figures added are hedged."),
    Verdict.DIFFERS: lambda span: (
        _("which does not give the statement, %(statement)s.") % {"statement": span.display_value}
    ),
}


def explain(result: Reconciliation) -> list[str]:
    """The plain sentences a page shows under a statement."""
    span, unit = result.span, result.span.metric.unit
    if result.verdict == Verdict.NOT_A_SUM:
        if span.region_en:
            return [_("Reported for one city or prefecture: %(region)s. Nothing is summed.") % {"region": span.region}]
        return [
            _("A rate for the editions together, as of %(date)s: not a sum of editions.") % {"date": span.display_as_of}
        ]
    sentences = []
    if result.verdict == Verdict.NOTHING:
        sentences.append(_("No edition of the span has a figure of this kind here, so nothing is summed."))
    elif result.verdict == Verdict.PARTIAL:
        sentences.append(
            capfirst(
                (
                    ngettext(
                        "%(missing)s has no figure of this basis here, so the sum, %(sum)s, covers %(count)s of "
                        "%(total)s editions.",
                        "%(missing)s have no figure of this basis here, so the sum, %(sum)s, covers %(count)s of "
                        "%(total)s editions.",
                        len(result.missing),
                    )
                    if result.other_basis
                    else ngettext(
                        "%(missing)s has no figure here, so the sum, %(sum)s, covers %(count)s of %(total)s editions.",
                        "%(missing)s have no figure here, so the sum, %(sum)s, covers %(count)s of %(total)s editions.",
                        len(result.missing),
                    )
                )
                % {
                    "missing": numbers_label(result.missing),
                    "sum": result.summed.shown,
                    "count": len(result.summed.parts),
                    "total": span.edition_count,
                }
            )
        )
    else:
        sentences.append(_summed_sentence(result))
    for figure in result.other_basis:
        sentences.append(
            _("The %(edition)s edition's figure, %(value)s, is %(basis)s, not %(span_basis)s: it is not summed.")
            % {
                "edition": figure.edition.ordinal,
                "value": format_quantity(figure.value, unit, figure.qualifier),
                "basis": basis_words(figure.basis, "zh" if is_chinese() else "en") or _("another basis"),
                "span_basis": basis_words(span.basis, "zh" if is_chinese() else "en") or _("another basis"),
            }
        )
    if result.chain is not None:
        sentences.append(
            _("From an earlier statement: %(equation)s, %(ending)s")
            % {"equation": result.chain.equation, "ending": _CHAIN_ENDINGS[result.chain_verdict](span)}
        )
    return sentences


def _summed_sentence(result: Reconciliation) -> str:
    span, unit = result.span, result.span.metric.unit
    shown = result.summed.shown
    if result.verdict == Verdict.MATCHES:
        return _("The editions' figures add up to %(sum)s: the statement reconciles exactly.") % {"sum": shown}
    if result.verdict == Verdict.IN_LINE:
        return _("The editions' figures add up to %(sum)s, in line with “%(statement)s”.") % {
            "sum": shown,
            "statement": span.display_value,
        }
    if result.verdict == Verdict.APPROXIMATE:
        return _("The editions' figures add up to %(sum)s; some of them are hedged, so the sum is approximate.") % {
            "sum": shown
        }
    difference = result.difference
    words = _("%(difference)s more than the sum") if difference > 0 else _("%(difference)s less than the sum")
    return _("The editions' figures add up to %(sum)s: the statement is %(gap)s, so it does not reconcile.") % {
        "sum": shown,
        "gap": words % {"difference": format_quantity(abs(difference), unit)},
    }

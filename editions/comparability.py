"""Whether two figures may be set side by side with a change between them: the one rule every page, chart,
table and download that compares editions follows.

`compare(first, second)` takes two `Measure`s (what a figure is: metric, unit, basis, definition,
qualifier, stage, value) and returns a `Verdict`: whether the change may be shown, whether it is
approximate (≈), and in words why not, or why ≈.

The rule, in order (the first that fails decides):

1. **The same thing measured.** Same unit, and the same metric or, for money, the same basis under
   another metric (the 13th's contract value and the 12th's signed value are both 合同引资额, contract
   investment). Otherwise: no change.
2. **The same basis.** Two money figures of different bases are not like for like, even under one
   metric (total investment including agreements against investment attracted): no change. A money
   figure whose basis is not recorded is not like for like with one whose basis is. Two figures whose
   sources both leave the basis unstated give a change marked ≈.
3. **The same definition.** A figure's own definition ("deputy-minister level and above only") or else its
   metric's. Two that differ: no change. Across metrics (one basis) only the figures' own definitions count:
   the basis is what both measure.
4. **Compatible qualifiers.** Exact against exact is exact. A hedge on either side (over, about, nearly,
   at least) makes the change approximate: it is a change between the published numbers, not between
   the true ones. A lower bound (over, at least) against an upper bound (nearly) gives no change at all:
   "over 20,000" against "nearly 25,000" leaves even the direction unknown.
5. **The same kind of stage.** Results (closing, retrospective) against results, or figures from before
   and during the expo (pre-event, opening) against each other. Across kinds the change is ≈, with the
   stages named ("≈: pre-event against closing").

Pure: no database, no request; the words come in the active language.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.vocabulary import STAGE_KINDS, Basis, Qualifier, Stage, Unit, basis_words

MONEY_UNITS = (Unit.YUAN, Unit.USD)
LOWER_BOUNDS = (Qualifier.MORE_THAN, Qualifier.AT_LEAST)
UPPER_BOUNDS = (Qualifier.NEARLY,)


@dataclass(frozen=True)
class Measure:
    """What the rule needs to know of a figure."""

    metric: str  # the metric's code
    unit: str
    value: Decimal
    qualifier: str = Qualifier.EXACT
    stage: str = Stage.CLOSING
    basis: str = ""  # empty: not a money figure, or a money figure whose basis is not recorded
    definition: str = ""  # the figure's own definition, where it counts differently from its metric's
    metric_definition: str = ""  # what every edition's figure of the metric counts

    @property
    def is_money(self) -> bool:
        return self.unit in MONEY_UNITS


@dataclass(frozen=True)
class Verdict:
    comparable: bool  # the change may be shown
    approximate: bool = False  # shown marked ≈
    reason: str = ""  # why no change, or why ≈; empty for an exact like-for-like change

    @property
    def is_exact(self) -> bool:
        return self.comparable and not self.approximate


LIKE_FOR_LIKE = Verdict(True)


def measure_of(figure, *, value: Decimal | None = None) -> Measure:
    """The Measure of a ReportedFigure (its metric loaded): its own definition, or else its metric's."""
    metric = figure.metric
    return Measure(
        metric=metric.code,
        unit=metric.unit,
        value=figure.value if value is None else value,
        qualifier=figure.qualifier or Qualifier.EXACT,
        stage=figure.stage,
        basis=figure.basis,
        definition=figure.definition,
        metric_definition=metric.definition,
    )


def _basis(measure: Measure) -> str:
    return basis_words(measure.basis, get_language() or "en")


def _counted(measure: Measure, across_metrics: bool) -> str:
    """What the figure counts: its own definition, or else (within one metric) the metric's."""
    return measure.definition if across_metrics else (measure.definition or measure.metric_definition)


def _definition(text: str) -> str:
    """A definition as a reason quotes it: 'enterprises and institutions exhibiting', not a sentence."""
    text = text.strip().rstrip(".")
    if text[1:2].islower():
        text = text[:1].lower() + text[1:]
    return text or _("counted without a stated definition")


def _same_text(first: str, second: str) -> bool:
    return " ".join(first.lower().split()) == " ".join(second.lower().split())


def _qualifier_label(code: str) -> str:
    return str(Qualifier(code or Qualifier.EXACT).label)


def compare(first: Measure, second: Measure) -> Verdict:
    """Whether the change from `first` to `second` may be shown, whether it is ≈, and why (see the module)."""
    if first.unit != second.unit:
        return Verdict(False, reason=_("not like for like: the figures are in different units"))
    same_basis = bool(first.basis) and first.basis == second.basis and first.basis != Basis.UNSPECIFIED
    if first.metric != second.metric and not same_basis:
        return Verdict(False, reason=_("not like for like: the figures measure different things"))
    if first.is_money and first.basis != second.basis:
        if not first.basis or not second.basis:
            recorded = first if first.basis else second
            return Verdict(
                False,
                reason=_("not like for like: %(basis)s, against an amount whose basis is not recorded")
                % {"basis": _basis(recorded)},
            )
        return Verdict(
            False,
            reason=_("not like for like: %(first)s, against %(second)s")
            % {"first": _basis(first), "second": _basis(second)},
        )
    across_metrics = first.metric != second.metric
    first_counts, second_counts = _counted(first, across_metrics), _counted(second, across_metrics)
    if not _same_text(first_counts, second_counts):
        return Verdict(
            False,
            reason=_("not like for like: %(first)s, against %(second)s")
            % {"first": _definition(first_counts), "second": _definition(second_counts)},
        )
    first_hedge, second_hedge = first.qualifier or Qualifier.EXACT, second.qualifier or Qualifier.EXACT
    if (first_hedge in LOWER_BOUNDS and second_hedge in UPPER_BOUNDS) or (
        first_hedge in UPPER_BOUNDS and second_hedge in LOWER_BOUNDS
    ):
        return Verdict(
            False,
            reason=_("no change shown: “%(first)s” against “%(second)s” leaves even its direction unknown")
            % {"first": _qualifier_label(first_hedge), "second": _qualifier_label(second_hedge)},
        )

    reasons = []
    if first.is_money and first.basis == Basis.UNSPECIFIED:
        reasons.append(_("neither source states what the amount measures"))
    if first_hedge != Qualifier.EXACT or second_hedge != Qualifier.EXACT:
        if first_hedge == second_hedge:
            reasons.append(_("both figures are hedged (%(qualifier)s)") % {"qualifier": _qualifier_label(first_hedge)})
        else:
            reasons.append(
                _("%(first)s against %(second)s")
                % {"first": _qualifier_label(first_hedge), "second": _qualifier_label(second_hedge)}
            )
    if STAGE_KINDS.get(first.stage) != STAGE_KINDS.get(second.stage):
        reasons.append(
            _("%(first)s against %(second)s") % {"first": Stage(first.stage).label, "second": Stage(second.stage).label}
        )
    if reasons:
        # "≈: exactly against over; pre-event against closing"
        return Verdict(True, approximate=True, reason=_("≈: %(reasons)s") % {"reasons": _("; ").join(reasons)})
    return LIKE_FOR_LIKE

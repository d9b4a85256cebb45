"""The sentences that open an edition's summary, built from its published figures.

The first says what was signed (the project count and value, qualifiers and basis kept); the second sets
them against the previous published edition through the comparison rows, so a change is given only
between like and like and otherwise both figures are given with the reason.
"""

from django.utils.translation import gettext as _

from core.formatting import is_chinese
from core.vocabulary import STAGE_KINDS, StageKind
from editions.models import Edition, ReportedFigure
from editions.reconciliation import PROJECT_COUNT_METRIC, PROJECT_VALUE_METRIC
from portal.comparison.rows import Gap, Row
from portal.comparison.selectors import compare_published_figures


def _is_result(figure: ReportedFigure | None) -> bool:
    return figure is not None and STAGE_KINDS.get(figure.stage) == StageKind.RESULTS


def _mid_sentence(label: str) -> str:
    """'projects signed' inside an English sentence; names that start with an acronym keep their capitals."""
    if is_chinese() or label[1:2].isupper():
        return label
    return label[:1].lower() + label[1:]


def _value_text(figure: ReportedFigure) -> str:
    if not figure.wording:
        return figure.display_value
    return _("%(value)s of %(wording)s") % {"value": figure.display_value, "wording": figure.wording}


def _signed(figures: list[ReportedFigure]) -> tuple[ReportedFigure | None, ReportedFigure | None]:
    """The edition's published project count and value, when they are results (not a plan before the opening)."""
    by_code = {figure.metric.code: figure for figure in figures}
    count, value = by_code.get(PROJECT_COUNT_METRIC), by_code.get(PROJECT_VALUE_METRIC)
    return (count if _is_result(count) else None), (value if _is_result(value) else None)


def signed_sentence(edition: Edition, figures: list[ReportedFigure]) -> str:
    """'99 projects worth 84.475 billion yuan of investment attracted were signed at the 14th edition (2023).'"""
    count, value = _signed(figures)
    names = {"ordinal": edition.ordinal, "year": edition.year}
    if count and value:
        return _("%(count)s projects worth %(value)s were signed at the %(ordinal)s edition (%(year)s).") % {
            **names,
            "count": count.display_value,
            "value": _value_text(value),
        }
    if count:
        return _("%(count)s projects were signed at the %(ordinal)s edition (%(year)s).") % {
            **names,
            "count": count.display_value,
        }
    if value:
        return _("Projects worth %(value)s were signed at the %(ordinal)s edition (%(year)s).") % {
            **names,
            "value": _value_text(value),
        }
    if figures and not any(_is_result(figure) for figure in figures):
        return (
            _(
                "The results of the %(ordinal)s edition (%(year)s) are not yet published: "
                "its figures below were reported before or during the expo."
            )
            % names
        )
    return ""


def _change_part(row: Row) -> str:
    previous, current = row.cells[0], row.cells[-1]
    if previous.quantity is None or current.quantity is None:
        return ""
    label = _mid_sentence(row.label)
    if current.change is not None:
        percent = current.change_percent_text
        if percent == "—":
            return _("%(metric)s %(change)s") % {"metric": label, "change": current.change_text}
        return _("%(metric)s %(change)s (%(percent)s)") % {
            "metric": label,
            "change": current.change_text,
            "percent": percent,
        }
    return _("%(metric)s %(previous)s, then %(current)s (%(reason)s)") % {
        "metric": label,
        "current": current.text,
        "previous": previous.text,
        "reason": current.reason,
    }


def comparison_sentence(edition: Edition, previous: Edition | None, published_numbers: set[int] | None = None) -> str:
    """'Compared with the 13th edition (2021): projects signed −12 (−10.8%); signed value …, not like for like: …'"""
    if previous is None:
        return ""
    # `published_numbers`: every published edition, when one may lie between the two (it is no gap then).
    published = published_numbers or {previous.number, edition.number}
    rows, basis_rows = compare_published_figures(editions=[previous, edition], published_numbers=published)
    by_code = {row.code: row for row in rows}
    parts = [_change_part(by_code[code]) for code in (PROJECT_COUNT_METRIC, PROJECT_VALUE_METRIC) if code in by_code]
    value = by_code.get(PROJECT_VALUE_METRIC)
    if value is None or value.cells[-1].change is None:
        # Money of one basis under another metric (the 12th's signed value, the 13th's contract value).
        parts += [_change_part(row) for row in basis_rows if row.cells[-1].change is not None]
    parts = [part for part in parts if part]
    if not parts:
        return ""
    changes = _("; ").join(parts)
    missing = [number for number in range(previous.number + 1, edition.number) if number not in published]
    if missing:
        return _("Compared with the %(edition)s (%(gap)s): %(changes)s.") % {
            "edition": previous,
            "gap": Gap(missing).text,
            "changes": changes,
        }
    return _("Compared with the %(edition)s: %(changes)s.") % {"edition": previous, "changes": changes}


def opening_sentences(edition: Edition, figures: list[ReportedFigure], previous: Edition | None) -> list[str]:
    """Two sentences at most: what was signed, then how that compares with the previous published edition."""
    sentences = [signed_sentence(edition, figures)]
    if any(_signed(figures)):
        sentences.append(comparison_sentence(edition, previous))
    return [sentence for sentence in sentences if sentence]
